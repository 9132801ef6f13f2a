// Providers: the list, a generic OIDC provider's settings (add, edit, delete), a bundled provider's own settings.
import { api, seg } from './api.js';
import { el, showResult, hideResult, errorText, confirmDialog } from './dom.js';
import { buildForm, buttons } from './forms.js';
import { typedScopes } from './changes.js';
import { t } from './i18n.js';

// The providers this firmware ships as bundles, with the settings each takes (README "Providers in the image").
const BUNDLED = {
  microsoft: [
    { name: 'tenant', label: 'provider.tenant', hint: 'provider.tenantHint' },
    { name: 'clientId', label: 'provider.clientId' },
    { name: 'authority', label: 'provider.authority', type: 'url', hint: 'provider.authorityHint' },
    { name: 'hosts', label: 'provider.hosts', type: 'list', hint: 'provider.hostsHint' },
  ],
  google: [
    { name: 'clientId', label: 'provider.clientId' },
    { name: 'clientSecret', label: 'provider.clientSecret', type: 'password', hint: 'provider.secretHint' },
  ],
};

function oidcFields(isNew) {
  return [
    isNew ? { name: 'id', label: 'provider.id', required: true, pattern: '[a-z0-9-]{1,32}', hint: 'provider.idHint', send: false } : null,
    { name: 'name', label: 'provider.name', required: true },
    { name: 'issuer', label: 'provider.issuer', type: 'url', required: true, hint: 'provider.issuerHint' },
    { name: 'clientId', label: 'provider.clientId', required: true },
    { name: 'clientSecret', label: 'provider.clientSecret', type: 'password', hint: 'provider.secretHint' },
    { name: 'scopes-smtp', label: 'provider.scopesSmtp', hint: 'provider.scopesHint', send: false },
    { name: 'scopes-pop3', label: 'provider.scopesPop3', hint: 'provider.scopesHint', send: false },
    { name: 'hosts', label: 'provider.hosts', type: 'list', hint: 'provider.hostsHint' },
  ].filter(Boolean);
}

/** Whether the page edits this provider as a generic (OIDC) one. */
function isGeneric(provider) {
  return provider.type === 'oidc' || (!BUNDLED[provider.id] && provider.configurable === true);
}

function flowKey(flow) {
  return flow === 'authorization_code' ? 'provider.flowBrowser' : 'provider.flowDevice';
}

export async function providersView(container) {
  const providers = await api.get('/providers');
  container.appendChild(el('h2', { i18n: 'providers.title' }));
  container.appendChild(el('p', { class: 'intro', i18n: 'providers.intro' }));
  const list = el('ul', { id: 'providers-list', class: 'items' });
  for (const p of providers) {
    list.appendChild(el('li', { dataset: { providerId: p.id, test: 'provider-item' } },
      el('a', { id: 'provider-edit-' + p.id, href: '#/providers/' + encodeURIComponent(p.id) }, el('strong', { text: p.name || p.id })),
      el('span', { class: 'item-detail', text: p.id }),
      (p.flows || []).slice(0, 1).map((f) => el('span', { class: 'item-detail', i18n: flowKey(f) })),
      el('span', { class: 'tag', i18n: isGeneric(p) ? 'provider.generic' : 'provider.bundled' }),
      p.hosts && p.hosts.length ? el('span', { class: 'item-detail hosts', text: p.hosts.join(', ') }) : null));
  }
  if (providers.length === 0) list.appendChild(el('li', { class: 'empty', i18n: 'providers.none' }));
  container.appendChild(list);
  container.appendChild(buttons(el('a', { id: 'provider-add', class: 'button-link primary', href: '#/provider-new', i18n: 'providers.add' })));
}

export async function providerView(container, id) {
  const isNew = !id;
  let provider = { id: '', configurable: true, type: 'oidc' };
  if (!isNew) {
    const providers = await api.get('/providers');
    provider = providers.find((p) => p.id === id);
    if (!provider) {
      container.appendChild(el('h2', { text: id }));
      container.appendChild(el('p', { id: 'provider-missing', class: 'field-error', i18n: 'provider.missing' }));
      return undefined;
    }
  }
  const generic = isNew || isGeneric(provider);
  const fields = generic ? oidcFields(isNew) : BUNDLED[provider.id];
  container.appendChild(el('h2', isNew ? { i18n: 'provider.newTitle' } : { text: provider.name || provider.id }));
  if (!isNew) {
    container.appendChild(el('p', { class: 'intro' },
      el('span', { i18n: generic ? 'provider.generic' : 'provider.bundled' }), ' · ',
      el('span', { i18n: flowKey((provider.flows || [])[0]) })));
  }
  if (!fields) {
    // A provider installed by a firmware update that the page has no form for: configured by its own file.
    container.appendChild(el('p', { id: 'provider-readonly', i18n: 'provider.readonly' }));
    return undefined;
  }
  // The list gives a configured provider's stored settings (never its secret): the form shows them.
  const scopes = provider.scopes || {};
  let shownScopes = { smtp: scopes.smtp || '', pop3: scopes.pop3 || '' };
  const form = buildForm('provider', fields, { ...provider, 'scopes-smtp': scopes.smtp, 'scopes-pop3': scopes.pop3 });
  const scopeValues = () => ({ smtp: form.input('scopes-smtp').value.trim(), pop3: form.input('scopes-pop3').value.trim() });
  const result = el('div', { id: 'provider-result', class: 'result', role: 'status', hidden: true });
  const save = el('button', { type: 'submit', id: 'provider-save', class: 'primary', i18n: 'common.save' });
  const row = buttons(save);
  if (!isNew && generic) {
    row.appendChild(el('button', { type: 'button', id: 'provider-delete', class: 'danger', i18n: 'provider.delete',
      on: { click: async () => {
        if (!(await confirmDialog('provider.delete', 'provider.confirmDelete', { name: provider.name || id }))) return;
        try {
          await api.del('/providers/' + seg(id));
          location.hash = '#/providers';
        } catch (e) {
          if (e.status !== 401) showResult(result, 'error', el('span', { text: errorText(e) }));
        }
      } } }));
  }
  form.form.appendChild(row);
  form.form.appendChild(result);
  form.form.addEventListener('submit', async () => {
    form.clearErrors();
    // Only what was changed: a PUT keeps every field left out, and a blank one would delete it.
    const values = form.getValues({ changedOnly: true });
    const target = isNew ? form.input('id').value.trim() : id;
    if (isNew && !/^[a-z0-9-]{1,32}$/.test(target)) {
      form.showError('id', t('provider.idHint'));
      return;
    }
    const scopes = generic ? typedScopes(scopeValues(), shownScopes) : null;
    const body = generic ? { type: 'oidc', ...values, ...(scopes ? { scopes } : {}) } : values;
    showResult(result, 'busy', el('span', { i18n: 'common.working' }));
    try {
      await api.put('/providers/' + seg(target), body);
      showResult(result, 'ok', el('span', { i18n: 'common.saved' }));
      if (form.input('clientSecret')) form.input('clientSecret').value = ''; // write-only: never shown back
      form.markSaved();
      if (generic) shownScopes = scopeValues();
      if (isNew) location.hash = '#/providers/' + encodeURIComponent(target);
    } catch (e) {
      if (e.status === 401) return;
      hideResult(result);
      if (e.status === 400) form.showError(e.field, e.body.message || errorText(e));
      else showResult(result, 'error', el('span', { text: errorText(e) }));
    }
  });
  container.appendChild(form.form);
  return undefined;
}
