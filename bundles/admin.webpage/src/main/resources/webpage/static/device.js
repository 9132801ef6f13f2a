// Firmware update (feature archives through the update agent) and the administrator's password.
import { api, request, seg } from './api.js';
import { el, clear, formatTime, showResult, hideResult, errorText, confirmDialog } from './dom.js';
import { buildForm, buttons } from './forms.js';
import { t, locale } from './i18n.js';

const MAX_ARCHIVE = 32 * 1024 * 1024; // the API's limit for a feature archive

/** The name DELETE /api/v1/features/{name} takes: the artifact of group:artifact:version, as `mfp:remove` does. */
function featureName(feature) {
  const parts = String(feature.id || '').split(':');
  return parts.length >= 2 ? parts[1] : String(feature.id || feature.name || '');
}

export async function firmwareView(container) {
  container.appendChild(el('h2', { i18n: 'firmware.title' }));
  container.appendChild(el('p', { class: 'intro', i18n: 'firmware.intro' }));

  const list = el('ul', { id: 'features-list', class: 'items' });
  const listResult = el('div', { id: 'features-result', class: 'result', role: 'status', hidden: true });
  async function load() {
    clear(list);
    const features = await api.get('/features');
    for (const f of features) {
      const name = featureName(f);
      list.appendChild(el('li', { dataset: { featureId: f.id || '', featureName: name, test: 'feature-item' } },
        el('strong', { text: f.name || name }),
        el('span', { class: 'item-detail', text: f.id || '' }),
        f.installedAt ? el('span', { class: 'item-detail', text: formatTime(f.installedAt, locale()) }) : null,
        f.bundles && f.bundles.length
          ? el('details', {}, el('summary', { i18n: 'firmware.bundles', i18nArgs: { count: f.bundles.length } }),
            el('ul', {}, f.bundles.map((b) => el('li', { text: [b.symbolicName, b.version, b.state].filter(Boolean).join(' ') }))))
          : null,
        el('button', { type: 'button', id: 'feature-remove-' + name, class: 'danger small', dataset: { test: 'feature-remove' },
          i18n: 'firmware.remove', on: { click: () => remove(f, name) } })));
    }
    if (features.length === 0) list.appendChild(el('li', { class: 'empty', i18n: 'firmware.none' }));
  }

  async function remove(feature, name) {
    if (!(await confirmDialog('firmware.remove', 'firmware.confirmRemove', { name: feature.name || name }))) return;
    showResult(listResult, 'busy', el('span', { i18n: 'common.working' }));
    try {
      await api.del('/features/' + seg(name));
      showResult(listResult, 'ok', el('span', { i18n: 'firmware.removed', i18nArgs: { name: feature.name || name } }));
      await load();
    } catch (e) {
      if (e.status !== 401) showResult(listResult, 'error', el('span', { text: errorText(e) }));
    }
  }

  const file = el('input', { type: 'file', id: 'feature-file', accept: '.zip,application/zip', 'aria-describedby': 'feature-file-hint' });
  const upload = el('button', { type: 'submit', id: 'feature-upload', class: 'primary', i18n: 'firmware.install' });
  const uploadResult = el('div', { id: 'feature-result', class: 'result', role: 'status', hidden: true });
  const form = el('form', { id: 'feature-form', class: 'settings', novalidate: true },
    el('div', { class: 'row' },
      el('label', { for: 'feature-file', i18n: 'firmware.file' }), file,
      el('p', { id: 'feature-file-hint', class: 'hint', i18n: 'firmware.fileHint' })),
    buttons(upload), uploadResult);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const archive = file.files && file.files[0];
    if (!archive) {
      showResult(uploadResult, 'error', el('span', { i18n: 'firmware.noFile' }));
      return;
    }
    if (archive.size > MAX_ARCHIVE) {
      showResult(uploadResult, 'error', el('span', { i18n: 'error.tooLarge' }));
      return;
    }
    upload.disabled = true;
    showResult(uploadResult, 'busy', el('span', { i18n: 'firmware.installing' }));
    try {
      // The archive goes as the body itself, as the API asks (not as a multipart form).
      const installed = await request('POST', '/features', { body: archive, contentType: 'application/zip' });
      showResult(uploadResult, 'ok', el('span', { i18n: 'firmware.installed',
        i18nArgs: { name: (installed && (installed.name || installed.id)) || archive.name, version: (installed && installed.version) || '' } }));
      file.value = '';
      await load();
    } catch (e) {
      if (e.status !== 401) {
        showResult(uploadResult, 'error', el('p', { i18n: 'firmware.refused' }), el('p', { class: 'failure-message', text: errorText(e) }));
      }
    } finally {
      upload.disabled = false;
    }
  });

  container.appendChild(el('section', { class: 'card', 'aria-labelledby': 'features-installed-title' },
    el('h3', { id: 'features-installed-title', i18n: 'firmware.installedTitle' }), list, listResult));
  container.appendChild(el('section', { class: 'card', 'aria-labelledby': 'features-upload-title' },
    el('h3', { id: 'features-upload-title', i18n: 'firmware.uploadTitle' }), form));
  await load();
}

export async function passwordView(container) {
  container.appendChild(el('h2', { i18n: 'password.title' }));
  const fields = [
    { name: 'current', label: 'password.current', type: 'password', required: true },
    { name: 'new', label: 'password.new', type: 'password', required: true, hint: 'password.rule' },
    { name: 'confirm', label: 'password.confirm', type: 'password', required: true },
  ];
  const form = buildForm('password', fields, {});
  // The user name, for password managers and screen readers: the form changes the password of "admin".
  form.form.prepend(el('input', { type: 'text', name: 'username', autocomplete: 'username', value: 'admin',
    readonly: true, hidden: true, 'aria-hidden': 'true', tabindex: -1 }));
  const result = el('div', { id: 'password-result', class: 'result', role: 'status', hidden: true });
  form.form.appendChild(buttons(el('button', { type: 'submit', id: 'password-save', class: 'primary', i18n: 'password.change' })));
  form.form.appendChild(result);
  form.form.addEventListener('submit', async () => {
    form.clearErrors();
    hideResult(result);
    const v = form.getValues();
    if (!v.current) return form.showError('current', t('password.missing'));
    if (!v.new || v.new.length < 8) return form.showError('new', t('password.rule'));
    if (v.new !== v.confirm) return form.showError('confirm', t('password.mismatch'));
    try {
      await request('PUT', '/admin/password', { json: { current: v.current, new: v.new }, quiet401: true });
      form.setValues({});
      showResult(result, 'ok', el('span', { i18n: 'password.changed' }));
    } catch (e) {
      if (e.status === 401) {
        // A wrong current password may be answered 401: only a lost session (checked here) shows the login.
        try {
          await api.get('/session');
        } catch (lost) {
          return;
        }
      }
      if (e.status === 400 || e.status === 401 || e.status === 403) form.showError(e.field || 'current', e.body.message || t('password.wrongCurrent'));
      else showResult(result, 'error', el('span', { text: errorText(e) }));
    }
  });
  container.appendChild(form.form);
}
