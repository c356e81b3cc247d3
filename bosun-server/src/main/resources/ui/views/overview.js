// Overview: exact session counts (GET /v1/stats), events per second and β₁ against the threshold
// over time, today's ends by outcome and reason, the newest sessions, the exact tile and webhook
// backlogs and dead letters with each delivery target's health (GET /v1/stats), and alerts.
// The rates and the history are kept in this tab, from one reading every 5 s (D93): they start
// when the dashboard is opened and survive moving between its views, not a reload.
import {api} from '../api.js';
import {h, show, table, ago, badge} from '../dom.js';
import {card, sessionBadge, sessionLink, alerts} from './common.js';
import {lineChart, fmt} from './chart.js';
import {errorBox} from '../app.js';

const EVERY_MS = 5000;
const KEEP = 120; // ten minutes of readings
const history = [];
let last = null; // the previous /v1/stats reading, for the event rate

/** A backlog's card: a count exactly as the API counted it, coloured by the state when above zero. */
function backlogCard(label, n, state, id) {
  return card(label, n, n === 0 ? 'ok' : state, id);
}

/**
 * Each delivery target (PLATO, then every webhook subscription) with how it fares and its exact
 * backlog; the health is a word in a badge, not a colour alone.
 */
function targets(plato, stats) {
  const row = (name, health, b) => [name, badge(health.status || 'unknown'), ago(health.since),
    b.pending, b.dead, b.rejected, [health.cause, health.detail].filter(Boolean).join(': ')];
  return table(['Target', 'Health', 'Since', 'Pending', 'Dead', 'Rejected', 'Last problem'],
    [row('PLATO (tiles)', plato, stats.tiles),
     ...stats.webhooks.targets.map(t => row('Webhook ' + t.url, t.health, t))], {class: 'targets'});
}

/** Adds a reading: the event rate since the previous one (never negative: retention removes events). */
function record(stats, fleet) {
  const t = Date.parse(stats.at);
  let eps = NaN;
  if (last && t > last.t) eps = Math.max(0, (stats.events - last.events) * 1000 / (t - last.t));
  if (!last || t > last.t) {
    last = {t, events: stats.events};
    history.push({t, eps, h1: fleet.h1, threshold: fleet.threshold});
    if (history.length > KEEP) history.shift();
  }
  return eps;
}

export default function overview(main) {
  const body = h('div', {'aria-live': 'polite', 'aria-busy': 'true'}, 'Loading…');
  show(main, h('h1', {}, 'Overview'), body);
  let alive = true;
  async function load() {
    try {
      const [stats, recent, fleet, tiles] = await Promise.all([
        api('GET', '/v1/stats'), api('GET', '/v1/sessions', {query: {limit: 10}}), api('GET', '/v1/fleet/status'),
        api('GET', '/v1/tiles', {query: {limit: 200}})]);
      if (!alive) return;
      const eps = record(stats, fleet);
      const plato = tiles.plato || {};
      const n = stats.sessions;
      body.setAttribute('aria-busy', 'false');
      show(body,
        h('section', {class: 'cards', 'aria-label': 'Counts'},
          card('Running sessions', n.running, 'running', 'c-running'), card('Starting', n.creating, 'creating', 'c-creating'),
          card('Ended', n.ended, 'ended', 'c-ended'), card('Started today (UTC)', stats.today.started, '', 'c-started'),
          card('Events per second', Number.isFinite(eps) ? fmt(eps) : '…', '', 'c-eps'),
          card('β₁ (threshold ' + fleet.threshold + ')', fleet.h1, fleet.emergence ? 'emergent' : 'ok', 'c-beta1'),
          backlogCard('Tile backlog', stats.tiles.pending, 'pending', 'c-tiles-pending'),
          backlogCard('Dead tiles', stats.tiles.dead, 'dead', 'c-tiles-dead'),
          backlogCard('Rejected tiles', stats.tiles.rejected, 'rejected', 'c-tiles-rejected'),
          backlogCard('Webhook backlog', stats.webhooks.pending, 'pending', 'c-hooks-pending'),
          backlogCard('Dead webhook deliveries', stats.webhooks.dead, 'dead', 'c-hooks-dead'),
          backlogCard('Rejected webhook deliveries', stats.webhooks.rejected, 'rejected', 'c-hooks-rejected'),
          card('PLATO', plato.status || 'unknown', plato.status || 'none', 'c-plato')),
        h('div', {class: 'charts'},
          lineChart('chart-eps', 'Events per second', history, [{key: 'eps', label: 'events/s', cls: 'solid'}]),
          lineChart('chart-beta1', 'β₁ and the emergence threshold', history,
            [{key: 'h1', label: 'β₁', cls: 'solid'}, {key: 'threshold', label: 'threshold', cls: 'dashed'}])),
        h('p', {class: 'hint'}, 'The lines are this tab\'s readings, one every 5 s since the dashboard was opened.'),
        h('h2', {}, 'Delivery targets'),
        targets(plato, stats),
        h('h2', {}, 'Ended today (UTC), by outcome and reason'),
        table(['Outcome', 'Reason', 'Sessions'], stats.today.ended.map(e => [badge(e.outcome), e.reason, e.count]),
          {class: 'ended-today'}),
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
  const timer = setInterval(load, EVERY_MS);
  return () => { alive = false; clearInterval(timer); };
}
