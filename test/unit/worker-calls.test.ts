// PendingCalls (main/core/worker-thread.ts) matches a worker's replies to the calls that asked,
// whatever order they come back in, and fails what is pending when the worker goes away.
import { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import { PendingCalls } from '../../main/core/worker-thread.js';

// A real thread that answers each { id, value, delayMs } with { id, doubled } after the delay.
const ECHO = `
const { parentPort } = require('node:worker_threads');
parentPort.on('message', (m) => setTimeout(() => parentPort.postMessage({ id: m.id, doubled: m.value * 2 }), m.delayMs));
`;
const workers: Worker[] = [];
afterAll(async () => {
  for (const w of workers) await w.terminate();
});

function echo(calls: PendingCalls<number>): Worker {
  const w = new Worker(ECHO, { eval: true });
  workers.push(w);
  w.on('message', (r: { id: number; doubled: number }) => calls.resolve(r.id, r.doubled));
  return w;
}

describe('calls to a worker thread', () => {
  it('each call gets its own answer when the replies come back in another order', async () => {
    const calls = new PendingCalls<number>();
    const w = echo(calls);
    const slow = calls.send(w, (id) => ({ id, value: 1, delayMs: 150 }));
    const fast = calls.send(w, (id) => ({ id, value: 5, delayMs: 0 }));
    expect(calls.size).toBe(2);
    expect(await fast).toBe(10);
    expect(await slow).toBe(2);
    expect(calls.size).toBe(0);
  });

  it('failAll fails every pending call with the reason, and a late reply is ignored', async () => {
    const calls = new PendingCalls<number>();
    const w = echo(calls);
    const a = calls.send(w, (id) => ({ id, value: 1, delayMs: 100 }));
    const b = calls.send(w, (id) => ({ id, value: 2, delayMs: 100 }));
    calls.failAll(new Error('worker exited (code 1)'));
    await expect(a).rejects.toThrow('worker exited (code 1)');
    await expect(b).rejects.toThrow('worker exited (code 1)');
    // The replies still arrive; the next call is answered on its own.
    expect(await calls.send(w, (id) => ({ id, value: 7, delayMs: 200 }))).toBe(14);
  });
});
