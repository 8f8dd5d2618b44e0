/**
 * Kiosk hardening that applies to every web contents the app ever creates:
 * no navigation away, no new windows, no webviews, no permissions.
 */
import { app, session, type WebContents } from 'electron';
import type { EventLogger } from '../../core/logging';

export const APP_SCHEME = 'urna';
export const APP_ORIGIN = `${APP_SCHEME}://app`;

export function isAppUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === `${APP_SCHEME}:` && parsed.host === 'app';
  } catch {
    return false;
  }
}

export function hardenAllWebContents(logger: EventLogger, dev: boolean): void {
  app.on('web-contents-created', (_event, contents: WebContents) => {
    contents.on('will-navigate', (event, url) => {
      event.preventDefault();
      logger.log('security.navigation-blocked', { url: url.slice(0, 200) });
    });
    contents.on('will-redirect', (event, url) => {
      event.preventDefault();
      logger.log('security.navigation-blocked', { url: url.slice(0, 200), redirect: true });
    });
    contents.on('will-attach-webview', (event) => {
      event.preventDefault();
      logger.log('security.webview-blocked', {});
    });
    contents.setWindowOpenHandler(({ url }) => {
      logger.log('security.window-open-blocked', { url: url.slice(0, 200) });
      return { action: 'deny' };
    });
    if (!dev) {
      contents.on('devtools-opened', () => {
        logger.log('security.devtools-closed', {});
        contents.closeDevTools();
      });
    }
  });
  app.on('ready', () => {
    session.defaultSession.setPermissionRequestHandler((_contents, permission, callback) => {
      logger.log('security.permission-denied', { permission });
      callback(false);
    });
    session.defaultSession.setPermissionCheckHandler(() => false);
  });
}
