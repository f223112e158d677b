import { defineConfig, type Plugin } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('.', import.meta.url));

// The strict CSP in index.html forbids inline <style>; Vite's dev server injects CSS that
// way for hot reload, so only `vite dev` gets 'unsafe-inline' for styles. Builds keep it strict.
function relaxCspForDevServer(): Plugin {
  return {
    name: 'kanjian-dev-csp',
    apply: 'serve',
    transformIndexHtml(html) {
      return html.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'");
    },
  };
}

export default defineConfig({
  root,
  // Keep Vite's cache with the repo's other caches, not in a stray renderer/node_modules.
  cacheDir: '../node_modules/.vite/renderer',
  // Relative asset URLs: the same build loads from Electron's custom protocol, file:// and the HTTP shell.
  base: './',
  plugins: [svelte({ configFile: false }), relaxCspForDevServer()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // Small assets must stay files: data: URLs for scripts/styles would break the CSP.
    assetsInlineLimit: 0,
    sourcemap: false,
  },
  server: { strictPort: false },
});
