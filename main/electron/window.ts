import { BrowserWindow } from 'electron';
import path from 'node:path';
import { STATION_API_METHODS, STATION_API_METHODS_ARG } from '../../core/api/station-api';
import { APP_ORIGIN } from './hardening';

export type KioskWindowOptions = {
  readonly appRoot: string;
  readonly dev: boolean;
};

export async function createKioskWindow(options: KioskWindowOptions): Promise<BrowserWindow> {
  const window = new BrowserWindow({
    show: false,
    kiosk: !options.dev,
    fullscreen: !options.dev,
    width: 1280,
    height: 800,
    autoHideMenuBar: true,
    backgroundColor: '#ffffff',
    webPreferences: {
      preload: path.join(options.appRoot, 'dist', 'preload', 'index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
      devTools: options.dev,
      navigateOnDragDrop: false,
      // The preload learns the method names from here, so it holds no logic of its own.
      additionalArguments: [`${STATION_API_METHODS_ARG}${STATION_API_METHODS.join(',')}`],
    },
  });
  if (!options.dev) window.setMenu(null);
  window.once('ready-to-show', () => window.show());
  await window.loadURL(`${APP_ORIGIN}/index.html`);
  return window;
}
