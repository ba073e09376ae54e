// Controller versions: training metrics from each manifest, the off-policy estimate on logged traffic, and
// activation (promotion or rollback) after a confirmation that says what changes.
import { api } from '../api.js';
import { h, show, loading, empty, errorBox, num, when, confirmed } from '../dom.js';

export async function versionsView(container, { me }) {
  show(container, h('h1', {}, 'Controller versions'), loading('Loading versions…'));
  const { active, data } = await api('GET', '/controller/versions');
  const status = h('div', { 'aria-live': 'polite' });
  const rows = data.map((version) => {
    const estimate = h('td', { class: 'num' }, loading('…'));
    api('GET', `/controller/versions/${encodeURIComponent(version.id)}/offline-estimate`)
      .then((e) => show(estimate, `IPS ${num(e.ips)} · SNIPS ${num(e.snips)} (n = ${num(e.n, 0)})`))
      .catch((error) => show(estimate, error.status ? error.message : 'unavailable'));
    const activate = async () => {
      try {
        await api('POST', `/controller/versions/${encodeURIComponent(version.id)}/activate`);
        window.dispatchEvent(new HashChangeEvent('hashchange'));
      } catch (error) {
        show(status, errorBox(error, me.role));
      }
    };
    const what = version.id === 'content' ? 'roll back to the content-based controller (expert descriptions, no learned weights)'
      : `route with the trained version ${version.id}`;
    return h('tr', { 'data-version': version.id },
      h('th', { scope: 'row' }, version.id, version.active ? h('span', { class: 'badge ok' }, ' active') : null),
      h('td', {}, when(version.created_at)),
      h('td', {}, metrics(version.manifest)),
      estimate,
      h('td', {}, version.active ? '' : h('button', { type: 'button', class: version.id === 'content' ? 'secondary' : null,
        onclick: confirmed(`Activate ${version.id}? Every replica will stop routing with ${active} and ${what} within seconds. `
          + 'Running experiments that name a version keep theirs.', activate) },
        version.id === 'content' ? 'Roll back to content' : 'Activate')));
  });
  show(container, h('h1', {}, 'Controller versions'), status,
    data.length === 0 ? empty('No versions.') : h('div', { class: 'table-wrap' }, h('table', { id: 'versions' },
      h('thead', {}, h('tr', {}, ['Version', 'Created', 'Training metrics', 'Offline estimate (reward 0–1)', ''].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, rows))));
}

/** The manifest's numbers (hold-out metrics and sizes), nested objects flattened to dotted names. */
function metrics(manifest) {
  if (!manifest) return '–';
  const out = [];
  const walk = (prefix, value) => {
    if (typeof value === 'number') out.push(`${prefix} ${num(value, 4)}`);
    else if (value && typeof value === 'object' && !Array.isArray(value)) {
      for (const [k, v] of Object.entries(value)) walk(prefix ? `${prefix}.${k}` : k, v);
    }
  };
  walk('', manifest);
  return out.length ? h('ul', {}, out.slice(0, 12).map((line) => h('li', {}, line))) : '–';
}
