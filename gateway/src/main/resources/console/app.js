// The console: a hash router over views; what the navigation offers follows the signed-in key's role (GET /me),
// and every action is an ordinary API call that the gateway checks like any other client's.
import { api, session } from './api.js';
import { h, show, loading, errorBox } from './dom.js';
import { experimentsView } from './views/experiments.js';
import { experimentView } from './views/experiment.js';
import { versionsView } from './views/versions.js';
import { expertsView, expertView } from './views/experts.js';
import { playgroundView } from './views/playground.js';
import { keysView } from './views/keys.js';

/** Views, the roles the API lets use them (admins may use all), and where each role lands after sign-in. */
const VIEWS = [
  { path: 'experiments', label: 'Experiments', roles: ['data-scientist'], render: experimentsView },
  { path: 'versions', label: 'Controller versions', roles: ['data-scientist'], render: versionsView },
  { path: 'experts', label: 'Experts', roles: ['developer'], render: expertsView },
  { path: 'playground', label: 'Playground', roles: ['app'], render: playgroundView },
  { path: 'keys', label: 'Keys', roles: ['admin'], render: keysView },
];
const DETAIL = { experiments: experimentView, experts: expertView };

const main = document.getElementById('main');
const nav = document.getElementById('nav');
const who = document.getElementById('who');
let me = null;

const allowed = (view, role) => role === 'admin' || view.roles.includes(role);

function signInView(message) {
  me = null;
  show(nav);
  show(who);
  const input = h('input', { type: 'password', id: 'api-key', autocomplete: 'off', required: true, spellcheck: 'false' });
  const status = h('div', { 'aria-live': 'polite' }, message ? h('p', { class: 'error', role: 'alert' }, message) : null);
  const form = h('form', { class: 'sign-in panel', 'aria-labelledby': 'sign-in-title' },
    h('h1', { id: 'sign-in-title' }, 'Sign in'),
    h('p', {}, 'Sign in with an API key. It is kept in this browser tab only and sent as the bearer token; sign out forgets it.'),
    h('label', { for: 'api-key' }, 'API key'), input, status,
    h('div', { class: 'actions' }, h('button', { type: 'submit', id: 'sign-in' }, 'Sign in')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    session.signIn(input.value.trim());
    show(status, loading('Checking the key…'));
    try {
      me = await api('GET', '/me');
      const first = VIEWS.find((view) => allowed(view, me.role));
      location.hash = `#/${first ? first.path : ''}`;
      route();
    } catch (error) {
      session.signOut();
      show(status, error.status === 401 ? h('p', { class: 'error', role: 'alert' }, 'That key is not valid.') : errorBox(error));
    }
  });
  show(main, form);
  input.focus();
}

function renderChrome(current) {
  show(nav, VIEWS.filter((view) => allowed(view, me.role)).map((view) =>
    h('a', { href: `#/${view.path}`, 'aria-current': view.path === current ? 'page' : null }, view.label)));
  show(who, h('span', { id: 'whoami' }, `${me.owner} · ${me.role}`),
    h('button', { type: 'button', id: 'sign-out', class: 'secondary', onclick: () => { session.signOut(); location.hash = '#/'; signInView(); } }, 'Sign out'));
}

async function route() {
  if (!session.key()) return signInView();
  if (!me) {
    show(main, loading());
    try {
      me = await api('GET', '/me');
    } catch (error) {
      if (error.status === 401) return signInView('Your key was refused; sign in again.');
      return show(main, errorBox(error));
    }
  }
  const [path, id] = location.hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  const view = VIEWS.find((v) => v.path === path) || VIEWS.find((v) => allowed(v, me.role));
  renderChrome(view && view.path);
  if (!view) return show(main, h('p', { class: 'state' }, 'This key\'s role has no console view.'));
  if (!allowed(view, me.role)) {
    return show(main, h('h1', {}, view.label), h('p', { class: 'error', role: 'alert', id: 'forbidden' },
      `${view.label} needs a key with role ${view.roles.join(' or ')} (or admin); this key's role is ${me.role}.`));
  }
  const container = h('div', {});
  show(main, container);
  main.focus({ preventScroll: true });
  const render = id && DETAIL[view.path] ? DETAIL[view.path] : view.render;
  try {
    await render(container, { me, id });
  } catch (error) {
    if (error.status !== 401) show(container, errorBox(error, me.role));
  }
}

window.addEventListener('hashchange', route);
// A key refused mid-session returns to sign-in; a refused sign-in attempt is answered by the sign-in form itself.
window.addEventListener('llmc:signed-out', (event) => { if (me) signInView(event.detail); });
route();
