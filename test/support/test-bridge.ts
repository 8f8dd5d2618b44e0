/**
 * The test bridge: the built renderer in Chromium, with `window.urna` routed to
 * the real main-process handler table running in this test process. Only the
 * transport differs from Electron: there the preload forwards over IPC to
 * `dispatchStationCall`; here `page.exposeFunction` forwards to the same
 * function with the same handlers. The page is served through the same asset
 * reader with the same Content-Security-Policy as the `urna://` protocol.
 */
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { STATION_API_METHODS } from '../../core/api/station-api';
import type { EventLogger } from '../../core/logging';
import { dispatchStationCall, type StationApiHandlers } from '../../main/api/dispatch';
import { readRendererAsset, SECURITY_HEADERS } from '../../main/security/renderer-assets';

export const BRIDGE_ORIGIN = 'http://urna.test';
export const RENDERER_DIR = path.resolve('dist/renderer');

export type BridgedPage = { readonly page: Page; readonly context: BrowserContext; close(): Promise<void> };

export async function openBridgedRenderer(
  browser: Browser,
  station: { readonly handlers: StationApiHandlers; readonly logger: EventLogger },
  options: { readonly viewport?: { width: number; height: number } } = {},
): Promise<BridgedPage> {
  const context = await browser.newContext({
    viewport: options.viewport ?? { width: 1280, height: 800 },
    locale: 'ru-RU',
  });
  // Everything the page asks for comes from the built renderer or is refused.
  await context.route('**/*', async (route) => {
    const url = new URL(route.request().url());
    const asset = url.origin === BRIDGE_ORIGIN ? readRendererAsset(RENDERER_DIR, url.pathname) : null;
    if (!asset) {
      await route.fulfill({ status: 404, headers: SECURITY_HEADERS, body: 'not found' });
      return;
    }
    await route.fulfill({
      status: 200,
      headers: { ...SECURITY_HEADERS, 'content-type': asset.contentType },
      body: asset.body,
    });
  });
  await context.exposeFunction('__urnaBridgeInvoke', (method: unknown, args: unknown) =>
    dispatchStationCall(station.handlers, station.logger, method, args, { origin: 'test-bridge' }),
  );
  await context.addInitScript((methods: readonly string[]) => {
    type Invoke = (method: string, args: unknown) => Promise<unknown>;
    const invoke = (window as unknown as { __urnaBridgeInvoke: Invoke }).__urnaBridgeInvoke;
    const api = Object.fromEntries(methods.map((method) => [method, (args: unknown) => invoke(method, args)]));
    Object.defineProperty(window, 'urna', { value: Object.freeze(api), writable: false, configurable: false });
  }, STATION_API_METHODS);
  const page = await context.newPage();
  await page.goto(`${BRIDGE_ORIGIN}/index.html`);
  return { page, context, close: () => context.close() };
}
