/**
 * Brings a station up from its data folder: identity, ledger, devices, the
 * station service and the API handler table. Electron's main process and the
 * tests (through the test bridge) open a station the same way.
 *
 * The composition root: every part is built in one place, in the order it
 * depends on, so its length is one short step per part rather than logic.
 */
import { existsSync, readFileSync, writeFileSync, mkdirSync, renameSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ID_PATTERN, type ElectionId, type StationId } from '../../core/ids';
import type { EventLogger } from '../../core/logging';
import { stationKeyName } from '../../core/ledger/checkpoint';
import { demoEntryRegistry, electionEntryRegistry } from '../../core/ledger/station-entries';
import type { InactivityTimeouts } from '../../core/api/station-api';
import { systemRandom, type RandomSource } from '../../core/ballot';
import { describeElectionErrors } from '../../core/election/errors';
import type { LocalizedText } from '../../core/api/ballot';
import { translate } from '../../core/i18n/messages';
import { readLoadedElection, type LoadedElection } from '../election/election-store';
import { createStationApiHandlers } from '../api/handlers';
import type { StationApiHandlers } from '../api/dispatch';
import { describeLedgerError, LedgerStore } from '../ledger/store';
import { describeIdentityError, loadOrProvisionStationIdentity } from './identity';
import { startStationDevices, type StationDevices, type StationDevicesConfig } from './devices';
import { recoverBallotLog } from './ballot-log';
import { electionContextOf, stationSeed } from './election-runtime';
import { notConfiguredDevice } from './station-deps';
import { StationService } from './station-service';
import { PrintQueue } from './printing';
import type { DocumentPrinter } from '../../hardware/printer/printer';
import { voterCardInserted } from './check-in';
import type { StationContext } from './context';
import type { StaffCardReader } from './staff-auth';
import { parseVerifierKey } from '../../core/ledger/note';
import type { EventLogSource } from '../logging';
import { DEMO_ELECTION_ID, DEMO_PRECINCT_ID, provisionDemoElection } from './demo-election';
import { PollBook, readPollBookKey } from './pollbook';
import { StaffAuth } from './staff-auth';
import type { SyncBatchPolicy } from '../sync/sync-batching';
import { StationSync } from './station-sync';
import { syncNotConfigured, type SyncStatusSource } from './sync-status';

/** What provisioning writes into the data folder: who this station is. */
const provisioningSchema = z
  .object({
    stationId: z.string().regex(ID_PATTERN),
    electionId: z.string().regex(ID_PATTERN),
    /** The precinct whose voters this station checks in; absent: any precinct's. */
    precinctId: z.string().regex(ID_PATTERN).optional(),
  })
  .strict();
export type StationProvisioning = {
  readonly stationId: StationId;
  readonly electionId: ElectionId;
  readonly precinctId?: string;
};

export const DEMO_PROVISIONING: StationProvisioning = {
  stationId: 'demo-station-01' as StationId,
  electionId: DEMO_ELECTION_ID,
  precinctId: DEMO_PRECINCT_ID,
};

export type OpenStationOptions = {
  readonly dataDir: string;
  readonly mode: 'demo' | 'production';
  readonly logger: EventLogger;
  readonly devices?: StationDevicesConfig;
  /** How long a voter may be idle; tests shorten it. */
  readonly inactivity?: InactivityTimeouts;
  /** The kiosk panel's density in pixels per inch (default 141, a 15.6" 1920×1080 panel). */
  readonly panelDpi?: number;
  /** The CSPRNG for ballot ids and nonces; tests may pass a deterministic one. */
  readonly random?: RandomSource;
  /** A printer other than the serial driver of `devices` (an in-memory one in unit tests). */
  readonly ballotPrinter?: DocumentPrinter;
  /** A card reader for staff sign-in other than the serial driver of `devices` (one a unit test controls). */
  readonly staffCardReader?: StaffCardReader;
  /** Demo: the sample election's committed audio clips (assets/sample-audio/), put in the demo package if present. */
  readonly demoAudioDir?: string;
  /** The removable media folder: election package in, event-log export out. Demo: <data dir>/demo-media. */
  readonly mediaDir?: string;
  /** Sync state per validator; without it the screens say sync is not configured. */
  readonly sync?: SyncStatusSource;
  /**
   * Push both logs to the election's validators (main/sync). Off unless asked:
   * the kiosk turns it on; unit tests and the offline demo leave it off.
   */
  readonly syncToValidators?: {
    readonly urls?: Readonly<Record<string, string>>;
    readonly pollMs?: number;
    readonly batching?: SyncBatchPolicy;
  };
  /** Signed-in poll workers are signed out after this long without an action. */
  readonly idleSignOutMs?: number;
  /** The event log to export; by default the logger, if it can export. */
  readonly eventLog?: EventLogSource;
  /** How often a printed ballot that a full disk kept from being recorded is tried again (default 5 s). */
  readonly recordingRetryMs?: number;
};

export type OpenStation = {
  readonly service: StationService;
  /** What the station's procedures are given (main/station/context.ts). */
  readonly context: StationContext;
  readonly auth: StaffAuth;
  readonly handlers: StationApiHandlers;
  readonly ledger: LedgerStore;
  readonly provisioning: StationProvisioning;
  readonly devices: StationDevices;
  close(): Promise<void>;
};

export class StationStartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StationStartError';
  }
}

const PROVISIONING_FILE = 'station.json';

/** How often a printed ballot that a full disk kept from being recorded is tried again. */
export const DEFAULT_RECORDING_RETRY_MS = 5_000;

/** Records the station's identity in its data folder and makes its key (mode 0600). */
export function provisionStation(dataDir: string, provisioning: StationProvisioning): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = path.join(dataDir, PROVISIONING_FILE);
  if (existsSync(file)) throw new StationStartError(`station already provisioned at ${file}`);
  const identity = loadOrProvisionStationIdentity(
    path.join(dataDir, 'station.key'),
    stationKeyName(provisioning.electionId, provisioning.stationId),
  );
  if (!identity.ok) throw new StationStartError(describeIdentityError(identity.error));
  const temporary = `${file}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(provisioning, null, 2)}\n`, { mode: 0o600 });
  renameSync(temporary, file);
}

function readProvisioning(dataDir: string): StationProvisioning {
  const file = path.join(dataDir, PROVISIONING_FILE);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new StationStartError(`cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const parsed = provisioningSchema.safeParse(raw);
  if (!parsed.success)
    throw new StationStartError(
      `${file} is malformed: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  const { precinctId } = parsed.data;
  return {
    stationId: parsed.data.stationId as StationId,
    electionId: parsed.data.electionId as ElectionId,
    ...(precinctId ? { precinctId } : {}),
  };
}

export function demoMediaDir(dataDir: string): string {
  return path.join(dataDir, 'demo-media');
}

export function openStation(options: OpenStationOptions): OpenStation {
  const { dataDir, logger } = options;
  if (options.mode === 'demo' && !existsSync(path.join(dataDir, PROVISIONING_FILE))) {
    provisionStation(dataDir, DEMO_PROVISIONING);
    provisionDemoElection(dataDir, options.mediaDir ?? demoMediaDir(dataDir), logger, options.demoAudioDir);
    logger.log('station.provisioned', { stationId: DEMO_PROVISIONING.stationId, demo: true });
  }
  const mediaDir = options.mediaDir ?? (options.mode === 'demo' ? demoMediaDir(dataDir) : null);
  const provisioning = readProvisioning(dataDir);
  const identity = loadOrProvisionStationIdentity(
    path.join(dataDir, 'station.key'),
    stationKeyName(provisioning.electionId, provisioning.stationId),
  );
  if (!identity.ok) {
    logger.log('station.identity-refused', { reason: describeIdentityError(identity.error) });
    throw new StationStartError(describeIdentityError(identity.error));
  }
  const ledger = LedgerStore.open({
    directory: path.join(dataDir, 'ledger'),
    electionId: provisioning.electionId,
    stationId: provisioning.stationId,
    signer: identity.value,
    registry: options.mode === 'demo' ? demoEntryRegistry : electionEntryRegistry,
  });
  if (!ledger.ok) {
    const reason = describeLedgerError(ledger.error);
    logger.log('ledger.open-refused', { reason });
    throw new StationStartError(reason);
  }
  const election = loadElection(dataDir, provisioning, logger);
  // Replaying the ballot log recovers the polls state, the confirmation-code chain
  // and any ballot left pending by a crash between ballot-pending and ballot-cast.
  const seed = election.loaded ? stationSeed(electionContextOf(election.loaded), provisioning.stationId) : null;
  const ballotLog = recoverBallotLog(ledger.value, seed);
  if (ballotLog.pending.length > 0)
    logger.log('station.pending-ballots-recovered', { count: ballotLog.pending.length });
  const devices = startStationDevices(options.devices ?? {}, logger);
  if (election.loaded) trustElectionCardIssuer(devices, election.loaded);
  const stationSync = options.syncToValidators
    ? new StationSync({
        dataDir,
        source: ledger.value,
        logger,
        urls: options.syncToValidators.urls,
        pollMs: options.syncToValidators.pollMs,
        batching: options.syncToValidators.batching,
      })
    : null;
  if (stationSync && election.loaded) stationSync.start(election.loaded);
  const pollBookKey = readPollBookKey(dataDir);
  if (!pollBookKey.ok && pollBookKey.error !== 'missing')
    logger.log('pollbook.key-refused', { reason: pollBookKey.error });
  const pollBook = new PollBook(pollBookKey.ok ? pollBookKey.value : null, provisioning.precinctId ?? null);
  // Replaying the poll-book log recovers who has checked in, and how many check-ins its lifecycle entries count.
  const pollBookSize = ledger.value.size('pollbook');
  pollBook.recover(pollBookSize > 0 ? ledger.value.entries('pollbook', 0, pollBookSize) : []);
  const ballotPrinter = options.ballotPrinter ?? devices.printer;
  const printing = new PrintQueue(ballotPrinter);
  // The auth's voter-card callback runs a check-in procedure, which needs the context made after it.
  const voterCard = { inserted: (): void => undefined };
  const auth = new StaffAuth({
    reader: options.staffCardReader ?? devices.cardReader,
    logger,
    idleSignOutMs: options.idleSignOutMs,
    onVoterCard: () => voterCard.inserted(),
  });
  const service = new StationService({
    stationId: provisioning.stationId,
    mode: options.mode,
    ledger: ledger.value,
    printer: devices.printerStatus ?? notConfiguredDevice,
    cardReader: devices.cardReaderStatus ?? notConfiguredDevice,
    logger,
    election: election.loaded,
    electionProblem: election.problem,
    ballotLog,
    inactivity: options.inactivity,
    panelDpi: options.panelDpi,
    pollBook,
    staff: auth,
    printing,
    sync: options.sync ?? stationSync ?? syncNotConfigured,
    mediaDir,
  });
  logger.log('station.opened', {
    stationId: provisioning.stationId,
    ballots: ledger.value.size('ballots'),
    pollbook: ledger.value.size('pollbook'),
    pollsState: ballotLog.polls,
  });
  const context: StationContext = {
    station: service,
    ledger: ledger.value,
    logger,
    pollBook,
    printing,
    activationReader: devices.cardReader,
    random: options.random ?? systemRandom,
    recordingRetryMs: options.recordingRetryMs ?? DEFAULT_RECORDING_RETRY_MS,
    dataDir,
    mediaDir,
    eventLog: options.eventLog ?? (isEventLogSource(logger) ? logger : null),
    onElectionLoaded: (loaded) => {
      trustElectionCardIssuer(devices, loaded);
      stationSync?.start(loaded);
    },
  };
  voterCard.inserted = () => {
    voterCardInserted(context).catch((error: unknown) =>
      logger.log('activation.card-failed', {
        error: error instanceof Error ? error.message : String(error),
        outcome: 'failure',
      }),
    );
  };
  auth.start();
  return {
    service,
    context,
    auth,
    handlers: createStationApiHandlers(context, auth),
    ledger: ledger.value,
    provisioning,
    devices,
    close: async () => {
      auth.stop();
      await stationSync?.stop();
      await service.close();
      await devices.stop();
      ledger.value.close();
    },
  };
}

function isEventLogSource(logger: EventLogger): logger is EventLogger & EventLogSource {
  return typeof (logger as Partial<EventLogSource>).exportLines === 'function';
}

/** Poll-worker cards are checked against the key the loaded election names. */
function trustElectionCardIssuer(devices: StationDevices, loaded: LoadedElection): void {
  const key = parseVerifierKey(loaded.definition.pollWorkerCardIssuerKey);
  if (key.ok) devices.trustCardIssuerKey(key.value.publicKey);
}

/**
 * The election package in the data folder, verified again under the pinned key.
 * A package for another election than the one this station was provisioned for
 * is refused: its ballots would land in a ledger whose origin names the other.
 */
function loadElection(
  dataDir: string,
  provisioning: StationProvisioning,
  logger: EventLogger,
): { readonly loaded: LoadedElection | null; readonly problem: LocalizedText | null } {
  const read = readLoadedElection(dataDir);
  if (!read.ok) {
    const problem = { ru: describeElectionErrors(read.error, 'ru'), en: describeElectionErrors(read.error, 'en') };
    logger.log('election.load-refused', {
      reason: 'package-refused',
      codes: read.error.map((e) => e.code),
      outcome: 'failure',
    });
    return { loaded: null, problem };
  }
  if (read.value === undefined) return { loaded: null, problem: null };
  const electionId = read.value.definition.electionId;
  if (electionId !== provisioning.electionId) {
    logger.log('election.load-refused', {
      reason: 'other-election',
      electionId,
      provisioned: provisioning.electionId,
      outcome: 'failure',
    });
    const params = { loaded: electionId, provisioned: provisioning.electionId };
    return {
      loaded: null,
      problem: {
        ru: translate('ru', 'status.otherElection', params),
        en: translate('en', 'status.otherElection', params),
      },
    };
  }
  logger.log('election.loaded', { electionId, baseHash: read.value.baseHashForDisplay });
  return { loaded: read.value, problem: null };
}
