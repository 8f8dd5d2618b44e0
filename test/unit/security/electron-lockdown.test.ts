/**
 * The kiosk's main-process lockdown, exercised without an Electron binary: the
 * `electron` module is replaced by fakes that record what the app registers, and
 * the test then plays the part of Chromium (a navigation, a window.open, a
 * webview, a permission prompt, devtools opening, an IPC call from a stranger
 * frame). Each assertion fails if the matching guard in main/electron/ is removed.
 * The same guards run for real in test/e2e/security-electron.e2e.test.ts where a
 * binary is present.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { STATION_API_CHANNEL } from '../../../core/api/station-api';
import { ok } from '../../../core/result';
import type { StationApiHandlers } from '../../../main/api/dispatch';
import { MemoryEventLogger } from '../../../main/logging';
import { CONTENT_SECURITY_POLICY } from '../../../main/security/renderer-assets';

type Listener = (...args: unknown[]) => unknown;

const fakes = vi.hoisted(() => {
  // vi.hoisted runs before imports: only globals are usable here.
  class Emitter {
    readonly listeners = new Map<string, ((...args: unknown[]) => unknown)[]>();
    on(name: string, listener: (...args: unknown[]) => unknown): this {
      this.listeners.set(name, [...(this.listeners.get(name) ?? []), listener]);
      return this;
    }
    once(name: string, listener: (...args: unknown[]) => unknown): this {
      return this.on(name, listener);
    }
    emit(name: string, ...args: unknown[]): void {
      for (const listener of this.listeners.get(name) ?? []) listener(...args);
    }
  }
  const state = {
    app: new Emitter(),
    ipcHandlers: new Map<string, (...args: unknown[]) => unknown>(),
    permissionRequestHandler: null as null | ((...args: unknown[]) => void),
    permissionCheckHandler: null as null | ((...args: unknown[]) => boolean),
    windowOptions: [] as Record<string, unknown>[],
    protocolHandler: null as null | ((request: { url: string }) => Response),
    privilegedSchemes: [] as unknown[],
  };
  return { Emitter, state };
});

vi.mock('electron', () => {
  const { state } = fakes;
  class BrowserWindow {
    readonly webContents = { mainFrame: {} };
    constructor(options: Record<string, unknown>) {
      state.windowOptions.push(options);
    }
    setMenu(): void {}
    once(): void {}
    isDestroyed(): boolean {
      return false;
    }
    loadURL(): Promise<void> {
      return Promise.resolve();
    }
  }
  return {
    app: state.app,
    session: {
      defaultSession: {
        setPermissionRequestHandler: (handler: (...args: unknown[]) => void) => {
          state.permissionRequestHandler = handler;
        },
        setPermissionCheckHandler: (handler: (...args: unknown[]) => boolean) => {
          state.permissionCheckHandler = handler;
        },
      },
    },
    ipcMain: {
      handle: (channel: string, handler: (...args: unknown[]) => unknown) => {
        state.ipcHandlers.set(channel, handler);
      },
    },
    protocol: {
      registerSchemesAsPrivileged: (schemes: unknown[]) => state.privilegedSchemes.push(...schemes),
      handle: (_scheme: string, handler: (request: { url: string }) => Response) => {
        state.protocolHandler = handler;
      },
    },
    BrowserWindow,
  };
});

// Imported after the mock is in place (vi.mock is hoisted above these).
const { hardenAllWebContents, isAppUrl } = await import('../../../main/electron/hardening');
const { isTrustedSender, registerStationApi } = await import('../../../main/electron/ipc');
const { createKioskWindow } = await import('../../../main/electron/window');
const { parseKioskArgs } = await import('../../../main/electron/config');
const { registerAppScheme, serveRenderer } = await import('../../../main/electron/protocol');

/** A web contents as Chromium would hand it to `web-contents-created`. */
class FakeWebContents extends fakes.Emitter {
  windowOpenHandler: ((details: { url: string }) => { action: string }) | null = null;
  devToolsClosed = 0;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
    this.windowOpenHandler = handler;
  }
  closeDevTools(): void {
    this.devToolsClosed += 1;
  }
}

function preventable() {
  const event = { prevented: false, preventDefault: () => (event.prevented = true) };
  return event;
}

function hardened(dev: boolean) {
  fakes.state.app.listeners.clear();
  const logger = new MemoryEventLogger();
  hardenAllWebContents(logger, dev);
  const contents = new FakeWebContents();
  fakes.state.app.emit('web-contents-created', {}, contents);
  return { logger, contents };
}

describe('every web contents is locked to the app', () => {
  beforeEach(() => {
    fakes.state.permissionRequestHandler = null;
    fakes.state.permissionCheckHandler = null;
  });

  it.each([
    'https://example.org/',
    'file:///etc/passwd',
    'urna://app/index.html',
    'urna://evil/index.html',
    'javascript:alert(1)',
  ])('refuses navigation to %s (even to the app itself: the kiosk never navigates)', (url) => {
    const { contents, logger } = hardened(false);
    const navigation = preventable();
    contents.emit('will-navigate', navigation, url);
    expect(navigation.prevented).toBe(true);
    const redirect = preventable();
    contents.emit('will-redirect', redirect, url);
    expect(redirect.prevented).toBe(true);
    expect(logger.events.map((e) => e.eventId)).toEqual(['security.navigation-blocked', 'security.navigation-blocked']);
  });

  it('denies every window.open and logs it', () => {
    const { contents, logger } = hardened(false);
    expect(contents.windowOpenHandler).not.toBeNull();
    for (const url of ['https://example.org/', 'urna://app/index.html', 'about:blank']) {
      expect(contents.windowOpenHandler?.({ url })).toEqual({ action: 'deny' });
    }
    expect(logger.events.filter((e) => e.eventId === 'security.window-open-blocked')).toHaveLength(3);
  });

  it('refuses to attach a webview', () => {
    const { contents } = hardened(false);
    const attach = preventable();
    contents.emit('will-attach-webview', attach, {}, {});
    expect(attach.prevented).toBe(true);
  });

  it('closes devtools at once in kiosk mode, and leaves them in --dev', () => {
    const kiosk = hardened(false);
    kiosk.contents.emit('devtools-opened');
    expect(kiosk.contents.devToolsClosed).toBe(1);
    expect(kiosk.logger.events.map((e) => e.eventId)).toContain('security.devtools-closed');
    const dev = hardened(true);
    dev.contents.emit('devtools-opened');
    expect(dev.contents.devToolsClosed).toBe(0);
  });

  it('denies every permission request and check (camera, geolocation, notifications …)', () => {
    hardened(false);
    fakes.state.app.emit('ready');
    const request = fakes.state.permissionRequestHandler;
    const check = fakes.state.permissionCheckHandler;
    expect(request).not.toBeNull();
    expect(check).not.toBeNull();
    for (const permission of [
      'media',
      'geolocation',
      'notifications',
      'clipboard-read',
      'openExternal',
      'fullscreen',
    ]) {
      const answers: boolean[] = [];
      request?.({}, permission, (granted: boolean) => answers.push(granted), {});
      expect(answers).toEqual([false]);
      expect(check?.({}, permission, 'urna://app', {})).toBe(false);
    }
  });

  it('recognises only urna://app as the app origin', () => {
    expect(isAppUrl('urna://app/index.html')).toBe(true);
    for (const url of [
      'urna://app.evil/index.html',
      'urna://evil/',
      'https://app/',
      'file:///app',
      'not a url',
      'urna:app',
    ]) {
      expect(isAppUrl(url)).toBe(false);
    }
  });
});

describe('the kiosk window', () => {
  it('runs the renderer sandboxed, isolated, without Node and without devtools', async () => {
    fakes.state.windowOptions.length = 0;
    await createKioskWindow({ appRoot: '/opt/urna', dev: false });
    const options = fakes.state.windowOptions[0] as { kiosk: boolean; webPreferences: Record<string, unknown> };
    expect(options.kiosk).toBe(true);
    expect(options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      devTools: false,
      navigateOnDragDrop: false,
    });
    // Electron's defaults that would reopen a hole must not be switched on.
    for (const key of ['enableBlinkFeatures', 'experimentalFeatures', 'enableRemoteModule'])
      expect(options.webPreferences).not.toHaveProperty(key);
  });

  it('never allows --dev (devtools) in a packaged build', () => {
    expect(parseKioskArgs(['urna', '--dev'], true).dev).toBe(false);
    expect(parseKioskArgs(['urna', '--dev'], false).dev).toBe(true);
  });
});

describe('IPC from anything but the kiosk main frame is refused', () => {
  const mainFrame = { url: 'urna://app/index.html' };
  const webContents = { mainFrame };
  const window = { webContents, isDestroyed: () => false };
  type Event = Parameters<typeof isTrustedSender>[0];
  type Window = Parameters<typeof isTrustedSender>[1];
  const event = (sender: unknown, senderFrame: unknown) => ({ sender, senderFrame }) as unknown as Event;

  it('accepts the main frame of the kiosk window on the app origin', () => {
    expect(isTrustedSender(event(webContents, mainFrame), window as unknown as Window)).toBe(true);
  });

  it.each([
    ['a subframe of the kiosk window', () => event(webContents, { url: 'urna://app/index.html' })],
    ['another web contents showing the app', () => event({ mainFrame }, mainFrame)],
    ['the kiosk frame after it left the app origin', () => event(webContents, { url: 'https://example.org/' })],
    ['a destroyed frame (senderFrame null)', () => event(webContents, null)],
  ])('refuses %s', (_label, makeEvent) => {
    expect(isTrustedSender(makeEvent(), window as unknown as Window)).toBe(false);
  });

  it('refuses the kiosk main frame once it shows another origin', () => {
    const moved = { url: 'https://example.org/' };
    const movedWindow = { webContents: { mainFrame: moved }, isDestroyed: () => false };
    expect(isTrustedSender(event(movedWindow.webContents, moved), movedWindow as unknown as Window)).toBe(false);
  });

  it('refuses when there is no kiosk window, or it is destroyed', () => {
    expect(isTrustedSender(event(webContents, mainFrame), null)).toBe(false);
    expect(
      isTrustedSender(event(webContents, mainFrame), { ...window, isDestroyed: () => true } as unknown as Window),
    ).toBe(false);
  });

  it('answers a stranger with forbidden before any handler or argument check runs', async () => {
    const calls: string[] = [];
    const handlers = new Proxy({} as StationApiHandlers, {
      get: (_target, name) => () => {
        calls.push(String(name));
        return ok({});
      },
    });
    const logger = new MemoryEventLogger();
    registerStationApi(handlers, logger, () => window as unknown as Window);
    const handle = fakes.state.ipcHandlers.get(STATION_API_CHANNEL) as Listener;
    const stranger = { url: 'https://evil.example/' };
    const refused = await handle(event({ mainFrame: stranger }, stranger), 'getStationStatus', {});
    expect(refused).toEqual({
      ok: false,
      error: { code: 'forbidden', message: 'calls are accepted only from the kiosk window' },
    });
    expect(calls).toEqual([]);
    expect(logger.events).toEqual([
      { eventId: 'api.call-rejected', fields: { code: 'forbidden', origin: 'https://evil.example/' } },
    ]);
    const accepted = await handle(event(webContents, mainFrame), 'getStationStatus', {});
    expect(accepted).toEqual({ ok: true, value: {} });
    expect(calls).toEqual(['getStationStatus']);
  });
});

describe('the urna:// protocol', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'urna-protocol-'));
  writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>urna</title>');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is a standard, secure scheme without fetch or CORS', () => {
    registerAppScheme();
    expect(fakes.state.privilegedSchemes).toContainEqual({
      scheme: 'urna',
      privileges: { standard: true, secure: true, supportFetchAPI: false, corsEnabled: false },
    });
  });

  it('serves the renderer under the CSP, and nothing from another host or outside the folder', () => {
    serveRenderer(dir);
    const serve = fakes.state.protocolHandler;
    if (!serve) throw new Error('no protocol handler registered');
    const page = serve({ url: 'urna://app/index.html' });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    for (const url of [
      'urna://other/index.html',
      'urna://app/../../etc/passwd',
      'urna://app/%2e%2e/%2e%2e/etc/passwd',
      'urna://app/missing.js',
    ]) {
      const refused = serve({ url });
      expect(refused.status).toBe(404);
      expect(refused.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    }
  });

  const directivesOf = (policy: string) =>
    new Map(
      policy.split(';').map((d) => {
        const [name = '', ...values] = d.trim().split(/\s+/);
        return [name, values] as const;
      }),
    );

  it('has a policy with no inline script, no eval and no remote source', () => {
    const directives = directivesOf(CONTENT_SECURITY_POLICY);
    expect(directives.get('default-src')).toEqual(["'none'"]);
    expect(directives.get('script-src')).toEqual(["'self'"]);
    for (const name of ['object-src', 'frame-src', 'base-uri', 'form-action', 'connect-src', 'worker-src'])
      expect(directives.get(name)).toEqual(["'none'"]);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-inline|unsafe-eval|wasm-unsafe-eval|https?:|\*/);
  });

  it("the page's own <meta> policy (a second layer: both must allow a load) is just as strict", () => {
    const html = readFileSync('renderer/index.html', 'utf8');
    const meta = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1];
    expect(meta, 'renderer/index.html has no CSP meta tag').toBeDefined();
    const directives = directivesOf(meta ?? '');
    expect(directives.get('default-src')).toEqual(["'none'"]);
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(meta).not.toMatch(/unsafe-inline|unsafe-eval|wasm-unsafe-eval|https?:|\*/);
  });
});
