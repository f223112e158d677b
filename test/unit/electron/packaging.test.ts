// The packaged app's hardening lives in electron-builder.yml (Electron cannot be packaged here):
// read the file electron-builder reads and check the fuses and the macOS entitlements.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { REPO_ROOT } from '../../helpers/cli.js';

const config = parse(readFileSync(path.join(REPO_ROOT, 'electron-builder.yml'), 'utf8'));

describe('electron-builder.yml', () => {
  it('flips the fuses that would let another process run code as the app', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
    });
    expect(config.asar).toBe(true);
  });

  it('macOS: hardened runtime with only the JIT entitlement', () => {
    expect(config.mac.hardenedRuntime).toBe(true);
    const plist = readFileSync(path.join(REPO_ROOT, config.mac.entitlements), 'utf8');
    const keys = [...plist.matchAll(/<key>([^<]+)<\/key>/g)].map((m) => m[1]);
    expect(keys).toEqual(['com.apple.security.cs.allow-jit']);
    expect(config.mac.entitlementsInherit).toBe(config.mac.entitlements);
  });
});
