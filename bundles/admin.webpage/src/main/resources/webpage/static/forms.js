// Settings forms built from a list of fields: one label, input and error line per field, with ids
// "<prefix>-<field>" and "<prefix>-<field>-error" that browser tests and 400 answers ({"field"}) use.
import { el, setText, setLiteral } from './dom.js';
import { t } from './i18n.js';
import { changedEntries } from './changes.js';

/**
 * Field: { name, label (i18n key), type: 'text'|'number'|'email'|'password'|'select'|'checkbox'|'textarea'|'list',
 * options: [[value, i18nKey]] for selects, min, max, pattern, required, readonly, hint (i18n key),
 * group: shown only when showGroups() says so }. A 'list' is an array edited as comma-separated text.
 */
export function buildForm(prefix, fields, values = {}, options = {}) {
  const inputs = new Map();
  const rows = new Map();
  let dirty = false;
  // The body as the form was filled (or last saved): getValues({ changedOnly: true }) sends only what differs.
  let initial = {};
  const form = el('form', { id: prefix + '-form', class: 'settings', novalidate: true, autocomplete: 'off' });
  form.addEventListener('submit', (event) => event.preventDefault());
  const formError = el('p', { id: prefix + '-form-error', class: 'field-error', role: 'alert', hidden: true });

  for (const field of fields) {
    const id = prefix + '-' + field.name;
    const errorId = id + '-error';
    const input = createInput(field, id, errorId);
    const label = el('label', { for: id, i18n: field.label });
    const error = el('p', { id: errorId, class: 'field-error', role: 'alert', hidden: true });
    const hint = field.hint ? el('p', { id: id + '-hint', class: 'hint', i18n: field.hint }) : null;
    const row = field.type === 'checkbox'
      ? el('div', { class: 'row checkbox', dataset: { field: field.name } }, input, label, hint, error)
      : el('div', { class: 'row', dataset: { field: field.name } }, label, input, hint, error);
    if (field.after) row.appendChild(field.after);
    input.addEventListener('input', () => { dirty = true; clearError(field.name); });
    input.addEventListener('change', () => { dirty = true; });
    inputs.set(field.name, input);
    rows.set(field.name, row);
    form.appendChild(row);
  }
  form.appendChild(formError);

  function createInput(field, id, errorId) {
    const common = { id, name: field.name, 'aria-describedby': errorId + (field.hint ? ' ' + id + '-hint' : ''),
      required: field.required, readonly: field.readonly, dataset: { test: prefix + '-' + field.name } };
    if (field.type === 'select') {
      return el('select', common, (field.options || []).map(([value, key]) => el('option', { value, i18n: key })));
    }
    if (field.type === 'checkbox') return el('input', { ...common, type: 'checkbox' });
    if (field.type === 'textarea') return el('textarea', { ...common, rows: 5 });
    const type = field.type === 'list' ? 'text' : (field.type || 'text');
    return el('input', { ...common, type, min: field.min, max: field.max, pattern: field.pattern,
      inputmode: field.type === 'number' ? 'numeric' : undefined,
      // The browser must never offer a saved password here: this is a mail account's password.
      autocomplete: field.type === 'password' ? 'new-password' : 'off', spellcheck: 'false' });
  }

  /** Puts values into the form; passwords are never filled in (the API never returns them). */
  function setValues(next) {
    for (const field of fields) {
      const input = inputs.get(field.name);
      const value = next[field.name];
      if (field.type === 'password') input.value = '';
      else if (field.type === 'checkbox') input.checked = value === undefined ? !!field.defaultValue : !!value;
      else if (field.type === 'list') input.value = Array.isArray(value) ? value.join(', ') : (value || '');
      else if (field.type === 'select') setSelect(input, value ?? field.defaultValue ?? '');
      else input.value = value === undefined || value === null ? (field.defaultValue ?? '') : String(value);
    }
    dirty = false;
    initial = getValues();
  }

  /**
   * The body for PUT: numbers as numbers, an empty password left out (the stored one is kept). With
   * { changedOnly: true } only the fields changed since the form was filled or saved.
   */
  function getValues(options = {}) {
    const body = {};
    for (const field of fields) {
      if (field.send === false) continue;
      const input = inputs.get(field.name);
      if (field.type === 'checkbox') body[field.name] = input.checked;
      else if (field.type === 'number') body[field.name] = input.value.trim() === '' ? null : Number(input.value);
      else if (field.type === 'list') body[field.name] = input.value.split(/[\s,]+/).filter((s) => s);
      else if (field.type === 'password') {
        if (input.value !== '') body[field.name] = input.value;
      } else if (field.type === 'select') body[field.name] = input.value === '' ? null : input.value;
      else body[field.name] = input.value.trim();
    }
    return options.changedOnly ? changedEntries(body, initial) : body;
  }

  /** Shows message under the named field (a 400's {"field","message"}); an unknown field under the form. */
  function showError(fieldName, message) {
    // The API names nested fields with dots ("scopes.smtp"); the form's ids use dashes.
    const candidates = fieldName ? [fieldName, String(fieldName).replace(/\./g, '-'), String(fieldName).split('.').pop()] : [];
    const name = candidates.find((c) => inputs.has(c));
    if (name && inputs.has(name)) {
      const row = rows.get(name);
      row.hidden = false;
      const error = document.getElementById(prefix + '-' + name + '-error');
      setLiteral(error, message);
      error.hidden = false;
      inputs.get(name).setAttribute('aria-invalid', 'true');
      inputs.get(name).focus();
    } else {
      setLiteral(formError, (fieldName ? fieldName + ': ' : '') + message);
      formError.hidden = false;
    }
  }

  function clearError(name) {
    const error = document.getElementById(prefix + '-' + name + '-error');
    if (error) {
      setLiteral(error, '');
      error.hidden = true;
    }
    const input = inputs.get(name);
    if (input) input.removeAttribute('aria-invalid');
  }

  function clearErrors() {
    for (const name of inputs.keys()) clearError(name);
    setLiteral(formError, '');
    formError.hidden = true;
  }

  /** Shows the rows of the groups that apply (e.g. the OAuth 2.0 fields only for that method). */
  function showGroups(isShown) {
    for (const field of fields) {
      if (field.group) rows.get(field.name).hidden = !isShown(field.group, (name) => inputs.get(name));
    }
  }

  setValues(values);
  if (options.groups) {
    showGroups(options.groups);
    form.addEventListener('change', () => showGroups(options.groups));
  }

  return {
    form,
    input: (name) => inputs.get(name),
    row: (name) => rows.get(name),
    setValues,
    getValues,
    showError,
    clearErrors,
    isDirty: () => dirty,
    markDirty: () => { dirty = true; },
    // After a successful save: what is in the form now is what is stored.
    markSaved: () => { initial = getValues(); dirty = false; },
    refreshGroups: () => options.groups && showGroups(options.groups),
  };
}

/** Selects value; a value the list does not have (a provider that was removed) is added so it still shows. */
export function setSelect(select, value) {
  const wanted = value === null || value === undefined ? '' : String(value);
  if (![...select.options].some((option) => option.value === wanted)) {
    select.appendChild(el('option', { value: wanted, text: wanted }));
  }
  select.value = wanted;
}

/** Replaces a select's options with the providers, keeping the current choice. */
export function fillProviders(select, providers, current) {
  while (select.firstChild) select.removeChild(select.firstChild);
  select.appendChild(el('option', { value: '', i18n: 'provider.choose' }));
  for (const provider of providers) {
    select.appendChild(el('option', { value: provider.id, text: provider.name || provider.id }));
  }
  if (current && !providers.some((p) => p.id === current)) {
    select.appendChild(el('option', { value: current, i18n: 'provider.notInstalled', i18nArgs: { id: current } }));
  }
  select.value = current || '';
}

export function securityOptions() {
  return [['none', 'security.none'], ['starttls', 'security.starttls'], ['tls', 'security.tls']];
}

export function mechanismOptions() {
  return [['auto', 'mechanism.auto'], ['xoauth2', 'mechanism.xoauth2'], ['oauthbearer', 'mechanism.oauthbearer']];
}

/** A translated text node for a button row. */
export function buttons(...nodes) {
  return el('div', { class: 'buttons' }, nodes);
}

export { t, setText };
