/**
 * What the station's state (station-service.ts) is built from and reports on:
 * the ledger and device interfaces it reads, its defaults, and the dependencies
 * open-station.ts hands it.
 */
import type { LocalizedText } from '../../core/api/ballot';
import type { DeviceStatus, DisplaySettings, InactivityTimeouts, StaffSessionView } from '../../core/api/station-api';
import type { LogKind } from '../../core/ids';
import type { StationEntry } from '../../core/ledger/station-entries';
import type { EventLogger } from '../../core/logging';
import type { Result } from '../../core/result';
import type { LoadedElection } from '../election/election-store';
import type { AppendError, AppendReceipt } from '../ledger/store';
import type { BallotLogState } from './ballot-log';
import type { PollBook } from './pollbook';
import type { PrintQueue } from './printing';
import type { SyncStatusSource } from './sync-status';

/** What the status screen needs of the ledger: how long each log is. */
export interface LedgerSizes {
  size(log: LogKind): number;
}

/** What the station writes to: the signed ledger (main/ledger/store.ts). */
export interface StationLedger extends LedgerSizes {
  append(log: LogKind, entry: StationEntry): Result<AppendReceipt, AppendError>;
}

/** Any device driver, reduced to what the poll worker is shown. */
export interface DeviceStatusSource {
  status(): DeviceStatus;
}

/** A device slot with nothing configured: shown honestly as such. */
export const notConfiguredDevice: DeviceStatusSource = {
  status: () => ({ state: 'not-configured', ready: false, port: null }),
};

export const DEFAULT_INACTIVITY: InactivityTimeouts = { warnAfterMs: 90_000, endAfterMs: 120_000 };

/**
 * Every voter starts here. Text size 2 is VVSG 2.0's default range (capital
 * letters 4.8–5.6 mm on the panel); size 1 is the smaller 3.5–4.2 mm range.
 */
export const DEFAULT_DISPLAY: DisplaySettings = { language: 'ru', textSize: 2, highContrast: false };

/**
 * How long a voter may be idle, given their settings: a voter reading large
 * text or listening to the audio ballot goes more slowly, and gets twice the
 * time before the warning and before the session ends.
 */
export function inactivityFor(
  base: InactivityTimeouts,
  display: DisplaySettings,
  listening: boolean,
): InactivityTimeouts {
  const slower = display.textSize >= 3 || listening;
  return slower ? { warnAfterMs: base.warnAfterMs * 2, endAfterMs: base.endAfterMs * 2 } : base;
}

export type StationServiceDeps = {
  readonly stationId: string;
  readonly mode: 'demo' | 'production';
  readonly ledger: StationLedger;
  readonly printer: DeviceStatusSource;
  readonly cardReader: DeviceStatusSource;
  readonly logger: EventLogger;
  /** The verified election package from the data folder, if one is loaded. */
  readonly election?: LoadedElection | null;
  /** Why the package on disk was refused, for the status screen. */
  readonly electionProblem?: LocalizedText | null;
  /** The ballot log as recovered when the station opened. */
  readonly ballotLog?: BallotLogState;
  readonly inactivity?: InactivityTimeouts;
  /** The poll book (check-ins so far), the sign-in, the printing queue and sync, for `status()`. */
  readonly pollBook: PollBook;
  readonly staff: { view(): StaffSessionView };
  readonly printing: PrintQueue;
  readonly sync: SyncStatusSource;
  /** Where the station looks for an election package (removable media), if configured. */
  readonly mediaDir: string | null;
  /** The kiosk panel's density (pixels per inch); the screens size things in millimetres from it. */
  readonly panelDpi?: number;
};
