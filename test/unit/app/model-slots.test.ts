import { describe, expect, it } from 'vitest';
import { ModelSlots } from '../../../main/core/app/model-slots.js';

// The slots are generic over what a model is; plain named objects stand in for open packages.
type M = { name: string };

function setup(index: M | null, search: M | null = index) {
  const complete = new Set<M>();
  const closed: string[] = [];
  const slots = new ModelSlots<M>(index, search, {
    isComplete: (m) => complete.has(m),
    close: (m) => closed.push(m.name),
  });
  return { slots, complete, closed };
}

describe('ModelSlots', () => {
  it('the first model fills both slots at once', () => {
    const a = { name: 'a' };
    const { slots, closed } = setup(null);
    expect(slots.search).toBeNull();
    slots.switchTo(a);
    expect(slots.index).toBe(a);
    expect(slots.search).toBe(a);
    expect(slots.switching).toBe(false);
    expect(closed).toEqual([]);
  });

  it('search stays on the old model until the new one covers the library, then the old one is closed', () => {
    const a = { name: 'a' };
    const b = { name: 'b' };
    const { slots, complete, closed } = setup(a);
    slots.switchTo(b);
    expect(slots.index).toBe(b);
    expect(slots.search).toBe(a);
    expect(slots.switching).toBe(true);
    expect(slots.finishIfComplete()).toBe(false);
    expect(slots.search).toBe(a);
    expect(closed).toEqual([]);

    complete.add(b);
    expect(slots.finishIfComplete()).toBe(true);
    expect(slots.search).toBe(b);
    expect(slots.switching).toBe(false);
    expect(closed).toEqual(['a']);
    expect(slots.finishIfComplete()).toBe(false);
  });

  it('a model left behind mid-switch is closed, the one still searching is not', () => {
    const a = { name: 'a' };
    const b = { name: 'b' };
    const c = { name: 'c' };
    const { slots, closed } = setup(a);
    slots.switchTo(b);
    slots.switchTo(c);
    expect(slots.index).toBe(c);
    expect(slots.search).toBe(a);
    expect(closed).toEqual(['b']);
  });

  it('switching back to the model still searching closes nothing and ends the switch', () => {
    const a = { name: 'a' };
    const b = { name: 'b' };
    const { slots, closed } = setup(a);
    slots.switchTo(b);
    slots.switchTo(a);
    expect(slots.index).toBe(a);
    expect(slots.search).toBe(a);
    expect(slots.switching).toBe(false);
    expect(closed).toEqual(['b']);
  });

  it('a retired model is closed only after the last work holding the slots ends', async () => {
    const a = { name: 'a' };
    const b = { name: 'b' };
    const { slots, complete, closed } = setup(a);
    const search1 = slots.hold();
    let finishSearch2!: () => void;
    const search2 = slots.using(() => new Promise<void>((r) => (finishSearch2 = r)));
    slots.switchTo(b);
    complete.add(b);
    slots.finishIfComplete();
    expect(slots.search).toBe(b);
    expect(closed).toEqual([]); // two queries may still be reading model a

    search1();
    search1(); // ending twice does not count twice
    expect(closed).toEqual([]);
    finishSearch2();
    await search2;
    expect(closed).toEqual(['a']);
  });

  it('a failing piece of work still ends its hold', async () => {
    const a = { name: 'a' };
    const b = { name: 'b' };
    const { slots, complete, closed } = setup(a);
    const failing = slots.using(async () => {
      slots.switchTo(b);
      complete.add(b);
      slots.finishIfComplete();
      throw new Error('query failed');
    });
    await expect(failing).rejects.toThrow('query failed');
    expect(closed).toEqual(['a']);
  });

  it('takeAll hands back every open model once, for closing', () => {
    const a = { name: 'a' };
    const b = { name: 'b' };
    const c = { name: 'c' };
    const { slots } = setup(a);
    const release = slots.hold();
    slots.switchTo(b);
    slots.switchTo(c); // b retired but held
    expect(slots.takeAll().map((m) => m.name).sort()).toEqual(['a', 'b', 'c']);
    expect(slots.index).toBeNull();
    expect(slots.search).toBeNull();
    release();
  });
});
