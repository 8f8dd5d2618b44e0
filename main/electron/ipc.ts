/**
 * The Electron transport of the station API. Only the main frame of the kiosk
 * window, showing the app's own origin, may call; anything else is refused and
 * logged before its arguments are looked at.
 */
import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import { STATION_API_CHANNEL } from '../../core/api/station-api';
import type { EventLogger } from '../../core/logging';
import { err } from '../../core/result';
import { dispatchStationCall, type StationApiHandlers } from '../api/dispatch';
import { isAppUrl } from './hardening';

export function isTrustedSender(event: IpcMainInvokeEvent, window: BrowserWindow | null): boolean {
  const frame = event.senderFrame;
  if (!frame || !window || window.isDestroyed()) return false;
  if (event.sender !== window.webContents) return false;
  if (frame !== window.webContents.mainFrame) return false;
  return isAppUrl(frame.url);
}

export function registerStationApi(
  handlers: StationApiHandlers,
  logger: EventLogger,
  getWindow: () => BrowserWindow | null,
): void {
  ipcMain.handle(STATION_API_CHANNEL, async (event, method: unknown, args: unknown) => {
    if (!isTrustedSender(event, getWindow())) {
      logger.log('api.call-rejected', { code: 'forbidden', origin: event.senderFrame?.url.slice(0, 200) ?? 'unknown' });
      return err({ code: 'forbidden', message: 'calls are accepted only from the kiosk window' });
    }
    return dispatchStationCall(handlers, logger, method, args, { origin: 'kiosk-window' });
  });
}
