import { defineConfig } from 'vitest/config';

// Browser end-to-end tests: the real `serve` command in a child process, the built renderer,
// Debian's Chromium through playwright-core. Run: npx vitest run --config test/e2e/vitest.config.ts
export default defineConfig({
  test: {
    root: new URL('../..', import.meta.url).pathname,
    include: ['test/e2e/**/*.e2e.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: 'forks',
    // No per-machine cache (~/.cache/Kanjian): tests read nothing beside the clone; the tests
    // of the cache give their own folder.
    env: { KANJIAN_CACHE: 'off' },
    // One browser and one server at a time: the machines have two cores.
    fileParallelism: false,
  },
});
