// The public HTTP API, called with the user's key (kept in this tab's sessionStorage only).

const KEY = 'bosun.apiKey';

export const auth = {
  key: () => sessionStorage.getItem(KEY),
  set: (k) => sessionStorage.setItem(KEY, k),
  clear: () => sessionStorage.removeItem(KEY),
};

/** An API error: its stable code, HTTP status, message, details, and a sentence for a person. */
export class ApiError extends Error {
  constructor(status, code, message, details = {}, retryAfter = null) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details || {};
    this.retryAfter = retryAfter;
  }

  /** What the user is told: what happened, by code, then the server's own words. */
  explain() {
    const field = this.details.field ? ` (field: ${this.details.field})` : '';
    const wait = this.retryAfter ? ` Retry in ${this.retryAfter} s.` : '';
    const why = {
      UNAUTHENTICATED: 'The API key was refused or is missing: sign in with a valid key.',
      FORBIDDEN: 'The server refused this request from the browser.',
      NOT_FOUND: 'Not found for this key\'s tenant.',
      CONFLICT: 'Not possible in the current state.',
      NO_CAPABLE_AGENT: 'No registered agent has every required capability.',
      LIMIT_REACHED: 'A limit was reached.' + wait,
      INVALID_ARGUMENT: 'The request was refused' + field + '.',
      PAYLOAD_TOO_LARGE: 'Too large' + field + '.',
      SESSIONS_DISABLED: 'Sessions are disabled on this server.',
      UNAVAILABLE: 'The server cannot answer right now.' + wait,
      INSUFFICIENT_STORAGE: 'The server\'s disk is full.' + wait,
      NETWORK: 'The server could not be reached.',
      INTERNAL: 'The server failed (a bug).',
    }[this.code] || 'The request failed.';
    return `${why} ${this.code}: ${this.message}`;
  }
}

function headers(extra = {}) {
  const k = auth.key();
  return k ? {...extra, Authorization: 'Bearer ' + k} : extra;
}

async function fail(res) {
  let body = null;
  try { body = await res.json(); } catch (_) { /* not JSON */ }
  const e = body && body.error ? body.error : {};
  return new ApiError(res.status, e.code || 'HTTP_' + res.status, e.message || res.statusText, e.details,
    res.headers.get('Retry-After'));
}

/** Calls the API: api('GET', '/v1/sessions', {query: {limit: 10}}) or api('POST', path, {body}). */
export async function api(method, path, {query, body, signal} = {}) {
  const q = query ? '?' + new URLSearchParams(Object.entries(query).filter(([, v]) => v !== '' && v != null)) : '';
  let res;
  try {
    res = await fetch(path + q, {
      method, signal, cache: 'no-store',
      headers: headers(body !== undefined ? {'Content-Type': 'application/json'} : {}),
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
  } catch (err) {
    if (err.name === 'AbortError') throw err;
    throw new ApiError(0, 'NETWORK', String(err.message || err));
  }
  if (!res.ok) throw await fail(res);
  if (res.status === 204) return null;
  const type = res.headers.get('Content-Type') || '';
  return type.startsWith('application/json') ? res.json() : res.text();
}

/**
 * Follows a session's events over SSE (fetch, so the key goes in a header), from cursor `after`,
 * reconnecting with Last-Event-ID after a cut (backoff doubling to 10 s) until session_ended or
 * stop(). onEvent(event) for each; onState('live' | 'reconnecting' | 'ended' | ApiError).
 */
export function follow(sessionId, after, onEvent, onState) {
  const ctrl = new AbortController();
  let cursor = after;
  let backoff = 500;
  let ended = false;
  const path = `/v1/sessions/${encodeURIComponent(sessionId)}/events/stream`;
  (async () => {
    while (!ended && !ctrl.signal.aborted) {
      try {
        const res = await fetch(path + '?after=' + cursor, {
          headers: headers({Accept: 'text/event-stream', 'Last-Event-ID': String(cursor)}),
          signal: ctrl.signal, cache: 'no-store',
        });
        if (res.status === 401 || res.status === 404) { onState(await fail(res)); return; }
        if (!res.ok) throw await fail(res);
        onState('live');
        backoff = 500;
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buf = '';
        for (;;) {
          const {value, done} = await reader.read();
          if (done) break;
          buf += value;
          let cut;
          while ((cut = buf.indexOf('\n\n')) >= 0) {
            const block = buf.slice(0, cut);
            buf = buf.slice(cut + 2);
            const data = block.split('\n').filter(l => l.startsWith('data:')).map(l => l.slice(5).trimStart()).join('\n');
            if (!data) continue;
            const ev = JSON.parse(data);
            cursor = ev.seq;
            onEvent(ev);
            if (ev.event_type === 'session_ended') ended = true;
          }
        }
      } catch (err) {
        if (ctrl.signal.aborted) return;
      }
      if (ended) { onState('ended'); return; }
      if (ctrl.signal.aborted) return;
      onState('reconnecting');
      await new Promise(r => setTimeout(r, backoff));
      backoff = Math.min(backoff * 2, 10000);
    }
  })();
  return () => ctrl.abort();
}
