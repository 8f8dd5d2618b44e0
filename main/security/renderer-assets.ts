/**
 * Serves the built renderer's files. The Electron `urna://` protocol handler
 * and the Playwright test bridge both use this, so both deliver the same bytes
 * under the same Content-Security-Policy.
 */
import { readFileSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * No inline script, no eval, no remote anything. Styles come from the bundled
 * stylesheet; Svelte sets dynamic styles through the CSSOM, which CSP allows.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'none'",
  "media-src 'none'",
  "object-src 'none'",
  "frame-src 'none'",
  "worker-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
};

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

export type RendererAsset = { readonly body: Buffer; readonly contentType: string };

/**
 * Resolves a URL path to a file inside `rendererDir`, or null when the path is
 * unknown or tries to leave the folder (`..`, encoded slashes, symlinks out).
 */
export function readRendererAsset(rendererDir: string, urlPath: string): RendererAsset | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const relative = decoded === '/' || decoded === '' ? 'index.html' : decoded.replace(/^\/+/, '');
  const root = realpathSync(rendererDir);
  const candidate = path.resolve(root, relative);
  if (candidate !== root && !candidate.startsWith(root + path.sep)) return null;
  const contentType = CONTENT_TYPES[path.extname(candidate)];
  if (!contentType) return null;
  try {
    if (!statSync(candidate).isFile()) return null;
    const real = realpathSync(candidate);
    if (!real.startsWith(root + path.sep)) return null;
    return { body: readFileSync(real), contentType };
  } catch {
    return null;
  }
}
