// Elements are built with textContent and attributes only: API data is never parsed as HTML.

/** h('button', {class: 'x', onclick: fn, 'aria-label': '…'}, 'text', child, …); null/false children are skipped. */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') element.addEventListener(name.slice(2), value);
    else if (name === 'value') element.value = value;
    else if (name === 'checked') element.checked = true;
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces an element's content. */
export function show(element, ...children) {
  element.replaceChildren();
  append(element, children);
  return element;
}

export const loading = (what = 'Loading…') => h('p', { class: 'state', role: 'status' }, what);
export const empty = (what) => h('p', { class: 'state' }, what);

/** An error as the user should read it: 403 says which role is missing, others the API's message. */
export function errorBox(error, role) {
  let text;
  if (error && error.status === 403) {
    text = `Your key (role ${role || 'unknown'}) may not do this: ${error.message}`;
  } else if (error && error.status) {
    text = `${error.message} (HTTP ${error.status}${error.requestId ? `, request ${error.requestId}` : ''})`;
  } else {
    text = `Could not reach the gateway: ${error && error.message ? error.message : error}`;
  }
  return h('p', { class: 'error', role: 'alert' }, text);
}

/** A number for display; '–' when absent. */
export function num(value, digits = 3) {
  if (value === null || value === undefined || Number.isNaN(value)) return '–';
  return Number(value).toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

/** A p-value: four decimals, or "< 0.0001". */
export function pValue(value) {
  if (value === null || value === undefined) return '–';
  return value < 0.0001 ? '< 0.0001' : `= ${num(value, 4)}`;
}

export function pct(value, digits = 1) {
  return value === null || value === undefined ? '–' : `${(value * 100).toFixed(digits)}%`;
}

/** "4.2 [3.9, 4.5]" for a mean and its 95% interval. */
export function withCi(mean, ci, format = num) {
  if (mean === null || mean === undefined) return '–';
  return ci ? `${format(mean)} [${format(ci[0])}, ${format(ci[1])}]` : format(mean);
}

export function when(iso) {
  return iso ? new Date(iso).toLocaleString('en-GB', { timeZone: 'UTC' }) + ' UTC' : '–';
}

/**
 * A labelled form field whose API validation error (the error body's param) is shown beneath it. Returns the
 * wrapper; the input is .input, and fields(form) collects them by param name.
 */
export function field(param, label, input, hint) {
  const id = `f-${param.replace(/[^a-z0-9]+/gi, '-')}`;
  input.id = id;
  input.name = param;
  const error = h('p', { class: 'field-error', id: `${id}-error`, role: 'alert', hidden: true });
  const wrapper = h('div', { class: 'field', 'data-param': param },
    h('label', { for: id }, label, hint ? h('span', { class: 'hint' }, ` ${hint}`) : null), input, error);
  wrapper.input = input;
  return wrapper;
}

/** Shows an API error next to the field its param names (or the closest one), else in the form's general slot. */
export function showFieldError(form, error, general) {
  clearFieldErrors(form);
  const param = error && error.param;
  const wrappers = [...form.querySelectorAll('[data-param]')];
  const match = param && (wrappers.find((w) => w.dataset.param === param)
    || wrappers.filter((w) => param.startsWith(w.dataset.param)).sort((a, b) => b.dataset.param.length - a.dataset.param.length)[0]);
  if (match && error.status === 400) {
    const message = match.querySelector('.field-error');
    message.textContent = error.message;
    message.hidden = false;
    const input = match.querySelector('input, select, textarea');
    input.setAttribute('aria-invalid', 'true');
    input.setAttribute('aria-describedby', message.id);
    input.focus();
  } else {
    show(general, errorBox(error));
  }
}

export function clearFieldErrors(form) {
  form.querySelectorAll('.field-error').forEach((e) => { e.hidden = true; e.textContent = ''; });
  form.querySelectorAll('[aria-invalid]').forEach((e) => { e.removeAttribute('aria-invalid'); e.removeAttribute('aria-describedby'); });
}

/** A button that asks before acting, stating what will change. */
export function confirmed(message, action) {
  return async (event) => {
    if (window.confirm(message)) await action(event);
  };
}
