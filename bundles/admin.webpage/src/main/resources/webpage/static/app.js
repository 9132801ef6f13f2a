// The administrator's web page: login, navigation along the manual's paths, and the views.
// Loaded as a module from index.html (no inline script: the Content-Security-Policy allows 'self' only).
import { api, setCsrfToken, setUnauthorizedHandler, startEvents, stopEvents, onConnectionChange } from './api.js';
import { el, clear, setText, setLiteral, showResult, hideResult, errorText } from './dom.js';
import { t, getLang, setLang, applyI18n } from './i18n.js';
import { smtpView, popListView, popView } from './settings.js';
import { providersView, providerView } from './providers.js';
import { firmwareView, passwordView } from './device.js';

// Hash routes: the page never reloads, and the browser's Back button works. path: the manual's path (i18n key).
const ROUTES = [
  { pattern: /^\/smtp$/, nav: 'smtp', path: 'path.smtp', view: (c) => smtpView(c) },
  { pattern: /^\/pop$/, nav: 'pop', path: 'path.pop', view: (c) => popListView(c) },
  { pattern: /^\/pop-new$/, nav: 'pop', path: 'path.pop', view: (c) => popView(c, null) },
  { pattern: /^\/pop\/(ifax)$/, nav: 'ifax', path: 'path.ifax', view: (c, id) => popView(c, id) },
  { pattern: /^\/pop\/([a-z0-9-]{1,32})$/, nav: 'pop', path: 'path.pop', view: (c, id) => popView(c, id) },
  { pattern: /^\/providers$/, nav: 'providers', path: 'path.providers', view: (c) => providersView(c) },
  { pattern: /^\/provider-new$/, nav: 'providers', path: 'path.providers', view: (c) => providerView(c, null) },
  { pattern: /^\/providers\/([^/]+)$/, nav: 'providers', path: 'path.providers', view: (c, id) => providerView(c, id) },
  { pattern: /^\/firmware$/, nav: 'firmware', path: 'path.firmware', view: (c) => firmwareView(c) },
  { pattern: /^\/password$/, nav: 'password', path: 'path.password', view: (c) => passwordView(c) },
];
const HOME = '#/smtp';

let session = null;
let cleanup = null;   // stops the current view's timers and subscriptions
let renderCount = 0;  // a slow view that finishes after the next navigation is thrown away

const $ = (id) => document.getElementById(id);

async function renderRoute() {
  if (!session) return;
  const hash = decodeURIComponent(location.hash.replace(/^#/, ''));
  let match = null;
  const route = ROUTES.find((r) => (match = r.pattern.exec(hash)));
  if (!route) {
    location.replace(HOME);
    return;
  }
  if (cleanup) cleanup();
  cleanup = null;
  const count = ++renderCount;
  const view = clear($('view'));
  view.setAttribute('aria-busy', 'true');
  view.dataset.route = route.nav;
  document.querySelectorAll('#nav a[data-nav]').forEach((a) => {
    if (a.dataset.nav === route.nav) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  });
  setText($('breadcrumb'), route.path);
  const container = el('div', { class: 'view-body' });
  view.appendChild(container);
  try {
    const stop = await route.view(container, ...match.slice(1));
    if (count !== renderCount) {
      if (stop) stop();
      return;
    }
    cleanup = stop || null;
  } catch (e) {
    if (e.status === 401 || count !== renderCount) return;
    container.appendChild(el('p', { id: 'view-error', class: 'field-error', role: 'alert', text: errorText(e) }));
  }
  view.removeAttribute('aria-busy');
  const heading = view.querySelector('h2');
  if (heading) {
    heading.tabIndex = -1;
    heading.focus({ preventScroll: true });
  }
}

function showLogin() {
  const wasIn = session !== null;
  session = null;
  setCsrfToken(null);
  stopEvents();
  if (cleanup) cleanup();
  cleanup = null;
  clear($('view'));
  $('app').hidden = true;
  $('login').hidden = false;
  $('login-password').value = '';
  if (wasIn) showResult($('login-error'), 'error', el('span', { i18n: 'login.expired' }));
  $('login-password').focus();
}

function loggedIn(answer) {
  session = answer;
  setCsrfToken(answer.csrfToken);
  hideResult($('login-error'));
  $('login').hidden = true;
  $('app').hidden = false;
  setLiteral($('user-name'), answer.user || 'admin');
  startEvents();
  if (!location.hash || location.hash === '#' || location.hash === '#/') location.replace(HOME);
  renderRoute();
}

async function login(event) {
  event.preventDefault();
  const button = $('login-submit');
  button.disabled = true;
  showResult($('login-error'), 'busy', el('span', { i18n: 'common.working' }));
  try {
    const answer = await api.post('/session', { user: $('login-user').value.trim(), password: $('login-password').value });
    loggedIn(answer);
  } catch (e) {
    const text = e.status === 401 ? t('login.failed') : errorText(e);
    showResult($('login-error'), 'error', el('span', { text }));
    $('login-password').select();
  } finally {
    button.disabled = false;
  }
}

async function logout() {
  try {
    await api.del('/session');
  } catch (e) {
    // Gone already: the login shows either way.
  }
  session = null;
  showLogin();
  hideResult($('login-error'));
}

function showLanguage() {
  for (const lang of ['it', 'en']) $('lang-' + lang).setAttribute('aria-pressed', String(getLang() === lang));
}

async function boot() {
  document.documentElement.lang = getLang();
  applyI18n(document);
  showLanguage();
  $('lang-it').addEventListener('click', () => { setLang('it'); showLanguage(); });
  $('lang-en').addEventListener('click', () => { setLang('en'); showLanguage(); });
  $('login-form').addEventListener('submit', login);
  $('logout').addEventListener('click', logout);
  window.addEventListener('hashchange', renderRoute);
  setUnauthorizedHandler(showLogin);
  onConnectionChange((state) => {
    const status = $('events-status');
    status.dataset.state = state;
    setText(status, 'events.' + state);
  });
  // A valid session cookie (page reloaded) skips the login.
  try {
    loggedIn(await api.get('/session'));
  } catch (e) {
    $('login').hidden = false;
    $('login-password').focus();
  }
}

boot();
