// The dashboard: a login when the server wants a key, a nav bar, and one view per path under /ui.
import {api, auth, ApiError} from './api.js';
import {h, show} from './dom.js';
import overview from './views/overview.js';
import sessions from './views/sessions.js';
import session from './views/session.js';
import fleet from './views/fleet.js';
import deliveries from './views/deliveries.js';

const routes = [
  [/^\/ui\/?$/, 'Overview', overview],
  [/^\/ui\/sessions\/?$/, 'Sessions', sessions],
  [/^\/ui\/sessions\/([A-Za-z0-9_-]+)\/?$/, 'Session', session],
  [/^\/ui\/fleet\/?$/, 'Fleet', fleet],
  [/^\/ui\/deliveries\/?$/, 'Deliveries', deliveries],
];
const nav = [['/ui/', 'Overview'], ['/ui/sessions', 'Sessions'], ['/ui/fleet', 'Fleet'], ['/ui/deliveries', 'Deliveries']];

const root = document.getElementById('app');
let stopView = null;

/** Shows an error for a person: the API's code and message, and what to do. */
export function errorBox(err) {
  const text = err instanceof ApiError ? err.explain() : 'Unexpected error: ' + (err && err.message ? err.message : err);
  if (err instanceof ApiError && err.code === 'UNAUTHENTICATED') setTimeout(() => { auth.clear(); start(); }, 0);
  return h('div', {class: 'error', role: 'alert'}, text);
}

export function go(path) {
  history.pushState(null, '', path);
  render();
}

function render() {
  if (stopView) { stopView(); stopView = null; }
  const path = location.pathname;
  const main = h('main', {id: 'main', tabindex: '-1'});
  const links = nav.map(([p, label]) => h('a', {href: p, 'data-nav': '',
    'aria-current': (p === '/ui/' ? /^\/ui\/?$/.test(path) : path.startsWith(p)) ? 'page' : null}, label));
  show(root,
    h('header', {},
      h('a', {class: 'brand', href: '/ui/', 'data-nav': ''}, 'Bosun'),
      h('nav', {'aria-label': 'Main'}, links),
      auth.key() ? h('button', {type: 'button', class: 'logout', onclick: () => { auth.clear(); start(); }}, 'Sign out') : null),
    main);
  const route = routes.find(([re]) => re.test(path));
  if (!route) { show(main, h('h1', {}, 'Not found'), h('p', {}, 'No page at ' + path + '.')); return; }
  document.title = route[1] + ' · Bosun';
  const params = path.match(route[0]).slice(1).map(decodeURIComponent);
  stopView = route[2](main, params, new URLSearchParams(location.search)) || null;
}

function login(message) {
  if (stopView) { stopView(); stopView = null; }
  const input = h('input', {id: 'api-key', name: 'api-key', type: 'password', autocomplete: 'off', required: true,
    'aria-describedby': 'key-help'});
  const status = h('div', {id: 'login-status', 'aria-live': 'polite'}, message ? h('div', {class: 'error', role: 'alert'}, message) : null);
  const form = h('form', {class: 'login', onsubmit: async (e) => {
    e.preventDefault();
    auth.set(input.value.trim());
    try {
      await api('GET', '/v1/sessions', {query: {limit: 1}});
      render();
    } catch (err) {
      auth.clear();
      show(status, h('div', {class: 'error', role: 'alert'}, err instanceof ApiError ? err.explain() : String(err)));
    }
  }},
  h('h1', {}, 'Sign in to Bosun'),
  h('label', {for: 'api-key'}, 'API key'), input,
  h('p', {id: 'key-help', class: 'hint'}, 'Kept in this tab only (session storage) and sent as a Bearer token to this server\'s API.'),
  h('button', {type: 'submit'}, 'Sign in'), status);
  show(root, h('main', {id: 'main'}, form));
  input.focus();
}

/** Asks the API whether a key is needed (a keyless server on loopback answers without one). */
async function start() {
  try {
    await api('GET', '/v1/sessions', {query: {limit: 1}});
    render();
  } catch (err) {
    if (err instanceof ApiError && err.code === 'UNAUTHENTICATED') {
      const had = auth.key();
      auth.clear();
      login(had ? err.explain() : null);
    } else {
      show(root, h('main', {id: 'main'}, errorBox(err)));
    }
  }
}

document.addEventListener('click', (e) => {
  const a = e.target.closest('a[data-nav]');
  if (!a || e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
  e.preventDefault();
  go(a.getAttribute('href'));
});
window.addEventListener('popstate', render);
start();
