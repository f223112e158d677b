import { defineConfig } from 'vitest/config';

// Node-side tests (core, shells). Renderer component tests have their own config in renderer/.
export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Native modules (better-sqlite3, onnxruntime, sharp) are safest in forks.
    pool: 'forks',
    // No per-machine cache (~/.cache/Kanjian): tests read nothing beside the clone; the tests
    // of the cache give their own folder.
    env: { KANJIAN_CACHE: 'off' },
  },
});
