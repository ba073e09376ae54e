// One experiment: its arms' results with intervals, differences to the control, the sample-ratio check, charts
// of the cumulative results over time, results.csv, and the owner's actions (start, stop, reweight).
import { api, download } from '../api.js';
import { h, show, loading, empty, errorBox, num, pct, pValue, withCi, when, field, showFieldError, clearFieldErrors, confirmed } from '../dom.js';
import { lineChart } from '../charts.js';

export async function experimentView(container, { me, id }) {
  show(container, loading('Loading the experiment…'));
  const path = `/experiments/${encodeURIComponent(id)}`;
  const [experiment, results] = await Promise.all([api('GET', path), api('GET', `${path}/results`)]);
  const status = h('div', { 'aria-live': 'polite' });
  const charts = h('div', {}, loading('Loading charts…'));
  const bucket = h('select', { id: 'bucket' }, h('option', { value: 'hour' }, 'hourly'), h('option', { value: 'day' }, 'daily'));
  // Hourly buckets while an experiment is young (under three days of data), daily after.
  const started = Date.parse(experiment.started_at || experiment.created_at);
  bucket.value = (Date.parse(experiment.stopped_at || new Date().toISOString()) - started) > 3 * 86400e3 ? 'day' : 'hour';
  const csv = h('button', { type: 'button', class: 'secondary', id: 'download-csv', onclick: async () => {
    try { await download(`${path}/results.csv`, `${id}-results.csv`); } catch (error) { show(status, errorBox(error, me.role)); }
  } }, 'Download results.csv');
  show(container,
    h('p', {}, h('a', { href: '#/experiments' }, '← Experiments')),
    h('h1', {}, experiment.name),
    h('dl', { class: 'facts' },
      h('dt', {}, 'Status'), h('dd', { id: 'status' }, experiment.status),
      h('dt', {}, 'Unit'), h('dd', {}, experiment.unit),
      h('dt', {}, 'Traffic'), h('dd', {}, num(experiment.traffic, 3)),
      h('dt', {}, 'Owner'), h('dd', {}, experiment.owner),
      h('dt', {}, 'Started'), h('dd', {}, when(experiment.started_at)),
      h('dt', {}, 'Stopped'), h('dd', {}, when(experiment.stopped_at))),
    actions(experiment, path, status, me), status,
    h('h2', {}, 'Results'), srm(results.srm), resultsTable(results), h('div', { class: 'actions' }, csv),
    h('h2', {}, 'Over time (cumulative)'),
    h('div', { class: 'row' }, h('div', {}, h('label', { for: 'bucket' }, 'Buckets'), bucket)), charts);
  const loadCharts = async () => {
    show(charts, loading('Loading charts…'));
    try {
      show(charts, timelineCharts(await api('GET', `${path}/results/timeline?bucket=${bucket.value}`), experiment));
    } catch (error) {
      show(charts, errorBox(error, me.role));
    }
  };
  bucket.addEventListener('change', loadCharts);
  await loadCharts();
}

function actions(experiment, path, status, me) {
  const run = (method, suffix, body) => async () => {
    try {
      await api(method, `${path}${suffix}`, body);
      window.dispatchEvent(new HashChangeEvent('hashchange'));
    } catch (error) {
      show(status, errorBox(error, me.role));
    }
  };
  const buttons = h('div', { class: 'actions' },
    experiment.status === 'draft' ? h('button', { type: 'button', id: 'start', onclick: confirmed(
      `Start "${experiment.name}"? ${pct(experiment.traffic, 0)} of units will be assigned to its arms from now on.`, run('POST', '/start')) }, 'Start') : null,
    experiment.status === 'running' ? h('button', { type: 'button', id: 'stop', class: 'danger', onclick: confirmed(
      `Stop "${experiment.name}"? Its units return to normal routing; a stopped experiment cannot be restarted.`, run('POST', '/stop')) }, 'Stop') : null);
  if (experiment.status === 'stopped') return buttons;
  const form = h('form', { class: 'panel', id: 'reweight' }, h('h2', {}, 'Reweight'),
    h('p', { class: 'hint' }, 'Weights are relative; arms you leave unchanged keep their weight relative to each other. Units already assigned keep their arm.'));
  const smallest = Math.min(...experiment.arms.map((a) => a.weight));
  const inputs = experiment.arms.map((arm) => field(`weights.${arm.name}`, arm.name,
    h('input', { type: 'number', step: 'any', min: '0', value: String(+(arm.weight / smallest).toFixed(4)) })));
  const traffic = field('traffic', 'Traffic', h('input', { type: 'number', step: 'any', value: String(experiment.traffic) }));
  const general = h('div', {});
  form.append(h('div', { class: 'row' }, inputs, traffic), h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Save weights')), general);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearFieldErrors(form);
    const weights = Object.fromEntries(experiment.arms.map((arm, i) => [arm.name, Number(inputs[i].input.value)]));
    try {
      await api('PATCH', path, { weights, traffic: Number(traffic.input.value) });
      window.dispatchEvent(new HashChangeEvent('hashchange'));
    } catch (error) {
      showFieldError(form, error, general);
    }
  });
  return h('div', {}, buttons, form);
}

function srm(check) {
  return check.flagged
    ? h('p', { class: 'warning', role: 'alert', id: 'srm' }, `Sample ratio mismatch: units are not split as the weights say `
      + `(χ² = ${num(check.chi2, 2)}, p ${pValue(check.p_value)}). Assignment or logging may be broken; do not trust the differences until it is explained.`)
    : h('p', { class: 'ok', id: 'srm' }, `Sample ratio check passed (χ² = ${num(check.chi2, 2)}, p ${pValue(check.p_value)}).`);
}

function difference(arm, control, meanKey, liftKey, pKey, format) {
  if (arm.control) return 'control';
  if (arm[meanKey] === null || control[meanKey] === null) return '–';
  const delta = arm[meanKey] - control[meanKey];
  const sign = delta > 0 ? '+' : '';
  const lift = arm[liftKey] === null ? '' : ` (${sign}${pct(arm[liftKey])})`;
  return `${sign}${format(delta)}${lift}, p ${pValue(arm[pKey])}`;
}

function resultsTable(results) {
  if (results.arms.every((arm) => arm.units === 0)) return empty('No units have been exposed yet.');
  const control = results.arms.find((arm) => arm.control);
  const cols = ['Arm', 'Weight', 'Units', 'Exposures', 'Mean rating [95% CI]', 'Δ rating vs control', 'Retry rate [95% CI]',
    'Δ retry rate', 'Conversation length [95% CI]', 'Δ length'];
  return h('div', { class: 'table-wrap' }, h('table', { id: 'results' },
    h('thead', {}, h('tr', {}, cols.map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, results.arms.map((arm) => h('tr', { 'data-arm': arm.name },
      h('th', { scope: 'row' }, arm.name),
      h('td', { class: 'num' }, num(arm.weight, 3)),
      h('td', { class: 'num' }, num(arm.units, 0)),
      h('td', { class: 'num' }, num(arm.messages, 0)),
      h('td', { class: 'num' }, withCi(arm.rating_mean, arm.rating_ci95, (v) => num(v, 2))),
      h('td', { class: 'num', 'data-metric': 'rating-diff' }, difference(arm, control, 'rating_mean', 'rating_lift', 'rating_p_value', (v) => num(v, 2))),
      h('td', { class: 'num' }, withCi(arm.retry_rate, arm.retry_rate_ci95, (v) => pct(v))),
      h('td', { class: 'num' }, difference(arm, control, 'retry_rate', 'retry_lift', 'retry_p_value', (v) => pct(v))),
      h('td', { class: 'num' }, withCi(arm.conversation_length_mean, arm.conversation_length_ci95, (v) => num(v, 2))),
      h('td', { class: 'num' }, difference(arm, control, 'conversation_length_mean', 'conversation_length_lift', 'conversation_length_p_value', (v) => num(v, 2))))))));
}

function timelineCharts(timeline, experiment) {
  if (timeline.points.length === 0) return empty('Nothing has been served in this experiment yet.');
  // The cumulative curves start from nothing when the experiment started.
  const origin = { until: experiment.started_at, arms: experiment.arms.map((a) => ({ name: a.name, units: 0 })) };
  const points = experiment.started_at && Date.parse(experiment.started_at) < Date.parse(timeline.points[0].until)
    ? [origin, ...timeline.points] : timeline.points;
  const xs = points.map((p) => p.until);
  const names = experiment.arms.map((a) => a.name);
  const lines = (mean, ci) => names.map((name) => {
    const arms = points.map((p) => p.arms.find((a) => a.name === name) || {});
    return { label: name, values: arms.map((a) => (a[mean] === undefined ? null : a[mean])),
      lo: ci && arms.map((a) => (a[ci] ? a[ci][0] : null)), hi: ci && arms.map((a) => (a[ci] ? a[ci][1] : null)) };
  });
  const xRange = [experiment.started_at || xs[0], xs[xs.length - 1]];
  return h('div', { class: 'charts', id: 'timeline-charts' },
    lineChart('Mean rating (95% CI)', xs, lines('rating_mean', 'rating_ci95'), { yLabel: 'rating', xRange, yRange: [1, 5] }),
    lineChart('Retry rate (95% CI)', xs, lines('retry_rate', 'retry_rate_ci95'), { yLabel: 'rate', xRange }),
    lineChart('Conversation length (95% CI)', xs, lines('conversation_length_mean', 'conversation_length_ci95'), { yLabel: 'turns', xRange }),
    lineChart('Units', xs, lines('units'), { yLabel: 'units', xRange }));
}
