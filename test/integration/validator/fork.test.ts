/**
 * The fork check with real validator processes (`urna validator start`)
 * on loopback, over real HTTP: "a station that signs two different checkpoints of
 * one size is refused by every validator, and the evidence is served". Four
 * validators, t = 3. Scenario, in order:
 *   1. two ledgers under station-1's one key (separate data folders) open polls and
 *      cast one different ballot each: the same size, two roots;
 *   2. ledger A's ballot log is pushed to all four validators, each cosigns it;
 *      an honest station-2 is cosigned alongside;
 *   3. ledger B's checkpoint for that size reaches every validator — validators 1
 *      and 2 through tlog-witness add-checkpoint, 3 and 4 through the entries
 *      push — and every one refuses it with 409, no cosignature given; the other
 *      route afterwards is refused too (403 station-equivocated);
 *   4. every validator serves one fork item for station-1 whose body holds both
 *      checkpoints, each verifying under the station's key;
 *   5. a valid continuation of A's log is refused everywhere (403) and changes no
 *      state, while station-2 is still cosigned;
 *   6. validator-2 is SIGKILLed and started again on its data folder: the evidence
 *      and the freeze are still there.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toBase64 } from '../../../core/encoding/bytes';
import { openCheckpoint } from '../../../core/ledger/checkpoint';
import { verifyCosignedCheckpoint } from '../../../core/ledger/cosignature';
import { noteVerifierFromKey, parseNote, type NoteVerifier } from '../../../core/ledger/note';
import {
  ADD_CHECKPOINT_PATH,
  ENTRIES_PATH,
  formatAddCheckpointRequest,
  TLOG_SIZE_CONTENT_TYPE,
  type EntriesRequest,
} from '../../../core/ledger/witness-protocol';
import {
  BallotWriter,
  cosignerOf,
  entriesRequest,
  makeTestElection,
  ValidatorProcess,
  type TestElection,
  type TestValidator,
} from './fixture';
import { prepareStore } from './stores';

// A loaded two-core machine runs other jobs alongside: these limits catch hangs only.
const STEP_TIMEOUT = 120_000;

let election: TestElection | undefined;
const processes: ValidatorProcess[] = [];
const writers: BallotWriter[] = [];

type Answer = { readonly status: number; readonly contentType: string; readonly text: string };
type ErrorJson = { error?: { code: string; message: string; size?: number; evidenceId?: number } };
type LogsBody = {
  logs: {
    origin: string;
    stationId: string;
    log: string;
    size: number;
    rootHash: string;
    frozenByEvidence: number | null;
  }[];
};
type ForkBody = { origin: string; size: number; conflicting: string; recorded: string; recordedRootAtSize: string };
type EvidenceItem = { id: number; kind: string; stationId: string; origin: string; body: unknown };

async function post(url: string, pathname: string, contentType: string, body: string): Promise<Answer> {
  const response = await fetch(new URL(pathname, url), {
    method: 'POST',
    headers: { 'content-type': contentType },
    body,
  });
  return {
    status: response.status,
    contentType: response.headers.get('content-type') ?? '',
    text: await response.text(),
  };
}

const pushEntries = (url: string, request: EntriesRequest) =>
  post(url, ENTRIES_PATH, 'application/json', JSON.stringify(request));
const addCheckpoint = (url: string, oldSize: number, note: string) =>
  post(url, ADD_CHECKPOINT_PATH, 'text/plain', formatAddCheckpointRequest(oldSize, [], note));

async function getJson<T>(url: string, pathname: string): Promise<T> {
  const response = await fetch(new URL(pathname, url));
  if (response.status !== 200) throw new Error(`GET ${pathname}: HTTP ${response.status}`);
  return (await response.json()) as T;
}

const logsOf = (url: string) => getJson<LogsBody>(url, '/urna/v1/logs');
const evidenceOf = async (url: string) =>
  (await getJson<{ evidence: EvidenceItem[] }>(url, '/urna/v1/evidence?limit=1000')).evidence;

async function cosignedCheckpointOf(url: string, station: string): Promise<string> {
  const response = await fetch(new URL(`/urna/v1/logs/${station}/ballots/checkpoint`, url));
  expect(response.status).toBe(200);
  return response.text();
}

/** A refusal carries no cosignature line from any validator of the election. */
function expectNoCosignature(answer: Answer): void {
  expect(answer.text).not.toMatch(/— validator-\d/);
  if (answer.contentType.startsWith('application/json'))
    expect(JSON.parse(answer.text)).not.toHaveProperty('cosignature');
}

function errorOf(answer: Answer): NonNullable<ErrorJson['error']> {
  const parsed = JSON.parse(answer.text) as ErrorJson;
  if (parsed.error === undefined) throw new Error(`not an error body: ${answer.text}`);
  return parsed.error;
}

function theElection(): TestElection {
  if (election === undefined) throw new Error('no election');
  return election;
}

function validatorAt(i: number): { validator: TestValidator; process: ValidatorProcess } {
  const validator = theElection().validators[i];
  const process = processes[i];
  if (validator === undefined || process === undefined) throw new Error(`validator ${i}`);
  return { validator, process };
}

function openWriter(stationId: string, folder: string): BallotWriter {
  const e = theElection();
  const station = e.stations.find((s) => s.stationId === stationId);
  if (station === undefined) throw new Error(stationId);
  const w = BallotWriter.open(e, station, path.join(e.dir, 'stations', folder));
  writers.push(w);
  return w;
}

function stationVerifier(w: BallotWriter): NoteVerifier {
  const verifier = noteVerifierFromKey(w.station.signer.verifierKey);
  if (!verifier.ok) throw new Error('station verifier');
  return verifier.value;
}

/** What a refused request must leave as it was: every log head and the evidence list. */
async function snapshot(url: string): Promise<string> {
  return JSON.stringify({ logs: await logsOf(url), evidence: await evidenceOf(url) });
}

// Shared by the steps below, in order.
let a: BallotWriter;
let b: BallotWriter;
let honest: BallotWriter;
let forkSize = 0;
let recordedNote = '';
let conflictingNote = '';
const cosignedA: string[] = [];
const forkEvidenceIds: number[] = [];
const afterFreeze: string[] = [];

beforeAll(async () => {
  election = makeTestElection({
    validators: 4,
    stations: [
      { id: 'station-1', precinct: 'uik-1201' },
      { id: 'station-2', precinct: 'uik-1201' },
    ],
    label: 'fork',
  });
  for (const validator of election.validators) {
    processes.push(new ValidatorProcess(election.writeConfig(validator, 0)));
    await prepareStore(validator);
  }
  await Promise.all(processes.map((p) => p.start()));
}, STEP_TIMEOUT);

afterAll(async () => {
  for (const w of writers) w.close();
  await Promise.all(processes.map((p) => p.stop()));
  election?.cleanup();
}, STEP_TIMEOUT);

describe('a station that signs two checkpoints of one size, against four validator processes', () => {
  it(
    'is cosigned by every validator for the first of them',
    async () => {
      expect(theElection().validators).toHaveLength(4);
      expect(theElection().threshold).toBe(3);
      a = openWriter('station-1', 'fork-a');
      b = openWriter('station-1', 'fork-b');
      for (const w of [a, b]) {
        w.openPolls();
        w.castBallot();
      }
      forkSize = a.ledger.size('ballots');
      expect(b.ledger.size('ballots')).toBe(forkSize);
      expect(toBase64(b.ledger.rootHash('ballots'))).not.toBe(toBase64(a.ledger.rootHash('ballots')));
      recordedNote = a.ledger.checkpoint('ballots');
      conflictingNote = b.ledger.checkpoint('ballots');

      honest = openWriter('station-2', 'honest');
      honest.openPolls();
      honest.castBallot();

      for (let i = 0; i < processes.length; i++) {
        const { validator, process } = validatorAt(i);
        const answer = await pushEntries(process.url, entriesRequest(a.ledger, 'ballots', 0));
        expect(answer.status, answer.text).toBe(200);
        const body = JSON.parse(answer.text) as { size: number; cosignature: string; checkpoint: string };
        expect(body.size).toBe(forkSize);
        expect(body.checkpoint.startsWith(recordedNote)).toBe(true);
        expect(body.checkpoint.endsWith(body.cosignature)).toBe(true);
        const verified = verifyCosignedCheckpoint(body.checkpoint, [cosignerOf(validator)]);
        expect(verified.ok && verified.value.map((v) => v.name)).toEqual([validator.name]);
        cosignedA.push(body.checkpoint);
        expect(await cosignedCheckpointOf(process.url, 'station-1')).toBe(body.checkpoint);

        const other = await pushEntries(process.url, entriesRequest(honest.ledger, 'ballots', 0));
        expect(other.status, other.text).toBe(200);
      }
    },
    STEP_TIMEOUT,
  );

  it(
    'is refused by every validator for the second, through either route, with no cosignature',
    async () => {
      const half = processes.length / 2;
      for (let i = 0; i < processes.length; i++) {
        const { process } = validatorAt(i);
        const viaWitness = () => addCheckpoint(process.url, forkSize, conflictingNote);
        const viaEntries = () => pushEntries(process.url, entriesRequest(b.ledger, 'ballots', 0));
        if (i < half) {
          // C2SP tlog-witness: a conflict is 409 with the size this validator holds.
          const refused = await viaWitness();
          expect(refused.status, refused.text).toBe(409);
          expect(refused.contentType).toBe(TLOG_SIZE_CONTENT_TYPE);
          expect(refused.text).toBe(`${forkSize}\n`);
          expectNoCosignature(refused);
          // Frozen from then on: the entries route is refused before any check of the entries.
          const after = await viaEntries();
          expect(after.status, after.text).toBe(403);
          expect(errorOf(after).code).toBe('station-equivocated');
          expectNoCosignature(after);
        } else {
          const refused = await viaEntries();
          expect(refused.status, refused.text).toBe(409);
          const error = errorOf(refused);
          expect(error.code).toBe('fork');
          expect(error.size).toBe(forkSize);
          expect(typeof error.evidenceId).toBe('number');
          expectNoCosignature(refused);
          const after = await viaWitness();
          expect(after.status, after.text).toBe(403);
          expect(errorOf(after).code).toBe('station-equivocated');
          expectNoCosignature(after);
        }
        // What the validator publishes for station-1 is still A's log, cosigned as before.
        expect(await cosignedCheckpointOf(process.url, 'station-1')).toBe(cosignedA[i]);
      }
    },
    STEP_TIMEOUT,
  );

  it(
    'is published as fork evidence by every validator, both checkpoints verifying under the station key',
    async () => {
      const verifier = stationVerifier(a);
      const origin = a.ledger.origin('ballots');
      for (let i = 0; i < processes.length; i++) {
        const { process } = validatorAt(i);
        const forks = (await evidenceOf(process.url)).filter((e) => e.kind === 'fork');
        expect(forks).toHaveLength(1);
        const fork = forks[0];
        if (fork === undefined) throw new Error('fork');
        expect(fork.stationId).toBe('station-1');
        expect(fork.origin).toBe(origin);
        const body = fork.body as ForkBody;
        expect(body.size).toBe(forkSize);
        expect(body.recorded).toBe(recordedNote);
        expect(body.conflicting).toBe(conflictingNote);
        expect(body.recordedRootAtSize).toBe(toBase64(a.ledger.rootHash('ballots')));
        const roots: string[] = [];
        for (const note of [body.recorded, body.conflicting]) {
          // The station's signature alone: no cosignature travels with the evidence.
          const parsed = parseNote(note);
          expect(parsed.ok && parsed.value.signatures.map((s) => s.name)).toEqual([verifier.name]);
          const opened = openCheckpoint(note, [verifier], origin);
          if (!opened.ok) throw new Error(`evidence note does not verify: ${JSON.stringify(opened.error)}`);
          expect(opened.value.note.verifiedBy).toEqual([verifier]);
          expect(opened.value.checkpoint.size).toBe(forkSize);
          roots.push(toBase64(opened.value.checkpoint.rootHash));
        }
        expect(roots[0]).not.toBe(roots[1]);
        forkEvidenceIds.push(fork.id);

        const logs = await logsOf(process.url);
        for (const l of logs.logs) expect(l.frozenByEvidence).toBe(l.stationId === 'station-1' ? fork.id : null);
      }
    },
    STEP_TIMEOUT,
  );

  it(
    'freezes the station: a valid continuation of the cosigned log is refused everywhere and changes nothing',
    async () => {
      a.castBallot();
      const newSize = a.ledger.size('ballots');
      expect(newSize).toBeGreaterThan(forkSize);
      honest.castBallot();
      for (let i = 0; i < processes.length; i++) {
        const { validator, process } = validatorAt(i);
        const before = await snapshot(process.url);
        const next = await pushEntries(process.url, entriesRequest(a.ledger, 'ballots', forkSize));
        expect(next.status, next.text).toBe(403);
        expect(errorOf(next).code).toBe('station-equivocated');
        expect(errorOf(next).evidenceId).toBe(forkEvidenceIds[i]);
        expectNoCosignature(next);
        const witness = await addCheckpoint(process.url, forkSize, a.ledger.checkpoint('ballots'));
        expect(witness.status, witness.text).toBe(403);
        expectNoCosignature(witness);
        expect(await snapshot(process.url)).toBe(before);
        const held = (await logsOf(process.url)).logs.find((l) => l.origin === a.ledger.origin('ballots'));
        expect(held?.size).toBe(forkSize);

        // Only station-1 is frozen: station-2 goes on being cosigned.
        const other = await pushEntries(
          process.url,
          entriesRequest(honest.ledger, 'ballots', honest.ledger.size('ballots') - 2),
        );
        expect(other.status, other.text).toBe(200);
        const cosigned = (JSON.parse(other.text) as { checkpoint: string }).checkpoint;
        const verified = verifyCosignedCheckpoint(cosigned, [cosignerOf(validator)]);
        expect(verified.ok && verified.value.length).toBe(1);
        afterFreeze.push(await snapshot(process.url));
      }
    },
    STEP_TIMEOUT,
  );

  it(
    'keeps the evidence and the freeze across a SIGKILL and restart',
    async () => {
      const restarted = 1;
      const { process } = validatorAt(restarted);
      await process.kill();
      const url = await process.start();
      expect(await snapshot(url)).toBe(afterFreeze[restarted]);
      const forks = (await evidenceOf(url)).filter((e) => e.kind === 'fork' && e.stationId === 'station-1');
      expect(forks.map((f) => f.id)).toEqual([forkEvidenceIds[restarted]]);
      expect((forks[0]?.body as ForkBody | undefined)?.conflicting).toBe(conflictingNote);

      const next = await pushEntries(url, entriesRequest(a.ledger, 'ballots', forkSize));
      expect(next.status, next.text).toBe(403);
      expect(errorOf(next).code).toBe('station-equivocated');
      const fork = await addCheckpoint(url, forkSize, conflictingNote);
      expect(fork.status, fork.text).toBe(403);
      expectNoCosignature(fork);
      expect(await cosignedCheckpointOf(url, 'station-1')).toBe(cosignedA[restarted]);
      expect(await snapshot(url)).toBe(afterFreeze[restarted]);
    },
    STEP_TIMEOUT,
  );
});
