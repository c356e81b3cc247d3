// Overview: session counts, the newest sessions, the fleet's β₁ and emergence alerts, delivery backlog.
import {api} from '../api.js';
import {h, show, table, ago} from '../dom.js';
import {card, sessionBadge, sessionLink, alerts} from './common.js';
import {errorBox} from '../app.js';

async function count(query) {
  const page = await api('GET', '/v1/sessions', {query: {...query, limit: 1000}});
  return page.items.length + (page.has_more ? '+' : '');
}

async function tileCount(state) {
  const page = await api('GET', '/v1/tiles', {query: {state, limit: 1000}});
  return page.items.length + (page.has_more ? '+' : '');
}

export default function overview(main) {
  const body = h('div', {'aria-live': 'polite'}, 'Loading…');
  show(main, h('h1', {}, 'Overview'), body);
  let alive = true;
  async function load() {
    try {
      const [running, creating, ended, recent, fleet, tiles, dead, rejected] = await Promise.all([
        count({status: 'running'}), count({status: 'creating'}), count({status: 'ended'}),
        api('GET', '/v1/sessions', {query: {limit: 10}}), api('GET', '/v1/fleet/status'),
        api('GET', '/v1/tiles', {query: {limit: 200}}), tileCount('dead'), tileCount('rejected')]);
      if (!alive) return;
      const plato = tiles.plato || {};
      show(body,
        h('section', {class: 'cards', 'aria-label': 'Counts'},
          card('Running sessions', running, 'running'), card('Starting', creating, 'creating'),
          card('Ended', ended, 'ended'), card('β₁ (threshold ' + fleet.threshold + ')', fleet.h1, fleet.emergence ? 'emergent' : 'ok'),
          card('Dead tiles', dead, dead === '0' ? 'ok' : 'dead'), card('Rejected tiles', rejected, rejected === '0' ? 'ok' : 'rejected'),
          card('PLATO', plato.status || 'unknown', plato.status || 'none')),
        h('h2', {}, 'Recent sessions'),
        table(['Session', 'Name', 'Agent', 'Status', 'Created'], recent.items.map(s => [
          sessionLink(s.session_id), s.name, s.agent_id, sessionBadge(s), ago(s.created_at)]), {class: 'recent'}),
        h('h2', {}, 'Emergence alerts'),
        alerts(tiles, 'None: ' + fleet.description));
    } catch (err) {
      if (alive) show(body, errorBox(err));
    }
  }
  load();
  const timer = setInterval(load, 5000);
  return () => { alive = false; clearInterval(timer); };
}

