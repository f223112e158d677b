import { describe, expect, it } from 'vitest';
import { anchorGroups, type Edge } from '../../../main/core/duplicates/group.js';

describe('anchor grouping', () => {
  it('does not chain: a line of near neighbours never becomes one group', () => {
    // 0 ~ 1 ~ 2 ~ … ~ 11: each only close to the next (what union-find would merge into one).
    const n = 12;
    const edges: Edge[] = [];
    for (let i = 0; i + 1 < n; i++) edges.push({ a: i, b: i + 1, cost: 4 });
    const groups = anchorGroups(n, edges, { maxSize: 30 });
    expect(groups.length).toBeGreaterThan(1);
    const close = new Set(edges.map((e) => `${e.a}-${e.b}`));
    for (const g of groups) {
      expect(g.members[0]).toBe(g.anchor);
      // Every member is itself close to the anchor.
      for (const m of g.members.slice(1)) expect(close.has(`${Math.min(m, g.anchor)}-${Math.max(m, g.anchor)}`)).toBe(true);
      expect(g.members.includes(0) && g.members.includes(n - 1)).toBe(false);
      expect(g.members.length).toBeLessThanOrEqual(3);
    }
    // Nobody is in two groups.
    const all = groups.flatMap((g) => g.members);
    expect(new Set(all).size).toBe(all.length);
  });

  it('caps a group at maxSize, closest members first', () => {
    const edges: Edge[] = Array.from({ length: 40 }, (_, i) => ({ a: 0, b: i + 1, cost: 40 - i }));
    const [g, ...rest] = anchorGroups(41, edges, { maxSize: 10 });
    expect(g.anchor).toBe(0);
    expect(g.members).toHaveLength(10);
    expect(g.costs.slice(1)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(rest).toHaveLength(0);
  });

  it('takes the best-connected photo as anchor and respects conflicts', () => {
    // 2 is close to everyone; 0 and 1 must not share a group (e.g. they are already a near pair).
    const edges: Edge[] = [
      { a: 2, b: 0, cost: 1 },
      { a: 2, b: 1, cost: 2 },
      { a: 2, b: 3, cost: 3 },
    ];
    const groups = anchorGroups(4, edges, { maxSize: 10, conflict: (i, j) => (i === 0 && j === 1) || (i === 1 && j === 0) });
    expect(groups).toHaveLength(1);
    expect(groups[0].anchor).toBe(2);
    expect(groups[0].members).toEqual([2, 0, 3]);
  });
});
