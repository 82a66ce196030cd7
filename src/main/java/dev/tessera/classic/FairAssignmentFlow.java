package dev.tessera.classic;

import java.util.Arrays;

/**
 * Exact min-cost fair assignment restricted to given candidate arcs, by successive shortest paths
 * with node potentials (Dijkstra on reduced costs, stopped as soon as the sink is settled, as in
 * Jonker–Volgenant).
 *
 * <p>The network: each cell supplies one unit; a candidate arc cell→template costs the pair's cost;
 * each template may send {@code q = ⌊M/N⌋} units straight to the sink and one more through a shared
 * "extra" hub, whose arc to the sink carries {@code r = M mod N}. Since M = qN + r, a flow of M units
 * saturates every direct arc and the hub, so every template is used q or q+1 times and exactly r
 * templates get q+1; which ones is decided by the flow, not fixed in advance. Cells are added one at
 * a time; augmenting along a shortest path from the new cell keeps the flow min-cost for the cells
 * added so far, so the final flow is optimal over the candidate arcs.
 *
 * <p>Potentials double as LP duals: with {@code u_i = -h(cell i)} and {@code v_j = h(hub) - h(template j)}
 * every candidate arc has {@code c_ij + v_j >= u_i}, with equality on assigned arcs, templates holding
 * an extra use have {@code v_j >= 0} and the others {@code v_j <= 0} — exactly the complementary
 * slackness that {@link FairAssignment} checks against all arcs.
 */
final class FairAssignmentFlow {
    private static final int NONE = -1;
    /** Predecessor marker: the template was reached from the hub by taking its extra use away. */
    private static final int FROM_HUB = -2;

    private final int cellCount;
    private final int templateCount;
    private final int direct;
    private final int extras;
    private final int[][] candidates;
    private final float[][] candidateCosts;

    private final int[] templateOfCell;
    private final float[] assignedCost;
    /** Cells using template j sit in {@code usersOfTemplate[j*(direct+1) .. +uses[j])}, in no order. */
    private final int[] usersOfTemplate;
    private final int[] uses;
    private final int[] directUses;
    private final boolean[] holdsExtra;
    /** Templates holding an extra use, kept as a dense list so the hub can relax them without scanning all. */
    private final int[] extraHolders;
    private final int[] extraHolderIndex;
    private int extraHolderCount;
    private int extrasUsed;

    private final double[] cellPotential;
    private final double[] templatePotential;
    private double hubPotential;
    private double sinkPotential;

    private final double[] cellDistance;
    private final double[] templateDistance;
    private double hubDistance;
    private final boolean[] cellSettled;
    private final boolean[] templateSettled;
    private boolean hubSettled;
    private final int[] predecessorOfCell;
    private final int[] predecessorOfTemplate;
    private int predecessorOfHub;
    private final NodeHeap heap;
    private final int[] touched;
    private int touchedCount;

    FairAssignmentFlow(int cellCount, int templateCount, int[][] candidates, float[][] candidateCosts) {
        this.cellCount = cellCount;
        this.templateCount = templateCount;
        this.direct = cellCount / templateCount;
        this.extras = cellCount % templateCount;
        this.candidates = candidates;
        this.candidateCosts = candidateCosts;
        templateOfCell = new int[cellCount];
        Arrays.fill(templateOfCell, NONE);
        assignedCost = new float[cellCount];
        usersOfTemplate = new int[templateCount * (direct + 1)];
        uses = new int[templateCount];
        directUses = new int[templateCount];
        holdsExtra = new boolean[templateCount];
        extraHolders = new int[templateCount];
        extraHolderIndex = new int[templateCount];
        cellPotential = new double[cellCount];
        templatePotential = new double[templateCount];
        cellDistance = new double[cellCount];
        templateDistance = new double[templateCount];
        Arrays.fill(cellDistance, Double.POSITIVE_INFINITY);
        Arrays.fill(templateDistance, Double.POSITIVE_INFINITY);
        hubDistance = Double.POSITIVE_INFINITY;
        cellSettled = new boolean[cellCount];
        templateSettled = new boolean[templateCount];
        predecessorOfCell = new int[cellCount];
        predecessorOfTemplate = new int[templateCount];
        heap = new NodeHeap(cellCount + templateCount + 1);
        touched = new int[cellCount + templateCount + 1];
    }

    /**
     * Assigns every cell; afterwards {@link #templateOfCell()} and {@link #templatePrices()} are valid.
     *
     * @param startingPrices template prices to start from (e.g. an earlier solve's), or null for none.
     *     Any prices give the same optimum; near-final ones make the late searches short, because the
     *     potentials no longer have to be built up augmentation by augmentation.
     */
    void solve(double[] startingPrices) {
        double lowest = 0;
        if (startingPrices != null) {
            for (int j = 0; j < templateCount; j++) {
                templatePotential[j] = -startingPrices[j];
            }
            lowest = Arrays.stream(templatePotential).min().orElse(0);
        }
        // With no flow yet, template→sink and template→hub arcs need the sink and hub no higher than any
        // template; each cell starts at its tightest candidate so that candidate's reduced cost is zero and
        // most early searches stop at once. Template potentials only ever decrease, so this stays valid
        // until the cell's own turn comes.
        sinkPotential = lowest;
        hubPotential = lowest;
        for (int i = 0; i < cellCount; i++) {
            double tightest = Double.POSITIVE_INFINITY;
            int[] targets = candidates[i];
            for (int k = 0; k < targets.length; k++) {
                tightest = Math.min(tightest, candidateCosts[i][k] - templatePotential[targets[k]]);
            }
            cellPotential[i] = -tightest;
        }
        for (int i = 0; i < cellCount; i++) {
            augmentFrom(i);
        }
    }

    int[] templateOfCell() {
        return templateOfCell.clone();
    }

    /**
     * Template prices v_j, normalised so that templates with an extra use have v_j ≥ 0 and the others
     * v_j ≤ 0 (when no template gets an extra, all are ≤ 0 and the largest is 0).
     */
    double[] templatePrices() {
        double reference = hubPotential;
        if (extras == 0) {
            reference = Double.POSITIVE_INFINITY;
            for (double h : templatePotential) {
                reference = Math.min(reference, h);
            }
        }
        double[] prices = new double[templateCount];
        for (int j = 0; j < templateCount; j++) {
            prices[j] = reference - templatePotential[j];
        }
        return prices;
    }

    private void augmentFrom(int source) {
        // Node ids in the heap: cells 0..M-1, templates M..M+N-1, the hub M+N.
        int hub = cellCount + templateCount;
        double sinkDistance = Double.POSITIVE_INFINITY;
        int sinkVia = NONE;
        cellDistance[source] = 0;
        touch(source);
        heap.push(source, 0);
        while (!heap.isEmpty()) {
            double d = heap.topKey();
            int node = heap.pop();
            if (d >= sinkDistance) {
                break;
            }
            if (node < cellCount) {
                if (cellSettled[node] || d > cellDistance[node]) {
                    continue;
                }
                cellSettled[node] = true;
                relaxFromCell(node, d);
            } else if (node < hub) {
                int j = node - cellCount;
                if (templateSettled[j] || d > templateDistance[j]) {
                    continue;
                }
                templateSettled[j] = true;
                double h = templatePotential[j];
                if (directUses[j] < direct) {
                    double toSink = Math.max(d, d + h - sinkPotential);
                    if (toSink < sinkDistance) {
                        sinkDistance = toSink;
                        sinkVia = j;
                    }
                }
                if (extras > 0 && !holdsExtra[j]) {
                    double toHub = Math.max(d, d + h - hubPotential);
                    if (toHub < hubDistance && !hubSettled) {
                        if (hubDistance == Double.POSITIVE_INFINITY) {
                            touch(hub);
                        }
                        hubDistance = toHub;
                        predecessorOfHub = j;
                        heap.push(hub, toHub);
                    }
                }
                int base = j * (direct + 1);
                for (int k = 0; k < uses[j]; k++) {
                    int cell = usersOfTemplate[base + k];
                    double reached = Math.max(d, d - assignedCost[cell] + h - cellPotential[cell]);
                    if (reached < cellDistance[cell] && !cellSettled[cell]) {
                        if (cellDistance[cell] == Double.POSITIVE_INFINITY) {
                            touch(cell);
                        }
                        cellDistance[cell] = reached;
                        predecessorOfCell[cell] = j;
                        heap.push(cell, reached);
                    }
                }
            } else {
                if (hubSettled || d > hubDistance) {
                    continue;
                }
                hubSettled = true;
                if (extrasUsed < extras) {
                    double toSink = Math.max(d, d + hubPotential - sinkPotential);
                    if (toSink < sinkDistance) {
                        sinkDistance = toSink;
                        sinkVia = hub;
                    }
                }
                for (int k = 0; k < extraHolderCount; k++) {
                    int j = extraHolders[k];
                    double reached = Math.max(d, d + hubPotential - templatePotential[j]);
                    reachTemplate(j, reached, FROM_HUB);
                }
            }
        }
        if (sinkVia == NONE) {
            throw new IllegalStateException("candidate arcs admit no fair assignment for cell " + source);
        }
        heap.clear();
        augmentAlongPath(source, sinkVia, hub);
        updatePotentialsAndReset(sinkDistance, hub);
    }

    private void relaxFromCell(int cell, double d) {
        int[] targets = candidates[cell];
        float[] costs = candidateCosts[cell];
        double h = cellPotential[cell];
        int current = templateOfCell[cell];
        for (int k = 0; k < targets.length; k++) {
            int j = targets[k];
            if (j != current) {
                reachTemplate(j, Math.max(d, d + costs[k] + h - templatePotential[j]), cell);
            }
        }
    }

    private void reachTemplate(int j, double reached, int predecessor) {
        if (reached < templateDistance[j] && !templateSettled[j]) {
            if (templateDistance[j] == Double.POSITIVE_INFINITY) {
                touch(cellCount + j);
            }
            templateDistance[j] = reached;
            predecessorOfTemplate[j] = predecessor;
            heap.push(cellCount + j, reached);
        }
    }

    private void augmentAlongPath(int source, int sinkVia, int hub) {
        int node;
        if (sinkVia == hub) {
            extrasUsed++;
            node = hub;
        } else {
            directUses[sinkVia]++;
            node = cellCount + sinkVia;
        }
        while (true) {
            if (node == hub) {
                int j = predecessorOfHub;
                addExtraHolder(j);
                node = cellCount + j;
            } else if (node >= cellCount) {
                int j = node - cellCount;
                int predecessor = predecessorOfTemplate[j];
                if (predecessor == FROM_HUB) {
                    removeExtraHolder(j);
                    node = hub;
                } else {
                    int cell = predecessor;
                    if (cell != source) {
                        removeUser(templateOfCell[cell], cell);
                    }
                    addUser(j, cell);
                    if (cell == source) {
                        return;
                    }
                    node = cell;
                }
            } else {
                node = cellCount + predecessorOfCell[node];
            }
        }
    }

    private void addUser(int template, int cell) {
        float cost = costOfCandidate(cell, template);
        templateOfCell[cell] = template;
        assignedCost[cell] = cost;
        usersOfTemplate[template * (direct + 1) + uses[template]++] = cell;
    }

    private void removeUser(int template, int cell) {
        int base = template * (direct + 1);
        int last = base + --uses[template];
        for (int k = base; k <= last; k++) {
            if (usersOfTemplate[k] == cell) {
                usersOfTemplate[k] = usersOfTemplate[last];
                return;
            }
        }
        throw new IllegalStateException("cell " + cell + " is not among the users of template " + template);
    }

    private float costOfCandidate(int cell, int template) {
        int[] targets = candidates[cell];
        for (int k = 0; k < targets.length; k++) {
            if (targets[k] == template) {
                return candidateCosts[cell][k];
            }
        }
        throw new IllegalStateException("template " + template + " is not a candidate of cell " + cell);
    }

    private void addExtraHolder(int j) {
        holdsExtra[j] = true;
        extraHolderIndex[j] = extraHolderCount;
        extraHolders[extraHolderCount++] = j;
    }

    private void removeExtraHolder(int j) {
        holdsExtra[j] = false;
        int moved = extraHolders[--extraHolderCount];
        extraHolders[extraHolderIndex[j]] = moved;
        extraHolderIndex[moved] = extraHolderIndex[j];
    }

    /**
     * Settled nodes move by their distance minus the sink's, the others stay: equivalent to adding
     * min(distance, sink distance) to every potential and then subtracting the sink distance from all,
     * which keeps every residual arc's reduced cost non-negative while touching only what was searched.
     */
    private void updatePotentialsAndReset(double sinkDistance, int hub) {
        for (int k = 0; k < touchedCount; k++) {
            int node = touched[k];
            if (node < cellCount) {
                if (cellSettled[node]) {
                    cellPotential[node] += cellDistance[node] - sinkDistance;
                    cellSettled[node] = false;
                }
                cellDistance[node] = Double.POSITIVE_INFINITY;
            } else if (node < hub) {
                int j = node - cellCount;
                if (templateSettled[j]) {
                    templatePotential[j] += templateDistance[j] - sinkDistance;
                    templateSettled[j] = false;
                }
                templateDistance[j] = Double.POSITIVE_INFINITY;
            } else {
                if (hubSettled) {
                    hubPotential += hubDistance - sinkDistance;
                    hubSettled = false;
                }
                hubDistance = Double.POSITIVE_INFINITY;
            }
        }
        touchedCount = 0;
    }

    private void touch(int node) {
        touched[touchedCount++] = node;
    }

    /** A binary min-heap of (key, node) with stale entries skipped by the caller rather than decreased. */
    private static final class NodeHeap {
        private double[] keys;
        private int[] nodes;
        private int size;

        NodeHeap(int capacity) {
            keys = new double[Math.max(16, capacity)];
            nodes = new int[keys.length];
        }

        boolean isEmpty() {
            return size == 0;
        }

        double topKey() {
            return keys[0];
        }

        void clear() {
            size = 0;
        }

        void push(int node, double key) {
            if (size == keys.length) {
                keys = Arrays.copyOf(keys, size * 2);
                nodes = Arrays.copyOf(nodes, size * 2);
            }
            int k = size++;
            while (k > 0) {
                int parent = (k - 1) >>> 1;
                if (keys[parent] <= key) {
                    break;
                }
                keys[k] = keys[parent];
                nodes[k] = nodes[parent];
                k = parent;
            }
            keys[k] = key;
            nodes[k] = node;
        }

        int pop() {
            int top = nodes[0];
            double key = keys[--size];
            int node = nodes[size];
            int k = 0;
            while (true) {
                int child = 2 * k + 1;
                if (child >= size) {
                    break;
                }
                if (child + 1 < size && keys[child + 1] < keys[child]) {
                    child++;
                }
                if (key <= keys[child]) {
                    break;
                }
                keys[k] = keys[child];
                nodes[k] = nodes[child];
                k = child;
            }
            keys[k] = key;
            nodes[k] = node;
            return top;
        }
    }
}
