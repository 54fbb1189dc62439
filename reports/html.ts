// The single-file report page: the UI bundle's CSS and JS inlined, the document embedded as
// gzip+base64 in a JSON script element, and a Content-Security-Policy that allows exactly
// the one inline script (by hash) and nothing from the network.
import { createHash } from 'node:crypto';
import { EMBED_ELEMENT_ID, jsonForScriptTag, type EmbeddedEnvelope } from '../dashboard/model/embedded.ts';
import type { UiBundle } from './bundle.ts';

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

/** Inline code must not end its element early: `</script` and `<!--` are broken up (as vitest does). */
export function escapeInlineCode(code: string, element: 'script' | 'style'): string {
  const close = new RegExp(`</(${element})`, 'gi');
  return code.replace(/<!--/g, '<\\!--').replace(close, '<\\/$1');
}

/**
 * The page around the UI bundle. With an envelope: a report (data embedded, no network at all).
 * Without: the live dashboard's page, which may talk to `connectSrc` (its own server).
 */
export function renderHtml(opts: { title: string; bundle: UiBundle; envelope?: EmbeddedEnvelope; connectSrc?: string[] }): string {
  const js = escapeInlineCode(opts.bundle.js, 'script');
  const css = escapeInlineCode(opts.bundle.css, 'style');
  const scriptHash = createHash('sha256').update(js, 'utf8').digest('base64');
  const csp = [
    "default-src 'none'",
    `script-src 'sha256-${scriptHash}'`,
    // Recharts sets inline style attributes
    "style-src 'unsafe-inline'",
    'img-src data:',
    'font-src data:',
    opts.connectSrc?.length ? `connect-src ${opts.connectSrc.join(' ')}` : "connect-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="stampede">
<title>${escapeHtml(opts.title)}</title>
<link rel="icon" href="data:,">
<style>${css}</style>
</head>
<body>
<div id="root"></div>
${opts.envelope ? `<script type="application/json" id="${EMBED_ELEMENT_ID}">${jsonForScriptTag(opts.envelope)}</script>\n` : ''}<script type="module">${js}</script>
</body>
</html>
`;
}
