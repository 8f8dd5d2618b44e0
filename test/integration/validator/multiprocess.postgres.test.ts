/**
 * Two processes of one validator (`urna validator start`, same config, same key) on
 * one PostgreSQL database, over real HTTP:
 *   1. the same push sent to both at once, many times: one history, every answer
 *      either the cosignature of that history or "send from N";
 *   2. a station that signed two checkpoints of one size sends each to a different
 *      process at the same moment: never both cosigned, the fork always recorded and
 *      the station frozen, in every round, whichever process wins;
 *   3. a station pushes batch after batch to either process while the test SIGKILLs
 *      one of them at random moments and starts it again: every acknowledged size
 *      stays (cosigned sizes never go backwards, read from the database after each
 *      answer), the final log is the station's log entry for entry, the totals count
 *      every cast ballot once, and no evidence appears.
 * The seed is printed; URNA_MULTIPROCESS_SEED reproduces a run.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toBase64 } from '../../../core/encoding/bytes';
import { verifyCosignedCheckpoint } from '../../../core/ledger/cosignature';
import { ENTRIES_PATH, type EntriesRequest } from '../../../core/ledger/witness-protocol';
import {
  BallotWriter,
  cosignerOf,
  entriesRequest,
  makeTestElection,
  ValidatorProcess,
  type TestElection,
  type TestValidator,
} from './fixture';
import { prepareStore, runOnPostgres } from './stores';
import { waitFor } from '../../support/wait-for';

const STEP_TIMEOUT = 300_000;
const SEED = Number(process.env['URNA_MULTIPROCESS_SEED'] ?? Date.now() % 1_000_000);
const RACE_ROUNDS = 6;
/** SIGKILLs spread over the pushes of the crash test. */
const MIN_KILLS = 4;

type Answer = { readonly status: number; readonly text: string };
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
type EvidenceItem = {
  id: number;
  kind: string;
  stationId: string;
  origin: string;
  body: { conflicting?: string; recorded?: string };
};

function prng(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 0x1_0000_0000;
  };
}

async function push(url: string, request: EntriesRequest): Promise<Answer> {
  const response = await fetch(new URL(ENTRIES_PATH, url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(request),
  });
  return { status: response.status, text: await response.text() };
}

async function getJson<T>(url: string, pathname: string): Promise<T> {
  const response = await fetch(new URL(pathname, url));
  if (response.status !== 200) throw new Error(`GET ${pathname}: HTTP ${response.status}`);
  return (await response.json()) as T;
}

const stations = Array.from({ length: RACE_ROUNDS + 2 }, (_, i) => ({ id: `station-${i + 1}`, precinct: 'uik-1201' }));

let election: TestElection | undefined;
let validator: TestValidator;
const processes: ValidatorProcess[] = [];
const writers: BallotWriter[] = [];

function theElection(): TestElection {
  if (election === undefined) throw new Error('no election');
  return election;
}

function openWriter(stationId: string, folder: string): BallotWriter {
  const e = theElection();
  const station = e.stations.find((s) => s.stationId === stationId);
  if (station === undefined) throw new Error(stationId);
  const w = BallotWriter.open(e, station, path.join(e.dir, 'stations', folder));
  writers.push(w);
  return w;
}

/** The size the database holds for a log, read through whichever process is up. */
async function storedSize(origin: string): Promise<number> {
  for (const p of processes) {
    if (!p.running) continue;
    try {
      const logs = await getJson<LogsBody>(p.url, '/urna/v1/logs');
      return logs.logs.find((l) => l.origin === origin)?.size ?? 0;
    } catch {
      // That process was just killed: ask the other.
    }
  }
  throw new Error('no validator process is up');
}

if (runOnPostgres()) {
  beforeAll(async () => {
    process.stdout.write(`validator multiprocess: seed ${SEED} (URNA_MULTIPROCESS_SEED=${SEED} reproduces this run)\n`);
    election = makeTestElection({ validators: 1, stations, label: 'multiprocess' });
    const v = election.validators[0];
    if (v === undefined) throw new Error('validator');
    validator = v;
    const configFile = election.writeConfig(validator, 0);
    await prepareStore(validator);
    processes.push(new ValidatorProcess(configFile), new ValidatorProcess(configFile));
    await Promise.all(processes.map((p) => p.start()));
  }, STEP_TIMEOUT);

  afterAll(async () => {
    for (const w of writers) w.close();
    await Promise.all(processes.map((p) => p.stop()));
    election?.cleanup();
  }, STEP_TIMEOUT);

  describe('two validator processes on one PostgreSQL database', () => {
    it(
      'answer the same push sent to both at once with one history',
      async () => {
        const [p1, p2] = processes as [ValidatorProcess, ValidatorProcess];
        const w = openWriter('station-1', 'same-push');
        w.openPolls();
        const origin = w.ledger.origin('ballots');
        let from = 0;
        for (let round = 0; round < 5; round++) {
          w.castBallot();
          const request = entriesRequest(w.ledger, 'ballots', from);
          const answers = await Promise.all([
            push(p1.url, request),
            push(p2.url, request),
            push(p1.url, request),
            push(p2.url, request),
          ]);
          const size = w.ledger.size('ballots');
          for (const answer of answers) {
            if (answer.status === 200) {
              const body = JSON.parse(answer.text) as { size: number; checkpoint: string };
              expect(body.size).toBe(size);
              expect(verifyCosignedCheckpoint(body.checkpoint, [cosignerOf(validator)]).ok).toBe(true);
            } else {
              // Another process committed the batch first: this one says where the log is.
              expect(answer.status, answer.text).toBe(409);
              expect((JSON.parse(answer.text) as { error: { code: string; size: number } }).error).toMatchObject({
                code: 'old-size-mismatch',
                size,
              });
            }
          }
          expect(answers.some((a) => a.status === 200)).toBe(true);
          expect(await storedSize(origin)).toBe(size);
          from = size;
        }
        expect(await getJson<{ evidence: unknown[] }>(p1.url, '/urna/v1/evidence')).toEqual({ evidence: [] });
      },
      STEP_TIMEOUT,
    );

    it(
      'never cosign both of two conflicting checkpoints raced to different processes, and always record the fork',
      async () => {
        const random = prng(SEED);
        for (let round = 0; round < RACE_ROUNDS; round++) {
          const stationId = `station-${round + 2}`;
          const a = openWriter(stationId, `race-${round}-a`);
          const b = openWriter(stationId, `race-${round}-b`);
          for (const w of [a, b]) {
            w.openPolls();
            w.castBallot();
          }
          expect(a.ledger.size('ballots')).toBe(b.ledger.size('ballots'));
          expect(toBase64(a.ledger.rootHash('ballots'))).not.toBe(toBase64(b.ledger.rootHash('ballots')));
          const [first, second] = random() < 0.5 ? [processes[0], processes[1]] : [processes[1], processes[0]];
          if (first === undefined || second === undefined) throw new Error('processes');
          const answers = await Promise.all([
            push(first.url, entriesRequest(a.ledger, 'ballots', 0)),
            push(second.url, entriesRequest(b.ledger, 'ballots', 0)),
          ]);
          const cosigned = answers.filter((x) => x.status === 200);
          expect(cosigned.length, answers.map((x) => x.text).join('\n')).toBe(1);
          const refused = answers.find((x) => x.status !== 200);
          expect(refused?.status, refused?.text).toBe(409);
          expect((JSON.parse(refused?.text ?? '{}') as { error: { code: string } }).error.code).toBe('fork');

          // The evidence and the freeze are in the database: both processes serve them.
          const origin = a.ledger.origin('ballots');
          for (const p of processes) {
            const evidence = (
              await getJson<{ evidence: EvidenceItem[] }>(p.url, '/urna/v1/evidence?limit=1000')
            ).evidence.filter((e) => e.origin === origin);
            expect(evidence).toHaveLength(1);
            expect(evidence[0]?.kind).toBe('fork');
            const notes = [evidence[0]?.body.conflicting, evidence[0]?.body.recorded].sort();
            expect(notes).toEqual([a.ledger.checkpoint('ballots'), b.ledger.checkpoint('ballots')].sort());
            const logs = await getJson<LogsBody>(p.url, '/urna/v1/logs');
            expect(logs.logs.find((l) => l.origin === origin)?.frozenByEvidence).toBe(evidence[0]?.id);
          }
          // Frozen for both processes: the winner's own continuation is refused too.
          const winner = answers[0]?.status === 200 ? a : b;
          const cosignedSize = winner.ledger.size('ballots');
          winner.castBallot();
          for (const p of processes) {
            const next = await push(p.url, entriesRequest(winner.ledger, 'ballots', cosignedSize));
            expect(next.status, next.text).toBe(403);
          }
        }
      },
      STEP_TIMEOUT,
    );

    it(
      'lose nothing and never go backwards when either process is SIGKILLed at random moments',
      async () => {
        const random = prng(SEED + 1);
        const w = openWriter(`station-${RACE_ROUNDS + 2}`, 'kills');
        w.openPolls();
        const ballots = 24;
        for (let i = 0; i < ballots; i++) w.castBallot();
        w.closePolls();
        const origin = w.ledger.origin('ballots');
        const pollbook = w.ledger.origin('pollbook');
        const total = w.ledger.size('ballots');

        let done = false;
        let kills = 0;
        const killer = (async () => {
          while (!done) {
            // Chaos, not waiting: a random pause places the next kill at a random point of the push stream.
            // eslint-disable-next-line urna/no-fixed-sleep
            await new Promise((resolve) => setTimeout(resolve, 50 + Math.floor(random() * 400)));
            if (done) break;
            const victim = processes[Math.floor(random() * processes.length)];
            if (victim === undefined || !victim.running || processes.filter((p) => p.running).length < 2) continue;
            await victim.kill();
            kills += 1;
            // Chaos, not waiting: the validator stays down for a random time before it restarts.
            // eslint-disable-next-line urna/no-fixed-sleep
            await new Promise((resolve) => setTimeout(resolve, Math.floor(random() * 200)));
            await victim.start();
          }
        })();

        let acknowledged = 0;
        let attempts = 0;
        const deadline = Date.now() + 150_000;
        try {
          while (acknowledged < total) {
            attempts += 1;
            if (attempts > 2000) throw new Error('no progress');
            const target = processes[Math.floor(random() * processes.length)];
            if (target === undefined || !target.running) continue;
            const to = Math.min(total, acknowledged + 1 + Math.floor(random() * 6));
            let answer: Answer;
            try {
              answer = await push(target.url, entriesRequest(w.ledger, 'ballots', acknowledged, to));
            } catch {
              continue; // killed mid-request: nothing was acknowledged, ask again
            }
            if (answer.status === 200) {
              const size = (JSON.parse(answer.text) as { size: number }).size;
              expect(size).toBe(to);
              acknowledged = size;
            } else if (answer.status === 409) {
              // A request that committed before its answer was lost: the database says where the log is.
              const { code, size } = (JSON.parse(answer.text) as { error: { code: string; size: number } }).error;
              expect(code).toBe('old-size-mismatch');
              expect(size).toBeGreaterThanOrEqual(acknowledged);
              acknowledged = size;
            } else if (answer.status !== 503) {
              throw new Error(`unexpected answer ${answer.status}: ${answer.text}`);
            }
            // What was acknowledged is in the database, whichever process is asked, and never less later.
            const stored = await storedSize(origin);
            expect(stored).toBeGreaterThanOrEqual(acknowledged);
            // Pushes wait for the killer now and then, so kills fall all along the log, not only at its start.
            const killsDue = Math.floor((acknowledged / total) * MIN_KILLS);
            await waitFor(() => kills >= killsDue || Date.now() >= deadline, {
              what: `${killsDue} kills before pushing past ${acknowledged}`,
              timeout: 160_000,
            });
          }
        } finally {
          done = true;
          await killer;
        }
        for (const p of processes) if (!p.running) await p.start();
        process.stdout.write(`validator multiprocess: ${kills} SIGKILLs during ${attempts} pushes\n`);
        expect(kills).toBeGreaterThanOrEqual(MIN_KILLS - 1);

        const pollbookAnswer = await push(processes[0]?.url ?? '', entriesRequest(w.ledger, 'pollbook', 0));
        expect(pollbookAnswer.status, pollbookAnswer.text).toBe(200);
        for (const p of processes) {
          expect(await storedSize(origin)).toBe(total);
          const served = await getJson<{ entries: string[] }>(
            p.url,
            `/urna/v1/logs/${w.station.stationId}/ballots/entries?start=0&end=${total}`,
          );
          expect(served.entries).toEqual(w.ledger.entryTexts('ballots', 0, total));
          const logs = await getJson<LogsBody>(p.url, '/urna/v1/logs');
          expect(logs.logs.find((l) => l.origin === origin)?.rootHash).toBe(toBase64(w.ledger.rootHash('ballots')));
          expect(logs.logs.find((l) => l.origin === pollbook)?.size).toBe(w.ledger.size('pollbook'));
          const totals = await getJson<{ stations: { stationId: string; contests: { ballots: number }[] }[] }>(
            p.url,
            '/urna/v1/totals',
          );
          const mine = totals.stations.find((s) => s.stationId === w.station.stationId);
          expect(mine?.contests.every((c) => c.ballots === ballots)).toBe(true);
          const evidence = (
            await getJson<{ evidence: EvidenceItem[] }>(p.url, '/urna/v1/evidence?limit=1000')
          ).evidence.filter((e) => e.stationId === w.station.stationId);
          expect(evidence).toEqual([]);
        }
      },
      STEP_TIMEOUT,
    );
  });
}
