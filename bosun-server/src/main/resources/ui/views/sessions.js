// Sessions: the API's list with every filter it has (status, outcome, agent, tag, profile, a part of
// the name), a search that opens an id directly, newest or oldest first, and cursor paging. All of it
// is in the address, so a page can be shared or reloaded; nothing counts the matches (D92).
import {api, ApiError} from '../api.js';
import {h, show, table, ago, link} from '../dom.js';
import {sessionBadge, sessionLink} from './common.js';
import {errorBox, go} from '../app.js';

const PAGE = 25;
const ID = /^sess_[A-Za-z0-9_-]+$/;
const FIELDS = ['status', 'outcome', 'agent_id', 'tag', 'profile', 'q', 'order'];

export default function sessions(main, _params, query) {
  const f = Object.fromEntries(FIELDS.map(k => [k, (query.get(k) || '').trim()]));
  const cursors = (query.get('trail') || '').split(',').filter(Boolean); // the cursors of the pages before
  const after = query.get('after') || '';
  const choice = (id, name, values, current, any) => h('select', {id, name},
    values.map(v => h('option', {value: v, selected: v === current}, v || any)));
  const text = (id, name, value, placeholder, attrs = {}) => h('input', {id, name, value, placeholder, ...attrs});
  const controls = {
    q: text('f-q', 'q', f.q, 'sess_… or a part of the name', {type: 'search'}),
    status: choice('f-status', 'status', ['', 'creating', 'running', 'ended'], f.status, 'any'),
    outcome: choice('f-outcome', 'outcome', ['', 'success', 'failed', 'timeout', 'cancelled'], f.outcome, 'any'),
    agent_id: text('f-agent', 'agent_id', f.agent_id, 'agent id'),
    tag: text('f-tag', 'tag', f.tag, 'tag'),
    profile: text('f-profile', 'profile', f.profile, 'profile'),
    order: h('select', {id: 'f-order', name: 'order'},
      [['', 'Newest first'], ['oldest', 'Oldest first']].map(([v, label]) => h('option', {value: v, selected: v === f.order}, label))),
  };
  const labelled = (key, label) => [h('label', {for: controls[key].id}, label), controls[key]];
  const form = h('form', {class: 'filters', role: 'search', 'aria-label': 'Filter sessions', onsubmit: (e) => {
    e.preventDefault();
    go('/ui/sessions?' + params(Object.fromEntries(FIELDS.map(k => [k, controls[k].value.trim()]))));
  }},
  labelled('q', 'Search'), labelled('status', 'Status'), labelled('outcome', 'Outcome'), labelled('agent_id', 'Agent'),
  labelled('tag', 'Tag'), labelled('profile', 'Profile'), labelled('order', 'Sort'),
  h('button', {type: 'submit'}, 'Apply'),
  FIELDS.some(k => f[k]) ? link('/ui/sessions', 'Clear', {id: 'f-clear'}) : null);
  const body = h('div', {'aria-live': 'polite', 'aria-busy': 'true'}, 'Loading…');
  show(main, h('h1', {}, 'Sessions'), form, body);
  let alive = true;

  const render = (items, pager, note) => {
    body.setAttribute('aria-busy', 'false');
    const rows = table(['Session', 'Name', 'Agent', 'Tags', 'Profile', 'Status', 'Tasks', 'Created', 'Last activity'],
      items.map(s => [sessionLink(s.session_id), s.name, s.agent_id, (s.tags || []).join(', '), s.profile || '',
        sessionBadge(s), s.tasks.total, ago(s.created_at), ago(s.last_activity_at)]), {class: 'sessions'});
    // the order is by creation: say so on that column, for screen readers as well
    rows.querySelectorAll('th')[7].setAttribute('aria-sort', f.order === 'oldest' ? 'ascending' : 'descending');
    show(body, note ? h('p', {class: 'hint', id: 'list-note'}, note) : null, rows, pager);
  };

  if (ID.test(f.q)) {
    // an id: the session itself, if this key's tenant has it
    api('GET', '/v1/sessions/' + encodeURIComponent(f.q)).then(s => {
      if (alive) render([s], null, 'The session with this id.');
    }).catch(err => {
      if (!alive) return;
      if (err instanceof ApiError && err.code === 'NOT_FOUND') render([], null, 'No session has the id ' + f.q + '.');
      else show(body, errorBox(err));
    });
    return () => { alive = false; };
  }

  const filters = {status: f.status, outcome: f.outcome, agent_id: f.agent_id, tag: f.tag, profile: f.profile,
    name: f.q, order: f.order};
  const here = {...f};
  api('GET', '/v1/sessions', {query: {...filters, after, limit: PAGE}}).then(page => {
    if (!alive) return;
    const prev = cursors.length ? cursors.slice(0, -1) : null;
    const back = cursors[cursors.length - 1];
    render(page.items, h('nav', {class: 'pager', 'aria-label': 'Pages'},
      prev ? link('/ui/sessions?' + params({...here, after: back === '-' ? '' : back, trail: prev.join(',')}), '← Previous page', {rel: 'prev'}) : null,
      h('span', {class: 'hint', id: 'page-number'}, 'Page ' + (cursors.length + 1)),
      page.has_more && page.next_cursor
        ? link('/ui/sessions?' + params({...here, after: page.next_cursor, trail: [...cursors, after || '-'].join(',')}), 'Next page →', {rel: 'next'})
        : null));
  }).catch(err => { if (alive) show(body, errorBox(err)); });
  return () => { alive = false; };
}

function params(o) {
  return new URLSearchParams(Object.entries(o).filter(([, v]) => v)).toString();
}
