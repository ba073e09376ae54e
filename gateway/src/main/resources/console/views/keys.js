// Keys (admins): issue (the key is shown once, with a copy button), list, revoke.
import { api } from '../api.js';
import { h, show, loading, empty, errorBox, num, when, field, showFieldError, clearFieldErrors, confirmed } from '../dom.js';

const ROLES = ['app', 'developer', 'data-scientist', 'admin'];

export async function keysView(container, { me }) {
  const list = h('div', {}, loading('Loading keys…'));
  const issued = h('div', { 'aria-live': 'polite' });
  const status = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'panel', id: 'issue-key', novalidate: true });
  const role = field('role', 'Role', h('select', {}, ROLES.map((r) => h('option', { value: r }, r))));
  const owner = field('owner', 'Owner', h('input', { type: 'text' }), '(who the key and what it creates belong to)');
  const rpm = field('requests_per_minute', 'Requests per minute', h('input', { type: 'number', min: '0', step: '1' }), '(optional; 0 unlimited)');
  const tpm = field('tokens_per_minute', 'Tokens per minute', h('input', { type: 'number', min: '0', step: '1' }), '(optional)');
  const general = h('div', {});
  show(form, h('div', { class: 'row' }, role, owner, rpm, tpm), h('div', { class: 'actions' }, h('button', { type: 'submit', id: 'issue' }, 'Issue key')), general);

  async function load() {
    try {
      const { data } = await api('GET', '/keys');
      show(list, data.length === 0 ? empty('No keys issued yet (the bootstrap admin key is configured, not listed).')
        : h('div', { class: 'table-wrap' }, h('table', { id: 'keys' },
          h('thead', {}, h('tr', {}, ['Id', 'Prefix', 'Role', 'Owner', 'Limits / min', 'Created', ''].map((c) => h('th', { scope: 'col' }, c)))),
          h('tbody', {}, data.map((k) => h('tr', { 'data-key': k.id },
            h('td', {}, k.id), h('td', {}, k.prefix), h('td', {}, k.role), h('td', {}, k.owner),
            h('td', {}, `${k.requests_per_minute ?? 'default'} req · ${k.tokens_per_minute ?? 'default'} tok`),
            h('td', {}, when(k.created_at)),
            h('td', {}, k.revoked_at ? `revoked ${when(k.revoked_at)}` : h('button', { type: 'button', class: 'danger', 'aria-label': `Revoke ${k.id}`, onclick: confirmed(
              `Revoke ${k.id} (${k.role}, ${k.owner})? Every request with it is refused within a second, on every replica.`, async () => {
                try {
                  await api('DELETE', `/keys/${encodeURIComponent(k.id)}`);
                  await load();
                } catch (error) {
                  show(status, errorBox(error, me.role));
                }
              }) }, 'Revoke'))))))));
    } catch (error) {
      show(list, errorBox(error, me.role));
    }
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearFieldErrors(form);
    show(general);
    const body = { role: role.input.value, owner: owner.input.value.trim() };
    if (rpm.input.value !== '') body.requests_per_minute = Number(rpm.input.value);
    if (tpm.input.value !== '') body.tokens_per_minute = Number(tpm.input.value);
    try {
      const key = await api('POST', '/keys', body);
      const secret = h('code', { class: 'secret', id: 'issued-key' }, key.key);
      const copied = h('span', { role: 'status' });
      show(issued, h('div', { class: 'panel' },
        h('p', {}, `Key ${key.id} for ${key.owner} (${key.role}). Copy it now: it is not shown again.`), secret,
        h('div', { class: 'actions' }, h('button', { type: 'button', id: 'copy-key', onclick: async () => {
          try {
            await navigator.clipboard.writeText(key.key);
            copied.textContent = 'Copied.';
          } catch (e) {
            // Without clipboard access (e.g. plain http on another host) select it for Ctrl+C instead.
            getSelection().selectAllChildren(secret);
            copied.textContent = 'Selected: press Ctrl+C to copy.';
          }
        } }, 'Copy key'), copied)));
      owner.input.value = '';
      await load();
    } catch (error) {
      showFieldError(form, error, general);
    }
  });
  show(container, h('h1', {}, 'Keys'), h('h2', {}, 'Issue a key'), form, issued, h('h2', {}, 'Issued keys'), status, list);
  await load();
}
