package dev.bosun.fleet;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One tenant's routing state in primitive form: the registry, the agent–task graph of the window
 * with β₁ = E − V + C, and the per-agent counters a decision compares.
 *
 * <p>Agents, capabilities and tasks are interned to int ids once. Each capability has an
 * inverted index of its agents in registration order and a bitset of them over agent ids, so the
 * capable agents of a task are the shortest list of its required capabilities (taken as it is for one
 * capability) filtered by the other capabilities' bits. Task keys are found through an open-addressing table of task vertices (no boxed
 * entry per task). Components are an int-array union-find over the vertices; the edges are each
 * task's agents in int lists over one pool (a task has a few, so membership is a short walk, and
 * they cost 8 bytes an edge); loads and linked-task counts are int arrays. A decision fills a reused candidate buffer and compares each
 * candidate's β₁ delta and counter without allocating: for a new task every delta is 0 (a new vertex
 * closes no cycle); for a known task the delta is 1 exactly for an agent not linked to it in the task's
 * component, so when that component holds every registered agent (counted per root) only the task's own
 * few agents can have delta 0 and they alone are compared, else the linked agents are marked once and
 * every candidate compared. Several required capabilities are ANDed bitsets while ids follow
 * registration order (D119).
 *
 * <p>Pruning removes the dropped edges and the vertices they leave isolated (a task with no edge,
 * an unregistered agent with no edge), then rebuilds the union-find from the remaining int edges;
 * no string work and no store read. Not thread-safe: {@link Fleet} serializes each tenant's use.
 */
public final class FleetGraph {
    private static final int NONE = -1;

    /** Why {@link #selectCandidates} found no candidate, or that it found some. */
    public enum Selection {
        FOUND,
        NO_AGENTS,
        NONE_CAPABLE
    }

    // ---- agents, interned for good: registered ones, and ones only named by an edge or a load ----
    private final Map<String, Integer> agentIndex = new HashMap<>();
    private String[] agentNames = new String[16];
    private Agent[] registered = new Agent[16]; // null when not registered
    private long[] rank = new long[16]; // registration order; valid while registered
    private int[] agentVertex = filled(16);
    private int[] load = new int[16];
    private int[] linked = new int[16];
    private int agentIds;
    private long nextRank;
    private final IntList order = new IntList(); // registered agents by rank
    // Whether agent ids ascend with registration order among the registered agents: true while every new rank
    // went to an id above all ids ranked before (ids are interned at first sight, usually the registration;
    // an agent re-registered after removal, or first named by an edge, takes a new rank on an older id). While
    // it holds, a capability bitset walked by id lists agents in registration order.
    private boolean idsInRankOrder = true;
    private int maxRankedId = NONE;

    // ---- capabilities ----
    private final Map<String, Integer> capIndex = new HashMap<>();
    private IntList[] postings = new IntList[16]; // capability → registered agents by rank
    // capability → bitset over agent ids of the registered agents having it: a 2-capability task tests the
    // other capability of each agent of the shortest posting list in one small array that stays in cache
    private long[][] capSet = new long[16][];
    // Registered agents with no load, per capability and in all: while a task's candidates are one
    // capability's agents (or all agents) and some are idle, the least load is 0 and the first idle one in
    // registration order wins without a scan of the others. Kept on registration and on every load change.
    private int[] idle = new int[16];
    private int idleAll;
    private int[][] agentCaps = new int[16][]; // interned capabilities of a registered agent

    // ---- the graph ----
    private final TaskIndex taskIndex = new TaskIndex();
    private int[] parent = new int[16];
    private int[] size = new int[16];
    // Per component (valid at its root): how many registered agents' vertices it holds. When a task's component
    // holds every registered agent, every candidate of a re-route is in it, so the β₁ key of a candidate is 0
    // exactly for the few agents already linked to the task: the decision looks at those, not at every candidate.
    private int[] registeredIn = new int[16];
    private int[] vertexAgent = filled(16); // agent id of an agent vertex, NONE for a task vertex
    private String[] vertexTask = new String[16]; // task key of a task vertex
    private boolean[] alive = new boolean[16];
    private final IntList free = new IntList();
    private int highWater;
    private int vertices;
    private int agentVertices;
    private int components;
    private int edgeCount;
    // The edges: each task vertex's agents, as linked lists over an edge pool. A re-route marks the task's
    // few agents instead of probing an edge set once per candidate; entries unlinked by pruning are
    // dropped when the pool is compacted (which pruning does at once).
    private int[] taskHead = filled(16); // per vertex: first entry, NONE when none
    private int[] entryAgentVertex = new int[16];
    private int[] entryNext = new int[16];
    private int entries;
    private int[] adjacentMark = new int[16]; // per agent id
    private int adjacentStamp;

    // ---- the current decision's scratch ----
    // The candidates: a posting list or the registration order itself when a decision takes all of one
    // (read only until the next registration, which no decision makes), else candBuf.
    private int[] cand = new int[16];
    private int[] candBuf = cand;
    private int candCount;
    private int candCap; // the capability whose agents the candidates are, ALL_AGENTS, or NONE
    private static final int ALL_AGENTS = -2;
    private boolean fellBack;
    private boolean preferred;
    private int[] req = new int[8]; // interned required capabilities (NONE: unknown to every agent)
    private int reqCount;
    private int[] preferMark = new int[16];
    private int preferStamp;
    private int bestLoad;
    private int ties;
    private String lastTaskKey; // compared by reference: a one-entry cache of taskIndex
    private int lastTaskVertex = NONE;
    // Bosun's rule just computed the chosen agent's β₁ rise for a known task: the figures ask it again next.
    private int riseAgent = NONE;
    private int riseTask = NONE;
    private int rise;
    private String lastAgentName; // compared by reference: a one-entry cache of agentIndex
    private int lastAgentId = NONE;

    // ---- the registry ----

    /** Registers an agent or replaces its capabilities (keeping its place in registration order). */
    public void putAgent(Agent a) {
        riseAgent = NONE;
        int id = internAgent(a.id());
        if (registered[id] != null) {
            idleChange(id, -1);
            for (String c : registered[id].capabilities()) dropCap(capIndex.get(c), id);
        } else {
            rank[id] = nextRank++;
            order.add(id);
            if (id < maxRankedId) idsInRankOrder = false;
            maxRankedId = Math.max(maxRankedId, id);
        }
        boolean wasRegistered = registered[id] != null;
        registered[id] = a;
        int[] caps = new int[a.capabilities().size()];
        int k = 0;
        for (String c : a.capabilities()) {
            int cap = internCap(c);
            caps[k++] = cap;
            IntList p = postings[cap];
            p.insert(p.insertionPoint(id, rank), id);
            long[] set = capSet[cap];
            if (id >> 6 >= set.length) capSet[cap] = set = Arrays.copyOf(set, Math.max((id >> 6) + 1, set.length * 2));
            set[id >> 6] |= 1L << id;
        }
        agentCaps[id] = caps;
        idleChange(id, 1);
        int v = agentVertexOf(id);
        if (!wasRegistered) registeredIn[find(v)]++;
    }

    /**
     * Removes an agent from the registry; its edges (and so its vertex) stay until pruning drops them,
     * while a vertex without edges goes at once, as a reload would drop it.
     */
    public boolean removeAgent(String agentId) {
        Integer id = agentIndex.get(agentId);
        if (id == null || registered[id] == null) return false;
        riseAgent = NONE;
        idleChange(id, -1);
        for (String c : registered[id].capabilities()) dropCap(capIndex.get(c), id);
        order.removeValue(id);
        registered[id] = null;
        agentCaps[id] = null;
        int v = agentVertex[id];
        if (v != NONE && linked[id] == 0) { // an isolated vertex: its own component, gone as a reload would drop it
            agentVertex[id] = NONE;
            agentVertices--;
            alive[v] = false;
            vertices--;
            components--;
            free.add(v);
        } else if (v != NONE) {
            registeredIn[find(v)]--;
        }
        return true;
    }

    /** The registered agent (with its load), or null. */
    public Agent agent(String agentId) {
        Integer id = agentIndex.get(agentId);
        return id == null || registered[id] == null ? null : registered[id].withLoad(load[id]);
    }

    /** Registered agents in registration order, with their loads. */
    public List<Agent> agents() {
        var out = new ArrayList<Agent>(order.size);
        for (int i = 0; i < order.size; i++) out.add(registered[order.a[i]].withLoad(load[order.a[i]]));
        return out;
    }

    public int agentCount() {
        return order.size;
    }

    // ---- counters ----

    public int load(String agentId) {
        Integer id = agentIndex.get(agentId);
        return id == null ? 0 : load[id];
    }

    /** Sets every load (running session tasks per agent) at once. */
    public void setLoads(Map<String, Integer> loads) {
        for (int i = 0; i < order.size; i++) idleChange(order.a[i], -1);
        Arrays.fill(load, 0);
        loads.forEach((agentId, n) -> load[internAgent(agentId)] = n);
        for (int i = 0; i < order.size; i++) idleChange(order.a[i], 1);
    }

    /** Adds {@code delta} to an agent's load, never below 0. */
    public void addLoad(String agentId, int delta) {
        int id = internAgent(agentId);
        int was = load[id];
        load[id] = Math.max(0, was + delta);
        if (registered[id] != null && (was == 0) != (load[id] == 0)) { // it became busy, or idle
            load[id] = was;
            idleChange(id, -1);
            load[id] = Math.max(0, was + delta);
            idleChange(id, 1);
        }
    }

    /** Edges per agent in the window (the reference router's {@code n_tasks}); agents without any are absent. */
    public Map<String, Integer> linkedTasks() {
        var out = new HashMap<String, Integer>();
        for (int id = 0; id < agentIds; id++) if (linked[id] > 0) out.put(agentNames[id], linked[id]);
        return out;
    }

    // ---- a decision ----

    /**
     * Fills the candidate buffer: the registered agents having every required capability (every
     * agent, {@link #fellBack()}, when none has and {@code fallbackAny}), narrowed to those in
     * {@code prefer} when any of them is a candidate ({@link #preferred()}); in registration order.
     */
    public Selection selectCandidates(List<String> required, List<String> prefer, boolean fallbackAny) {
        cand = candBuf;
        candCount = 0;
        candCap = NONE;
        fellBack = false;
        preferred = false;
        internRequired(required);
        if (order.size == 0) return Selection.NO_AGENTS;
        capable();
        if (candCount == 0) {
            if (!fallbackAny) return Selection.NONE_CAPABLE;
            takeCandidates(order.a, order.size);
            candCap = ALL_AGENTS;
            fellBack = true;
        }
        if (!prefer.isEmpty()) narrowTo(prefer);
        return Selection.FOUND;
    }

    public int candidateCount() {
        return candCount;
    }

    public boolean fellBack() {
        return fellBack;
    }

    public boolean preferred() {
        return preferred;
    }

    /** Whether the agent is among the current candidates. */
    public boolean isCandidate(String agentId) {
        Integer id = agentIndex.get(agentId);
        if (id == null) return false;
        for (int i = 0; i < candCount; i++) if (cand[i] == id) return true;
        return false;
    }

    /**
     * Chooses among the candidates: the least key, then the least counter, then the first registered.
     * With {@code bosunRule} the key is the rise of true β₁ and the counter the load; otherwise (the
     * reference router's bare route) the key is 0 for an agent already linked to the task and 1 for
     * the others, and the counter its linked tasks. Returns the chosen agent's id; {@link #bestCounter()}
     * and {@link #ties()} tell how.
     */
    public String choose(String taskKey, boolean bosunRule) {
        int tv = taskVertex(taskKey);
        int[] counters = bosunRule ? load : linked;
        if (tv == NONE) return chooseForNewTask(counters);
        int taskRoot = find(tv);
        // Every candidate not linked to the task has key 1 when the task's component holds every registered agent
        // (Bosun's rule: linking it closes a cycle) or always (the reference rule): the task's own few agents
        // decide, without a pass over the candidates.
        if (!bosunRule || registeredIn[taskRoot] == order.size) return chooseForKnownTask(tv, counters, bosunRule);
        int best = NONE;
        int bestKey = Integer.MAX_VALUE;
        int bestCount = Integer.MAX_VALUE;
        int n = 0;
        int stamp = markAdjacent(tv);
        for (int i = 0; i < candCount; i++) {
            int a = cand[i];
            int key;
            if (adjacentMark[a] == stamp) key = 0; // already linked: nothing changes
            else if (bosunRule) key = find(agentVertex[a]) == taskRoot ? 1 : 0; // same component: closes a cycle
            else key = 1;
            int count = counters[a];
            if (key < bestKey || (key == bestKey && count < bestCount)) {
                best = a;
                bestKey = key;
                bestCount = count;
                n = 1;
            } else if (key == bestKey && count == bestCount) {
                n++;
            }
        }
        if (bosunRule) {
            riseAgent = best;
            riseTask = tv;
            rise = bestKey;
        }
        return chosen(best, bestCount, n);
    }

    /**
     * A known task whose non-linked candidates all have key 1: the linked candidates (key 0), if any, are the
     * only contenders, by least counter, then first registered; else every candidate has key 1 and the least
     * counter wins as for a new task.
     */
    private String chooseForKnownTask(int tv, int[] counters, boolean bosunRule) {
        int best = NONE;
        int bestCount = Integer.MAX_VALUE;
        int n = 0;
        for (int e = taskHead[tv]; e != NONE; e = entryNext[e]) {
            int a = vertexAgent[entryAgentVertex[e]];
            if (!isCandidateId(a)) continue;
            int count = counters[a];
            if (count < bestCount || (count == bestCount && rank[a] < rank[best])) {
                if (count < bestCount) n = 0;
                best = a;
                bestCount = count;
            }
            if (count == bestCount) n++;
        }
        int key = 0;
        String chosen;
        if (best != NONE) chosen = chosen(best, bestCount, n);
        else {
            key = 1;
            chosen = chooseForNewTask(counters);
            best = lastAgentId;
        }
        if (bosunRule) {
            riseAgent = best;
            riseTask = tv;
            rise = key;
        }
        return chosen;
    }

    /** Whether the agent id is among the current candidates, by the rules that selected them (no list walk). */
    private boolean isCandidateId(int a) {
        if (registered[a] == null) return false;
        if (preferred && preferMark[a] != preferStamp) return false;
        if (fellBack) return true;
        for (int r = 0; r < reqCount; r++) if (!hasCap(a, req[r])) return false;
        return true;
    }

    /** A new task: every candidate has the same key (a new vertex closes no cycle), so the least counter wins. */
    private String chooseForNewTask(int[] counters) {
        if (counters == load && candCap != NONE) {
            int idleCandidates = candCap == ALL_AGENTS ? idleAll : idle[candCap];
            if (idleCandidates > 0) { // the least load is 0: the first idle one wins, tied with the other idle ones
                for (int i = 0; ; i++) if (load[cand[i]] == 0) return chosen(cand[i], 0, idleCandidates);
            }
        }
        int best = NONE;
        int bestCount = Integer.MAX_VALUE;
        int n = 0;
        for (int i = 0; i < candCount; i++) {
            int count = counters[cand[i]];
            if (count < bestCount) {
                best = cand[i];
                bestCount = count;
                n = 1;
            } else if (count == bestCount) {
                n++;
            }
        }
        return chosen(best, bestCount, n);
    }

    private String chosen(int best, int bestCount, int ties) {
        bestLoad = bestCount;
        this.ties = ties;
        lastAgentName = agentNames[best]; // the decision's figures and link ask for it next
        lastAgentId = best;
        return lastAgentName;
    }

    /** The chosen agent's load (or linked tasks) in the last {@link #choose}. */
    public int bestCounter() {
        return bestLoad;
    }

    /** How many candidates were as good as the chosen one in the last {@link #choose}. */
    public int ties() {
        return ties;
    }

    /** |required ∩ capabilities| / |required| of the last selection's required capabilities (1.0 if none). */
    public double match(String agentId) {
        if (reqCount == 0) return 1.0;
        int id = agentId(agentId);
        int have = 0;
        for (int i = 0; i < reqCount; i++) if (id != NONE && hasCap(id, req[i])) have++;
        return (double) have / reqCount;
    }

    // ---- the graph ----

    /** β₁ if the agent were linked to the task now, without linking it. */
    public long h1IfLinked(String agentId, String taskKey) {
        int a = agentId(agentId);
        int t = taskVertex(taskKey);
        if (a == NONE || t == NONE || agentVertex[a] == NONE) return h1();
        if (a == riseAgent && t == riseTask) return h1() + rise;
        return h1() + (closesCycle(agentVertex[a], t, find(t)) ? 1 : 0);
    }

    /** V once the task is linked (one more when it is a new vertex). */
    public long vertexCountIfLinked(String taskKey) {
        return vertices + (taskVertex(taskKey) == NONE ? 1 : 0);
    }

    /** Links the agent (a vertex is made for it if needed) to the task; false if they were linked. */
    public boolean link(String agentId, String taskKey) {
        riseAgent = NONE;
        int a = internAgent(agentId);
        int av = agentVertexOf(a);
        int tv = taskVertex(taskKey);
        if (tv == NONE) {
            tv = newVertex(NONE, taskKey);
            taskIndex.put(taskKey, tv);
            lastTaskVertex = tv;
        } else if (hasEntry(tv, av)) {
            return false;
        }
        addEntry(av, tv);
        edgeCount++;
        union(av, tv);
        linked[a]++;
        return true;
    }

    /**
     * Removes the edges the window dropped, and the vertices left without an edge that are not
     * registered agents, then rebuilds the components from the remaining edges. Returns how many
     * edges were removed (edges unknown here are ignored).
     */
    public int unlink(Collection<FleetEdge> dropped) {
        riseAgent = NONE;
        int removed = 0;
        for (FleetEdge e : dropped) {
            Integer a = agentIndex.get(e.agentId());
            int t = taskIndex.get(e.taskKey());
            if (a == null || t == NONE || agentVertex[a] == NONE) continue;
            if (removeEntry(t, agentVertex[a])) {
                edgeCount--;
                linked[a]--;
                removed++;
            }
        }
        if (removed > 0) rebuildComponents();
        return removed;
    }

    public long h1() {
        return (long) edgeCount - vertices + components;
    }

    public int vertexCount() {
        return vertices;
    }

    public int taskCount() {
        return vertices - agentVertices;
    }

    public int edgeCount() {
        return edgeCount;
    }

    public int componentCount() {
        return components;
    }

    /** The Laman count's margin, E − (2V − 3): ≥ 0 when E ≥ 2V − 3. */
    public long lamanMargin() {
        return (long) edgeCount - (2L * vertices - 3);
    }

    // ---- internals ----

    /** Marks the agents linked to the task vertex; returns the stamp they carry. */
    private int markAdjacent(int tv) {
        if (++adjacentStamp == Integer.MAX_VALUE) {
            Arrays.fill(adjacentMark, 0);
            adjacentStamp = 1;
        }
        for (int e = taskHead[tv]; e != NONE; e = entryNext[e])
            adjacentMark[vertexAgent[entryAgentVertex[e]]] = adjacentStamp;
        return adjacentStamp;
    }

    private void addEntry(int av, int tv) {
        if (entries == entryNext.length) {
            entryNext = Arrays.copyOf(entryNext, entries * 2);
            entryAgentVertex = Arrays.copyOf(entryAgentVertex, entries * 2);
        }
        entryAgentVertex[entries] = av;
        entryNext[entries] = taskHead[tv];
        taskHead[tv] = entries++;
    }

    private boolean hasEntry(int tv, int av) {
        for (int e = taskHead[tv]; e != NONE; e = entryNext[e]) if (entryAgentVertex[e] == av) return true;
        return false;
    }

    /** Unlinks the task's entry for the agent vertex from its list; the pool slot is reclaimed by compaction. */
    private boolean removeEntry(int tv, int av) {
        int prev = NONE;
        for (int e = taskHead[tv]; e != NONE; prev = e, e = entryNext[e]) {
            if (entryAgentVertex[e] != av) continue;
            if (prev == NONE) taskHead[tv] = entryNext[e];
            else entryNext[prev] = entryNext[e];
            return true;
        }
        return false;
    }

    private boolean closesCycle(int av, int tv, int taskRoot) {
        return find(av) == taskRoot && !hasEntry(tv, av);
    }

    private boolean hasCap(int agent, int cap) {
        if (cap == NONE) return false;
        long[] set = capSet[cap];
        return agent >> 6 < set.length && (set[agent >> 6] & (1L << agent)) != 0;
    }

    /** Counts a registered agent in (+1) or out of (−1) the idle counters, if its load is 0. */
    private void idleChange(int agent, int sign) {
        if (load[agent] != 0) return;
        idleAll += sign;
        for (int cap : agentCaps[agent]) idle[cap] += sign;
    }

    private void dropCap(int cap, int agent) {
        postings[cap].removeValue(agent);
        capSet[cap][agent >> 6] &= ~(1L << agent);
    }

    private void internRequired(List<String> required) {
        if (req.length < required.size()) req = new int[required.size()];
        reqCount = required.size();
        for (int i = 0; i < reqCount; i++) {
            Integer c = capIndex.get(required.get(i));
            req[i] = c == null ? NONE : c;
        }
    }

    private void capable() {
        if (reqCount == 0) {
            takeCandidates(order.a, order.size);
            candCap = ALL_AGENTS;
            return;
        }
        int shortestCap = NONE;
        for (int i = 0; i < reqCount; i++) {
            if (req[i] == NONE) return; // a capability no agent has
            if (shortestCap == NONE || postings[req[i]].size < postings[shortestCap].size) shortestCap = req[i];
        }
        IntList shortest = postings[shortestCap];
        if (reqCount == 1) {
            takeCandidates(shortest.a, shortest.size);
            candCap = shortestCap;
            return;
        }
        ensureCandidates(shortest.size);
        int[] out = candBuf;
        int n = 0;
        if (idsInRankOrder) { // the bitsets ANDed word by word list the capable agents by id, so by registration
            long[] first = capSet[req[0]];
            int words = first.length;
            for (int r = 1; r < reqCount; r++) words = Math.min(words, capSet[req[r]].length);
            if (reqCount == 2) {
                long[] second = capSet[req[1]];
                for (int w = 0; w < words; w++) n = addBits(out, n, w, first[w] & second[w]);
            } else {
                for (int w = 0; w < words; w++) {
                    long bits = first[w];
                    for (int r = 1; r < reqCount && bits != 0; r++) bits &= capSet[req[r]][w];
                    n = addBits(out, n, w, bits);
                }
            }
        } else if (reqCount == 2) { // the common case: one bitset to test
            long[] other = capSet[req[0] == shortestCap ? req[1] : req[0]];
            for (int i = 0; i < shortest.size; i++) {
                int a = shortest.a[i];
                if (a >> 6 < other.length && (other[a >> 6] & (1L << a)) != 0) out[n++] = a;
            }
        } else {
            for (int i = 0; i < shortest.size; i++) {
                int a = shortest.a[i];
                boolean all = true;
                for (int r = 0; r < reqCount && all; r++) all = hasCap(a, req[r]);
                if (all) out[n++] = a;
            }
        }
        cand = out;
        candCount = n;
    }

    /** Appends the agent ids of a bitset word's set bits to {@code out} from {@code n}; returns the new count. */
    private static int addBits(int[] out, int n, int word, long bits) {
        while (bits != 0) {
            out[n++] = (word << 6) + Long.numberOfTrailingZeros(bits);
            bits &= bits - 1;
        }
        return n;
    }

    private void narrowTo(List<String> prefer) {
        if (++preferStamp == Integer.MAX_VALUE) {
            Arrays.fill(preferMark, 0);
            preferStamp = 1;
        }
        for (String p : prefer) {
            Integer id = agentIndex.get(p);
            if (id != null) preferMark[id] = preferStamp;
        }
        int kept = 0;
        for (int i = 0; i < candCount; i++) if (preferMark[cand[i]] == preferStamp) kept++;
        if (kept == 0) return;
        ensureCandidates(kept);
        int w = 0;
        for (int i = 0; i < candCount; i++) if (preferMark[cand[i]] == preferStamp) candBuf[w++] = cand[i];
        cand = candBuf; // never a posting list or the registration order: those are not ours to write
        candCount = w;
        candCap = NONE;
        preferred = true;
    }

    /** Takes the first {@code n} of {@code from} as the candidates, without copying them. */
    private void takeCandidates(int[] from, int n) {
        cand = from;
        candCount = n;
    }

    private void ensureCandidates(int n) {
        if (candBuf.length < n) candBuf = new int[Math.max(n, candBuf.length * 2)];
    }

    /** The task's vertex or NONE; the last key asked is remembered (one decision asks several times). */
    private int taskVertex(String taskKey) {
        if (taskKey != lastTaskKey) {
            lastTaskVertex = taskIndex.get(taskKey);
            lastTaskKey = taskKey;
        }
        return lastTaskVertex;
    }

    /** The agent's interned id or NONE; the last name found is remembered (ids never change). */
    private int agentId(String agentId) {
        if (agentId == lastAgentName) return lastAgentId;
        Integer id = agentIndex.get(agentId);
        if (id == null) return NONE;
        lastAgentName = agentId;
        lastAgentId = id;
        return id;
    }

    private int internAgent(String agentId) {
        int known = agentId(agentId);
        if (known != NONE) return known;
        int i = agentIds++;
        if (i == agentNames.length) {
            int n = i * 2;
            agentNames = Arrays.copyOf(agentNames, n);
            registered = Arrays.copyOf(registered, n);
            rank = Arrays.copyOf(rank, n);
            agentCaps = Arrays.copyOf(agentCaps, n);
            int[] av = filled(n);
            System.arraycopy(agentVertex, 0, av, 0, i);
            agentVertex = av;
            load = Arrays.copyOf(load, n);
            linked = Arrays.copyOf(linked, n);
            preferMark = Arrays.copyOf(preferMark, n);
            adjacentMark = Arrays.copyOf(adjacentMark, n);
        }
        agentNames[i] = agentId;
        agentIndex.put(agentId, i);
        return i;
    }

    private int internCap(String cap) {
        Integer id = capIndex.get(cap);
        if (id != null) return id;
        int i = capIndex.size();
        if (i == postings.length) {
            postings = Arrays.copyOf(postings, i * 2);
            capSet = Arrays.copyOf(capSet, i * 2);
            idle = Arrays.copyOf(idle, i * 2);
        }
        postings[i] = new IntList();
        capSet[i] = new long[Math.max(1, (agentIds + 63) >> 6)];
        capIndex.put(cap, i);
        return i;
    }

    private int agentVertexOf(int agent) {
        if (agentVertex[agent] == NONE) {
            agentVertex[agent] = newVertex(agent, null);
            agentVertices++;
        }
        return agentVertex[agent];
    }

    private int newVertex(int agent, String taskKey) {
        int v;
        if (free.size > 0) {
            v = free.a[--free.size];
        } else {
            v = highWater++;
            if (v == parent.length) {
                int n = v * 2;
                parent = Arrays.copyOf(parent, n);
                size = Arrays.copyOf(size, n);
                registeredIn = Arrays.copyOf(registeredIn, n);
                vertexAgent = Arrays.copyOf(vertexAgent, n);
                vertexTask = Arrays.copyOf(vertexTask, n);
                alive = Arrays.copyOf(alive, n);
                int[] heads = filled(n);
                System.arraycopy(taskHead, 0, heads, 0, v);
                taskHead = heads;
            }
        }
        parent[v] = v;
        size[v] = 1;
        registeredIn[v] = 0;
        taskHead[v] = NONE;
        vertexAgent[v] = agent;
        vertexTask[v] = taskKey;
        alive[v] = true;
        vertices++;
        components++;
        return v;
    }

    private void rebuildComponents() {
        int[] degree = new int[highWater];
        for (int v = 0; v < highWater; v++) {
            if (!alive[v] || vertexAgent[v] != NONE) continue;
            for (int e = taskHead[v]; e != NONE; e = entryNext[e]) {
                degree[v]++;
                degree[entryAgentVertex[e]]++;
            }
        }
        for (int v = 0; v < highWater; v++) {
            if (!alive[v] || degree[v] > 0) continue;
            int a = vertexAgent[v];
            if (a != NONE && registered[a] != null) continue; // a registered agent stays a vertex
            if (a != NONE) {
                agentVertex[a] = NONE;
                agentVertices--;
            } else {
                taskIndex.remove(vertexTask[v], v);
                vertexTask[v] = null;
                lastTaskKey = null; // its vertex may be one just freed
            }
            alive[v] = false;
            vertices--;
            free.add(v);
        }
        // Compact the pool to the live entries (each task's list keeps its order) and union along them.
        int[] oldAgent = entryAgentVertex;
        int[] oldNext = entryNext;
        int[] oldHead = taskHead;
        entryAgentVertex = new int[Math.max(16, edgeCount)];
        entryNext = new int[entryAgentVertex.length];
        taskHead = filled(oldHead.length);
        entries = 0;
        components = vertices;
        for (int v = 0; v < highWater; v++) {
            parent[v] = v;
            size[v] = 1;
            registeredIn[v] = alive[v] && vertexAgent[v] != NONE && registered[vertexAgent[v]] != null ? 1 : 0;
        }
        for (int v = 0; v < highWater; v++) {
            if (!alive[v] || vertexAgent[v] != NONE) continue;
            int tail = NONE;
            for (int e = oldHead[v]; e != NONE; e = oldNext[e]) {
                int n = entries++;
                entryAgentVertex[n] = oldAgent[e];
                entryNext[n] = NONE;
                if (tail == NONE) taskHead[v] = n;
                else entryNext[tail] = n;
                tail = n;
                union(oldAgent[e], v);
            }
        }
    }

    private int find(int x) {
        while (parent[x] != x) {
            parent[x] = parent[parent[x]]; // path halving
            x = parent[x];
        }
        return x;
    }

    private void union(int a, int b) {
        int ra = find(a), rb = find(b);
        if (ra == rb) return;
        if (size[ra] < size[rb]) {
            int t = ra;
            ra = rb;
            rb = t;
        }
        parent[rb] = ra;
        size[ra] += size[rb];
        registeredIn[ra] += registeredIn[rb];
        components--;
    }

    private static int[] filled(int n) {
        int[] a = new int[n];
        Arrays.fill(a, NONE);
        return a;
    }

    /** A growable int array. */
    private static final class IntList {
        int[] a = new int[8];
        int size;

        void add(int v) {
            insert(size, v);
        }

        void insert(int at, int v) {
            if (size == a.length) a = Arrays.copyOf(a, size * 2);
            System.arraycopy(a, at, a, at + 1, size - at);
            a[at] = v;
            size++;
        }

        void removeValue(int v) {
            for (int i = 0; i < size; i++) {
                if (a[i] == v) {
                    System.arraycopy(a, i + 1, a, i, size - i - 1);
                    size--;
                    return;
                }
            }
        }

        /** Where {@code id} goes to keep the list sorted by {@code rank}. */
        int insertionPoint(int id, long[] rank) {
            int lo = 0, hi = size;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (rank[a[mid]] < rank[id]) lo = mid + 1;
                else hi = mid;
            }
            return lo;
        }
    }

    /**
     * Task key → task vertex: open addressing with linear probing over a long array holding each
     * entry's key hash and vertex side by side (the key itself is {@code vertexTask[vertex]}). A probe
     * past another key costs no dereference, and growing never rehashes a string; 8-16 bytes a task
     * where a {@code HashMap} entry and a boxed id take ~50.
     */
    private final class TaskIndex {
        private static final long EMPTY = -1L; // a vertex is never -1, so no entry is -1
        private long[] slots = filledLongs(64);
        private int size;
        // Where the last key found absent would go: the decision's link puts that very key next.
        private String missKey;
        private int missSlot;

        /** The task's vertex, or NONE. */
        int get(String key) {
            int h = key.hashCode();
            int mask = slots.length - 1;
            for (int i = slot(h, mask); ; i = (i + 1) & mask) {
                long e = slots[i];
                if (e == EMPTY) {
                    missKey = key;
                    missSlot = i;
                    return NONE;
                }
                if ((int) (e >>> 32) == h) {
                    int v = (int) e;
                    String k = vertexTask[v];
                    if (k == key || k.equals(key)) return v;
                }
            }
        }

        /** Adds a key known to be absent. */
        void put(String key, int v) {
            long entry = ((long) key.hashCode() << 32) | (v & 0xffffffffL);
            if (key == missKey && (size + 1) * 2 <= slots.length) slots[missSlot] = entry; // nothing moved since
            else {
                if ((size + 1) * 2 > slots.length) grow();
                insert(slots, entry);
            }
            missKey = null;
            size++;
        }

        /** Removes the key of vertex {@code v} (backward-shift deletion keeps every probe run unbroken). */
        void remove(String key, int v) {
            missKey = null;
            int mask = slots.length - 1;
            long entry = ((long) key.hashCode() << 32) | (v & 0xffffffffL);
            int i = slot(key.hashCode(), mask);
            while (slots[i] != entry) {
                if (slots[i] == EMPTY) return;
                i = (i + 1) & mask;
            }
            int hole = i;
            for (int j = (i + 1) & mask; slots[j] != EMPTY; j = (j + 1) & mask) {
                int home = slot((int) (slots[j] >>> 32), mask);
                if (((j - home) & mask) >= ((j - hole) & mask)) {
                    slots[hole] = slots[j];
                    hole = j;
                }
            }
            slots[hole] = EMPTY;
            size--;
        }

        private void grow() {
            long[] old = slots;
            slots = filledLongs(old.length * 2);
            for (long e : old) if (e != EMPTY) insert(slots, e);
        }

        private static void insert(long[] table, long entry) {
            int mask = table.length - 1;
            int i = slot((int) (entry >>> 32), mask);
            while (table[i] != EMPTY) i = (i + 1) & mask;
            table[i] = entry;
        }

        private static int slot(int h, int mask) {
            int x = h * 0x9E3779B9; // sequential keys' hashes differ in their low bits only: spread them
            return (x ^ (x >>> 16)) & mask;
        }

        private static long[] filledLongs(int n) {
            long[] a = new long[n];
            Arrays.fill(a, EMPTY);
            return a;
        }
    }
}
