// Deliveries: tiles by state with their last errors (retry one or all dead/rejected), PLATO's
// health, and each webhook's deliveries and failures.
import {api} from '../api.js';
import {h, show, table, ago, badge, link} from '../dom.js';
import {sessionLink} from './common.js';
import {errorBox} from '../app.js';

const STATES = ['dead', 'rejected', 'pending', 'delivered', 'local'];

export default function deliveries(main, _params, query) {
  const state = STATES.includes(query.get('state')) ? query.get('state') : 'dead';
  const feedback = h('div', {'aria-live': 'polite'});
  const tiles = h('div', {}, 'Loading…');
  const hooks = h('div', {}, 'Loading…');
  const tabs = h('nav', {class: 'tabs', 'aria-label': 'Tile states'}, STATES.map(s =>
    link('/ui/deliveries?state=' + s, s, {'aria-current': s === state ? 'page' : null, id: 'tiles-' + s})));
  show(main, h('h1', {}, 'Deliveries'), feedback, h('h2', {}, 'Tiles'), tabs, tiles, h('h2', {}, 'Webhooks'), hooks);
  let alive = true;

  async function retry(path) {
    try {
      await api('POST', path);
      show(feedback, h('div', {class: 'ok-text'}, 'Queued again.'));
      load();
    } catch (err) { show(feedback, errorBox(err)); }
  }

  async function load() {
    try {
      const page = await api('GET', '/v1/tiles', {query: {state, limit: 100}});
      if (!alive) return;
      const plato = page.plato || {};
      const retriable = state === 'dead' || state === 'rejected';
      show(tiles,
        h('p', {id: 'plato'}, 'PLATO: ', badge(plato.status || 'unknown'), plato.detail ? ' ' + plato.detail : ''),
        retriable && page.items.length ? h('button', {type: 'button', id: 'retry-all', onclick: async () => {
          for (const t of page.items) {
            try { await api('POST', '/v1/tiles/' + encodeURIComponent(t.tile_id) + '/retry'); } catch (err) { show(feedback, errorBox(err)); return; }
          }
          show(feedback, h('div', {class: 'ok-text'}, page.items.length + ' tiles queued again.'));
          load();
        }}, 'Retry all ' + page.items.length) : null,
        table(['Tile', 'Session', 'Kind', 'State', 'Attempts', 'Last error', 'Updated', ''], page.items.map(t => [
          t.tile_id, sessionLink(t.session_id), t.kind, badge(t.state),
          t.attempts, [t.last_status ? 'HTTP ' + t.last_status + ' ' : '', t.last_error || ''].join(''), ago(t.updated_at),
          retriable ? h('button', {type: 'button', class: 'retry', 'data-tile': t.tile_id,
            onclick: () => retry('/v1/tiles/' + encodeURIComponent(t.tile_id) + '/retry')}, 'Retry') : '']), {class: 'tiles'}));
      const list = await api('GET', '/v1/webhooks');
      const rows = [];
      for (const w of list.items) {
        const failed = await api('GET', '/v1/webhooks/' + encodeURIComponent(w.webhook_id) + '/deliveries', {query: {limit: 20}});
        rows.push(h('section', {class: 'webhook'}, h('h3', {}, w.url),
          h('p', {}, 'Events: ' + w.events.join(', ') + ' · created ' + ago(w.created_at)),
          table(['Delivery', 'Event', 'State', 'Attempts', 'Last error', ''], failed.items.map(d => [d.delivery_id,
            d.event_type, badge(d.state), d.attempts, d.last_error || '',
            d.state === 'dead' || d.state === 'rejected' ? h('button', {type: 'button', onclick: () => retry('/v1/webhooks/'
              + encodeURIComponent(w.webhook_id) + '/deliveries/' + encodeURIComponent(d.delivery_id) + '/retry')}, 'Retry') : '']))));
      }
      if (alive) show(hooks, rows.length ? rows : h('p', {}, 'No webhooks subscribed.'));
    } catch (err) {
      if (alive) show(tiles, errorBox(err));
    }
  }
  load();
  const timer = setInterval(load, 5000);
  return () => { alive = false; clearInterval(timer); };
}
