// Language of the page: the tables are in strings.js; this chooses one and applies it.
import { IT, EN } from './strings.js';

const TABLES = { it: IT, en: EN };
const STORAGE_KEY = 'mfpoauth-lang';

let lang = chooseLanguage();

/** The administrator's switch wins; else the browser's first Italian or English preference; else English. */
function chooseLanguage() {
  let stored = null;
  try {
    stored = localStorage.getItem(STORAGE_KEY);
  } catch (e) {
    // Storage can be off (private mode, panel browser): the browser's languages decide.
  }
  if (stored && TABLES[stored]) return stored;
  const preferred = navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language || 'en'];
  for (const tag of preferred) {
    const primary = String(tag).toLowerCase().split('-')[0];
    if (TABLES[primary]) return primary;
  }
  return 'en';
}

export function getLang() {
  return lang;
}

/** The locale for dates and times. */
export function locale() {
  return lang === 'it' ? 'it-IT' : 'en-GB';
}

/** The text of key, with {name} replaced by args.name. A missing key shows itself, so it is noticed. */
export function t(key, args) {
  const text = TABLES[lang][key] ?? EN[key] ?? key;
  if (!args) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (args[name] !== undefined && args[name] !== null ? String(args[name]) : ''));
}

/** Whether a key exists (for keys built from codes sent by the API, such as a mail failure's advice). */
export function has(key) {
  return Object.prototype.hasOwnProperty.call(TABLES[lang], key);
}

/**
 * Puts the texts into every element under root marked with data-i18n (text), data-i18n-placeholder,
 * data-i18n-label (aria-label) or data-i18n-alt; data-i18n-args holds the {name} values as JSON.
 */
export function applyI18n(root) {
  const args = (node) => (node.dataset.i18nArgs ? JSON.parse(node.dataset.i18nArgs) : undefined);
  root.querySelectorAll('[data-i18n]').forEach((node) => { node.textContent = t(node.dataset.i18n, args(node)); });
  root.querySelectorAll('[data-i18n-placeholder]').forEach((node) => { node.placeholder = t(node.dataset.i18nPlaceholder); });
  root.querySelectorAll('[data-i18n-label]').forEach((node) => { node.setAttribute('aria-label', t(node.dataset.i18nLabel)); });
  root.querySelectorAll('[data-i18n-alt]').forEach((node) => { node.alt = t(node.dataset.i18nAlt); });
}

/** Switches the page's language in place (typed input stays) and remembers the choice. */
export function setLang(next) {
  if (!TABLES[next]) return;
  lang = next;
  try {
    localStorage.setItem(STORAGE_KEY, next);
  } catch (e) {
    // Not remembered; the switch still applies to this page.
  }
  document.documentElement.lang = next;
  applyI18n(document);
  window.dispatchEvent(new CustomEvent('mfp:langchange', { detail: next }));
}
