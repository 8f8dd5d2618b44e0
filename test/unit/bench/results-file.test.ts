/**
 * bench/results.json after running some suites: the suites run now replace their
 * rows, every other suite keeps its rows and says which run measured them.
 */
import { describe, expect, it } from 'vitest';
import { BELENIOS_FIGURES, CRYPTO_BOUNDS } from '../../../bench/bounds';
import {
  markdownTable,
  mergeReports,
  targetSummary,
  withRatios,
  type BenchReport,
  type BenchRow,
} from '../../../bench/table';

const machine = { cores: 2, cpu: 'test cpu', node: 'v20', platform: 'linux', load: [1, 1, 1] };
const order = ['ballot', 'validator', 'validator-scale'];

const fullRun: BenchReport = {
  date: '2026-11-21T10:00:00.000Z',
  command: 'npm run bench',
  seconds: 119,
  machine,
  results: [
    { suite: 'ballot', name: 'ballot.encrypt.p50', value: 36, unit: 'ms' },
    { suite: 'validator', name: 'validator.ingest.rate', value: 1680, unit: 'ballots/s' },
    { suite: 'validator-scale', name: 'validator-scale.postgres.1-process.rate', value: 80, unit: 'ballots/s' },
  ],
};

describe('a run of one suite', () => {
  const scaleRun = {
    date: '2026-12-05T08:00:00.000Z',
    command: 'npm run bench -- validator-scale',
    seconds: 20,
    load: [12, 10, 8],
  };
  const merged = mergeReports(
    fullRun,
    {
      ...scaleRun,
      machine: { ...machine, load: scaleRun.load },
      results: [
        { suite: 'validator-scale', name: 'validator-scale.postgres.1-process.rate', value: 95, unit: 'ballots/s' },
      ],
      runs: { 'validator-scale': scaleRun },
    },
    order,
  );

  it('keeps the other suites rows, in suite order, and replaces its own', () => {
    expect(merged.results.map((r) => [r.name, r.value])).toEqual([
      ['ballot.encrypt.p50', 36],
      ['validator.ingest.rate', 1680],
      ['validator-scale.postgres.1-process.rate', 95],
    ]);
  });

  it('says which run measured each suite, with its load', () => {
    expect(merged.runs?.['ballot']).toEqual({
      date: fullRun.date,
      command: 'npm run bench',
      seconds: 119,
      load: [1, 1, 1],
    });
    expect(merged.runs?.['validator-scale']).toEqual(scaleRun);
    const table = markdownTable(merged);
    expect(table).toContain(
      '- ballot: 2026-11-21 with `npm run bench` (119 s), load average 1.0 / 1.0 / 1.0 at the start',
    );
    expect(table).toContain('load average 12.0 / 10.0 / 8.0 at the start');
  });

  it('starts a file when there was none', () => {
    const first = mergeReports(undefined, { ...fullRun, runs: { ballot: scaleRun } }, order);
    expect(first.results).toHaveLength(3);
  });
});

describe('targets beside the crypto bound and Belenios', () => {
  const rows: BenchRow[] = [
    { suite: 'ballot', name: 'ballot.r1.verify.batched.rate', value: 4000, unit: 'ballots/s' },
    {
      suite: 'ballot',
      name: 'ballot.r1.verify.alone.median',
      value: 1.6,
      unit: 'ms/ballot',
      target: '<= 2 ms',
      meetsTarget: true,
    },
    { suite: 'peers', name: 'peers.r1.verify-one.belenios', value: 3.2, unit: 'ms/ballot' },
    { suite: 'peers', name: 'peers.r1.verify-all.urna', value: 0.3, unit: 's' },
    { suite: 'peers', name: 'peers.r1.verify-all.belenios', value: 0.75, unit: 's' },
    { suite: 'peers', name: 'peers.r1.verify-all.urna.rate', value: 200, unit: 'ballots/s' },
    { suite: 'peers', name: 'peers.start.belenios', value: 15, unit: 'ms' },
    {
      suite: 'startup',
      name: 'startup.urna-version.median',
      value: 120,
      unit: 'ms',
      target: '< 150 ms',
      meetsTarget: true,
    },
  ];
  const rated = withRatios(rows, CRYPTO_BOUNDS, BELENIOS_FIGURES);
  const byName = new Map(rated.map((r) => [r.name, r]));

  it('divides each time by the Belenios time of the same workload, and each rate by its bound', () => {
    expect(byName.get('ballot.r1.verify.alone.median')?.ratioToPeer).toBeCloseTo(0.5);
    expect(byName.get('peers.r1.verify-all.urna')?.ratioToPeer).toBeCloseTo(0.4);
    expect(byName.get('startup.urna-version.median')?.ratioToPeer).toBeCloseTo(8);
    expect(byName.get('peers.r1.verify-all.urna.rate')?.ratioToBound).toBeCloseTo(0.05);
    expect(byName.get('peers.r1.verify-all.belenios')?.ratioToPeer).toBeUndefined();
  });

  it('prints every target with its figure, verdict and ratios, and the table has a Belenios column', () => {
    const summary = targetSummary(rated);
    expect(summary).toMatch(
      /ballot\.r1\.verify\.alone\.median +1\.60 ms\/ballot +target <= 2 ms +meets +0\.50 × Belenios/,
    );
    expect(summary).toMatch(/startup\.urna-version\.median +120 ms +target < 150 ms +meets +8\.00 × Belenios/);
    const table = markdownTable({ ...fullRun, results: rated });
    expect(table).toContain('| ratio to crypto bound | ÷ Belenios | target |');
    expect(table).toContain('| peers | peers.r1.verify-all.urna | 0.300 | s |  | 0.40 |  |');
  });
});
