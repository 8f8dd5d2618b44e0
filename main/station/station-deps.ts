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

export const DEFAULT_DISPLAY: DisplaySettings = { language: 'ru', textSize: 1, highContrast: false };

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
};
