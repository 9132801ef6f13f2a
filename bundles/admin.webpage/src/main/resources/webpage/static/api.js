// The admin REST API (/api/v1, see the repository README) as the page uses it: session, CSRF token, errors,
// and the live token events. Nothing here touches the DOM.

const BASE = '/api/v1';

/** An answer that is not 2xx, or a request that never got one (status 0). */
export class ApiError extends Error {
  constructor(status, body, retryAfter) {
    super((body && body.message) || (body && body.error) || ('HTTP ' + status));
    this.status = status;
    this.body = body || {};
    // The API's own words: "bad_request", "csrf", "conflict", a mail failure code, ...
    this.code = this.body.error || null;
    this.field = this.body.field || null;
    this.retryAfter = retryAfter;
  }
}

// Kept in memory only: the cookie is HttpOnly and the CSRF token must not outlive the page.
let csrfToken = null;
let onUnauthorized = () => {};

/** Called with no arguments when any request answers 401: the page then shows the login again. */
export function setUnauthorizedHandler(handler) {
  onUnauthorized = handler;
}

export function setCsrfToken(token) {
  csrfToken = token;
}

/**
 * One request. Options: json (sent as JSON), body + contentType (sent as they are), text (answer read as text),
 * quiet401 (a 401 does not show the login).
 * Resolves with the parsed JSON answer, the text, or null for 204; rejects with ApiError.
 */
export async function request(method, path, options = {}) {
  return send(method, path, options, true);
}

async function send(method, path, options, mayRetryCsrf) {
  // X-MFP-Client tells the API the request comes from the page: a 401 then carries no
  // WWW-Authenticate: Basic, so the browser never pops up its own password dialog.
  const headers = { 'X-MFP-Client': 'web', 'Accept': options.text ? '*/*' : 'application/json' };
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) {
    headers['X-CSRF-Token'] = csrfToken;
  }
  let body;
  if (options.json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(options.json);
  } else if (options.body !== undefined) {
    headers['Content-Type'] = options.contentType || 'application/octet-stream';
    body = options.body;
  }
  let response;
  try {
    response = await fetch(BASE + path, {
      method, headers, body, credentials: 'same-origin', cache: 'no-store', redirect: 'error',
    });
  } catch (e) {
    // No answer at all: the device is unreachable or restarting.
    throw new ApiError(0, { error: 'network' });
  }
  if (response.ok) {
    if (response.status === 204) return null;
    if (options.text) return response.text();
    const type = response.headers.get('Content-Type') || '';
    return type.includes('json') ? response.json() : response.text();
  }
  const errorBody = await readErrorBody(response);
  // quiet401: a 401 that does not mean the session is gone (a wrong current password); the caller checks.
  if (response.status === 401 && path !== '/session' && !options.quiet401) {
    csrfToken = null;
    onUnauthorized();
  }
  // A CSRF token can go stale while the cookie is still good (the session was renewed in another tab):
  // fetch the current one and try once more, so the administrator does not lose what was typed.
  if (response.status === 403 && errorBody.error === 'csrf' && mayRetryCsrf) {
    const session = await send('GET', '/session', {}, false);
    csrfToken = session.csrfToken;
    return send(method, path, options, false);
  }
  const retryAfter = Number(response.headers.get('Retry-After')) || null;
  throw new ApiError(response.status, errorBody, retryAfter);
}

async function readErrorBody(response) {
  try {
    const text = await response.text();
    return text ? JSON.parse(text) : {};
  } catch (e) {
    return {};
  }
}

export const api = {
  get: (path, options) => request('GET', path, options),
  post: (path, json) => request('POST', path, json === undefined ? {} : { json }),
  put: (path, json) => request('PUT', path, { json }),
  del: (path) => request('DELETE', path),
};

/** Encodes one path segment (a POP id, a provider id, a feature name). */
export function seg(value) {
  return encodeURIComponent(String(value));
}

// ---------------------------------------------------------------------------------------------------------
// Token statuses, kept per slot and updated live from GET /api/v1/events.

const statuses = new Map();     // slot -> { status: the last TokenStatus shown, at: when it was taken }
const subscribers = new Map();  // slot -> Set of functions(status)
const connectionListeners = new Set();

// How long a held status can make an older one (lower revision) stale. Answers and events cross on the
// wire within moments; the revision counter starts again when the token service restarts, and a status
// from after such a restart must not be dropped for ever.
const STALE_WINDOW_MS = 5000;

/**
 * Takes a TokenStatus from any source (an answer or an event). A status older than the one held (lower
 * `revision` of the same slot, within STALE_WINDOW_MS) is dropped: events and answers can cross on the wire.
 */
export function applyStatus(status) {
  if (!status || !status.slot) return;
  const held = statuses.get(status.slot);
  if (held && typeof held.status.revision === 'number' && typeof status.revision === 'number'
      && status.revision < held.status.revision && Date.now() - held.at < STALE_WINDOW_MS) {
    return;
  }
  statuses.set(status.slot, { status, at: Date.now() });
  const set = subscribers.get(status.slot);
  if (set) set.forEach((fn) => fn(status));
}

/**
 * Calls fn(status) with the status held now (if any) and on every change of the slot; returns the function
 * that stops it. A page opened again shows at once what an earlier page learned (an answer that is older than
 * that would be dropped as stale and show nothing).
 */
export function subscribe(slot, fn) {
  if (!subscribers.has(slot)) subscribers.set(slot, new Set());
  subscribers.get(slot).add(fn);
  const held = statuses.get(slot);
  if (held) fn(held.status);
  return () => subscribers.get(slot).delete(fn);
}

/** Fetches the slot's status now (and shows it to every subscriber). */
export async function refreshStatus(slot) {
  const status = await api.get('/tokens/' + seg(slot));
  applyStatus(status);
  return status;
}

/** fn(state) with 'open' or 'connecting' whenever the event stream's connection changes. */
export function onConnectionChange(fn) {
  connectionListeners.add(fn);
}

let source = null;
let retryTimer = null;
let retryDelay = 1000;
let wanted = false;
let everOpened = false;

function setConnection(state) {
  connectionListeners.forEach((fn) => fn(state));
}

/** Opens the event stream (after login). */
export function startEvents() {
  wanted = true;
  if (!source && !retryTimer) openEvents();
}

/** Closes it (logout, 401). */
export function stopEvents() {
  wanted = false;
  if (retryTimer) clearTimeout(retryTimer);
  retryTimer = null;
  if (source) source.close();
  source = null;
  everOpened = false;
  statuses.clear();
  setConnection('closed');
}

function openEvents() {
  retryTimer = null;
  if (!wanted) return;
  setConnection('connecting');
  // EventSource cannot send X-MFP-Client; it carries the session cookie, and it is only opened while the
  // session is known to be valid (see reconnect), so it does not meet a Basic challenge.
  source = new EventSource(BASE + '/events', { withCredentials: true });
  source.addEventListener('open', () => {
    retryDelay = 1000;
    setConnection('open');
    // Events sent while we were away are lost: fetch what the page shows again.
    if (everOpened) resync();
    everOpened = true;
  });
  source.addEventListener('token', (event) => {
    try {
      applyStatus(JSON.parse(event.data));
    } catch (e) {
      // A line we cannot read is skipped; the next event or the resync on reconnect corrects the view.
    }
  });
  source.addEventListener('error', () => {
    // The browser would reconnect by itself, but blindly: close and reconnect ourselves after checking
    // the session, so that an expired session shows the login instead of failing again and again.
    source.close();
    source = null;
    setConnection('connecting');
    reconnect();
  });
}

async function reconnect() {
  if (!wanted || retryTimer) return;
  const delay = retryDelay;
  retryDelay = Math.min(retryDelay * 2, 30000);
  retryTimer = setTimeout(async () => {
    try {
      await api.get('/session'); // a 401 here calls the unauthorized handler, which stops the events
    } catch (e) {
      if (e.status === 401) return;
    }
    openEvents();
  }, delay);
}

function resync() {
  for (const slot of subscribers.keys()) {
    if (subscribers.get(slot).size > 0) {
      refreshStatus(slot).catch(() => {});
    }
  }
}
