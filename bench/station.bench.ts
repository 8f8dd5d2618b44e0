/**
 * The station's casting pipeline, for the 50-selection reference ballot (R2 of
 * the ballot suite: 10 contests × 5 candidates, vote for 1): a real station on a
 * signed ledger in a temporary folder, with a printer that confirms at once so
 * that printing is excluded.
 *
 *   station.cast.median — from the voter's cast to the durable ballot-cast entry
 *                         (ballot-pending append, both print jobs handed over,
 *                         ballot-cast append), target < 100 ms
 *   station.commit.median — marks checked, encrypted with proofs, code chained
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { BallotMarks } from '../core/api/ballot';
import { deterministicRandom } from '../core/ballot';
import { parseElectionDefinition, type ElectionDefinition } from '../core/election/definition';
import type { StationId } from '../core/ids';
import { silentLogger } from '../core/logging';
import { openStation, provisionStation } from '../main/station/open-station';
import { installSampleElection, sampleDefinition } from '../test/support/election';
import { MemoryPrinter } from '../test/support/memory-printer';
import { type BenchSuite, type Measurement, median, percentile } from './harness';
import { castBallot, commitBallot, finishVoterSession } from '../main/station/casting';
import { activateVoterSession } from '../main/station/check-in';
import { openPolls } from '../main/station/polls';

const BENCH_WORKER = { cardId: 'pw-bench', role: 'poll-worker' } as const;

const CONTESTS = 10;
const CANDIDATES = 5;
const BALLOTS = 40;

function referenceDefinition(): ElectionDefinition {
  const sample = sampleDefinition();
  const contests = Array.from({ length: CONTESTS }, (_, c) => ({
    type: 'candidate' as const,
    id: `contest-${c}`,
    title: { ru: `Вопрос ${c + 1}`, en: `Contest ${c + 1}` },
    subtitle: { ru: 'Округ', en: 'District' },
    voteFor: 1,
    writeInLines: 0,
    candidateIds: Array.from({ length: CANDIDATES }, (_, s) => `c${c}-s${s}`),
  }));
  const candidates = contests.flatMap((contest) =>
    contest.candidateIds.map((id) => ({
      id,
      name: { ru: `Кандидат ${id}`, en: `Candidate ${id}` },
      affiliation: { ru: 'Самовыдвижение', en: 'Self-nominated' },
    })),
  );
  const parsed = parseElectionDefinition({
    ...sample,
    contests,
    candidates,
    ballotStyles: [
      { id: 'style-r2', precinctIds: sample.precincts.map((p) => p.id), contestIds: contests.map((c) => c.id) },
    ],
  });
  if (!parsed.ok)
    throw new Error(`the reference definition is invalid: ${parsed.error.map((e) => e.message.en).join('; ')}`);
  return parsed.value;
}

function marksFor(i: number): BallotMarks {
  const selections: Record<string, string[]> = {};
  for (let c = 0; c < CONTESTS; c++) selections[`contest-${c}`] = [`c${c}-s${(i + c) % CANDIDATES}`];
  return { selections, writeIns: {} };
}

export const stationSuite: BenchSuite = {
  name: 'station',
  async run() {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'urna-bench-station-'));
    try {
      const definition = referenceDefinition();
      provisionStation(dataDir, { stationId: 'st-bench' as StationId, electionId: definition.electionId });
      installSampleElection(dataDir, definition);
      const station = openStation({
        dataDir,
        mode: 'production',
        logger: silentLogger,
        ballotPrinter: new MemoryPrinter(),
        random: deterministicRandom('bench-station'),
      });
      try {
        if (!(await openPolls(station.context, BENCH_WORKER)).ok) throw new Error('polls did not open');
        const commits: number[] = [];
        const casts: number[] = [];
        for (let i = 0; i < BALLOTS + 2; i++) {
          if (!activateVoterSession(station.context, { ballotStyleId: 'style-r2' }).ok)
            throw new Error('activation refused');
          const commitStart = performance.now();
          if (!(await commitBallot(station.context, { marks: marksFor(i), undervoteAcknowledged: false })).ok)
            throw new Error('commit refused');
          const castStart = performance.now();
          if (!castBallot(station.context).ok) throw new Error('cast refused');
          await station.service.whenPrintingDone();
          const castEnd = performance.now();
          if (station.service.voterScreen().session.phase !== 'cast') throw new Error('the ballot was not cast');
          if (!finishVoterSession(station.context).ok) throw new Error('finishing the voter session was refused');
          // The first two warm the precomputed tables and the SQLite statements.
          if (i >= 2) {
            commits.push(castStart - commitStart);
            casts.push(castEnd - castStart);
          }
        }
        const castMedian = median(casts);
        const out: Measurement[] = [
          {
            name: 'station.cast.median',
            value: castMedian,
            unit: 'ms',
            target: '< 100 ms',
            meetsTarget: castMedian < 100,
            note: `${BALLOTS} ballots, printing excluded`,
          },
          {
            name: 'station.cast.p99',
            value: percentile(
              [...casts].sort((a, b) => a - b),
              99,
            ),
            unit: 'ms',
            note: `${BALLOTS} ballots`,
          },
          {
            name: 'station.commit.median',
            value: median(commits),
            unit: 'ms',
            note: 'check marks, encrypt with proofs, chain the code',
          },
        ];
        return out;
      } finally {
        await station.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
};
