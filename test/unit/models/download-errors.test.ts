// Download failures → codes, on the error shapes Node and our downloader really produce: a real
// fetch to a closed port, a real DNS failure for a reserved name, and DownloadErrors as thrown.
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { DownloadError } from '../../../main/core/models/download.js';
import { classifyDownloadError } from '../../../main/core/models/download-errors.js';

async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

const ctx = { host: 'hf.example' };

describe('classifyDownloadError', () => {
  it('connection refused (a real fetch) is offline', async () => {
    const err = await fetch(`http://127.0.0.1:${await closedPort()}/x`).catch((e: unknown) => e);
    expect(classifyDownloadError(err, ctx)).toEqual({ code: 'download.offline', params: { host: 'hf.example' } });
  });

  it('a name that does not resolve (.invalid, RFC 6761) is offline', async () => {
    const err = await fetch('http://kanjian-test.invalid/').catch((e: unknown) => e);
    expect(classifyDownloadError(err, ctx).code).toBe('download.offline');
  });

  it.each([
    [404, 'download.notFound'],
    [403, 'download.blocked'],
    [451, 'download.blocked'],
    [407, 'download.blocked'],
    [502, 'download.failed'],
  ])('HTTP %i → %s, with the file and status', (status, code) => {
    const err = new DownloadError(`HTTP ${status}`, 'http', 'visual/model.onnx', true, status);
    expect(classifyDownloadError(err, ctx)).toMatchObject({ code, params: { host: 'hf.example', file: 'visual/model.onnx', status } });
  });

  it('a listing error carrying its status (wrapped by install) keeps it', () => {
    const listing = Object.assign(new Error('HTTP 404 listing visual/'), { status: 404 });
    const wrapped = new Error('Cannot list the files of m', { cause: listing });
    expect(classifyDownloadError(wrapped, ctx).code).toBe('download.notFound');
  });

  it('size and hash mismatches are corrupt; idle timeouts are timeouts', () => {
    expect(classifyDownloadError(new DownloadError('x', 'sha256', 'a.onnx', false), ctx).code).toBe('download.corrupt');
    expect(classifyDownloadError(new DownloadError('x', 'size', 'a.onnx', false), ctx).code).toBe('download.corrupt');
    expect(classifyDownloadError(new DownloadError('x', 'timeout', 'a.onnx', true), ctx).code).toBe('download.timeout');
  });

  it('a write that hit a full disk (errno ENOSPC under the download error) is disk full', () => {
    const enospc = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' });
    const err = new DownloadError('Cannot download a.onnx', 'network', 'a.onnx', true, undefined, { cause: enospc });
    expect(classifyDownloadError(err, ctx).code).toBe('download.diskFull');
  });

  it('a TLS certificate error (a proxy intercepting HTTPS) is blocked', () => {
    const tls = Object.assign(new Error('self-signed certificate in certificate chain'), { code: 'SELF_SIGNED_CERT_IN_CHAIN' });
    const err = Object.assign(new TypeError('fetch failed'), { cause: tls });
    expect(classifyDownloadError(err, ctx).code).toBe('download.blocked');
  });
});
