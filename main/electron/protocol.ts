import { protocol } from 'electron';
import { readRendererAsset, SECURITY_HEADERS } from '../security/renderer-assets';
import { APP_SCHEME } from './hardening';

/** Must run before the app is ready: `urna://` behaves like an https origin. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: false, corsEnabled: false } },
  ]);
}

/** Serves the built renderer, and nothing else, on `urna://app/`. */
export function serveRenderer(rendererDir: string): void {
  protocol.handle(APP_SCHEME, (request) => {
    const url = new URL(request.url);
    const asset = url.host === 'app' ? readRendererAsset(rendererDir, url.pathname) : null;
    if (!asset) return new Response('not found', { status: 404, headers: SECURITY_HEADERS });
    return new Response(new Uint8Array(asset.body), {
      status: 200,
      headers: { ...SECURITY_HEADERS, 'content-type': asset.contentType },
    });
  });
}
