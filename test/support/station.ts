/**
 * A real station in a temporary folder: identity, signed ledger, station
 * service and the API handler table, exactly as Electron's main opens them; and
 * a typed client over the same dispatcher the renderer's calls end in, so a
 * scenario goes through argument checks, authorization and refusal mapping.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  STATION_API_METHODS,
  type ApiResult,
  type InactivityTimeouts,
  type Language,
  type StaffRole,
  type StationApiClient,
  type StationRefusal,
} from '../../core/api/station-api';
import type { BallotMarks } from '../../core/api/ballot';
import type { RandomSource } from '../../core/ballot';
import type { ElectionId, LogKind, StationId } from '../../core/ids';
import { MemoryEventLogger } from '../../main/logging';
import { openStation, provisionStation, type OpenStation } from '../../main/station/open-station';
import type { StationDevicesConfig } from '../../main/station/devices';
import { dispatchStationCall, type StationApiHandlers } from '../../main/api/dispatch';
import type { EventLogger } from '../../core/logging';
import type { ActivationToken } from '../../hardware/card-reader/card-data';
import type { DocumentPrinter } from '../../hardware/printer/printer';
import type { ActivationCardReader } from '../../main/station/context';
import { ok } from '../../core/result';
import { TestStaffReader } from './staff-reader';
import {
  copySampleAudio,
  installSampleElection,
  provisionSampleTrust,
  SAMPLE_ELECTION,
  sampleDefinition,
  sampleDefinitionWithAudio,
  sampleElectionPackageText,
} from './election';

export type TestStationOptions = {
  readonly stationId: string;
  readonly electionId?: string;
  /** The precinct the station checks voters in for. */
  readonly precinctId?: string;
  readonly devices?: StationDevicesConfig;
  /** Provision trust (authority key, poll-book key) but leave the package on this removable media folder for setup. */
  readonly sampleElectionOnMedia?: string;
  readonly idleSignOutMs?: number;
  /** Load the signed sample election (its id becomes the station's election id). */
  readonly sampleElection?: boolean;
  /** With `sampleElection`: the sample carries its audio ballot, clips in the data folder. */
  readonly audio?: boolean;
  readonly inactivity?: InactivityTimeouts;
  /** The kiosk panel's density (the station's `--panel-dpi`). */
  readonly panelDpi?: number;
  readonly ballotPrinter?: DocumentPrinter;
  readonly random?: RandomSource;
  /** Sign-in through a card reader the test controls (`signIn`), instead of the devices' reader. */
  readonly staffReader?: boolean;
};

export type TestStation = Omit<OpenStation, 'close'> & {
  readonly dataDir: string;
  readonly logger: MemoryEventLogger;
  /** The station API as the renderer has it, through the dispatcher. */
  readonly client: StationApiClient;
  /**
   * Signs a staff card in through the real sign-in, over the test's card reader
   * (`staffReader: true`): insert, PIN, signed in.
   */
  signIn(card?: { readonly cardId: string; readonly role: StaffRole }): Promise<void>;
  /** Appends synthetic `demo-note` entries through the real, signed append path. */
  appendDemoEntries(log: LogKind, count: number): void;
  /**
   * Opens the station again from the same data folder, as after a restart. With
   * `crash`, the old one is abandoned without closing anything first, the way a
   * killed process leaves it (SQLite's WAL keeps every committed entry).
   */
  reopen(options?: { readonly crash?: boolean; readonly ballotPrinter?: DocumentPrinter }): Promise<TestStation>;
  close(): Promise<void>;
};

export function startTestStation(options: TestStationOptions): TestStation {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'urna-station-'));
  const sample = options.sampleElection === true || options.sampleElectionOnMedia !== undefined;
  const electionId = sample ? SAMPLE_ELECTION : (options.electionId ?? 'test-election');
  provisionStation(dataDir, {
    stationId: options.stationId as StationId,
    electionId: electionId as ElectionId,
    ...(options.precinctId ? { precinctId: options.precinctId } : {}),
  });
  if (options.sampleElection) {
    installSampleElection(dataDir, options.audio === true ? sampleDefinitionWithAudio() : sampleDefinition());
    if (options.audio === true) copySampleAudio(dataDir);
  }
  if (options.sampleElectionOnMedia !== undefined) {
    provisionSampleTrust(dataDir);
    mkdirSync(options.sampleElectionOnMedia, { recursive: true });
    writeFileSync(
      path.join(options.sampleElectionOnMedia, 'election.json'),
      sampleElectionPackageText(sampleDefinitionWithAudio()),
    );
    copySampleAudio(options.sampleElectionOnMedia);
  }
  return openTestStation(dataDir, options);
}

/** A typed client over the dispatcher and a station's handler table: what `window.urna` is in the kiosk. */
export function testClient(handlers: StationApiHandlers, logger: EventLogger): StationApiClient {
  const call = (method: string) => (input: unknown) =>
    dispatchStationCall(handlers, logger, method, input, { origin: 'unit-test' });
  // Each method's result is the handler's for that method: the dispatcher checked the arguments against its schema.
  return Object.fromEntries(STATION_API_METHODS.map((method) => [method, call(method)])) as unknown as StationApiClient;
}

/** The value of a call that must succeed; a failure fails the test with the error it carried. */
export function succeeded<T>(result: { ok: true; value: T } | { ok: false; error: unknown }): T {
  if (!result.ok) throw new Error(`expected success, got ${JSON.stringify(result.error)}`);
  return result.value;
}

/** The typed refusal a call through the client was answered with (what the screens switch on). */
export function refusalOf(result: ApiResult<unknown>): StationRefusal | undefined {
  if (result.ok) throw new Error(`expected a refusal, got ${JSON.stringify(result.value)}`);
  return result.error.refusal;
}

/** A voter of a scripted polling day: who checks in, in what language, what they mark, whether they challenge first. */
export type TestVoter = {
  readonly voterId: string;
  readonly marks: BallotMarks;
  readonly language?: Language;
  readonly challengesFirst?: boolean;
};

/**
 * A whole polling day through the client, as the renderer and the poll worker's
 * desk make it: sign in, open the polls, then for each voter check in, mark,
 * (challenge and mark again,) cast, take the receipt; close the polls. Any
 * refusal fails the test, naming the step.
 */
export async function runPollingDay(station: TestStation, voters: readonly TestVoter[]): Promise<void> {
  const step = async <T>(what: string, call: Promise<ApiResult<T>>): Promise<T> => {
    const result = await call;
    if (!result.ok) throw new Error(`${what} was refused: ${JSON.stringify(result.error)}`);
    return result.value;
  };
  await station.signIn();
  await step('opening the polls', station.client.openPolls({}));
  for (const voter of voters) {
    await step(
      `check-in of ${voter.voterId}`,
      station.client.checkInVoter({ voterId: voter.voterId, activation: 'kiosk' }),
    );
    if (voter.language !== undefined)
      await step('language', station.client.setDisplaySettings({ language: voter.language }));
    if (voter.challengesFirst === true) {
      await step('commit', station.client.commitBallot({ marks: voter.marks, undervoteAcknowledged: true }));
      await step('challenge', station.client.challengeBallot({}));
    }
    await step('commit', station.client.commitBallot({ marks: voter.marks, undervoteAcknowledged: true }));
    await step('cast', station.client.castBallot({}));
    await station.service.whenPrintingDone();
    await step('finish', station.client.finishVoterSession({}));
  }
  await step('closing the polls', station.client.closePolls({}));
}

const TEST_PIN = '1234';

/** The poll worker whose card the scenarios use, signed in or handed straight to a procedure. */
export const POLL_WORKER = { cardId: 'pw-0001', role: 'poll-worker' } as const satisfies {
  readonly cardId: string;
  readonly role: StaffRole;
};

function openTestStation(dataDir: string, options: TestStationOptions): TestStation {
  const logger = new MemoryEventLogger();
  const staffReader = options.staffReader ? new TestStaffReader() : null;
  const station = openStation({
    dataDir,
    // Only a demonstration station's ledger takes the synthetic notes some tests append.
    mode: options.sampleElection || options.sampleElectionOnMedia !== undefined ? 'production' : 'demo',
    mediaDir: options.sampleElectionOnMedia,
    idleSignOutMs: options.idleSignOutMs,
    logger,
    devices: options.devices,
    inactivity: options.inactivity,
    panelDpi: options.panelDpi,
    ballotPrinter: options.ballotPrinter,
    random: options.random,
    ...(staffReader ? { staffCardReader: staffReader } : {}),
  });
  let seq = 0;
  const client = testClient(station.handlers, logger);
  return {
    ...station,
    dataDir,
    logger,
    client,
    async signIn(card = POLL_WORKER) {
      if (staffReader === null) throw new Error('signIn needs a station started with staffReader: true');
      staffReader.insert({ ...card, pin: TEST_PIN, genuine: true, tries: 3 });
      for (let i = 0; i < 100 && station.auth.state.state !== 'awaiting-pin'; i++)
        await new Promise((resolve) => setImmediate(resolve));
      const signedIn = await client.signIn({ pin: TEST_PIN });
      if (!signedIn.ok || signedIn.value.state !== 'signed-in')
        throw new Error(`sign-in failed: ${JSON.stringify(signedIn)}`);
    },
    appendDemoEntries(log, count) {
      for (let i = 0; i < count; i++) {
        const receipt = station.ledger.append(log, {
          type: 'demo-note',
          v: 1,
          seq: seq++,
          text: `synthetic entry ${seq}`,
        });
        if (!receipt.ok) throw new Error(`append failed: ${JSON.stringify(receipt.error)}`);
      }
    },
    reopen: async (reopenOptions = {}) => {
      if (reopenOptions.crash) {
        // Stop the old service's timers; a print job that never answers is simply abandoned.
        void station.service.close();
        station.ledger.close();
      } else {
        await station.close();
      }
      return openTestStation(dataDir, {
        ...options,
        ballotPrinter: reopenOptions.ballotPrinter ?? options.ballotPrinter,
      });
    },
    close: async () => {
      await station.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * A voter's activation card for style-district-1 of the sample election's precinct
 * uik-1202, and a reader that hands it over; `reads` records every read and burn.
 */
export function sampleActivationReader(reads: string[] = []): ActivationCardReader {
  const token: ActivationToken = {
    cardId: 'voter-card-1',
    tokenId: 'token-1',
    electionId: SAMPLE_ELECTION,
    precinctId: 'uik-1202',
    ballotStyleId: 'style-district-1',
    issuerKeyId: 'issuer',
  };
  return {
    readActivationToken: () => {
      reads.push('read');
      return Promise.resolve(ok(token));
    },
    burnActivationToken: () => {
      reads.push('burn');
      return Promise.resolve(ok());
    },
  };
}
