/**
 * Which compiled better-sqlite3 addon to load. Under Node (tests, CLI,
 * validators) it is the one in node_modules. A development Electron run loads a
 * copy built for Electron's ABI (scripts/ensure-electron-native.mjs), so the
 * two runtimes never fight over one binary.
 */
import type { Options } from 'better-sqlite3';

let nativeBinding: string | undefined;

export function useSqliteNativeBinding(file: string | undefined): void {
  nativeBinding = file;
}

export function sqliteOptions(options: Options = {}): Options {
  return nativeBinding ? { ...options, nativeBinding } : options;
}
