// Experts: developers see their own, admins all. Register, edit, pause, resume, retire; per expert its nodes'
// health and charts of traffic, ratings and retry rate over the last day or week.
import { api } from '../api.js';
import { h, show, loading, empty, errorBox, num, pct, when, field, showFieldError, clearFieldErrors, confirmed } from '../dom.js';
import { lineChart } from '../charts.js';

export async function expertsView(container, { me }) {
  const list = h('div', {}, loading('Loading experts…'));
  show(container, h('h1', {}, 'Experts'), list, h('h2', {}, 'Register an expert'), expertForm(null, me));
  try {
    const { data } = await api('GET', '/experts');
    show(list, data.length === 0 ? empty(me.role === 'admin' ? 'No experts are registered.' : 'You have no experts yet. Register one below.')
      : h('div', { class: 'table-wrap' }, h('table', { id: 'experts' },
        h('thead', {}, h('tr', {}, ['Name', 'Status', 'Nodes healthy', 'Owner', 'Description'].map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', {}, data.map((x) => h('tr', {},
          h('td', {}, h('a', { href: `#/experts/${encodeURIComponent(x.id)}` }, x.name)),
          h('td', {}, h('span', { class: 'badge' }, x.status)),
          h('td', { class: 'num' }, `${x.nodes.filter((n) => n.healthy).length} / ${x.nodes.length}`),
          h('td', {}, x.owner),
          h('td', {}, x.description)))))));
  } catch (error) {
    show(list, errorBox(error, me.role));
  }
}

function nodeRow(index, node = {}) {
  const p = `nodes[${index}]`;
  const row = h('fieldset', { class: 'panel' }, h('legend', {}, `Node ${index + 1}`));
  const baseUrl = field(`${p}.base_url`, 'Base URL', h('input', { type: 'url', value: node.base_url || '', placeholder: 'https://host/v1' }));
  const model = field(`${p}.model`, 'Model', h('input', { type: 'text', value: node.model || '' }), '(optional)');
  const weight = field(`${p}.weight`, 'Weight', h('input', { type: 'number', min: '1', step: '1', value: String(node.weight || 1) }));
  const apiKey = field(`${p}.api_key`, 'API key', h('input', { type: 'password', autocomplete: 'off' }),
    node.has_api_key ? '(stored; re-enter to keep it when you change nodes)' : '(optional)');
  row.append(h('div', { class: 'row' }, baseUrl, model, weight, apiKey));
  row.read = () => {
    const out = { base_url: baseUrl.input.value.trim() };
    if (model.input.value.trim()) out.model = model.input.value.trim();
    out.weight = Number(weight.input.value);
    if (apiKey.input.value) out.api_key = apiKey.input.value;
    return out;
  };
  return row;
}

/** The registration form (expert null) or the edit form of an existing expert. */
function expertForm(expert, me) {
  const form = h('form', { class: 'panel', id: expert ? 'edit-expert' : 'register-expert', novalidate: true });
  const general = h('div', { 'aria-live': 'polite' });
  const name = expert ? null : field('name', 'Name', h('input', { type: 'text', required: true }), '(a-z, 0-9, . _ -)');
  const description = field('description', 'Description', h('textarea', { rows: '3' }),
    '(what it is good at: the content-based controller routes by it)');
  description.input.value = expert ? expert.description : '';
  const nodes = h('div', {});
  const rows = (expert ? expert.nodes : [{}]).map((node, i) => nodeRow(i, node));
  const original = JSON.stringify(rows.map((r) => r.read()));
  show(nodes, rows);
  show(form, name, description, nodes, h('div', { class: 'actions' },
    h('button', { type: 'button', class: 'secondary', onclick: () => { rows.push(nodeRow(rows.length)); show(nodes, rows); } }, 'Add node'),
    h('button', { type: 'button', class: 'secondary', onclick: () => { if (rows.length > 1) { rows.pop(); show(nodes, rows); } } }, 'Remove last node'),
    h('button', { type: 'submit' }, expert ? 'Save changes' : 'Register expert')), general);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearFieldErrors(form);
    show(general);
    const nodeList = rows.map((r) => r.read());
    try {
      if (expert) {
        const patch = { description: description.input.value };
        // Nodes are replaced as a whole; sent only when changed, so stored upstream keys are not dropped by a description edit.
        if (JSON.stringify(nodeList) !== original) patch.nodes = nodeList;
        await api('PATCH', `/experts/${encodeURIComponent(expert.id)}`, patch);
        window.dispatchEvent(new HashChangeEvent('hashchange'));
      } else {
        const created = await api('POST', '/experts', { name: name.input.value.trim(), description: description.input.value, nodes: nodeList });
        location.hash = `#/experts/${encodeURIComponent(created.id)}`;
      }
    } catch (error) {
      showFieldError(form, error, general);
    }
  });
  return form;
}

export async function expertView(container, { me, id }) {
  show(container, loading('Loading the expert…'));
  const path = `/experts/${encodeURIComponent(id)}`;
  const [expert, stats] = await Promise.all([api('GET', path), api('GET', `${path}/stats`)]);
  const status = h('div', { 'aria-live': 'polite' });
  const act = (method, body) => async () => {
    try {
      await api(method, path, body);
      window.dispatchEvent(new HashChangeEvent('hashchange'));
    } catch (error) {
      show(status, errorBox(error, me.role));
    }
  };
  const charts = h('div', {});
  const windowSelect = h('select', { id: 'window' }, h('option', { value: 'day' }, 'last day (hourly)'), h('option', { value: 'week' }, 'last week (daily)'));
  show(container,
    h('p', {}, h('a', { href: '#/experts' }, '← Experts')),
    h('h1', {}, expert.name),
    h('dl', { class: 'facts' },
      h('dt', {}, 'Status'), h('dd', { id: 'expert-status' }, expert.status),
      h('dt', {}, 'Owner'), h('dd', {}, expert.owner),
      h('dt', {}, 'Description'), h('dd', {}, expert.description),
      h('dt', {}, 'Registered'), h('dd', {}, when(expert.created_at))),
    h('div', { class: 'actions' },
      expert.status === 'active' ? h('button', { type: 'button', id: 'pause', class: 'secondary', onclick: act('PATCH', { status: 'paused' }) }, 'Pause') : null,
      expert.status === 'paused' ? h('button', { type: 'button', id: 'resume', onclick: act('PATCH', { status: 'active' }) }, 'Resume') : null,
      expert.status !== 'retired' ? h('button', { type: 'button', id: 'retire', class: 'danger', onclick: confirmed(
        `Retire ${expert.name}? It will no longer be routed to; its statistics stay readable. This cannot be undone.`, act('DELETE')) }, 'Retire') : null),
    status,
    h('h2', {}, 'Nodes'),
    h('div', { class: 'table-wrap' }, h('table', { id: 'nodes' },
      h('thead', {}, h('tr', {}, ['Base URL', 'Model', 'Weight', 'Upstream key', 'Health'].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, expert.nodes.map((n) => h('tr', {}, h('td', {}, n.base_url), h('td', {}, n.model), h('td', { class: 'num' }, num(n.weight, 0)),
        h('td', {}, n.has_api_key ? 'stored' : 'none'), h('td', {}, n.healthy ? 'healthy' : 'unhealthy')))))),
    h('h2', {}, 'Statistics'), statsTable(stats),
    h('div', { class: 'row' }, h('div', {}, h('label', { for: 'window' }, 'Period'), windowSelect)), charts,
    expert.status !== 'retired' ? [h('h2', {}, 'Edit'), expertForm(expert, me)] : null);
  const loadCharts = async () => {
    show(charts, loading('Loading charts…'));
    try {
      const series = await api('GET', `${path}/stats/series?window=${windowSelect.value}`);
      if (series.points.length === 0) return show(charts, empty('No messages served in this period.'));
      const xs = series.points.map((p) => p.start);
      const line = (label, key) => [{ label, values: series.points.map((p) => p[key]) }];
      // The whole period on the time axis: from the first bucket's start to now.
      const xRange = [series.since, new Date().toISOString()];
      show(charts, h('div', { class: 'charts', id: 'expert-charts' },
        lineChart('Messages served', xs, line('messages', 'messages_served'), { yLabel: 'messages', xRange }),
        lineChart('Mean rating', xs, line('mean rating', 'mean_rating'), { yLabel: 'rating', xRange, yRange: [1, 5] }),
        lineChart('Retry rate', xs, line('retry rate', 'retry_rate'), { yLabel: 'rate', xRange })));
    } catch (error) {
      show(charts, errorBox(error, me.role));
    }
  };
  windowSelect.addEventListener('change', loadCharts);
  await loadCharts();
}

function statsTable(stats) {
  const row = (label, p) => h('tr', {}, h('th', { scope: 'row' }, label), h('td', { class: 'num' }, num(p.messages_served, 0)),
    h('td', { class: 'num' }, num(p.ratings, 0)), h('td', { class: 'num' }, num(p.mean_rating, 2)),
    h('td', { class: 'num' }, num(p.retries, 0)), h('td', { class: 'num' }, pct(p.retry_rate)));
  return h('div', { class: 'table-wrap' }, h('table', { id: 'expert-stats' },
    h('thead', {}, h('tr', {}, ['Period', 'Messages', 'Ratings', 'Mean rating', 'Retries', 'Retry rate'].map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, row('Last 24 hours', stats.last_24h), row('All time', stats.all_time))));
}
