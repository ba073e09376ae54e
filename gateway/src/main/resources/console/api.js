// The console's only way to the gateway: the API, with the signed-in key as bearer token. The key lives in
// sessionStorage (this tab, until sign-out or the tab closes); a 401 forgets it and returns to sign-in.
const KEY = 'llmc.console.key';

export const session = {
  key: () => sessionStorage.getItem(KEY),
  signIn: (key) => sessionStorage.setItem(KEY, key),
  signOut: () => sessionStorage.removeItem(KEY),
};

/** An API error with the OpenAI-shaped body's fields: status, message, type, code, param. */
export class ApiError extends Error {
  constructor(status, body) {
    const error = (body && body.error) || {};
    super(error.message || `HTTP ${status}`);
    this.status = status;
    this.type = error.type;
    this.code = error.code;
    this.param = error.param;
    this.requestId = body && body.request_id;
  }
}

function headers(json) {
  const h = { Authorization: `Bearer ${session.key()}` };
  if (json) h['Content-Type'] = 'application/json';
  return h;
}

async function failure(response) {
  let body = null;
  try { body = await response.json(); } catch (e) { /* not JSON: the status says enough */ }
  if (response.status === 401) {
    session.signOut();
    window.dispatchEvent(new CustomEvent('llmc:signed-out', { detail: 'Your key was refused; sign in again.' }));
  }
  return new ApiError(response.status, body);
}

export async function api(method, path, body) {
  const response = await fetch(path, {
    method, headers: headers(body !== undefined), body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw await failure(response);
  if (response.status === 204) return null;
  const type = response.headers.get('Content-Type') || '';
  return type.includes('json') ? response.json() : response.text();
}

/** Downloads an authenticated file (e.g. results.csv) through a blob, since a plain link cannot send the key. */
export async function download(path, filename) {
  const response = await fetch(path, { headers: headers(false) });
  if (!response.ok) throw await failure(response);
  const url = URL.createObjectURL(await response.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

/** POSTs and reads server-sent events as they arrive, calling onEvent(name, data) for each. */
export async function stream(path, body, onEvent) {
  const response = await fetch(path, { method: 'POST', headers: headers(true), body: JSON.stringify(body) });
  if (!response.ok) throw await failure(response);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value.replace(/\r\n/g, '\n');
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let name = 'message';
      const data = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event:')) name = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
      }
      if (data.length) onEvent(name, JSON.parse(data.join('\n')));
    }
  }
}
