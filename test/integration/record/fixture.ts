/**
 * A real election run, on disk, for the record tools: a real key ceremony (4
 * guardians, any 3 decrypt), the sample definition signed by the authority, three
 * enrolled stations recording real encrypted ballots in their ledgers (casts, a
 * challenge, a voided ballot), three validator processes (`urna validator start`)
 * that the stations' sync clients push to until every validator has cosigned both
 * logs. It reuses the validator tests' election, station writer and process wrapper.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  GENERATOR,
  GroupElement,
  guardianKeyShareToRecord,
  keyCeremonyToRecord,
  recordToCanonicalJson,
  runLocalCeremony,
  type GuardianKeyShare,
} from '../../../core/ballot';
import { utf8Encode, type Bytes } from '../../../core/encoding/bytes';
import type { GuardianId, SelectionId } from '../../../core/ids';
import { ceremonyRecordHash } from '../../../core/record/election';
import { silentLogger } from '../../../core/logging';
import { SyncClient, validatorsOf } from '../../../main/sync/sync-client';
import { waitFor } from '../../support/wait-for';
import { BallotWriter, makeTestElection, ValidatorProcess, type TestElection } from '../validator/fixture';

export type StationPlan = {
  readonly id: string;
  readonly precinct: string;
  readonly cast: number;
  readonly challenged: number;
  readonly voided: number;
  /** Enrolled, but its logs are the test's business: runElection records and syncs nothing for it. */
  readonly held?: boolean;
};

export type RecordRun = {
  readonly dir: string;
  readonly election: TestElection;
  readonly guardianFiles: readonly string[];
  readonly ceremonyDir: string;
  readonly urls: readonly string[];
  /** Expected per-station counts: contest → selection → count, from the choices the stations encrypted. */
  readonly expected: ReadonlyMap<string, ReadonlyMap<string, ReadonlyMap<string, number>>>;
  readonly processes: readonly ValidatorProcess[];
  stop(): Promise<void>;
};

export const DEFAULT_STATIONS: readonly StationPlan[] = [
  { id: 'station-1', precinct: 'uik-1201', cast: 8, challenged: 1, voided: 1 },
  { id: 'station-2', precinct: 'uik-1201', cast: 5, challenged: 0, voided: 0 },
  { id: 'station-3', precinct: 'uik-1202', cast: 6, challenged: 1, voided: 0 },
];

export function runUrna(args: readonly string[]): { status: number; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [path.resolve('bin/urna.mjs'), ...args], {
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: '' },
    timeout: 120_000,
  });
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** A key ceremony for the definition's ceremony base hash: the public record's text, and each guardian's key file (if any). */
export type CeremonyRunner = {
  readonly count: number;
  readonly threshold: number;
  hold(ceremonyBaseHash: Bytes): { readonly ceremonyText: string; readonly guardianFiles: readonly string[] };
};

/** The tests' default: a one-process ceremony (4 guardians, any 3 decrypt), plain key files for the record tools' tests. */
function localCeremony(dir: string): CeremonyRunner {
  return {
    count: 4,
    threshold: 3,
    hold(baseHash) {
      const guardianIds = ['guardian-1', 'guardian-2', 'guardian-3', 'guardian-4'] as GuardianId[];
      const outcome = runLocalCeremony({ baseHash, guardianIds, threshold: 3 });
      if (!outcome.ok) throw new Error(`ceremony: ${JSON.stringify(outcome.error)}`);
      mkdirSync(dir, { recursive: true });
      const guardianFiles = outcome.value.keyShares.map((share: GuardianKeyShare) => {
        const file = path.join(dir, `${share.guardianId}.secret.json`);
        writeFileSync(file, `${recordToCanonicalJson(guardianKeyShareToRecord(share))}\n`, { mode: 0o600 });
        return file;
      });
      return { ceremonyText: `${recordToCanonicalJson(keyCeremonyToRecord(outcome.value.record))}\n`, guardianFiles };
    },
  };
}

/** The test election with a real ceremony behind its joint key; the ceremony's files are in `ceremonyDir`. */
function makeElection(
  label: string,
  stations: readonly StationPlan[],
  ceremony?: CeremonyRunner,
): { election: TestElection; guardianFiles: readonly string[]; ceremonyDir: string } {
  const run = ceremony ?? localCeremony(mkdtempSync(path.join(tmpdir(), 'urna-ceremony-')));
  let held: ReturnType<CeremonyRunner['hold']> | undefined;
  const election = makeTestElection({
    validators: 3,
    stations: stations.map(({ id, precinct }) => ({ id, precinct })),
    label,
    guardians: {
      count: run.count,
      threshold: run.threshold,
      hold(baseHash) {
        held = run.hold(baseHash);
        const record = JSON.parse(held.ceremonyText) as { jointKey: string };
        const jointKey = GroupElement.fromBase64Url(record.jointKey);
        if (!jointKey.ok) throw new Error('ceremony: joint key');
        return {
          jointKey: jointKey.value,
          ceremonyRecordHash: ceremonyRecordHash(record),
          count: run.count,
          threshold: run.threshold,
        };
      },
    },
  });
  if (held === undefined) throw new Error('invariant failed: no ceremony held');
  const ceremonyDir = path.join(election.dir, 'ceremony');
  mkdirSync(ceremonyDir);
  writeFileSync(path.join(ceremonyDir, 'key-ceremony.json'), held.ceremonyText);
  return { election, guardianFiles: held.guardianFiles, ceremonyDir };
}

/** What the election of `runElection(label, stations)` binds its key ceremony to, for a ceremony held outside the fixture. */
export function ceremonyBaseHashOf(
  label: string,
  stations: readonly StationPlan[],
  count: number,
  threshold: number,
): Bytes {
  let captured: Bytes | undefined;
  const probe = makeTestElection({
    validators: 3,
    stations: stations.map(({ id, precinct }) => ({ id, precinct })),
    label,
    guardians: {
      count,
      threshold,
      hold(baseHash) {
        captured = baseHash;
        return { jointKey: GroupElement.of(GENERATOR), ceremonyRecordHash: 'A'.repeat(43), count, threshold };
      },
    },
  });
  probe.cleanup();
  if (captured === undefined) throw new Error('invariant failed: no base hash');
  return captured;
}

/** Records every planned ballot, closes the polls, syncs to all validators. */
export async function runElection(
  label: string,
  stations: readonly StationPlan[] = DEFAULT_STATIONS,
  ceremony?: CeremonyRunner,
): Promise<RecordRun> {
  const { election, guardianFiles, ceremonyDir } = makeElection(label, stations, ceremony);
  const processes = election.validators.map((v) => new ValidatorProcess(election.writeConfig(v, 0)));
  const urls = await Promise.all(processes.map((p) => p.start()));
  const urlByName = Object.fromEntries(election.validators.map((v, i) => [v.name, urls[i] as string]));
  const expected = new Map<string, Map<string, Map<string, number>>>();

  for (const [i, plan] of stations.entries()) {
    const spec = election.stations[i];
    if (spec === undefined) throw new Error('station');
    if (plan.held === true) continue;
    const writer = BallotWriter.open(election, spec, path.join(election.dir, 'stations', plan.id));
    const counts = new Map<string, Map<string, number>>();
    for (const contest of writer.manifest.contests)
      counts.set(contest.contestId, new Map(contest.selections.map((s) => [s as string, 0])));
    let serial = 0;
    const noteCast = () => {
      for (const contest of writer.manifest.contests) {
        const selection = contest.selections[serial % contest.selections.length] as SelectionId;
        const map = counts.get(contest.contestId) as Map<string, number>;
        map.set(selection, (map.get(selection) ?? 0) + 1);
      }
    };
    writer.openPolls();
    for (let b = 0; b < plan.cast; b++) {
      noteCast();
      writer.castBallot();
      serial++;
      if (b === 1) {
        for (let c = 0; c < plan.challenged; c++) {
          writer.challengeBallot();
          serial++;
        }
        for (let v = 0; v < plan.voided; v++) {
          const pending = writer.pendingEntry();
          serial++;
          writer.append('ballots', pending.entry);
          writer.append('ballots', {
            type: 'ballot-voided',
            v: 1,
            ballotId: pending.ballot.ballotId,
            reason: 'not-printed',
          });
        }
      }
    }
    writer.closePolls();
    expected.set(plan.id, counts);

    const client = new SyncClient({
      source: writer.ledger,
      validators: validatorsOf(election.definition, urlByName),
      threshold: election.threshold,
      dataDir: path.join(election.dir, 'stations', plan.id),
      logger: silentLogger,
      batchSize: 64,
      requestTimeoutMs: 10_000,
      backoff: { initialMs: 20, maxMs: 200 },
      pollMs: 50,
    });
    client.start();
    await waitFor(
      () =>
        client
          .status()
          .validators.every(
            (v) =>
              v.cosigned.ballots === writer.ledger.size('ballots') &&
              v.cosigned.pollbook === writer.ledger.size('pollbook'),
          ),
      { what: `every validator cosigned ${plan.id}`, timeout: 60_000 },
    );
    await client.stop();
    writer.close();
  }
  return {
    dir: election.dir,
    election,
    guardianFiles,
    ceremonyDir,
    urls,
    expected,
    processes,
    stop: async () => {
      await Promise.all(processes.map((p) => p.stop()));
    },
  };
}

/** The bytes of a file with one character replaced at `position` (a different base64url character). */
export function flipCharacter(text: string, position: number): string {
  const old = text[position] ?? 'A';
  const replacement = old === 'A' ? 'B' : 'A';
  return `${text.slice(0, position)}${replacement}${text.slice(position + 1)}`;
}

export const utf8 = (s: string): Uint8Array => utf8Encode(s);
