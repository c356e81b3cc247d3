// Sessions: the API's list with its filters (status, agent, tag) and cursor paging, newest first.
import {api} from '../api.js';
import {h, show, table, ago, link} from '../dom.js';
import {sessionBadge, sessionLink} from './common.js';
import {errorBox, go} from '../app.js';

export default function sessions(main, _params, query) {
  const filters = {status: query.get('status') || '', agent_id: query.get('agent_id') || '', tag: query.get('tag') || ''};
  const cursors = (query.get('trail') || '').split(',').filter(Boolean); // the cursors of the pages before
  const after = query.get('after') || '';
  const status = h('select', {id: 'f-status', name: 'status'},
    ['', 'creating', 'running', 'ended'].map(v => h('option', {value: v, selected: v === filters.status}, v || 'any')));
  const agent = h('input', {id: 'f-agent', name: 'agent_id', value: filters.agent_id, placeholder: 'agent id'});
  const tag = h('input', {id: 'f-tag', name: 'tag', value: filters.tag, placeholder: 'tag'});
  const form = h('form', {class: 'filters', role: 'search', onsubmit: (e) => {
    e.preventDefault();
    go('/ui/sessions?' + params({status: status.value, agent_id: agent.value.trim(), tag: tag.value.trim()}));
  }},
  h('label', {for: 'f-status'}, 'Status'), status, h('label', {for: 'f-agent'}, 'Agent'), agent,
  h('label', {for: 'f-tag'}, 'Tag'), tag, h('button', {type: 'submit'}, 'Filter'));
  const body = h('div', {}, 'Loading…');
  show(main, h('h1', {}, 'Sessions'), form, body);
  let alive = true;
  api('GET', '/v1/sessions', {query: {...filters, after, limit: 25}}).then(page => {
    if (!alive) return;
    const prev = cursors.length ? cursors.slice(0, -1) : null;
    show(body,
      table(['Session', 'Name', 'Agent', 'Tags', 'Status', 'Tasks', 'Last activity'], page.items.map(s => [
        sessionLink(s.session_id), s.name, s.agent_id, (s.tags || []).join(', '), sessionBadge(s),
        s.tasks.total, ago(s.last_activity_at)]), {class: 'sessions'}),
      h('nav', {class: 'pager', 'aria-label': 'Pages'},
        prev ? link('/ui/sessions?' + params({...filters, after: cursors[cursors.length - 1] === '-' ? '' : cursors[cursors.length - 1], trail: prev.join(',')}), '← Newer') : null,
        page.has_more && page.next_cursor
          ? link('/ui/sessions?' + params({...filters, after: page.next_cursor, trail: [...cursors, after || '-'].join(',')}), 'Older →', {rel: 'next'})
          : null));
  }).catch(err => { if (alive) show(body, errorBox(err)); });
  return () => { alive = false; };
}

function params(o) {
  return new URLSearchParams(Object.entries(o).filter(([, v]) => v)).toString();
}
