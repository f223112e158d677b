// Turning close pairs into groups without chaining. Union-find over pairs (what makes other
// apps show thousands of bogus groups) joins A~B, B~C, C~D … into one group even when A and Z
// look nothing alike. Here every group has an anchor and every member is itself close to that
// anchor (leader clustering), so a group's diameter is bounded by twice the threshold, and a
// group never holds more than `maxSize` photos.

export interface Edge {
  a: number;
  b: number;
  /** Lower is closer (bits for pHash, 1 − cosine for vectors). */
  cost: number;
}

export interface Group {
  anchor: number;
  /** Anchor first, then members closest first. */
  members: number[];
  /** cost of each member to the anchor (0 for the anchor itself), same order as members. */
  costs: number[];
}

export interface GroupOptions {
  maxSize: number;
  /** True when i and j must not share a group (e.g. already grouped together as a nearer kind). */
  conflict?: (i: number, j: number) => boolean;
  /**
   * A last check of anchor–member pairs, asked only for the pairs a group is about to take (so
   * an expensive check runs on a few pairs, not every edge). False: j does not join this anchor.
   */
  accept?: (anchor: number, j: number) => boolean;
}

/**
 * Greedy anchor clustering. Anchors are taken most-connected first (a burst's middle frame
 * reaches the most of its neighbours), ties by lowest total cost, then by index so the result
 * is deterministic. An anchor takes its unassigned neighbours, closest first, up to maxSize.
 */
export function anchorGroups(n: number, edges: readonly Edge[], opts: GroupOptions): Group[] {
  const adj: { j: number; cost: number }[][] = Array.from({ length: n }, () => []);
  for (const e of edges) {
    if (e.a === e.b) continue;
    adj[e.a].push({ j: e.b, cost: e.cost });
    adj[e.b].push({ j: e.a, cost: e.cost });
  }
  const total = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    adj[i].sort((x, y) => x.cost - y.cost || x.j - y.j);
    for (const x of adj[i]) total[i] += x.cost;
  }
  const order = [...Array(n).keys()]
    .filter((i) => adj[i].length > 0)
    .sort((x, y) => adj[y].length - adj[x].length || total[x] - total[y] || x - y);

  const assigned = new Uint8Array(n);
  const groups: Group[] = [];
  const maxSize = Math.max(2, opts.maxSize);
  for (const anchor of order) {
    if (assigned[anchor]) continue;
    const members = [anchor];
    const costs = [0];
    for (const { j, cost } of adj[anchor]) {
      if (members.length >= maxSize) break;
      if (assigned[j]) continue;
      if (opts.conflict && members.some((m) => opts.conflict!(m, j))) continue;
      if (opts.accept && !opts.accept(anchor, j)) continue;
      members.push(j);
      costs.push(cost);
    }
    if (members.length < 2) continue;
    for (const m of members) assigned[m] = 1;
    groups.push({ anchor, members, costs });
  }
  return groups;
}
