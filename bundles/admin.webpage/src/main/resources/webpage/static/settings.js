// The setting pages of the manual: SMTP (Network settings > Services setup > SMTP) and the POP settings
// (Image send settings > Internet fax settings > Server settings), each with its token panel.
import { api, seg } from './api.js';
import { el, clear, formatTime, showResult, hideResult, errorText, failureNodes, confirmDialog } from './dom.js';
import { buildForm, fillProviders, securityOptions, mechanismOptions, buttons } from './forms.js';
import { tokenPanel } from './token.js';
import { t, locale } from './i18n.js';

const SMTP_FIELDS = [
  { name: 'server', label: 'smtp.server', required: true },
  { name: 'port', label: 'field.port', type: 'number', min: 1, max: 65535, defaultValue: 587 },
  { name: 'timeoutSeconds', label: 'smtp.timeout', type: 'number', min: 5, max: 300, defaultValue: 60, hint: 'smtp.timeoutHint' },
  { name: 'senderName', label: 'smtp.senderName' },
  { name: 'senderAddress', label: 'smtp.senderAddress', type: 'email' },
  { name: 'security', label: 'field.security', type: 'select', options: securityOptions(), defaultValue: 'starttls' },
  { name: 'authMethod', label: 'field.authMethod', type: 'select', defaultValue: 'none',
    options: [['none', 'auth.none'], ['password', 'auth.password'], ['oauth2', 'auth.oauth2']] },
  { name: 'username', label: 'field.username', group: 'password' },
  { name: 'password', label: 'field.password', type: 'password', group: 'password' },
  { name: 'provider', label: 'field.provider', type: 'select', group: 'oauth2' },
  { name: 'account', label: 'field.account', type: 'email', group: 'oauth2', hint: 'field.accountHint' },
  { name: 'oauthMechanism', label: 'field.mechanism', type: 'select', options: mechanismOptions(), group: 'oauth2', defaultValue: 'auto' },
];

function popFields(isNew) {
  return [
    { name: 'id', label: 'pop.id', required: true, readonly: !isNew, pattern: '[a-z0-9-]{1,32}', hint: 'pop.idHint' },
    { name: 'server', label: 'pop.server', required: true },
    { name: 'port', label: 'field.port', type: 'number', min: 1, max: 65535, defaultValue: 995 },
    { name: 'checkIntervalMinutes', label: 'pop.interval', type: 'number', min: 1, max: 1440, defaultValue: 5, hint: 'pop.intervalHint' },
    { name: 'timeoutSeconds', label: 'smtp.timeout', type: 'number', min: 5, max: 300, defaultValue: 60, hint: 'smtp.timeoutHint' },
    { name: 'security', label: 'field.security', type: 'select', options: securityOptions(), defaultValue: 'tls' },
    { name: 'authMethod', label: 'field.authMethod', type: 'select', defaultValue: 'oauth2',
      options: [['password', 'auth.password'], ['oauth2', 'auth.oauth2']] },
    { name: 'username', label: 'field.username', group: 'password' },
    { name: 'password', label: 'field.password', type: 'password', group: 'password' },
    { name: 'provider', label: 'field.provider', type: 'select', group: 'oauth2' },
    { name: 'account', label: 'field.account', type: 'email', group: 'oauth2', hint: 'field.accountHint' },
    { name: 'oauthMechanism', label: 'field.mechanism', type: 'select', options: mechanismOptions(), group: 'oauth2', defaultValue: 'auto' },
    { name: 'deleteAfterRetrieval', label: 'pop.deleteAfter', type: 'checkbox', defaultValue: true },
    { name: 'enabled', label: 'pop.enabled', type: 'checkbox', defaultValue: true },
  ];
}

/**
 * The part common to the SMTP and POP pages: the form with its provider list, the proposal of a provider for
 * the server name, Save (PUT), the connection test and the token panel.
 */
async function settingEditor(container, { prefix, fields, values, path, slot, onSaved }) {
  let providers = [];
  try {
    providers = await api.get('/providers');
  } catch (e) {
    if (e.status === 401) throw e;
    providers = []; // the form still works; the provider list shows the saved choice only
  }
  // The user name and password rows show for the password method, provider and account for OAuth 2.0.
  const editor = buildForm(prefix, fields, values, { groups: (group, input) => input('authMethod').value === group });
  fillProviders(editor.input('provider'), providers, values.provider);
  editor.refreshGroups();

  // "Stored" next to the password when one is kept: the field itself stays empty.
  const stored = el('p', { id: prefix + '-password-stored', class: 'hint', i18n: 'field.passwordStored',
    hidden: !values.passwordSet });
  editor.row('password').appendChild(stored);

  // Typing the server name proposes the provider that serves it (as mail clients do).
  const proposal = el('p', { id: prefix + '-provider-proposal', class: 'hint', role: 'status', hidden: true });
  editor.row('server').appendChild(proposal);
  let proposalTimer = null;
  const propose = async () => {
    const host = editor.input('server').value.trim();
    if (!host) {
      proposal.hidden = true;
      return;
    }
    try {
      const answer = await api.get('/providers/proposal?host=' + encodeURIComponent(host));
      if (host !== editor.input('server').value.trim()) return; // typed on meanwhile
      showProposal(answer && answer.provider);
    } catch (e) {
      proposal.hidden = true;
    }
  };
  function showProposal(id) {
    clear(proposal);
    if (!id) {
      proposal.hidden = true;
      return;
    }
    const select = editor.input('provider');
    const name = (providers.find((p) => p.id === id) || {}).name || id;
    proposal.dataset.provider = id;
    if (!select.value) {
      select.value = id;
      editor.markDirty();
      proposal.appendChild(el('span', { i18n: 'provider.proposedChosen', i18nArgs: { name } }));
    } else if (select.value !== id) {
      proposal.appendChild(el('span', { i18n: 'provider.proposed', i18nArgs: { name } }));
      proposal.appendChild(document.createTextNode(' '));
      proposal.appendChild(el('button', { type: 'button', id: prefix + '-provider-proposal-use', class: 'small',
        i18n: 'provider.useProposed', on: { click: () => { select.value = id; editor.markDirty(); proposal.hidden = true; } } }));
    } else {
      proposal.hidden = true;
      return;
    }
    proposal.hidden = false;
  }
  editor.input('server').addEventListener('input', () => {
    clearTimeout(proposalTimer);
    proposalTimer = setTimeout(propose, 600);
  });
  editor.input('server').addEventListener('change', () => {
    clearTimeout(proposalTimer);
    propose();
  });

  const saveResult = el('div', { id: prefix + '-save-result', class: 'result', role: 'status', hidden: true });
  const testResult = el('div', { id: prefix + '-test-result', class: 'result', role: 'status', hidden: true });
  const saveButton = el('button', { type: 'submit', id: prefix + '-save', class: 'primary', i18n: 'common.save' });
  const testButton = el('button', { type: 'button', id: prefix + '-test', i18n: 'settings.test', on: { click: test } });
  editor.form.appendChild(buttons(saveButton, testButton));
  editor.form.appendChild(saveResult);
  editor.form.appendChild(testResult);
  editor.form.addEventListener('submit', () => save());

  async function save() {
    editor.clearErrors();
    hideResult(testResult);
    showResult(saveResult, 'busy', el('span', { i18n: 'common.working' }));
    try {
      const saved = await api.put(path(editor.getValues()), editor.getValues());
      if (saved && typeof saved === 'object') {
        values = saved;
        editor.setValues(saved);
        fillProviders(editor.input('provider'), providers, saved.provider);
        editor.refreshGroups();
        stored.hidden = !saved.passwordSet;
      } else {
        const sent = editor.getValues();
        if (sent.password) stored.hidden = false;
        values = { ...values, ...sent };
        editor.setValues(values);
      }
      showResult(saveResult, 'ok', el('span', { i18n: 'common.saved' }));
      if (onSaved) onSaved(saved || editor.getValues());
      if (panel) panel.update();
      return true;
    } catch (e) {
      if (e.status === 401) return false;
      hideResult(saveResult);
      if (e.status === 400) editor.showError(e.field, e.body.message || errorText(e));
      else showResult(saveResult, 'error', el('span', { text: errorText(e) }));
      return false;
    }
  }

  // The connection test uses the saved settings: say so when the form holds changes.
  async function test() {
    showResult(testResult, 'busy', el('span', { i18n: 'settings.testing' }));
    try {
      const answer = await api.post(path(editor.getValues()) + '/test');
      const note = editor.isDirty() ? el('p', { class: 'hint', i18n: 'settings.testUsesSaved' }) : null;
      if (answer.ok) showResult(testResult, 'ok', el('p', { i18n: 'settings.testOk' }), note);
      else showResult(testResult, 'error', failureNodes(answer.code, answer.message, answer.serverReply), note);
    } catch (e) {
      if (e.status === 401) return;
      if (e.body && e.body.error && e.body.error !== 'not_found') {
        showResult(testResult, 'error', failureNodes(e.body.error, e.body.message, e.body.serverReply));
      } else showResult(testResult, 'error', el('span', { text: errorText(e) }));
    }
  }

  let panel = null;
  container.appendChild(editor.form);
  if (slot) {
    panel = tokenPanel(slot, {
      usesOAuth: () => editor.input('authMethod').value === 'oauth2',
      provider: () => {
        const select = editor.input('provider');
        return select.selectedOptions[0] && select.value ? select.selectedOptions[0].textContent : '';
      },
      account: () => editor.input('account').value.trim(),
      isDirty: () => editor.isDirty(),
      save,
    });
    editor.input('authMethod').addEventListener('change', () => panel.update());
    container.appendChild(panel.node);
  }
  return { editor, destroy: () => panel && panel.destroy() };
}

// ---------------------------------------------------------------------------------------------------------

export async function smtpView(container) {
  const values = await api.get('/settings/smtp');
  container.appendChild(el('h2', { i18n: 'smtp.title' }));
  container.appendChild(el('p', { class: 'intro', i18n: 'smtp.common' }));
  const editor = await settingEditor(container, {
    prefix: 'smtp', fields: SMTP_FIELDS, values, path: () => '/settings/smtp', slot: 'smtp',
  });
  container.appendChild(testMailForm());
  return editor.destroy;
}

/** "Send test mail": a message from the configured sender, showing its Message-ID or the mapped failure. */
function testMailForm() {
  const result = el('div', { id: 'mail-result', class: 'result', role: 'status', hidden: true });
  const fields = [
    { name: 'to', label: 'mail.to', type: 'list', required: true, hint: 'mail.toHint' },
    { name: 'subject', label: 'mail.subject' },
    { name: 'text', label: 'mail.text', type: 'textarea' },
  ];
  const mail = buildForm('mail', fields, { subject: t('mail.defaultSubject'), text: t('mail.defaultText') });
  const send = el('button', { type: 'submit', id: 'mail-send', class: 'primary', i18n: 'mail.send' });
  mail.form.appendChild(buttons(send));
  mail.form.appendChild(result);
  mail.form.addEventListener('submit', async () => {
    mail.clearErrors();
    const body = mail.getValues();
    if (body.to.length === 0) {
      mail.showError('to', t('mail.toMissing'));
      return;
    }
    send.disabled = true;
    showResult(result, 'busy', el('span', { i18n: 'mail.sending' }));
    try {
      const answer = await api.post('/mail', { to: body.to, subject: body.subject, text: body.text });
      showResult(result, 'ok', el('span', { i18n: 'mail.sent' }), ' ',
        el('code', { id: 'mail-message-id', text: (answer && answer.messageId) || '' }));
    } catch (e) {
      if (e.status === 401) return;
      if (e.status === 400) {
        hideResult(result);
        mail.showError(e.field, e.body.message || errorText(e));
      } else if (e.status === 502 || (e.code && !['bad_request', 'conflict', 'not_found', 'network'].includes(e.code))) {
        showResult(result, 'error', failureNodes(e.code, e.body.message, e.body.serverReply));
      } else showResult(result, 'error', el('span', { text: errorText(e) }));
    } finally {
      send.disabled = false;
    }
  });
  return el('section', { id: 'mail-section', class: 'card', 'aria-labelledby': 'mail-title' },
    el('h3', { id: 'mail-title', i18n: 'mail.title' }),
    mail.form);
}

// ---------------------------------------------------------------------------------------------------------

export async function popListView(container) {
  const [settings, tokens] = await Promise.all([
    api.get('/settings/pop'),
    api.get('/tokens').catch((e) => { if (e.status === 401) throw e; return []; }),
  ]);
  const stateOf = new Map((tokens || []).map((s) => [s.slot, s]));
  container.appendChild(el('h2', { i18n: 'pop.listTitle' }));
  container.appendChild(el('p', { class: 'intro', i18n: 'pop.independent' }));
  const list = el('ul', { id: 'pop-list', class: 'items' });
  for (const pop of settings) {
    const status = stateOf.get('pop-' + pop.id);
    list.appendChild(el('li', { dataset: { popId: pop.id, test: 'pop-item' } },
      el('a', { id: 'pop-edit-' + pop.id, href: '#/pop/' + encodeURIComponent(pop.id) },
        el('strong', { text: pop.id }), pop.id === 'ifax' ? el('span', { class: 'tag', i18n: 'pop.ifax' }) : null),
      el('span', { class: 'item-detail', text: [pop.server, pop.port].filter((v) => v !== undefined && v !== null && v !== '').join(':') }),
      el('span', { class: 'item-detail', i18n: 'auth.' + (pop.authMethod || 'password') }),
      pop.enabled === false ? el('span', { class: 'tag', i18n: 'pop.disabled' }) : null,
      status ? el('span', { class: 'tag token-tag', dataset: { state: status.state }, i18n: 'state.' + status.state }) : null));
  }
  if (settings.length === 0) list.appendChild(el('li', { class: 'empty', i18n: 'pop.none' }));
  container.appendChild(list);
  container.appendChild(buttons(
    el('a', { id: 'pop-add', class: 'button-link primary', href: '#/pop-new', i18n: 'pop.add' }),
    settings.some((p) => p.id === 'ifax') ? null
      : el('a', { id: 'pop-add-ifax', class: 'button-link', href: '#/pop/ifax', i18n: 'pop.addIfax' })));
}

export async function popView(container, id) {
  let values = null;
  if (id) {
    try {
      values = await api.get('/settings/pop/' + seg(id));
    } catch (e) {
      if (e.status !== 404) throw e;
    }
  }
  // An id that has no setting yet (the Internet Fax one the first time) opens an empty form with that id.
  const isNew = !values;
  values = values || { id: id || '' };
  container.appendChild(el('h2', id === 'ifax' ? { i18n: 'pop.ifaxTitle' }
    : isNew ? { i18n: 'pop.newTitle' } : { i18n: 'pop.title', i18nArgs: { id } }));
  if (isNew) container.appendChild(el('p', { class: 'intro', i18n: 'pop.newIntro' }));
  const editor = await settingEditor(container, {
    prefix: 'pop', fields: popFields(isNew), values,
    path: (body) => '/settings/pop/' + seg(body.id),
    slot: isNew ? null : 'pop-' + id,
    // A new setting becomes its own page (with its token panel) once it is saved.
    onSaved: (saved) => { if (isNew && saved.id) location.hash = '#/pop/' + encodeURIComponent(saved.id); },
  });
  if (!isNew) {
    const deleteResult = el('div', { id: 'pop-delete-result', class: 'result', role: 'status', hidden: true });
    const deleteButton = el('button', { type: 'button', id: 'pop-delete', class: 'danger', i18n: 'pop.delete',
      on: { click: async () => {
        if (!(await confirmDialog('pop.delete', 'pop.confirmDelete', { id }))) return;
        try {
          await api.del('/settings/pop/' + seg(id));
          location.hash = '#/pop';
        } catch (e) {
          if (e.status !== 401) showResult(deleteResult, 'error', el('span', { text: errorText(e) }));
        }
      } } });
    editor.editor.form.querySelector('.buttons').appendChild(deleteButton);
    editor.editor.form.appendChild(deleteResult);
    container.appendChild(mailboxSection(id));
  }
  return editor.destroy;
}

/** "Check now" and the messages received for one POP setting. */
function mailboxSection(id) {
  const pollResult = el('div', { id: 'pop-poll-result', class: 'result', role: 'status', hidden: true });
  const table = el('table', { id: 'pop-messages', class: 'messages' });
  const load = async () => {
    clear(table);
    table.appendChild(el('thead', {}, el('tr', {},
      el('th', { scope: 'col', i18n: 'messages.from' }), el('th', { scope: 'col', i18n: 'messages.subject' }),
      el('th', { scope: 'col', i18n: 'messages.receivedAt' }), el('th', { scope: 'col', i18n: 'messages.size' }))));
    const body = el('tbody');
    table.appendChild(body);
    try {
      const messages = await api.get('/pop/' + seg(id) + '/messages');
      for (const m of messages) {
        body.appendChild(el('tr', { dataset: { messageId: m.id || '' } },
          el('td', { dataset: { label: t('messages.from') }, text: m.from || '' }),
          el('td', { dataset: { label: t('messages.subject') }, text: m.subject || '' }),
          el('td', { dataset: { label: t('messages.receivedAt') }, text: formatTime(m.receivedAt, locale()) }),
          el('td', { dataset: { label: t('messages.size') }, text: formatSize(m.size) })));
      }
      if (messages.length === 0) body.appendChild(el('tr', {}, el('td', { colspan: 4, class: 'empty', i18n: 'messages.none' })));
    } catch (e) {
      if (e.status !== 401) body.appendChild(el('tr', {}, el('td', { colspan: 4, class: 'field-error', text: errorText(e) })));
    }
  };
  const poll = el('button', { type: 'button', id: 'pop-poll', class: 'primary', i18n: 'pop.checkNow', on: { click: async () => {
    poll.disabled = true;
    showResult(pollResult, 'busy', el('span', { i18n: 'pop.checking' }));
    try {
      const a = await api.post('/pop/' + seg(id) + '/poll');
      if (a.ok) {
        showResult(pollResult, 'ok', el('span', { i18n: 'pop.checked',
          i18nArgs: { onServer: a.onServer ?? 0, accepted: a.accepted ?? 0, refused: a.refused ?? 0, deleted: a.deleted ?? 0 } }));
      } else showResult(pollResult, 'error', failureNodes(a.code, a.message, a.serverReply));
      await load();
    } catch (e) {
      if (e.status !== 401) showResult(pollResult, 'error', el('span', { text: errorText(e) }));
    } finally {
      poll.disabled = false;
    }
  } } });
  const refresh = el('button', { type: 'button', id: 'pop-messages-refresh', i18n: 'messages.refresh', on: { click: load } });
  load();
  return el('section', { id: 'pop-mailbox', class: 'card', 'aria-labelledby': 'pop-mailbox-title' },
    el('h3', { id: 'pop-mailbox-title', i18n: 'messages.title' }),
    buttons(poll, refresh), pollResult,
    el('div', { class: 'table-wrap' }, table));
}

function formatSize(bytes) {
  if (typeof bytes !== 'number') return '';
  if (bytes < 1024) return bytes + ' B';
  if (bytes < 1024 * 1024) return (bytes / 1024).toFixed(1) + ' KB';
  return (bytes / 1024 / 1024).toFixed(1) + ' MB';
}

