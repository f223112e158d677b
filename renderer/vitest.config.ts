import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { svelteTesting } from '@testing-library/svelte/vite';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('.', import.meta.url));

// Renderer component tests: jsdom + @testing-library/svelte against an in-memory fake client.
export default defineConfig({
  root,
  // Keep Vite's cache with the repo's other caches, not in a stray renderer/node_modules.
  cacheDir: '../node_modules/.vite/renderer',
  plugins: [svelte({ configFile: false }), svelteTesting()],
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'jsdom',
    setupFiles: ['test/setup.ts'],
    testTimeout: 20_000,
  },
});
