/**
 * The officials' tools on a record from a real run: three stations with real
 * encrypted ballots synced to three validator processes, a real 3-of-4 key ceremony.
 *
 *   export the record from the validators → every guardian shares → any 3 combine →
 *   `urna verify` exits 0 → each tampering makes it exit 1 naming the check.
 */
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalize } from '../../../core/encoding/canonical-json';
import type { ElectionResults } from '../../../core/record/results';
import { flipCharacter, runElection, runUrna, type RecordRun } from './fixture';

let run: RecordRun;
/** The record before the tally ceremony. */
let untallied: string;
/** The record tallied by guardians 1, 2 and 3. */
let tallied: string;
let shares: string[];
let copies = 0;

function copyOf(record: string): string {
  const dir = path.join(run.dir, `copy-${copies++}`);
  cpSync(record, dir, { recursive: true });
  return dir;
}

function verify(record: string, ...extra: string[]) {
  return runUrna(['verify', record, '--threads', '0', '--quiet', ...extra]);
}

beforeAll(async () => {
  run = await runElection('record');
  untallied = path.join(run.dir, 'record-untallied');
  const exported = runUrna([
    'record',
    'export',
    '--out',
    untallied,
    '--election',
    run.election.packageFile,
    '--guardians',
    run.ceremonyDir,
    '--enrollments',
    path.join(run.dir, 'enrollments'),
    '--station-manifest',
    run.election.stationManifestFile,
    '--from',
    ...run.urls,
  ]);
  expect(exported.stderr).toBe('');
  expect(exported.status).toBe(0);
  mkdirSync(path.join(run.dir, 'shares'));
  shares = run.guardianFiles.map((key, i) => {
    const out = path.join(run.dir, 'shares', `guardian-${i + 1}.json`);
    const shared = runUrna(['tally', 'share', '--record', untallied, '--key', key, '--out', out, '--threads', '0']);
    expect(shared.stdout).toContain(
      `guardian guardian-${i + 1} partially decrypted the totals of 3 station(s) (19 cast ballots)`,
    );
    expect(shared.status).toBe(0);
    return out;
  });
  tallied = copyOf(untallied);
  const combined = runUrna(['tally', 'combine', '--record', tallied, '--threads', '0', ...shares.slice(0, 3)]);
  expect(combined.stdout).toContain(
    'decrypted the totals of 3 station(s) with the shares of guardian-1, guardian-2, guardian-3',
  );
  expect(combined.status).toBe(0);
}, 240_000);

afterAll(async () => {
  await run.stop();
  run.election.cleanup();
});

describe('an election record from a real run', () => {
  it('has the pinned layout, with the station signature then the cosignatures on each checkpoint', () => {
    for (const file of [
      'election.json',
      'guardians/key-ceremony.json',
      'guardians/joint-key',
      'validators/validator-1.vkey',
      'tally/encrypted-totals.json',
      'tally/shares/guardian-1.json',
      'results.json',
      'results.nist.json',
    ]) {
      expect(() => readFileSync(path.join(tallied, file))).not.toThrow();
    }
    const checkpoint = readFileSync(path.join(tallied, 'stations/station-1/ballots/checkpoint'), 'utf8');
    const signers = checkpoint
      .split('\n')
      .filter((l) => l.startsWith('— '))
      .map((l) => l.split(' ')[1]);
    expect(signers).toEqual(['urna/svetlogorye-2026-09/station-1', 'validator-1', 'validator-2', 'validator-3']);
    expect(readFileSync(path.join(tallied, 'stations/station-1/pollbook/checkpoint'), 'utf8')).toContain('/pollbook\n');
  });

  it('verifies (exit 0) with the proof pool, writes the report, and the results are the encrypted choices', () => {
    const reportFile = path.join(run.dir, 'report.json');
    const verified = runUrna(['verify', tallied, '--report', reportFile, '--threads', '2']);
    expect(verified.stdout).toContain('election record verified');
    expect(verified.status).toBe(0);
    expect(verified.stderr).toMatch(/verify: \d+\/\d+ stations, \d+ ballots' proofs verified/);
    const report = JSON.parse(readFileSync(reportFile, 'utf8')) as {
      ok: boolean;
      summary: { ballotsCast: number; challenged: number; voided: number };
    };
    expect(report.ok).toBe(true);
    expect(report.summary).toMatchObject({ ballotsCast: 19, challenged: 2, voided: 1 });

    const results = JSON.parse(readFileSync(path.join(tallied, 'results.json'), 'utf8')) as ElectionResults;
    expect(results.guardians).toEqual(['guardian-1', 'guardian-2', 'guardian-3']);
    for (const station of results.stations) {
      const expected = run.expected.get(station.stationId);
      for (const contest of station.contests) {
        for (const s of contest.selections) expect(s.count).toBe(expected?.get(contest.contestId)?.get(s.selectionId));
      }
    }
    const precinct = results.precincts.find((p) => p.precinctId === 'uik-1201');
    expect(precinct?.ballotsCast).toBe(13);
    expect(results.overall.ballotsCast).toBe(19);
    const charter = results.overall.contests.find((c) => c.contestId === 'charter-amendment');
    expect(charter?.ballots).toBe(19);
    const nist = readFileSync(path.join(tallied, 'results.nist.json'), 'utf8');
    expect(nist).toContain('"ElectionResults.ElectionReport"');
    expect(nist).toContain('"ElectionResults.BallotMeasureContest"');
  });

  it('any 3 of the 4 guardians decrypt the same totals, and 2 are refused', () => {
    const baseline = JSON.parse(readFileSync(path.join(tallied, 'results.json'), 'utf8')) as ElectionResults;
    for (const subset of [
      [0, 1, 3],
      [1, 2, 3],
    ]) {
      const dir = copyOf(untallied);
      const combined = runUrna([
        'tally',
        'combine',
        '--record',
        dir,
        '--threads',
        '0',
        ...subset.map((i) => shares[i] as string),
      ]);
      expect(combined.status).toBe(0);
      const results = JSON.parse(readFileSync(path.join(dir, 'results.json'), 'utf8')) as ElectionResults;
      expect(results.guardians).toEqual(subset.map((i) => `guardian-${i + 1}`));
      expect({ ...results, guardians: [] }).toEqual({ ...baseline, guardians: [] });
    }
    const dir = copyOf(untallied);
    const refused = runUrna([
      'tally',
      'combine',
      '--record',
      dir,
      '--threads',
      '0',
      shares[1] as string,
      shares[3] as string,
    ]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain(
      'V23 check too-few-guardians failed: 2 guardian share(s) given; any 3 of the 4 guardians are needed',
    );
    expect(() => readFileSync(path.join(dir, 'results.json'))).toThrow();
  });
});

describe('each tampering makes `urna verify` exit 1 naming the check', () => {
  const entriesOf = (record: string, station: string) =>
    path.join(record, 'stations', station, 'ballots', 'entries.jsonl');
  const linesOf = (file: string) => readFileSync(file, 'utf8').slice(0, -1).split('\n');
  const writeLines = (file: string, lines: readonly string[]) => writeFileSync(file, `${lines.join('\n')}\n`);

  it('one character changed in a ballot ciphertext', () => {
    const dir = copyOf(tallied);
    const file = entriesOf(dir, 'station-1');
    const lines = linesOf(file);
    const index = lines.findIndex((l) => l.includes('"type":"ballot-pending"'));
    const line = lines[index] as string;
    lines[index] = flipCharacter(line, line.indexOf('"alpha":"') + 20);
    writeLines(file, lines);
    const result = verify(dir);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('station station-1, ballots log');
    expect(result.stderr).toContain('V12 check log-root failed');
    // The replay points at the changed entry: its code no longer follows the chain (or it no longer decodes).
    expect(result.stderr).toMatch(new RegExp(`entry ${index} (confirmation-code|ballot-record)`));
  });

  it('an entry removed', () => {
    const dir = copyOf(tallied);
    const file = entriesOf(dir, 'station-2');
    const lines = linesOf(file);
    lines.splice(3, 1);
    writeLines(file, lines);
    const result = verify(dir);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`station station-2, ballots log`);
    expect(result.stderr).toContain(
      `V12 check log-root failed: entries.jsonl holds ${lines.length} entries, the signed checkpoint ${lines.length + 1}`,
    );
  });

  it('two entries swapped', () => {
    const dir = copyOf(tallied);
    const file = entriesOf(dir, 'station-3');
    const lines = linesOf(file);
    [lines[1], lines[2]] = [lines[2] as string, lines[1] as string];
    writeLines(file, lines);
    const result = verify(dir);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('station station-3, ballots log');
    expect(result.stderr).toContain(
      'V12 check log-root failed: the entries do not hash to the root the station signed',
    );
    expect(result.stderr).toContain('entry 1 ballot-not-pending');
  });

  it('a cosignature removed so a checkpoint falls below t', () => {
    const dir = copyOf(tallied);
    const file = path.join(dir, 'stations', 'station-2', 'pollbook', 'checkpoint');
    const lines = readFileSync(file, 'utf8').split('\n');
    // t = 2 of 3: keep the station's signature and one cosignature.
    const kept = lines.filter((l) => !l.startsWith('— validator-2 ') && !l.startsWith('— validator-3 '));
    writeFileSync(file, kept.join('\n'));
    const result = verify(dir);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('station station-2, pollbook log');
    expect(result.stderr).toContain(
      'V11 check cosignature-threshold failed: 1 validator(s) of the package cosigned (validator-1); 2 are needed',
    );
  });

  it('a partial decryption altered', () => {
    const dir = copyOf(tallied);
    const file = path.join(dir, 'tally', 'shares', 'guardian-2.json');
    const share = JSON.parse(readFileSync(file, 'utf8')) as {
      units: { unitId: string; partial: { shares: { share: string }[] } }[];
    };
    const station = share.units[1];
    const [first, second] = station?.partial.shares ?? [];
    if (first === undefined || second === undefined) throw new Error('shares');
    first.share = second.share; // a valid point, but not this guardian's decryption of this total
    writeFileSync(file, `${canonicalize(share)}\n`);
    const result = verify(dir);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`station ${station?.unitId ?? ''}, guardian guardian-2`);
    expect(result.stderr).toContain('V22 check partial-decryption-proof failed');
  });

  it('a result changed', () => {
    const dir = copyOf(tallied);
    const file = path.join(dir, 'results.json');
    const results = JSON.parse(readFileSync(file, 'utf8')) as {
      stations: { contests: { selections: { count: number }[] }[] }[];
    };
    const selection = results.stations[0]?.contests[1]?.selections[0];
    if (selection === undefined) throw new Error('results');
    selection.count += 1;
    writeFileSync(file, JSON.stringify(results, null, 2));
    const result = verify(dir);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      'V24 check results failed: results.json differs from the verified decryption at stations[station-1].contests[council-district-3].selections[',
    );
  });
});

describe('reconciliation and audit on the real record', () => {
  type PaperFile = {
    type: 'paper-counts';
    v: 1;
    electionId: string;
    stations: { stationId: string; paperRecords: number; printedCastCount?: number; contests: unknown[] }[];
  };

  /** Paper counts that agree with the decrypted results. */
  function agreeingPaper(): PaperFile {
    const results = JSON.parse(readFileSync(path.join(tallied, 'results.json'), 'utf8')) as ElectionResults;
    return {
      type: 'paper-counts',
      v: 1,
      electionId: results.electionId,
      stations: results.stations.map((s) => ({
        stationId: s.stationId,
        paperRecords: s.ballotsCast,
        printedCastCount: s.ballotsCast,
        contests: s.contests.map((c) => ({ contestId: c.contestId, selections: c.selections })),
      })),
    };
  }

  it('agrees when paper matches, and flags the station whose paper count is off by one', () => {
    const good = path.join(run.dir, 'paper-good.json');
    writeFileSync(good, JSON.stringify(agreeingPaper()));
    const agreed = runUrna(['reconcile', '--record', tallied, '--paper', good, '--threads', '0']);
    expect(agreed.stdout).toContain('paper and digital counts agree at every station');
    expect(agreed.status).toBe(0);

    const paper = agreeingPaper();
    const station2 = paper.stations.find((s) => s.stationId === 'station-2');
    if (station2 === undefined) throw new Error('station-2');
    station2.paperRecords += 1;
    const bad = path.join(run.dir, 'paper-bad.json');
    writeFileSync(bad, JSON.stringify(paper));
    const flagged = runUrna(['reconcile', '--record', tallied, '--paper', bad, '--threads', '0']);
    expect(flagged.status).toBe(1);
    expect(flagged.stdout).toContain(
      'DISCREPANCY station station-2: paper records counted vs ballots cast in the log: paper 6, digital 5',
    );
    expect(flagged.stdout.match(/DISCREPANCY/g)?.length).toBe(1);
    const report = JSON.parse(readFileSync(path.join(run.dir, 'paper-bad.reconciliation.json'), 'utf8')) as {
      discrepancies: { stationId: string; kind: string }[];
    };
    expect(report.discrepancies).toEqual([{ stationId: 'station-2', kind: 'paper-vs-cast', paper: 6, digital: 5 }]);
    expect(readFileSync(path.join(run.dir, 'paper-bad.reconciliation.html'), 'utf8')).toContain(
      '<td class="n bad">6</td>',
    );
  });

  it('publishes the same pull list for the same seed', () => {
    const seed = '16180339887498948482045868';
    const first = path.join(run.dir, 'sample-1.json');
    const second = path.join(run.dir, 'sample-2.json');
    for (const out of [first, second]) {
      const started = runUrna([
        'audit',
        'start',
        '--record',
        tallied,
        '--risk-limit',
        '0.1',
        '--seed',
        seed,
        '--draws',
        '12',
        '--out',
        out,
        '--threads',
        '0',
      ]);
      expect(started.status).toBe(0);
    }
    const draws = (file: string) => (JSON.parse(readFileSync(file, 'utf8')) as { draws: unknown[] }).draws;
    expect(draws(first)).toHaveLength(12);
    expect(draws(second)).toEqual(draws(first));
  });
});
