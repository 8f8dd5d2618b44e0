/**
 * How the kiosk was started. `--demo` runs with a demo station identity and
 * data folder; `--dev` (never in a packaged build) allows devtools and a
 * normal window. `--event-log-fallback=FILE` names a file on another disk for
 * the event lines the data disk cannot take when it is full. `--panel-dpi=N`
 * gives the kiosk panel's density, from which the screens size text and touch
 * targets in millimetres (default 141, a 15.6" 1920×1080 panel).
 */
import { DEFAULT_PANEL_DPI, PANEL_DPI_RANGE } from '../../core/api/station-api';
import { err, ok, type Result } from '../../core/result';

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
  /** The panel's density, or why the `--panel-dpi` given cannot be used. */
  readonly panelDpi: Result<number, string>;
};

/** A `--panel-dpi` value: a number of pixels per inch a panel can have, or the default when none is given. */
export function parsePanelDpi(value: string | null): Result<number, string> {
  if (value === null) return ok(DEFAULT_PANEL_DPI);
  const dpi = Number(value);
  if (value.trim() === '' || !Number.isFinite(dpi) || dpi < PANEL_DPI_RANGE.min || dpi > PANEL_DPI_RANGE.max)
    return err(
      `--panel-dpi=${value} is not a panel density: give the panel's pixels per inch, a number from ${PANEL_DPI_RANGE.min} to ${PANEL_DPI_RANGE.max} (a 15.6" 1920×1080 panel is ${DEFAULT_PANEL_DPI})`,
    );
  return ok(dpi);
}

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
    panelDpi: parsePanelDpi(valueOf('panel-dpi')),
  };
}
