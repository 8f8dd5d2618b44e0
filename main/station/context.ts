/**
 * What the station's procedures are given: one object holding the station's state
 * (station-service.ts) and the parts it works with. Each procedure takes the few
 * members it needs (a `Pick` of this), asserts the states it may start from, makes
 * the transition and logs it. Built once in open-station.ts.
 */
import type { StationRefusal } from '../../core/api/refusals';
import type { RandomSource } from '../../core/ballot';
import type { LogKind } from '../../core/ids';
import type { StationEntry } from '../../core/ledger/station-entries';
import type { RefusalEventId } from '../../core/events';
import type { EventLogger } from '../../core/logging';
import { err, type Result } from '../../core/result';
import type { CardFailure } from '../../hardware/card-reader/card-reader';
import type { ActivationToken } from '../../hardware/card-reader/card-data';
import type { LoadedElection } from '../election/election-store';
import type { AppendError, AppendReceipt } from '../ledger/store';
import type { EventLogSource } from '../logging';
import type { PollBook } from './pollbook';
import type { PrintQueue } from './printing';
import type { StationService } from './station-service';

/** The ledger as the procedures use it besides the station's own appends: heads for reports, the poll book's entries. */
export interface ProcedureLedger {
  size(log: LogKind): number;
  rootHash(log: LogKind): Uint8Array;
  readonly verifierKey: string;
  append(log: LogKind, entry: StationEntry): Result<AppendReceipt, AppendError>;
}

/** What card activation needs of the card reader driver. */
export interface ActivationCardReader {
  readActivationToken(options?: { readonly timeoutMs?: number }): Promise<Result<ActivationToken, CardFailure>>;
  burnActivationToken(tokenId: string, options?: { readonly timeoutMs?: number }): Promise<Result<void, CardFailure>>;
}

export type StationContext = {
  readonly station: StationService;
  readonly ledger: ProcedureLedger;
  readonly logger: EventLogger;
  readonly pollBook: PollBook;
  readonly printing: PrintQueue;
  readonly activationReader: ActivationCardReader | null;
  /** The CSPRNG for ballot ids, nonces and session ids; tests may pass a deterministic one. */
  readonly random: RandomSource;
  /** How often a printed ballot whose `ballot-cast` could not be written (a full disk) is tried again. */
  readonly recordingRetryMs: number;
  readonly dataDir: string;
  /** The removable media folder: the election package is read from it and exports are written to it. */
  readonly mediaDir: string | null;
  readonly eventLog: EventLogSource | null;
  /** A package was loaded in setup: trust its poll-worker card issuer key, start sync. */
  readonly onElectionLoaded?: (loaded: LoadedElection) => void;
};

/** Logs a refusal under `eventId` (its kind as the reason, a failure) and returns it. */
export function refuse(
  logger: EventLogger,
  eventId: RefusalEventId,
  refusal: StationRefusal,
  fields: Record<string, unknown> = {},
): Result<never, StationRefusal> {
  const { kind } = refusal;
  logger.log(eventId, {
    reason: kind,
    ...('phase' in refusal ? { phase: refusal.phase } : {}),
    ...fields,
    outcome: 'failure',
  });
  return err(refusal);
}
