/**
 * The one bridge between the kiosk page and main. It holds no logic: it
 * exposes one function per station API method, each forwarding its single
 * argument over one IPC channel. Main validates everything it receives.
 *
 * Only `electron` is imported at run time; the type import is erased.
 */
import { contextBridge, ipcRenderer } from 'electron';
import type { StationApiClient } from '../core/api/station-api';

const CHANNEL = 'urna:station-api';
const METHODS_ARG = '--urna-api-methods=';

const methodsArg = process.argv.find((arg) => arg.startsWith(METHODS_ARG)) ?? METHODS_ARG;
const methods = methodsArg.slice(METHODS_ARG.length).split(',').filter(Boolean);

const api = Object.fromEntries(
  methods.map((method) => [method, (input: unknown) => ipcRenderer.invoke(CHANNEL, method, input) as Promise<unknown>]),
) as unknown as StationApiClient;

contextBridge.exposeInMainWorld('urna', api);
