// A small line chart over time in SVG, drawn from text-free numbers (no innerHTML, no library).

const SVG = 'http://www.w3.org/2000/svg';
const W = 600, H = 140, PAD = 28;

export function svg(tag, attrs = {}, text) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = text;
  return el;
}

/**
 * samples: [{t (ms), ...values}]; series: [{key, label, cls}]. The chart names itself and its latest
 * values in its accessible name, so a screen reader hears what a sighted user reads off the line.
 */
export function lineChart(id, title, samples, series, unit = '') {
  const latest = samples.length ? samples[samples.length - 1] : null;
  const said = latest ? series.map(s => `${s.label} ${fmt(latest[s.key])}${unit}`).join(', ') : 'no samples yet';
  const root = svg('svg', {viewBox: `0 0 ${W} ${H}`, class: 'chart', id, role: 'img', 'data-samples': samples.length,
    'aria-label': `${title}: ${said}, over the last ${samples.length} samples`});
  const values = samples.flatMap(p => series.map(s => p[s.key])).filter(v => Number.isFinite(v));
  // the threshold (V − 2) is negative on a small graph: the scale reaches below zero when a value does
  const top = Math.max(1, ...values);
  const bottom = Math.min(0, ...values);
  const t0 = samples.length ? samples[0].t : 0;
  const span = samples.length > 1 ? samples[samples.length - 1].t - t0 : 1;
  const x = (t) => PAD + (W - 2 * PAD) * (samples.length > 1 ? (t - t0) / span : 1);
  const y = (v) => H - PAD + 8 - (H - 2 * PAD) * ((v - bottom) / (top - bottom));
  root.appendChild(svg('line', {x1: PAD, y1: y(0), x2: W - PAD, y2: y(0), class: 'axis'}));
  root.appendChild(svg('text', {x: 4, y: y(top) + 4, class: 'label'}, fmt(top)));
  root.appendChild(svg('text', {x: 4, y: y(0) + 4, class: 'label'}, '0'));
  if (bottom < 0) root.appendChild(svg('text', {x: 4, y: y(bottom) + 4, class: 'label'}, fmt(bottom)));
  for (const s of series) {
    const pts = samples.filter(p => Number.isFinite(p[s.key])).map(p => `${x(p.t).toFixed(1)},${y(p[s.key]).toFixed(1)}`);
    if (pts.length === 1) root.appendChild(svg('circle', {cx: pts[0].split(',')[0], cy: pts[0].split(',')[1], r: 3, class: 'series ' + s.cls}));
    else if (pts.length) root.appendChild(svg('polyline', {points: pts.join(' '), class: 'series ' + s.cls}));
  }
  const legend = series.map(s => `${s.label} (${s.cls === 'dashed' ? 'dashed' : 'solid'} line)`).join(', ');
  const figure = document.createElement('figure');
  const caption = document.createElement('figcaption');
  caption.textContent = `${title}. ${legend}; now: ${said}.`;
  figure.append(root, caption);
  return figure;
}

export function fmt(v) {
  if (!Number.isFinite(v)) return '—';
  return Number.isInteger(v) ? String(v) : v.toFixed(v < 10 ? 2 : 1);
}
