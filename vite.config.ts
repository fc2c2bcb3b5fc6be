// Build configuration. `base: './'` makes every asset URL relative, so the
// static dist/ works from any sub-path (e.g. /lab/) on any static server.
// Charts load apart from the page's entry (docs/decisions/0014-chart-loading.md):
// VegaView imports vega-embed dynamically, the bare 'vega' resolves to our
// lean copy of vega's entry (src/lib/charts/vega-lean.js) and
// 'vega-interpreter' to our copy that reuses its evaluation context.
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// The Content-Security-Policy is injected into the built page only: the dev
// server needs inline scripts and a websocket for hot reload.
// No connection may leave the page's own origin.
const CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self' blob:",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'none'",
].join('; ');

function contentSecurityPolicy(): Plugin {
  return {
    name: 'lifecycle-lab-csp',
    apply: 'build',
    transformIndexHtml: (html) =>
      html.replace(
        '<meta charset="UTF-8" />',
        `<meta charset="UTF-8" />\n    <meta http-equiv="Content-Security-Policy" content="${CSP}" />`,
      ),
  };
}

export default defineConfig({
  base: './',
  plugins: [svelte(), contentSecurityPolicy()],
  resolve: {
    alias: [
      {
        find: /^vega$/,
        replacement: fileURLToPath(new URL('./src/lib/charts/vega-lean.js', import.meta.url)),
      },
      {
        find: /^vega-interpreter$/,
        replacement: fileURLToPath(
          new URL('./src/lib/charts/vega-interpreter.js', import.meta.url),
        ),
      },
    ],
  },
  worker: { format: 'es' },
  // `npm run dev` opens the app in the default browser (set BROWSER=none to skip).
  server: { open: true },
  build: { target: 'es2022', chunkSizeWarningLimit: 4000 },
});
