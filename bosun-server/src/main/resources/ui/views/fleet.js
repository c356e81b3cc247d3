// Fleet: agents and their capabilities and load, the agent–task graph with V, E, C and β₁, and
// the emergence alerts.
import {api} from '../api.js';
import {h, show, table, ago} from '../dom.js';
import {card, alerts} from './common.js';
import {svg} from './chart.js';
import {errorBox} from '../app.js';

export default function fleet(main) {
  const body = h('div', {}, 'Loading…');
  show(main, h('h1', {}, 'Fleet'), body, h('h2', {}, 'Route a task'), routeForm(() => load()));
  let alive = true;
  async function load() {
    try {
      const [status, snap, tiles] = await Promise.all([api('GET', '/v1/fleet/status'), api('GET', '/v1/fleet/h1-snapshot'),
        api('GET', '/v1/tiles', {query: {limit: 200}})]);
      const agents = await api('GET', '/v1/agents');
      if (!alive) return;
      show(body,
        h('section', {class: 'cards', 'aria-label': 'Graph figures'},
          card('V (vertices)', status.vertices), card('E (edges)', status.edges), card('C (components)', status.components),
          card('β₁', status.h1, status.emergence ? 'emergent' : 'ok', 'beta1'), card('Threshold', status.threshold),
          card('Agents', status.agents), card('Tasks', status.tasks)),
        h('p', {class: status.emergence ? 'error' : 'ok-text', id: 'fleet-description'}, status.description),
        h('h2', {}, 'Agents'),
        table(['Agent', 'Capabilities', 'Load', 'Last seen'], agents.items.map(a => [a.agent_id,
          (a.capabilities || []).join(', '), a.load, ago(a.last_seen_at)]), {class: 'agents'}),
        h('h2', {}, 'Agent–task graph'), graph(snap),
        h('h2', {}, 'Emergence alerts'),
        alerts(tiles, 'None.'));
    } catch (err) {
      if (alive) show(body, errorBox(err));
    }
  }
  load();
  const timer = setInterval(load, 5000);
  return () => { alive = false; clearInterval(timer); };
}

/** POST /v1/route: the agent chosen for a task by capability and β₁, with the API's reasoning. */
function routeForm(after) {
  const task = h('input', {id: 'route-task', required: true, placeholder: 'task id'});
  const caps = h('input', {id: 'route-caps', placeholder: 'compilation, llvm'});
  const out = h('div', {id: 'route-result', 'aria-live': 'polite'});
  return h('form', {class: 'route', onsubmit: async (e) => {
    e.preventDefault();
    try {
      const d = await api('POST', '/v1/route', {body: {task_id: task.value.trim(),
        required_capabilities: caps.value.split(',').map(c => c.trim()).filter(Boolean)}});
      show(out, h('p', {class: 'ok-text'}, 'Routed to ', h('strong', {}, d.agent_id), ` (β₁ ${d.h1_before} → ${d.h1_after}, confidence ${d.confidence}): `, d.reasoning));
      after();
    } catch (err) { show(out, errorBox(err)); }
  }}, h('label', {for: 'route-task'}, 'Task id'), task, h('label', {for: 'route-caps'}, 'Required capabilities'), caps,
  h('button', {type: 'submit'}, 'Route'), out);
}

/**
 * The edges that lie on a cycle: those that are not bridges (Tarjan's low-link, over edge indexes so
 * that a pair given twice still counts as a cycle). Returns the set of their indexes.
 */
export function cycleEdges(edges) {
  const adj = new Map();
  edges.forEach(([a, t], i) => {
    for (const [u, v] of [['a:' + a, 't:' + t], ['t:' + t, 'a:' + a]]) {
      if (!adj.has(u)) adj.set(u, []);
      adj.get(u).push([v, i]);
    }
  });
  const order = new Map(), low = new Map(), bridges = new Set();
  let n = 0;
  for (const start of adj.keys()) {
    if (order.has(start)) continue;
    // iterative DFS: a long chain of routing decisions cannot overflow the stack
    const stack = [[start, -1, 0]];
    order.set(start, n); low.set(start, n); n++;
    while (stack.length) {
      const top = stack[stack.length - 1];
      const [u, via, next] = top;
      const out = adj.get(u);
      if (next < out.length) {
        top[2]++;
        const [v, i] = out[next];
        if (i === via) continue;
        if (order.has(v)) { low.set(u, Math.min(low.get(u), order.get(v))); continue; }
        order.set(v, n); low.set(v, n); n++;
        stack.push([v, i, 0]);
      } else {
        stack.pop();
        if (stack.length) {
          const parent = stack[stack.length - 1][0];
          low.set(parent, Math.min(low.get(parent), low.get(u)));
          if (low.get(u) > order.get(parent)) bridges.add(via);
        }
      }
    }
  }
  return new Set(edges.map((_, i) => i).filter(i => !bridges.has(i)));
}

/**
 * The connected components of the agent–task graph (an agent without edges is one by itself), the
 * largest first: each with its agents and tasks in the order given, its edge indexes and its β₁
 * (E − V + 1: the independent cycles inside it).
 */
export function components(agents, tasks, edges) {
  const parent = new Map();
  const find = (x) => { while (parent.get(x) !== x) { parent.set(x, parent.get(parent.get(x))); x = parent.get(x); } return x; };
  for (const a of agents) parent.set('a:' + a, 'a:' + a);
  for (const t of tasks) parent.set('t:' + t, 't:' + t);
  for (const [a, t] of edges) parent.set(find('a:' + a), find('t:' + t));
  const byRoot = new Map();
  const of = (key) => {
    const root = find(key);
    if (!byRoot.has(root)) byRoot.set(root, {agents: [], tasks: [], edges: []});
    return byRoot.get(root);
  };
  for (const a of agents) of('a:' + a).agents.push(a);
  for (const t of tasks) of('t:' + t).tasks.push(t);
  edges.forEach(([a], i) => of('a:' + a).edges.push(i));
  const out = [...byRoot.values()].map(c => ({...c, beta1: c.edges.length - c.agents.length - c.tasks.length + 1}));
  // largest first; a stable sort keeps the order of appearance among equals
  return out.sort((x, y) => (y.edges.length - x.edges.length) || (y.agents.length + y.tasks.length - x.agents.length - x.tasks.length));
}

const ROW = 36;
const GAP = 14; // between two components' bands

const plural = (k, one) => k + ' ' + one + (k === 1 ? '' : 's');

/** One sentence per component, for the list under the drawing (the figure is not colour alone). */
function describe(c, n) {
  return `Component ${n}: ${plural(c.agents.length, 'agent')} (${c.agents.join(', ')})`
    + (c.tasks.length ? `, ${plural(c.tasks.length, 'task')} (${c.tasks.join(', ')})` : ', no tasks')
    + `, ${plural(c.edges.length, 'edge')}, ` + (c.beta1 > 0 ? `β₁ ${c.beta1} (${plural(c.beta1, 'independent cycle')})` : 'no cycle');
}

/**
 * Agents in a column on the left, tasks on the right, an edge per routing decision in the window;
 * each connected component in its own outlined, shaded and numbered band, the edges on cycles red.
 */
function graph(snap) {
  const agents = [...new Set([...snap.agents.map(a => a.agent_id), ...snap.edges.map(e => e[0])])];
  const tasks = [...new Set(snap.edges.map(e => e[1]))];
  const comps = components(agents, tasks, snap.edges);
  const pos = new Map(), compOf = new Map(), bands = [];
  let top = 10;
  comps.forEach((c, k) => {
    const rows = Math.max(c.agents.length, c.tasks.length, 1);
    const y0 = top + 12; // room for the band's number above its first row
    c.agents.forEach((a, i) => pos.set('a:' + a, [160, y0 + ROW / 2 + i * ROW + (rows - c.agents.length) * ROW / 2]));
    c.tasks.forEach((t, i) => pos.set('t:' + t, [520, y0 + ROW / 2 + i * ROW + (rows - c.tasks.length) * ROW / 2]));
    for (const a of c.agents) compOf.set('a:' + a, k + 1);
    for (const t of c.tasks) compOf.set('t:' + t, k + 1);
    bands.push({c, k, y: top, height: 12 + rows * ROW});
    top += 12 + rows * ROW + GAP;
  });
  const height = Math.max(top, 60);
  const cyc = cycleEdges(snap.edges);
  const onCycle = new Set();
  snap.edges.forEach(([a, t], i) => { if (cyc.has(i)) onCycle.add('a:' + a).add('t:' + t); });
  const root = svg('svg', {viewBox: `0 0 680 ${height}`, class: 'graph', id: 'fleet-graph', role: 'img',
    'aria-label': `Graph of ${plural(agents.length, 'agent')} and ${plural(tasks.length, 'task')} in `
      + `${plural(comps.length, 'component')} with ${snap.edges.length} edges, ${cyc.size} of them on cycles`});
  for (const {c, k, y, height: bh} of bands) {
    const band = svg('rect', {x: 8, y, width: 664, height: bh, rx: 6, class: 'component comp-' + (k % 6), 'data-component': k + 1});
    band.appendChild(svg('title', {}, describe(c, k + 1)));
    root.appendChild(band);
    root.appendChild(svg('text', {x: 16, y: y + 14, class: 'label comp-label'}, 'C' + (k + 1)));
  }
  // plain edges first, so that the highlighted ones are drawn over them where lines cross
  const drawn = snap.edges.map((e, i) => [e, i]).sort(([, i], [, j]) => Number(cyc.has(i)) - Number(cyc.has(j)));
  for (const [[a, t], i] of drawn) {
    const [x1, y1] = pos.get('a:' + a); const [x2, y2] = pos.get('t:' + t);
    const line = svg('line', {x1, y1, x2, y2, class: cyc.has(i) ? 'edge cycle' : 'edge', 'data-agent': a, 'data-task': t,
      'data-component': compOf.get('a:' + a)});
    line.appendChild(svg('title', {}, `${a} — ${t}${cyc.has(i) ? ' (on a cycle)' : ''}`));
    root.appendChild(line);
  }
  for (const a of agents) {
    const [x, y] = pos.get('a:' + a);
    root.appendChild(svg('circle', {cx: x, cy: y, r: 9, class: onCycle.has('a:' + a) ? 'agent on-cycle' : 'agent',
      'data-agent': a, 'data-component': compOf.get('a:' + a)}));
    root.appendChild(svg('text', {x: x - 16, y: y + 4, 'text-anchor': 'end', class: 'label'}, a));
  }
  for (const t of tasks) {
    const [x, y] = pos.get('t:' + t);
    root.appendChild(svg('rect', {x: x - 8, y: y - 8, width: 16, height: 16, class: onCycle.has('t:' + t) ? 'task on-cycle' : 'task',
      'data-task': t, 'data-component': compOf.get('t:' + t)}));
    root.appendChild(svg('text', {x: x + 16, y: y + 4, class: 'label'}, t));
  }
  if (!snap.edges.length && !agents.length) root.appendChild(svg('text', {x: 340, y: 40, 'text-anchor': 'middle', class: 'label'}, 'No agents or routed tasks yet.'));
  return h('figure', {}, root, h('figcaption', {id: 'graph-caption'}, '● agents, ■ tasks; each line is a routing decision in the window; '
    + 'each connected component is a numbered band (C1, C2, …), listed below. ',
    cyc.size ? `The ${cyc.size} thick red lines lie on cycles (β₁ counts the independent ones).` : 'No cycles.'),
    h('ol', {id: 'graph-components', class: 'components', 'aria-label': 'Connected components'},
      comps.map((c, k) => h('li', {'data-component': k + 1}, describe(c, k + 1)))));
}
