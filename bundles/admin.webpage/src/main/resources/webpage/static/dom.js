// Building the page: elements are created one by one and data only ever enters as text (textContent,
// attribute values), never as markup, so nothing the device or a provider sends can become HTML.
import { t, has } from './i18n.js';

/**
 * el('button', { id: 'x', i18n: 'common.save', on: { click: fn } }, child, ...).
 * Attributes: i18n / i18nArgs (translated text), text (literal text), class, dataset, on (listeners),
 * placeholder / label / alt as i18n keys, any other key as a DOM attribute (false/null/undefined: left out).
 */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    switch (key) {
      case 'i18n':
        node.dataset.i18n = value;
        break;
      case 'i18nArgs':
        node.dataset.i18nArgs = JSON.stringify(value);
        break;
      case 'text':
        node.textContent = String(value);
        break;
      case 'class':
        node.className = value;
        break;
      case 'dataset':
        Object.assign(node.dataset, value);
        break;
      case 'on':
        for (const [type, fn] of Object.entries(value)) node.addEventListener(type, fn);
        break;
      case 'placeholder':
        node.dataset.i18nPlaceholder = value;
        node.placeholder = t(value);
        break;
      case 'label':
        node.dataset.i18nLabel = value;
        node.setAttribute('aria-label', t(value));
        break;
      case 'alt':
        node.dataset.i18nAlt = value;
        node.alt = t(value);
        break;
      default:
        if (value === true) node.setAttribute(key, '');
        else node.setAttribute(key, String(value));
    }
  }
  if (attrs.i18n) node.textContent = t(attrs.i18n, attrs.i18nArgs);
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(node, child);
    else node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
  }
}

/** Removes every child. */
export function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
  return node;
}

/** Sets a translated text (kept up to date by a language switch). */
export function setText(node, key, args) {
  node.dataset.i18n = key;
  if (args) node.dataset.i18nArgs = JSON.stringify(args);
  else delete node.dataset.i18nArgs;
  node.textContent = t(key, args);
}

/** Sets a literal text (data from the device), dropping any translation the node had. */
export function setLiteral(node, text) {
  delete node.dataset.i18n;
  delete node.dataset.i18nArgs;
  node.textContent = text === undefined || text === null ? '' : String(text);
}

/** A date and time (milliseconds since the epoch) in the page's language, or '' when absent. */
export function formatTime(ms, locale) {
  if (typeof ms !== 'number' || !(ms > 0)) return '';
  return new Date(ms).toLocaleString(locale);
}

/**
 * Shows the outcome of an action in a result element: kind 'ok', 'error' or 'busy' (data-outcome, for the
 * style and for tests). parts: strings or nodes.
 */
export function showResult(node, kind, ...parts) {
  clear(node);
  node.hidden = false;
  node.dataset.outcome = kind;
  append(node, parts);
}

/** Hides a result element. */
export function hideResult(node) {
  clear(node);
  node.hidden = true;
  delete node.dataset.outcome;
}

/** The administrator-facing text of an ApiError. */
export function errorText(error) {
  if (!error || error.status === undefined) return t('error.unexpected');
  if (error.status === 0) return t('error.network');
  if (error.status === 429) return t('error.tooMany', { seconds: error.retryAfter || '?' });
  if (error.status === 413) return t('error.tooLarge');
  if (error.body && error.body.message) return error.body.message;
  if (error.status === 404) return t('error.notFound');
  if (error.status === 403) return t('error.forbidden');
  return t('error.http', { status: error.status });
}

/** A mail failure (test, send, check): the code, its meaning and what to do, and the server's reply. */
export function failureNodes(code, message, serverReply) {
  const nodes = [];
  const known = code && has('failure.' + code);
  nodes.push(el('p', { class: 'failure-code', dataset: { code: code || '' } },
    el('strong', known ? { i18n: 'failure.' + code } : { text: code || t('error.unexpected') })));
  if (message) nodes.push(el('p', { class: 'failure-message', text: message }));
  if (serverReply) {
    nodes.push(el('p', { class: 'failure-reply-label', i18n: 'failure.serverReply' }));
    nodes.push(el('pre', { class: 'failure-reply', text: serverReply }));
  }
  if (code && has('advice.' + code)) {
    nodes.push(el('p', { class: 'failure-advice' }, el('span', { i18n: 'failure.whatToDo' }), ' ',
      el('span', { i18n: 'advice.' + code })));
  }
  return nodes;
}

// ---------------------------------------------------------------------------------------------------------
// The confirmation dialog (in the page, not window.confirm: it follows the page's language and style,
// and browser tests can press its buttons). Its elements are in index.html.

let pending = null;

/**
 * Asks for confirmation: resolves true when OK is pressed, false on Cancel or Escape.
 * messageKey/args: the question; detailKey: an optional second line.
 */
export function confirmDialog(titleKey, messageKey, args, detailKey) {
  const dialog = document.getElementById('confirm-dialog');
  const backdrop = document.getElementById('dialog-backdrop');
  const ok = document.getElementById('confirm-ok');
  const cancel = document.getElementById('confirm-cancel');
  const detail = document.getElementById('confirm-detail');
  if (pending) pending(false);
  setText(document.getElementById('confirm-title'), titleKey);
  setText(document.getElementById('confirm-message'), messageKey, args);
  if (detailKey) {
    setText(detail, detailKey);
    detail.hidden = false;
  } else {
    setLiteral(detail, '');
    detail.hidden = true;
  }
  const opener = document.activeElement;
  dialog.hidden = false;
  backdrop.hidden = false;
  ok.focus();
  return new Promise((resolve) => {
    const finish = (answer) => {
      pending = null;
      dialog.hidden = true;
      backdrop.hidden = true;
      ok.removeEventListener('click', onOk);
      cancel.removeEventListener('click', onCancel);
      dialog.removeEventListener('keydown', onKey);
      if (opener && typeof opener.focus === 'function') opener.focus();
      resolve(answer);
    };
    const onOk = () => finish(true);
    const onCancel = () => finish(false);
    // Escape cancels; Tab stays between the two buttons while the dialog is open (it is modal).
    const onKey = (event) => {
      if (event.key === 'Escape') {
        event.preventDefault();
        finish(false);
      } else if (event.key === 'Tab') {
        event.preventDefault();
        (document.activeElement === ok ? cancel : ok).focus();
      }
    };
    pending = finish;
    ok.addEventListener('click', onOk);
    cancel.addEventListener('click', onCancel);
    dialog.addEventListener('keydown', onKey);
  });
}
