// Builds the UI bundle that reports embed (reports/build.ts inlines it into one HTML file).
// One JS chunk, one CSS file, no code splitting: an inline module script cannot import more.
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

/**
 * hdr-histogram-js probes for Node's zlib with `eval('require("zlib")…')` and falls back to
 * pako when that throws. The report's Content-Security-Policy forbids eval (and Chromium logs
 * the attempt as a violation), so the browser build replaces the probe with a plain throw:
 * same fallback to pako, no eval in the bundle.
 */
function noZlibEval(): Plugin {
  return {
    name: 'stampede:no-zlib-eval',
    enforce: 'pre',
    transform(code, id) {
      if (!id.includes('hdr-histogram-js')) return null;
      const out = code.replace(/eval\(\s*'require\("zlib"\)\.(?:de|in)flateSync'\s*\)/g, '(function () { throw new Error("no zlib in a browser"); })()');
      return out === code ? null : { code: out, map: null };
    },
  };
}

export default defineConfig({
  root: here,
  base: './',
  logLevel: 'warn',
  plugins: [noZlibEval(), react()],
  // always React's production build: a report built while NODE_ENV=test (vitest) or
  // development must not embed the development runtime (bigger, slower, noisy console)
  mode: 'production',
  define: { 'process.env.NODE_ENV': JSON.stringify('production') },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    manifest: true,
    assetsInlineLimit: Number.MAX_SAFE_INTEGER,
    chunkSizeWarningLimit: 2000,
    modulePreload: false,
    rolldownOptions: {
      input: { report: fileURLToPath(new URL('./report/index.html', import.meta.url)) },
      output: { codeSplitting: false },
    },
  },
});
