// Bundles the preload into one CommonJS file, dist/main/electron/preload.cjs: a sandboxed
// preload cannot load ES modules or require anything but 'electron' (and a few Node
// built-ins Electron polyfills), so bridge.ts, channels.ts and the API method list are inlined.
//   npx vite build --config main/electron/vite.preload.config.ts
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  root: here('.'),
  // No public/ folder, no index.html: this is a library build.
  publicDir: false,
  logLevel: 'warn',
  build: {
    outDir: process.env.KANJIAN_PRELOAD_OUT || here('../../dist/main/electron/'),
    emptyOutDir: false,
    target: 'node22',
    minify: false,
    sourcemap: false,
    copyPublicDir: false,
    reportCompressedSize: false,
    lib: {
      entry: here('./preload.ts'),
      formats: ['cjs'],
      fileName: () => 'preload.cjs',
    },
    rollupOptions: {
      external: ['electron'],
      output: { exports: 'none' },
    },
  },
});
