// Builds the page from elements and text nodes only: data never passes through innerHTML, so a
// session name or payload is shown as the text it is, never run as markup.

/** An element: h('a', {href: '/ui', class: 'x', onclick: fn}, 'text', child, [more]). */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else if (c instanceof Node) el.appendChild(c);
    else el.appendChild(document.createTextNode(String(c)));
  }
}

/** Replaces everything in el with children. */
export function show(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** A table: headers, then rows of cells (text or nodes). */
export function table(headers, rows, attrs = {}) {
  return h('div', {class: 'table-wrap'}, h('table', attrs,
    h('thead', {}, h('tr', {}, headers.map(x => h('th', {scope: 'col'}, x)))),
    h('tbody', {}, rows.length ? rows.map(r => h('tr', {}, r.map(c => h('td', {}, c ?? ''))))
      : h('tr', {}, h('td', {colspan: headers.length, class: 'empty'}, 'Nothing here.')))));
}

/** "3 s ago", "5 min ago" from an ISO time; '' for null. */
export function ago(iso, now = Date.now()) {
  if (!iso) return '';
  const s = Math.round((now - Date.parse(iso)) / 1000);
  if (s < 0) return 'in ' + span(-s);
  return span(s) + ' ago';
}

export function span(s) {
  if (s < 60) return s + ' s';
  if (s < 3600) return Math.floor(s / 60) + ' min';
  if (s < 86400) return Math.floor(s / 3600) + ' h ' + Math.floor((s % 3600) / 60) + ' min';
  return Math.floor(s / 86400) + ' d ' + Math.floor((s % 86400) / 3600) + ' h';
}

/** A state as a small labelled badge. */
export function badge(text, kind = text) {
  return h('span', {class: 'badge b-' + String(kind || 'none').replace(/[^a-z_]/g, '')}, text ?? '—');
}

/** A link inside the app (handled by the router, no reload). */
export function link(path, text, attrs = {}) {
  return h('a', {href: path, 'data-nav': '', ...attrs}, text);
}
