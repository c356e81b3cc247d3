// Pieces more than one view shows.
import {h, table, ago, badge, link} from '../dom.js';

/** A figure on a card: a big value, a label, a colour by kind. */
export function card(label, value, kind = '', id = null) {
  return h('div', {class: 'card k-' + String(kind).replace(/[^a-z_]/g, ''), id},
    h('div', {class: 'value'}, value), h('div', {class: 'label'}, label));
}

/** A session's state: its status while live, its outcome and reason once ended. */
export function sessionBadge(s) {
  return s.status === 'ended' ? badge(s.outcome + ' · ' + s.reason, s.outcome) : badge(s.status);
}

export function sessionLink(id) {
  return link('/ui/sessions/' + encodeURIComponent(id), id);
}

/** The emergence alerts among tiles (newest first), or `none` when there are none. */
export function alerts(tiles, none) {
  const found = tiles.items.filter(t => t.kind === 'emergence_alert');
  return found.length
    ? table(['When', 'Session', 'Alert'], found.map(t => [ago(t.created_at), sessionLink(t.session_id), t.tile.question]), {class: 'alerts'})
    : h('p', {class: 'ok-text'}, none);
}
