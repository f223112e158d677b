import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DownloadError, downloadFile, type DownloadProgress } from '../../../main/core/models/download.js';
import { FakeHub, sha256 } from './fake-hub.js';

const REPO = 'org/model';
const REV = 'main';

let hub: FakeHub;
let dir: string;

beforeEach(async () => {
  hub = await new FakeHub().start();
  dir = await mkdtemp(join(tmpdir(), 'kanjian-dl-'));
});
afterEach(async () => {
  await hub.stop();
  await rm(dir, { recursive: true, force: true });
});

function opts(path: string, extra: Partial<Parameters<typeof downloadFile>[0]> = {}) {
  return { repo: REPO, revision: REV, path, dest: join(dir, path), endpoint: hub.url, ...extra };
}

async function expectError(p: Promise<unknown>): Promise<DownloadError> {
  const e = await p.then(
    () => null,
    (err) => err,
  );
  expect(e).toBeInstanceOf(DownloadError);
  return e as DownloadError;
}

describe('downloadFile', () => {
  it('follows the hub redirect and verifies against the registry SHA-256', async () => {
    const body = randomBytes(300_000);
    hub.add(REPO, REV, 'visual/model.onnx', body);
    const r = await downloadFile(opts('visual/model.onnx', { size: body.length, sha256: sha256(body) }));
    expect(r.verifiedBy).toBe('registry-sha256');
    expect(r.url).toContain('/cdn/');
    expect(readFileSync(join(dir, 'visual/model.onnx')).equals(body)).toBe(true);
    expect(existsSync(join(dir, 'visual/model.onnx.part'))).toBe(false);
    expect(hub.log.map((l) => l.url)[0]).toBe(`/${REPO}/resolve/${REV}/visual/model.onnx`);
  });

  it('uses the SHA-256 the hub sends on the redirect when the registry has none', async () => {
    const body = randomBytes(50_000);
    hub.add(REPO, REV, 'a.bin', body);
    const r = await downloadFile(opts('a.bin'));
    expect(r.verifiedBy).toBe('hub-sha256');
    expect(r.sha256).toBe(sha256(body));
  });

  it('falls back to size only for a small git file (SHA-1 ETag) and says so', async () => {
    const body = Buffer.from('{"a":1}');
    hub.add(REPO, REV, 'config.json', body, false);
    const r = await downloadFile(opts('config.json'));
    expect(r.verifiedBy).toBe('size-only');
    expect(readFileSync(join(dir, 'config.json'), 'utf8')).toBe('{"a":1}');
  });

  it('resumes an interrupted transfer with Range and ends with the right bytes', async () => {
    const body = randomBytes(1_000_000);
    hub.add(REPO, REV, 'big.bin', body);
    hub.fault(REPO, REV, 'big.bin', { kind: 'close-mid-body', afterBytes: 400_000 });

    const first = await expectError(downloadFile(opts('big.bin', { sha256: sha256(body) })));
    expect(first.code).toBe('network');
    expect(first.resumable).toBe(true);
    expect(first.message).toMatch(/resume/);
    const partSize = statSync(join(dir, 'big.bin.part')).size;
    expect(partSize).toBeGreaterThan(0);
    expect(partSize).toBeLessThan(body.length);
    expect(existsSync(join(dir, 'big.bin'))).toBe(false);

    const r = await downloadFile(opts('big.bin', { sha256: sha256(body) }));
    expect(r.resumedFrom).toBe(partSize);
    expect(r.restarted).toBe(false);
    expect(readFileSync(join(dir, 'big.bin')).equals(body)).toBe(true);
    const ranges = hub.log.filter((l) => l.url.startsWith('/cdn/')).map((l) => l.range);
    expect(ranges).toEqual([null, `bytes=${partSize}-`]);
  });

  it('starts over cleanly when the server ignores Range and answers 200', async () => {
    const body = randomBytes(200_000);
    hub.add(REPO, REV, 'f.bin', body);
    writeFileSync(join(dir, 'f.bin.part'), body.subarray(0, 50_000));
    hub.faults.set(FakeHub.key(REPO, REV, 'f.bin'), [{ kind: 'ignore-range' }]);
    const r = await downloadFile(opts('f.bin', { size: body.length }));
    expect(r.restarted).toBe(true);
    expect(r.resumedFrom).toBe(0);
    expect(readFileSync(join(dir, 'f.bin')).equals(body)).toBe(true);
  });

  it('finishes from a complete .part when the server answers 416', async () => {
    const body = randomBytes(10_000);
    hub.add(REPO, REV, 'done.bin', body);
    writeFileSync(join(dir, 'done.bin.part'), body);
    const r = await downloadFile(opts('done.bin', { size: body.length, sha256: sha256(body) }));
    expect(r.bytes).toBe(body.length);
    expect(readFileSync(join(dir, 'done.bin')).equals(body)).toBe(true);
  });

  it('rejects a corrupt file and keeps nothing', async () => {
    const body = randomBytes(100_000);
    hub.add(REPO, REV, 'c.bin', body);
    hub.faults.set(FakeHub.key(REPO, REV, 'c.bin'), [{ kind: 'corrupt' }]);
    const e = await expectError(downloadFile(opts('c.bin', { size: body.length, sha256: sha256(body) })));
    expect(e.code).toBe('sha256');
    expect(e.message).toMatch(/SHA-256 mismatch for c\.bin/);
    expect(existsSync(join(dir, 'c.bin'))).toBe(false);
    expect(existsSync(join(dir, 'c.bin.part'))).toBe(false);
  });

  it('refuses before downloading when the hub and the registry disagree on the SHA-256', async () => {
    const body = randomBytes(1000);
    hub.add(REPO, REV, 'x.bin', body);
    const e = await expectError(downloadFile(opts('x.bin', { sha256: 'f'.repeat(64) })));
    expect(e.code).toBe('sha256');
    expect(hub.log.some((l) => l.url.startsWith('/cdn/'))).toBe(false);
  });

  it('names the HTTP status of a missing file', async () => {
    const e = await expectError(downloadFile(opts('visual/model.onnx')));
    expect(e.code).toBe('http');
    expect(e.status).toBe(404);
    expect(e.message).toBe('HTTP 404 Not Found for visual/model.onnx');
    expect(existsSync(join(dir, 'visual/model.onnx'))).toBe(false);
  });

  it('reports other statuses the same way', async () => {
    hub.add(REPO, REV, 'g.bin', randomBytes(10));
    hub.faults.set(FakeHub.key(REPO, REV, 'g.bin'), [{ kind: 'status', code: 401 }]);
    const e = await expectError(downloadFile(opts('g.bin')));
    expect(e.message).toBe('HTTP 401 Unauthorized for g.bin');
  });

  it('times out on a server that never answers', async () => {
    hub.add(REPO, REV, 'h.bin', randomBytes(1000));
    hub.faults.set(FakeHub.key(REPO, REV, 'h.bin'), [{ kind: 'hang-headers' }]);
    const e = await expectError(downloadFile(opts('h.bin', { idleTimeoutMs: 300 })));
    expect(e.code).toBe('timeout');
    expect(e.message).toMatch(/No data from the server for 0\.3 s while downloading h\.bin \(idle timeout\)/);
  });

  it('times out on a server that stalls mid-body and keeps the part for resuming', async () => {
    const body = randomBytes(300_000);
    hub.add(REPO, REV, 's.bin', body);
    hub.faults.set(FakeHub.key(REPO, REV, 's.bin'), [{ kind: 'hang-body', afterBytes: 100_000 }]);
    const e = await expectError(downloadFile(opts('s.bin', { idleTimeoutMs: 300 })));
    expect(e.code).toBe('timeout');
    expect(statSync(join(dir, 's.bin.part')).size).toBe(100_000);
    const r = await downloadFile(opts('s.bin'));
    expect(r.resumedFrom).toBe(100_000);
    expect(readFileSync(join(dir, 's.bin')).equals(body)).toBe(true);
  });

  it('stops when the caller aborts', async () => {
    const body = randomBytes(200_000);
    hub.add(REPO, REV, 'slow.bin', body);
    hub.faults.set(FakeHub.key(REPO, REV, 'slow.bin'), [{ kind: 'slow', chunk: 1000, everyMs: 10 }]);
    const ac = new AbortController();
    const seen: DownloadProgress[] = [];
    const p = downloadFile(
      opts('slow.bin', {
        signal: ac.signal,
        progressIntervalMs: 0,
        onProgress: (x) => {
          seen.push(x);
          if (x.bytes >= 20_000) ac.abort();
        },
      }),
    );
    const e = await expectError(p);
    expect(e.code).toBe('aborted');
    expect(e.message).toBe('Download of slow.bin cancelled');
    expect(existsSync(join(dir, 'slow.bin'))).toBe(false);
    expect(seen.length).toBeGreaterThan(1);
  });

  it('refuses at once when the signal is already aborted', async () => {
    const e = await expectError(downloadFile(opts('any.bin', { signal: AbortSignal.abort() })));
    expect(e.code).toBe('aborted');
    expect(hub.log).toHaveLength(0);
  });

  it('reports progress with size, rate and ETA', async () => {
    const body = randomBytes(100_000);
    hub.add(REPO, REV, 'p.bin', body);
    hub.faults.set(FakeHub.key(REPO, REV, 'p.bin'), [{ kind: 'slow', chunk: 10_000, everyMs: 20 }]);
    const seen: DownloadProgress[] = [];
    await downloadFile(opts('p.bin', { progressIntervalMs: 0, onProgress: (x) => seen.push({ ...x }) }));
    const last = seen.at(-1)!;
    expect(last).toMatchObject({ file: 'p.bin', bytes: body.length, totalBytes: body.length, etaSeconds: 0 });
    expect(seen.some((s) => s.rate > 0 && s.etaSeconds !== null)).toBe(true);
    for (let i = 1; i < seen.length; i++) expect(seen[i].bytes).toBeGreaterThanOrEqual(seen[i - 1].bytes);
  });

  it('honours HF_ENDPOINT when no endpoint is passed', async () => {
    const body = randomBytes(1000);
    hub.add(REPO, REV, 'e.bin', body);
    const before = process.env.HF_ENDPOINT;
    process.env.HF_ENDPOINT = `${hub.url}/`;
    try {
      const r = await downloadFile({ repo: REPO, revision: REV, path: 'e.bin', dest: join(dir, 'e.bin') });
      expect(r.url.startsWith(hub.url)).toBe(true);
    } finally {
      if (before === undefined) delete process.env.HF_ENDPOINT;
      else process.env.HF_ENDPOINT = before;
    }
    expect(readFileSync(join(dir, 'e.bin')).equals(body)).toBe(true);
  });

  it('explains an unreachable endpoint', async () => {
    const port = new URL(hub.url).port;
    await hub.stop();
    hub = await new FakeHub().start(); // keep afterEach happy
    const e = await expectError(downloadFile({ ...opts('n.bin'), endpoint: `http://127.0.0.1:${port}` }));
    expect(e.code).toBe('network');
    expect(e.message).toMatch(/Cannot download n\.bin from 127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
  });
});
