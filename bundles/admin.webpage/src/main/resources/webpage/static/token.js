// The "Token" panel of a setting page (SMTP, each POP setting): the state with the manual's words, and
// [Get Token] / [Delete], each confirmed with [OK], as the manual describes. Ids: token-<slot>-...
import { api, seg, applyStatus, subscribe, refreshStatus } from './api.js';
import { el, setText, setLiteral, formatTime, showResult, hideResult, errorText, confirmDialog } from './dom.js';
import { t, getLang, locale } from './i18n.js';

const STATES = ['NOT_RETRIEVED', 'AWAITING_AUTHORIZATION', 'RETRIEVED', 'INVALID'];

/**
 * slot: 'smtp' or 'pop-<id>'. setting: { usesOAuth(): bool, provider(): id, account(): text,
 * isDirty(): bool, save(): Promise<bool> } from the setting's form. Returns { node, destroy }.
 */
export function tokenPanel(slot, setting) {
  const id = (name) => 'token-' + slot + '-' + name;
  const dd = (name, extra = {}) => el('dd', { id: id(name), dataset: { test: 'token-' + name }, ...extra });

  const state = dd('state', { class: 'token-state', 'aria-live': 'polite' });
  const provider = dd('provider');
  const account = dd('account');
  const retrieved = dd('retrieved');
  const expires = dd('expires');
  const lastError = dd('error', { class: 'token-error' });

  const getButton = el('button', { type: 'button', id: id('get'), class: 'primary', dataset: { test: 'token-get' },
    i18n: 'token.get', on: { click: getToken } });
  const deleteButton = el('button', { type: 'button', id: id('delete'), class: 'danger', dataset: { test: 'token-delete' },
    i18n: 'token.delete', on: { click: deleteToken } });
  const oauthHint = el('p', { id: id('oauth-hint'), class: 'hint', i18n: 'token.needsOAuth', hidden: true });
  const message = el('div', { id: id('message'), class: 'result', role: 'status', hidden: true });

  // Device flow: the address and the code to enter there, as text, as a QR code, and a Copy button.
  const verificationLink = el('a', { id: id('verification-uri'), dataset: { test: 'token-verification-uri' },
    target: '_blank', rel: 'noopener noreferrer', class: 'address' });
  const userCode = el('output', { id: id('usercode'), class: 'usercode', dataset: { test: 'token-usercode' } });
  const copyButton = el('button', { type: 'button', id: id('copy'), dataset: { test: 'token-copy' },
    i18n: 'token.copy', on: { click: copyCode } });
  const copyResult = el('span', { id: id('copy-result'), class: 'hint', role: 'status' });
  const qr = el('img', { id: id('qr'), class: 'qr', dataset: { test: 'token-qr' }, alt: 'token.qrAlt', hidden: true });
  const device = el('div', { id: id('device'), class: 'device-flow', hidden: true },
    el('p', { i18n: 'token.deviceSteps' }),
    el('dl', {},
      el('dt', { i18n: 'token.address' }), el('dd', {}, verificationLink),
      el('dt', { i18n: 'token.userCode' }), el('dd', {}, userCode, ' ', copyButton, ' ', copyResult)),
    qr);

  // Browser flow (Google): open the sign-in page; from another computer, paste back where it ended.
  const browserLink = el('a', { id: id('browser-link'), class: 'button-link', dataset: { test: 'token-browser-link' },
    target: '_blank', rel: 'noopener noreferrer', i18n: 'token.openSignIn' });
  const redirectInput = el('input', { id: id('redirect-url'), type: 'url', dataset: { test: 'token-redirect-url' },
    autocomplete: 'off', spellcheck: 'false', placeholder: 'token.redirectPlaceholder' });
  const completeButton = el('button', { type: 'button', id: id('complete'), dataset: { test: 'token-complete' },
    i18n: 'token.complete', on: { click: complete } });
  const browser = el('div', { id: id('browser'), class: 'browser-flow', hidden: true },
    el('p', { i18n: 'token.browserSteps' }),
    el('p', {}, browserLink),
    el('label', { for: id('redirect-url'), i18n: 'token.redirectLabel' }),
    el('div', { class: 'inline' }, redirectInput, completeButton));

  const countdown = el('span', { id: id('countdown'), class: 'countdown', dataset: { test: 'token-countdown' } });
  const cancelButton = el('button', { type: 'button', id: id('cancel'), dataset: { test: 'token-cancel' },
    i18n: 'token.cancel', on: { click: cancel } });
  const authorization = el('div', { id: id('authorization'), class: 'authorization', hidden: true },
    device, browser,
    el('p', {}, el('span', { i18n: 'token.timeLeft' }), ' ', countdown),
    el('div', { class: 'buttons' }, cancelButton));

  const node = el('section', { id: 'token-' + slot, class: 'token-panel', dataset: { test: 'token-panel', slot },
    'aria-labelledby': id('title') },
    el('h3', { id: id('title'), i18n: 'token.title' }),
    el('dl', { class: 'token-facts' },
      el('dt', { i18n: 'token.state' }), state,
      el('dt', { i18n: 'token.provider' }), provider,
      el('dt', { i18n: 'token.account' }), account,
      el('dt', { i18n: 'token.retrievedAt' }), retrieved,
      el('dt', { i18n: 'token.expiresAt' }), expires,
      el('dt', { i18n: 'token.lastError' }), lastError),
    el('div', { class: 'buttons' }, getButton, deleteButton),
    oauthHint,
    authorization,
    message);

  let current = null;
  let timer = null;
  let qrFor = null;

  function render(status) {
    current = status;
    const code = STATES.includes(status.state) ? status.state : 'NOT_RETRIEVED';
    // The API carries the manual's label in both languages; our table is the fallback.
    const label = status.label && status.label[getLang()];
    if (label) setLiteral(state, label);
    else setText(state, 'state.' + code);
    state.dataset.state = code;
    node.dataset.state = code;
    setLiteral(provider, status.provider || '');
    if (status.provider && status.providerAvailable === false) {
      provider.appendChild(el('span', { class: 'hint', i18n: 'token.providerAway' }));
    }
    setLiteral(account, status.account || '');
    setLiteral(retrieved, formatTime(status.retrievedAt, locale()));
    setLiteral(expires, formatTime(status.expiresAt, locale()));
    const error = status.error;
    if (error && (error.code || error.message)) {
      setLiteral(lastError, [error.code, error.message].filter(Boolean).join(': '));
      lastError.dataset.code = error.code || '';
      if (error.transient || error.retryable) lastError.appendChild(el('span', { class: 'hint', i18n: 'token.willRetry' }));
    } else {
      setLiteral(lastError, '');
      delete lastError.dataset.code;
    }
    renderAuthorization(code === 'AWAITING_AUTHORIZATION' ? status.authorization : null);
    updateButtons();
  }

  function renderAuthorization(auth) {
    if (!auth) {
      authorization.hidden = true;
      stopTimer();
      qrFor = null;
      qr.hidden = true;
      qr.removeAttribute('src');
      return;
    }
    authorization.hidden = false;
    const isBrowser = !!auth.authorizationUrl;
    browser.hidden = !isBrowser;
    device.hidden = isBrowser;
    if (isBrowser) {
      setHref(browserLink, auth.authorizationUrl);
    } else {
      const address = auth.verificationUriComplete || auth.verificationUri || '';
      setLiteral(verificationLink, auth.verificationUri || address);
      setHref(verificationLink, address);
      setLiteral(userCode, auth.userCode || '');
      loadQr(address);
    }
    startTimer(auth.expiresAt);
  }

  // Only http(s) addresses become links: anything else (javascript:, data:) stays text.
  function setHref(link, address) {
    if (/^https?:\/\//i.test(address || '')) link.href = address;
    else link.removeAttribute('href');
  }

  // The QR code is fetched with the page's headers and shown as a data: URL (the CSP allows img-src data:).
  async function loadQr(address) {
    if (qrFor === address) return;
    qrFor = address;
    try {
      const svg = await api.get('/tokens/' + seg(slot) + '/qr.svg', { text: true });
      if (qrFor !== address) return;
      qr.src = 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(svg);
      qr.hidden = false;
    } catch (e) {
      qr.hidden = true; // 404: no device-flow authorization (any more)
    }
  }

  function startTimer(expiresAt) {
    stopTimer();
    const tick = () => {
      const left = Math.max(0, Math.round(((expiresAt || 0) - Date.now()) / 1000));
      countdown.dataset.seconds = String(left);
      if (!expiresAt) setLiteral(countdown, '');
      else if (left === 0) setText(countdown, 'token.expired');
      else setLiteral(countdown, Math.floor(left / 60) + ':' + String(left % 60).padStart(2, '0'));
    };
    tick();
    timer = setInterval(tick, 1000);
  }

  function stopTimer() {
    if (timer) clearInterval(timer);
    timer = null;
  }

  function updateButtons() {
    const awaiting = current && current.state === 'AWAITING_AUTHORIZATION';
    const oauth = setting.usesOAuth();
    getButton.disabled = awaiting || !oauth;
    oauthHint.hidden = oauth;
  }

  async function getToken() {
    hideResult(message);
    const dirty = setting.isDirty();
    const ok = await confirmDialog('token.get', 'token.confirmGet',
      { provider: setting.provider() || '?', account: setting.account() || '?' },
      dirty ? 'token.confirmGetSaves' : null);
    if (!ok) return;
    if (dirty && !(await setting.save())) return;
    await run('token.started', () => api.post('/tokens/' + seg(slot) + '/retrieval'));
  }

  async function deleteToken() {
    hideResult(message);
    const ok = await confirmDialog('token.delete', 'token.confirmDelete', { slot });
    if (!ok) return;
    await run('token.deleted', () => api.del('/tokens/' + seg(slot)));
  }

  async function cancel() {
    await run('token.cancelled', () => api.del('/tokens/' + seg(slot) + '/retrieval'));
  }

  async function complete() {
    const redirectUrl = redirectInput.value.trim();
    if (!redirectUrl) {
      showResult(message, 'error', el('span', { i18n: 'token.redirectMissing' }));
      redirectInput.focus();
      return;
    }
    const done = await run('token.completed', () => api.post('/tokens/' + seg(slot) + '/retrieval/complete', { redirectUrl }));
    if (done) redirectInput.value = '';
  }

  async function run(successKey, action) {
    showResult(message, 'busy', el('span', { i18n: 'common.working' }));
    try {
      const status = await action();
      if (status && status.slot) applyStatus(status);
      showResult(message, 'ok', el('span', { i18n: successKey }));
      return true;
    } catch (e) {
      if (e.status === 401) return false;
      showResult(message, 'error', el('span', { text: errorText(e) }));
      return false;
    }
  }

  async function copyCode() {
    const code = userCode.textContent;
    let copied = false;
    try {
      // The Clipboard API needs a secure context (HTTPS or localhost); the device is often reached over HTTP.
      if (navigator.clipboard && window.isSecureContext) {
        await navigator.clipboard.writeText(code);
        copied = true;
      }
    } catch (e) {
      copied = false;
    }
    if (!copied) copied = copyWithSelection(code);
    setText(copyResult, copied ? 'token.copied' : 'token.copyFailed');
  }

  // Until the first answer: no state shown rather than a guess.
  setText(state, 'common.loading');
  state.dataset.state = 'UNKNOWN';
  updateButtons();
  const unsubscribe = subscribe(slot, render);
  const onLang = () => current && render(current);
  window.addEventListener('mfp:langchange', onLang);
  refreshStatus(slot).catch((e) => {
    if (e.status !== 401) showResult(message, 'error', el('span', { text: errorText(e) }));
  });

  return {
    node,
    /** Called when the form's authentication method changes. */
    update: updateButtons,
    destroy() {
      unsubscribe();
      stopTimer();
      window.removeEventListener('mfp:langchange', onLang);
    },
  };
}

/** The pre-Clipboard-API way: select the text in a temporary field and copy. */
function copyWithSelection(text) {
  const field = el('textarea', { class: 'offscreen', readonly: true, 'aria-hidden': 'true' });
  field.value = text;
  document.body.appendChild(field);
  field.select();
  let ok = false;
  try {
    ok = document.execCommand('copy');
  } catch (e) {
    ok = false;
  }
  document.body.removeChild(field);
  return ok;
}

