import { describe, expect, it } from 'vitest';

// The renderer runs in a browser page: it may take types (and API_METHODS) from main/core/api.ts
// through src/api/types.ts, and nothing else from main/ or Node.
const sources = import.meta.glob(['../src/**/*.ts', '../src/**/*.svelte'], { query: '?raw', import: 'default', eager: true }) as Record<
  string,
  string
>;

function imports(code: string): string[] {
  return [...code.matchAll(/(?:import|export)[^'"]*?from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]/g)].map((m) => m[1] ?? m[2]);
}

describe('renderer boundary', () => {
  it('has sources to check', () => {
    expect(Object.keys(sources).length).toBeGreaterThan(15);
    expect(imports(sources['../src/api/types.ts'])).toContain('../../../main/core/api.ts');
  });

  it('imports nothing from main/ except through src/api/types.ts', () => {
    for (const [file, code] of Object.entries(sources)) {
      for (const spec of imports(code)) {
        if (!spec.includes('main/')) continue;
        expect(file, `${file} imports ${spec}`).toBe('../src/api/types.ts');
        expect(spec).toMatch(/main\/core\/api\.ts$/);
      }
    }
  });

  it('imports no Node built-ins and no Electron', () => {
    for (const [file, code] of Object.entries(sources)) {
      for (const spec of imports(code)) {
        expect(spec, file).not.toMatch(/^(node:|fs$|path$|child_process|electron)/);
      }
    }
  });

  it('loads no remote content', () => {
    for (const [file, code] of Object.entries(sources)) {
      expect(code, file).not.toMatch(/https?:\/\/(?!127\.0\.0\.1|localhost)[a-z]/i);
    }
  });
});
