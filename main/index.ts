/**
 * The Electron main process of the Urna kiosk.
 */
import { app, type BrowserWindow } from 'electron';
import path from 'node:path';
import { useSqliteNativeBinding } from '../storage/sqlite';
import { FileEventLogger } from './logging';
import { demoRenderDir, socatAvailable, startDemoDevices, type DemoDevices } from './station/demo-devices';
import { openStation, type OpenStation } from './station/open-station';
import { startDemoConsole } from './station/demo-console';
import { parseKioskArgs } from './electron/config';
import { hardenAllWebContents } from './electron/hardening';
import { registerStationApi } from './electron/ipc';
import { registerAppScheme, serveRenderer } from './electron/protocol';
import { createKioskWindow } from './electron/window';

const options = parseKioskArgs(process.argv, app.isPackaged);
const dataDir = options.dataDir ?? path.join(app.getPath('userData'), options.demo ? 'demo-station' : 'station');
const logger = new FileEventLogger({
  file: path.join(dataDir, 'logs', 'events.jsonl'),
  echo: options.dev,
  ...(options.eventLogFallback === null ? {} : { fallbackFile: options.eventLogFallback }),
});

// One kiosk per machine: a second launch focuses the first instead of opening
// a second writer on the same ledger.
if (!app.requestSingleInstanceLock()) {
  logger.log('app.second-instance-refused', {});
  app.quit();
} else {
  registerAppScheme();
  hardenAllWebContents(logger, options.dev);
  let kioskWindow: BrowserWindow | null = null;
  let station: OpenStation | null = null;
  let demoDevices: DemoDevices | null = null;

  app.on('second-instance', () => {
    if (kioskWindow && !kioskWindow.isDestroyed()) {
      if (kioskWindow.isMinimized()) kioskWindow.restore();
      kioskWindow.focus();
    }
  });

  app.on('window-all-closed', () => app.quit());
  let stopped = false;
  app.on('will-quit', (event) => {
    if (stopped) return;
    // Close the ledger and the serial ports before the process goes.
    event.preventDefault();
    stopped = true;
    Promise.all([station?.close(), demoDevices?.stop()])
      .catch((error: unknown) =>
        logger.log('app.stop-failed', { error: error instanceof Error ? error.message : String(error) }),
      )
      .finally(() => {
        logger.log('app.stopped', {});
        app.exit(0);
      });
  });

  app
    .whenReady()
    .then(async () => {
      if (!options.panelDpi.ok) throw new Error(options.panelDpi.error);
      const appRoot = app.getAppPath();
      serveRenderer(path.join(appRoot, 'dist', 'renderer'));
      useSqliteNativeBinding(electronNativeBinding(appRoot));
      if (options.demo && socatAvailable()) {
        demoDevices = await startDemoDevices({ renderDir: demoRenderDir(dataDir), logger });
        startDemoConsole(demoDevices, { input: process.stdin, output: process.stdout }, logger);
      } else if (options.demo) {
        logger.log('station.demo-devices-unavailable', {
          reason: 'socat is not installed; the printer and card reader show as not configured',
        });
      }
      const devices = demoDevices?.config ?? {
        printerPath: options.printerPath ?? undefined,
        cardReaderPath: options.cardReaderPath ?? undefined,
      };
      // An election station pushes its logs to the validators; the demo's sample
      // validators do not exist, so the demo syncs only when asked (--sync).
      const syncToValidators = !options.demo || options.sync ? {} : undefined;
      station = openStation({
        dataDir,
        mode: options.demo ? 'demo' : 'production',
        logger,
        devices,
        syncToValidators,
        // The sample election's audio ballot, as committed; a demo without it has no audio ballot.
        demoAudioDir: path.join(appRoot, 'assets', 'sample-audio'),
        panelDpi: options.panelDpi.value,
      });
      registerStationApi(station.handlers, logger, () => kioskWindow);
      kioskWindow = await createKioskWindow({ appRoot, dev: options.dev });
      logger.log('app.started', {
        mode: options.demo ? 'demo' : 'production',
        dev: options.dev,
        electron: process.versions.electron,
      });
    })
    .catch((error: unknown) => {
      logger.log('app.start-failed', { error: error instanceof Error ? error.message : String(error) });
      app.exit(1);
    });
}

/**
 * In a development checkout, better-sqlite3 in node_modules is built for Node
 * (so `npm test` works); `npm start` builds a second copy against Electron's
 * headers into build/native/. A packaged app carries its own rebuilt copy.
 */
function electronNativeBinding(appRoot: string): string | undefined {
  if (app.isPackaged) return undefined;
  return path.join(appRoot, 'build', 'native', `electron-${process.versions.modules}`, 'better_sqlite3.node');
}
