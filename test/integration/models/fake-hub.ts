// A small stand-in for the Hugging Face hub on 127.0.0.1: `/{repo}/resolve/{rev}/{path}` (with the
// hub's 302 + X-Linked-Etag/X-Linked-Size for "LFS" files), a CDN path that honours Range, and the
// `/api/models/{repo}/tree/{rev}/{folder}` listing. Faults are queued per file so each test can
// script what goes wrong.

import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';
import type { RegistryEntry } from '../../../main/core/models/registry.js';

export type Fault =
  /** Send this many body bytes, then drop the connection. */
  | { kind: 'close-mid-body'; afterBytes: number }
  /** Answer a Range request with 200 and the whole file. */
  | { kind: 'ignore-range' }
  /** Accept the request and never answer. */
  | { kind: 'hang-headers' }
  /** Send headers and some bytes, then go silent. */
  | { kind: 'hang-body'; afterBytes: number }
  | { kind: 'status'; code: number }
  /** Serve different bytes of the same length. */
  | { kind: 'corrupt' }
  /** Trickle the body out. */
  | { kind: 'slow'; chunk: number; everyMs: number };

export interface HubFile {
  body: Buffer;
  /** LFS-style: the resolve URL redirects to the CDN with X-Linked-Etag. */
  lfs: boolean;
}

export interface RequestLog {
  url: string;
  range: string | null;
}

export class FakeHub {
  readonly files = new Map<string, HubFile>();
  readonly faults = new Map<string, Fault[]>();
  readonly log: RequestLog[] = [];
  /** Page size for tree listings (the hub pages long folders with a Link header). */
  treePageSize = 1000;
  /** When false, /api/models/… answers 404 like a mirror without the API. */
  serveTree = true;
  private server!: Server;
  private sockets = new Set<Socket>();
  url = '';

  static key(repo: string, revision: string, path: string): string {
    return `${repo}@${revision}:${path}`;
  }

  add(repo: string, revision: string, path: string, body: Buffer, lfs = true): void {
    this.files.set(FakeHub.key(repo, revision, path), { body, lfs });
  }

  fault(repo: string, revision: string, path: string, ...f: Fault[]): void {
    const k = FakeHub.key(repo, revision, path);
    this.faults.set(k, [...(this.faults.get(k) ?? []), ...f]);
  }

  requestsFor(path: string): RequestLog[] {
    return this.log.filter((r) => decodeURIComponent(r.url).includes(path));
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => this.handle(req, res));
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const u = new URL(req.url ?? '/', this.url);
    this.log.push({ url: u.pathname + u.search, range: (req.headers.range as string | undefined) ?? null });
    const seg = u.pathname.split('/').slice(1).map(decodeURIComponent);

    if (seg[0] === 'api' && seg[1] === 'models' && seg[4] === 'tree') {
      if (!this.serveTree) return void res.writeHead(404).end('{"error":"not found"}');
      return this.tree(`${seg[2]}/${seg[3]}`, seg[5], seg.slice(6).join('/'), u, res);
    }
    if (seg[0] === 'cdn') return this.serve(seg.slice(1).join('/'), req, res, false);
    if (seg[2] === 'resolve') {
      const key = FakeHub.key(`${seg[0]}/${seg[1]}`, seg[3], seg.slice(4).join('/'));
      const file = this.files.get(key);
      if (!file) return void res.writeHead(404, { 'x-error-code': 'EntryNotFound' }).end('Entry not found');
      const fault = this.faults.get(key)?.[0];
      if (fault?.kind === 'status') {
        this.faults.get(key)!.shift();
        return void res.writeHead(fault.code).end();
      }
      if (file.lfs) {
        // Like the hub: a relative redirect to storage carrying the LFS SHA-256 and size.
        res.writeHead(302, {
          location: `/cdn/${encodeURIComponent(key)}`,
          'x-linked-etag': `"${sha256(file.body)}"`,
          'x-linked-size': String(file.body.length),
          etag: `"${createHash('sha1').update(file.body).digest('hex')}"`,
        });
        return void res.end();
      }
      return this.serve(key, req, res, true);
    }
    res.writeHead(404).end();
  }

  private serve(key: string, req: IncomingMessage, res: ServerResponse, gitEtag: boolean): void {
    const file = this.files.get(key);
    if (!file) return void res.writeHead(404).end();
    const queue = this.faults.get(key) ?? [];
    const fault = queue.shift();
    let body = file.body;
    if (fault?.kind === 'corrupt') body = Buffer.from(body.map((b) => b ^ 0xff));
    if (fault?.kind === 'hang-headers') return; // never answer

    const range = /^bytes=(\d+)-$/.exec((req.headers.range as string | undefined) ?? '');
    const headers: Record<string, string> = { 'content-type': 'application/octet-stream', 'accept-ranges': 'bytes' };
    if (gitEtag) headers.etag = `"${createHash('sha1').update(file.body).digest('hex')}"`;
    let status = 200;
    let start = 0;
    if (range && fault?.kind !== 'ignore-range') {
      start = Number(range[1]);
      if (start >= body.length) {
        res.writeHead(416, { 'content-range': `bytes */${body.length}` });
        return void res.end();
      }
      status = 206;
      headers['content-range'] = `bytes ${start}-${body.length - 1}/${body.length}`;
    }
    const slice = body.subarray(start);
    headers['content-length'] = String(slice.length);
    res.writeHead(status, headers);

    if (fault?.kind === 'close-mid-body') {
      res.write(slice.subarray(0, fault.afterBytes), () => setTimeout(() => res.socket?.destroy(), 20));
      return;
    }
    if (fault?.kind === 'hang-body') {
      res.write(slice.subarray(0, fault.afterBytes));
      return; // silent from here on
    }
    if (fault?.kind === 'slow') {
      let at = 0;
      const tick = setInterval(() => {
        if (res.destroyed || at >= slice.length) {
          clearInterval(tick);
          if (!res.destroyed) res.end();
          return;
        }
        res.write(slice.subarray(at, at + fault.chunk));
        at += fault.chunk;
      }, fault.everyMs);
      res.on('close', () => clearInterval(tick));
      return;
    }
    res.end(slice);
  }

  private tree(repo: string, revision: string, folder: string, u: URL, res: ServerResponse): void {
    const prefix = `${repo}@${revision}:${folder}/`;
    const entries: object[] = [];
    const dirs = new Set<string>();
    for (const [k, f] of [...this.files.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      if (!k.startsWith(prefix)) continue;
      const rest = k.slice(prefix.length);
      const path = `${folder}/${rest}`;
      if (rest.includes('/')) {
        dirs.add(`${folder}/${rest.slice(0, rest.indexOf('/'))}`);
        continue;
      }
      entries.push({
        type: 'file',
        oid: createHash('sha1').update(f.body).digest('hex'),
        size: f.body.length,
        path,
        ...(f.lfs ? { lfs: { oid: sha256(f.body), size: f.body.length, pointerSize: 134 } } : {}),
      });
    }
    for (const d of dirs) entries.push({ type: 'directory', oid: '0'.repeat(40), size: 0, path: d });
    if (entries.length === 0) return void res.writeHead(404).end('{"error":"not found"}');
    const cursor = Number(u.searchParams.get('cursor') ?? 0);
    const page = entries.slice(cursor, cursor + this.treePageSize);
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (cursor + this.treePageSize < entries.length) {
      headers.link = `<${u.pathname}?cursor=${cursor + this.treePageSize}>; rel="next"`;
    }
    res.writeHead(200, headers).end(JSON.stringify(page));
  }
}

export function sha256(b: Buffer): string {
  return createHash('sha256').update(b).digest('hex');
}

export const FIXTURE_REPO = 'kanjian-test/toy-colors';
/** A made-up commit id: the fake hub only needs it to be a well-formed SHA. */
export const FIXTURE_REVISION = '0123456789abcdef0123456789abcdef01234567';

const TOY = join(import.meta.dirname, '..', '..', 'fixtures', 'models', 'toy-colors');

/**
 * Puts the toy-colors test model on the hub, plus a 2 MB "external data" file that only the folder
 * listing knows about, an ARM NN graph that must be skipped and a sub-folder that must be ignored.
 */
export function publishToyColors(hub: FakeHub, opts: { weightsBytes?: number } = {}) {
  const visual = readFileSync(join(TOY, 'visual', 'model.onnx'));
  const textual = readFileSync(join(TOY, 'textual', 'model.onnx'));
  const tokenizer = readFileSync(join(TOY, 'textual', 'tokenizer.json'));
  const weights = randomBytes(opts.weightsBytes ?? 2 * 1024 * 1024);
  const add = (p: string, b: Buffer, lfs = true) => hub.add(FIXTURE_REPO, FIXTURE_REVISION, p, b, lfs);
  add('visual/model.onnx', visual);
  add('visual/weights.bin', weights);
  add('visual/model.armnn', randomBytes(1000));
  add('visual/fp16/model.onnx', randomBytes(1000));
  add('textual/model.onnx', textual);
  add('textual/tokenizer.json', tokenizer, false);
  return { visual, textual, tokenizer, weights };
}

/** A registry entry for the toy-colors package on the fake hub. */
export function toyColorsEntry(over: Partial<RegistryEntry> = {}): RegistryEntry {
  const manifest = JSON.parse(readFileSync(join(TOY, 'manifest.json'), 'utf8'));
  const visual = readFileSync(join(TOY, 'visual', 'model.onnx'));
  const textual = readFileSync(join(TOY, 'textual', 'model.onnx'));
  const tokenizer = readFileSync(join(TOY, 'textual', 'tokenizer.json'));
  return {
    id: 'toy-colors',
    name: 'Toy colours (test fixture)',
    fixture: true,
    languages: ['zh', 'en'],
    license: 'MIT',
    embeddingDim: manifest.embeddingDim,
    repo: FIXTURE_REPO,
    revision: FIXTURE_REVISION,
    revisionPinned: true,
    approxSizeBytes: 2_100_000,
    download: {
      files: [
        { path: 'visual/model.onnx', size: visual.length, sha256: sha256(visual) },
        { path: 'textual/model.onnx', size: textual.length, sha256: sha256(textual) },
        { path: 'textual/tokenizer.json', size: tokenizer.length, sha256: sha256(tokenizer) },
      ],
      listFolders: [{ path: 'visual', exclude: ['*.armnn', '*.rknn'] }],
    },
    manifest: { image: manifest.image, text: manifest.text, search: manifest.search },
    unconfirmed: [],
    ...over,
  };
}
