/**
 * How the kiosk was started. `--demo` runs with a demo station identity and
 * data folder; `--dev` (never in a packaged build) allows devtools and a
 * normal window. `--event-log-fallback=FILE` names a file on another disk for
 * the event lines the data disk cannot take when it is full.
 */
export type KioskOptions = {
  readonly demo: boolean;
  readonly dev: boolean;
  readonly dataDir: string | null;
  /** Serial paths of the real devices (production). */
  readonly printerPath: string | null;
  readonly cardReaderPath: string | null;
  /** Sync with the validators even in demo mode. */
  readonly sync: boolean;
  /** Where event lines go when the data folder's event log cannot be written (a full disk). */
  readonly eventLogFallback: string | null;
};

export function parseKioskArgs(argv: readonly string[], isPackaged: boolean): KioskOptions {
  const valueOf = (name: string): string | null => {
    const arg = argv.find((a) => a.startsWith(`--${name}=`));
    return arg ? arg.slice(name.length + 3) : null;
  };
  return {
    demo: argv.includes('--demo'),
    // Development mode is refused in a packaged build: a kiosk never opens devtools.
    dev: !isPackaged && argv.includes('--dev'),
    dataDir: valueOf('data-dir'),
    printerPath: valueOf('printer'),
    cardReaderPath: valueOf('card-reader'),
    sync: argv.includes('--sync'),
    eventLogFallback: valueOf('event-log-fallback'),
  };
}
