// Experiments: the list with status, and a form to create one (errors shown at the field the API names).
import { api } from '../api.js';
import { h, show, loading, empty, errorBox, num, when, field, showFieldError, clearFieldErrors } from '../dom.js';

export async function experimentsView(container, { me }) {
  const list = h('div', {}, loading('Loading experiments…'));
  show(container, h('h1', {}, 'Experiments'), list, h('h2', {}, 'New experiment'), createForm());
  async function load() {
    try {
      const { data } = await api('GET', '/experiments');
      show(list, data.length === 0 ? empty('No experiments yet. Create the first one below.') : table(data));
    } catch (error) {
      show(list, errorBox(error, me.role));
    }
  }
  await load();
}

function table(experiments) {
  return h('div', { class: 'table-wrap' }, h('table', { id: 'experiments' },
    h('thead', {}, h('tr', {}, ['Name', 'Status', 'Unit', 'Traffic', 'Arms', 'Owner', 'Created'].map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, experiments.map((x) => h('tr', {},
      h('td', {}, h('a', { href: `#/experiments/${encodeURIComponent(x.id)}` }, x.name)),
      h('td', {}, h('span', { class: 'badge' }, x.status)),
      h('td', {}, x.unit),
      h('td', { class: 'num' }, num(x.traffic, 2)),
      h('td', {}, x.arms.map((a) => `${a.name}${a.control ? ' (control)' : ''} ${num(a.weight, 3)}`).join(', ')),
      h('td', {}, x.owner),
      h('td', {}, when(x.created_at)))))));
}

const TREATMENTS = [['controller_version', 'Controller version'], ['policy', 'Policy'], ['expert', 'Fixed expert']];
const POLICIES = ['greedy', 'epsilon_greedy', 'thompson', 'random'];

function armRow(index) {
  const p = `arms[${index}]`;
  const name = field(`${p}.name`, 'Arm name', h('input', { type: 'text', value: index === 0 ? 'control' : `arm${index}` }));
  const weight = field(`${p}.weight`, 'Weight', h('input', { type: 'number', step: 'any', min: '0', value: '1' }), '(relative)');
  const control = h('input', { type: 'radio', name: 'control', id: `control-${index}`, checked: index === 0 });
  const kind = field(`${p}`, 'Treatment', h('select', {}, TREATMENTS.map(([v, t]) => h('option', { value: v }, t))));
  const version = field(`${p}.controller_version`, 'Version', h('input', { type: 'text', value: 'content' }));
  const policy = field(`${p}.policy.type`, 'Policy', h('select', {}, POLICIES.map((v) => h('option', { value: v }, v))));
  const epsilon = field(`${p}.policy.epsilon`, 'ε', h('input', { type: 'number', step: 'any', value: '0.1' }), '(epsilon_greedy)');
  const expert = field(`${p}.expert`, 'Expert', h('input', { type: 'text' }));
  const row = h('fieldset', { class: 'panel arm' }, h('legend', {}, `Arm ${index + 1}`),
    h('div', { class: 'row' }, name, weight, h('div', {}, h('label', { for: control.id }, 'Control'), control), kind,
      version, policy, epsilon, expert));
  const sync = () => {
    const k = kind.input.value;
    version.hidden = k !== 'controller_version';
    policy.hidden = k !== 'policy';
    epsilon.hidden = k !== 'policy' || policy.input.value !== 'epsilon_greedy';
    expert.hidden = k !== 'expert';
  };
  kind.input.addEventListener('change', sync);
  policy.input.addEventListener('change', sync);
  sync();
  row.read = () => {
    const arm = { name: name.input.value.trim(), weight: weight.input.value === '' ? null : Number(weight.input.value), control: control.checked };
    if (kind.input.value === 'controller_version') arm.controller_version = version.input.value.trim();
    if (kind.input.value === 'expert') arm.expert = expert.input.value.trim();
    if (kind.input.value === 'policy') {
      arm.policy = { type: policy.input.value };
      if (policy.input.value === 'epsilon_greedy') arm.policy.epsilon = Number(epsilon.input.value);
    }
    return arm;
  };
  row.kind = kind.input;
  return row;
}

function createForm() {
  const general = h('div', { 'aria-live': 'polite' });
  const arms = h('div', {});
  const form = h('form', { id: 'create-experiment', class: 'panel', novalidate: true });
  const name = field('name', 'Name', h('input', { type: 'text', required: true }));
  const unit = field('unit', 'Unit', h('select', {}, h('option', { value: 'user' }, 'user'), h('option', { value: 'conversation' }, 'conversation')),
    '(what is randomised)');
  const traffic = field('traffic', 'Traffic', h('input', { type: 'number', step: 'any', value: '1' }), '(share of units, 0–1)');
  const rows = [];
  // Arms are only added or removed at the end, so each row's index stays the one the API's param names.
  const addArm = () => { rows.push(armRow(rows.length)); show(arms, rows); };
  const removeArm = () => { if (rows.length > 2) { rows.pop(); show(arms, rows); } };
  addArm();
  addArm();
  rows[1].kind.value = 'policy';
  rows[1].kind.dispatchEvent(new Event('change'));
  form.append(h('div', { class: 'row' }, name, unit, traffic), arms,
    h('div', { class: 'actions' }, h('button', { type: 'button', class: 'secondary', onclick: addArm }, 'Add arm'),
      h('button', { type: 'button', class: 'secondary', onclick: removeArm }, 'Remove last arm'),
      h('button', { type: 'submit', id: 'create' }, 'Create experiment')), general);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearFieldErrors(form);
    show(general);
    const body = { name: name.input.value.trim(), unit: unit.input.value,
      traffic: traffic.input.value === '' ? null : Number(traffic.input.value), arms: rows.map((r) => r.read()) };
    try {
      const experiment = await api('POST', '/experiments', body);
      location.hash = `#/experiments/${encodeURIComponent(experiment.id)}`;
    } catch (error) {
      showFieldError(form, error, general);
    }
  });
  return form;
}
