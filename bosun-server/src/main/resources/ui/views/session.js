// One session: its fields and deadlines, tasks, end info, and its events live (SSE, resumed by cursor
// after a cut), with a form to send an event and end/terminate behind a confirmation.
import {api, follow, ApiError} from '../api.js';
import {h, show, table, ago, badge, span} from '../dom.js';
import {errorBox} from '../app.js';

export default function session(main, [id]) {
  const path = '/v1/sessions/' + encodeURIComponent(id);
  const head = h('div', {}, 'Loading…');
  const actions = h('div', {class: 'actions'});
  const tasks = h('div', {});
  const live = h('span', {id: 'stream-state', class: 'stream', 'aria-live': 'polite'}, '');
  const dirFilter = h('select', {id: 'ev-dir', name: 'direction'},
    ['', 'in', 'out', 'system'].map(v => h('option', {value: v}, v || 'all directions')));
  // the types offered are those seen so far in this log, added as they arrive
  const typeFilter = h('select', {id: 'ev-type', name: 'event_type'}, h('option', {value: ''}, 'all types'));
  const shownCount = h('span', {id: 'ev-count', class: 'hint', 'aria-live': 'polite'});
  const log = h('ol', {id: 'events', class: 'events', 'aria-label': 'Events'});
  const filtered = (li) => (!!dirFilter.value && li.dataset.direction !== dirFilter.value)
    || (!!typeFilter.value && li.dataset.type !== typeFilter.value);
  const count = () => {
    const shown = [...log.children].filter(li => !li.hidden).length;
    shownCount.textContent = shown === log.children.length ? `${shown} events` : `${shown} of ${log.children.length} events shown`;
  };
  const refilter = () => { for (const li of log.children) li.hidden = filtered(li); count(); };
  dirFilter.addEventListener('change', refilter);
  typeFilter.addEventListener('change', refilter);
  const feedback = h('div', {'aria-live': 'polite'});
  const tiles = h('div', {});
  const logs = h('div', {});
  show(main, h('h1', {}, 'Session ', h('code', {}, id)), head, actions, feedback,
    h('h2', {}, 'Tasks'), tasks, h('h2', {}, 'Tiles'), tiles, h('h2', {}, 'Worker logs'), logs,
    h('h2', {}, 'Events ', live), h('div', {class: 'filters', role: 'group', 'aria-label': 'Filter events'},
      h('label', {for: 'ev-dir'}, 'Direction'), dirFilter, h('label', {for: 'ev-type'}, 'Type'), typeFilter, shownCount), log);

  let alive = true;
  let stop = null;
  let current = null;
  const seen = new Set();

  function addEvent(ev) {
    if (seen.has(ev.seq)) return;
    seen.add(ev.seq);
    const payload = h('pre', {class: 'payload'}, JSON.stringify(ev.payload, null, 2));
    if (![...typeFilter.options].some(o => o.value === ev.event_type)) {
      typeFilter.appendChild(h('option', {value: ev.event_type}, ev.event_type));
    }
    const li = h('li', {class: 'event d-' + ev.direction, 'data-seq': ev.seq, 'data-direction': ev.direction, 'data-type': ev.event_type},
      h('details', {}, h('summary', {}, h('span', {class: 'seq'}, '#' + ev.seq), ' ', badge(ev.direction), ' ',
        h('strong', {class: 'etype'}, ev.event_type), ' ', h('span', {class: 'when'}, ev.created_at),
        ' ', h('span', {class: 'preview'}, preview(ev.payload))), payload));
    li.hidden = filtered(li);
    log.appendChild(li);
    count();
    if (ev.event_type.startsWith('task_') || ev.event_type === 'session_ended') refresh();
  }

  async function refresh() {
    try {
      const [s, t] = await Promise.all([api('GET', path), api('GET', path + '/tasks')]);
      if (!alive) return;
      current = s;
      show(head, fields(s));
      show(tasks, table(['Task', 'Name', 'Status', 'Agent', 'Duration', 'Routing'], t.items.map(k => [
        k.task_id, k.name, badge(k.status), k.assigned_agent || '', k.duration_ms != null ? k.duration_ms + ' ms' : '',
        k.routing ? k.routing.reasoning : '']), {class: 'tasks'}));
      show(actions, s.status === 'ended' ? null : controls(s));
      await extras().catch(err => { if (alive) show(logs, errorBox(err)); });
    } catch (err) {
      if (alive) show(head, errorBox(err));
    }
  }

  /** The session's tiles (retry a dead or rejected one) and the tails of its worker's logs. */
  async function extras() {
    const page = await api('GET', path + '/tiles', {query: {limit: 100}});
    if (!alive) return;
    show(tiles, table(['Tile', 'Seq', 'Kind', 'State', 'Attempts', 'Last error', ''], page.items.map(t => [t.tile_id, t.seq,
      t.kind, badge(t.state), t.attempts, t.last_error || '', t.state === 'dead' || t.state === 'rejected'
        ? h('button', {type: 'button', onclick: async () => {
          try { await api('POST', '/v1/tiles/' + encodeURIComponent(t.tile_id) + '/retry'); refresh(); } catch (err) { show(feedback, errorBox(err)); }
        }}, 'Retry') : '']), {class: 'session-tiles'}));
    const tails = [];
    for (const stream of ['stdout', 'stderr']) {
      try {
        const text = await api('GET', path + '/logs', {query: {stream, max_bytes: 8192}});
        tails.push(h('h3', {}, stream), h('pre', {class: 'payload', id: 'log-' + stream}, text || '(empty)'));
      } catch (err) {
        if (err instanceof ApiError && err.code === 'CONFLICT') { tails.splice(0, tails.length, h('p', {}, 'This session has no worker.')); break; }
        throw err;
      }
    }
    if (alive) show(logs, tails);
  }

  function controls(s) {
    const type = h('input', {id: 'send-type', value: 'input', required: true});
    const payload = h('textarea', {id: 'send-payload', rows: 3}, '{"text": "hello"}');
    const send = h('form', {class: 'send', onsubmit: async (e) => {
      e.preventDefault();
      let body;
      try { body = JSON.parse(payload.value); } catch (err) {
        show(feedback, h('div', {class: 'error', role: 'alert'}, 'The payload is not valid JSON: ' + err.message));
        return;
      }
      try {
        const r = await api('POST', path + '/events', {body: {event_type: type.value.trim(), payload: body}});
        show(feedback, h('div', {class: 'ok-text'}, 'Sent as #' + r.seq + '.'));
      } catch (err) { show(feedback, errorBox(err)); }
    }}, h('label', {for: 'send-type'}, 'Event type'), type, h('label', {for: 'send-payload'}, 'Payload (JSON)'), payload,
    h('button', {type: 'submit'}, 'Send event'));
    const outcome = h('select', {id: 'end-outcome', 'aria-label': 'Outcome'},
      ['success', 'failed', 'cancelled'].map(v => h('option', {value: v}, v)));
    const confirmBox = h('div', {class: 'confirm', hidden: true, role: 'group', 'aria-label': 'Confirm'});
    const ask = (what, run) => () => {
      confirmBox.hidden = false;
      show(confirmBox, h('span', {}, what + ' session ' + s.session_id + '? This cannot be undone. '),
        h('button', {type: 'button', id: 'confirm-yes', class: 'danger', onclick: async () => {
          try { await run(); show(feedback, h('div', {class: 'ok-text'}, what + ': done.')); refresh(); } catch (err) { show(feedback, errorBox(err)); }
          confirmBox.hidden = true;
        }}, 'Yes, ' + what.toLowerCase()),
        h('button', {type: 'button', onclick: () => { confirmBox.hidden = true; }}, 'Cancel'));
      confirmBox.querySelector('#confirm-yes').focus();
    };
    return [send, h('div', {class: 'end'},
      h('label', {for: 'end-outcome'}, 'Outcome'), outcome,
      h('button', {type: 'button', id: 'end', onclick: ask('End', () => api('POST', path + '/end', {body: {outcome: outcome.value}}))}, 'End…'),
      h('button', {type: 'button', id: 'terminate', class: 'danger',
        onclick: ask('Terminate', () => api('POST', path + '/terminate', {body: {reason: 'terminated from the dashboard'}}))}, 'Terminate…')),
    confirmBox];
  }

  (async () => {
    await refresh();
    if (!alive || !current) return;
    if (current.status === 'ended') {
      // an ended session's stream sends what is left and closes: read its whole log by cursor instead
      let after = 0;
      for (;;) {
        try {
          const page = await api('GET', path + '/events', {query: {after, limit: 500}});
          if (!alive) return;
          page.events.forEach(addEvent);
          after = page.next_cursor;
          if (!page.has_more) break;
        } catch (err) { show(feedback, errorBox(err)); break; }
      }
      live.textContent = '(ended)';
      return;
    }
    stop = follow(id, 0, addEvent, (state) => {
      if (state instanceof ApiError) show(feedback, errorBox(state));
      else live.textContent = {live: '● live', reconnecting: '○ reconnecting…', ended: '(ended)'}[state];
    });
  })();

  const tick = setInterval(() => { if (current && current.status !== 'ended') show(head, fields(current)); }, 1000);
  const poll = setInterval(() => { if (current && current.status !== 'ended') extras().catch(() => {}); }, 3000);
  return () => { alive = false; clearInterval(tick); clearInterval(poll); if (stop) stop(); };
}

function fields(s) {
  const now = Date.now();
  const idleAt = s.last_activity_at ? Date.parse(s.last_activity_at) + s.idle_timeout_seconds * 1000 : null;
  const left = (t) => t == null ? '' : (t > now ? span(Math.round((t - now) / 1000)) : 'due');
  const rows = [
    ['Name', s.name], ['Agent', s.agent_id], ['Status', badge(s.status === 'ended' ? s.outcome : s.status)],
    ['Tags', (s.tags || []).join(', ')], ['Profile', s.profile || ''], ['Created', s.created_at + ' (' + ago(s.created_at) + ')'],
    ['Last activity', ago(s.last_activity_at)], ['Events', s.last_seq],
    ['Tasks', `${s.tasks.total} total, ${s.tasks.running} running, ${s.tasks.succeeded} succeeded, ${s.tasks.failed} failed`],
  ];
  if (s.status === 'ended') {
    rows.push(['Ended', s.ended_at + ' (' + ago(s.ended_at) + ')'], ['Outcome', s.outcome], ['Reason', s.reason],
      ['Error', s.error || ''], ['Duration', s.duration_seconds != null ? s.duration_seconds + ' s' : ''],
      ['Patterns', (s.patterns || []).join(', ') || 'none']);
  } else {
    rows.push(['Idle timeout in', left(idleAt)], ['TTL ends in', left(s.expires_at ? Date.parse(s.expires_at) : null)]);
  }
  return h('dl', {class: 'fields', id: 'session-fields'}, rows.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
}

function preview(payload) {
  const text = typeof payload === 'string' ? payload : JSON.stringify(payload);
  return text.length > 120 ? text.slice(0, 117) + '…' : text;
}
