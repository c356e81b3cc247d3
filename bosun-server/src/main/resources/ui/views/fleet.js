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

/** Agents in a column on the left, tasks on the right, an edge per routing decision in the window. */
function graph(snap) {
  const agents = [...new Set([...snap.agents.map(a => a.agent_id), ...snap.edges.map(e => e[0])])];
  const tasks = [...new Set(snap.edges.map(e => e[1]))];
  const rows = Math.max(agents.length, tasks.length, 1);
  const height = 40 + rows * 36;
  const pos = new Map();
  agents.forEach((a, i) => pos.set('a:' + a, [160, 30 + i * 36 + (rows - agents.length) * 18]));
  tasks.forEach((t, i) => pos.set('t:' + t, [520, 30 + i * 36 + (rows - tasks.length) * 18]));
  const cyc = cycleEdges(snap.edges);
  const onCycle = new Set();
  snap.edges.forEach(([a, t], i) => { if (cyc.has(i)) onCycle.add('a:' + a).add('t:' + t); });
  const root = svg('svg', {viewBox: `0 0 680 ${height}`, class: 'graph', id: 'fleet-graph', role: 'img',
    'aria-label': `Graph of ${agents.length} agents and ${tasks.length} tasks with ${snap.edges.length} edges, `
      + `${cyc.size} of them on cycles`});
  // plain edges first, so that the highlighted ones are drawn over them where lines cross
  const drawn = snap.edges.map((e, i) => [e, i]).sort(([, i], [, j]) => Number(cyc.has(i)) - Number(cyc.has(j)));
  for (const [[a, t], i] of drawn) {
    const [x1, y1] = pos.get('a:' + a); const [x2, y2] = pos.get('t:' + t);
    const line = svg('line', {x1, y1, x2, y2, class: cyc.has(i) ? 'edge cycle' : 'edge', 'data-agent': a, 'data-task': t});
    line.appendChild(svg('title', {}, `${a} — ${t}${cyc.has(i) ? ' (on a cycle)' : ''}`));
    root.appendChild(line);
  }
  for (const a of agents) {
    const [x, y] = pos.get('a:' + a);
    root.appendChild(svg('circle', {cx: x, cy: y, r: 9, class: onCycle.has('a:' + a) ? 'agent on-cycle' : 'agent'}));
    root.appendChild(svg('text', {x: x - 16, y: y + 4, 'text-anchor': 'end', class: 'label'}, a));
  }
  for (const t of tasks) {
    const [x, y] = pos.get('t:' + t);
    root.appendChild(svg('rect', {x: x - 8, y: y - 8, width: 16, height: 16, class: onCycle.has('t:' + t) ? 'task on-cycle' : 'task'}));
    root.appendChild(svg('text', {x: x + 16, y: y + 4, class: 'label'}, t));
  }
  if (!snap.edges.length && !agents.length) root.appendChild(svg('text', {x: 340, y: 40, 'text-anchor': 'middle', class: 'label'}, 'No agents or routed tasks yet.'));
  return h('figure', {}, root, h('figcaption', {id: 'graph-caption'}, '● agents, ■ tasks; each line is a routing decision in the window. ',
    cyc.size ? `The ${cyc.size} thick red lines lie on cycles (β₁ counts the independent ones).` : 'No cycles.'));
}
