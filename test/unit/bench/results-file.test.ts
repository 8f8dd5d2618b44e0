/**
 * bench/results.json after running some suites: the suites run now replace their
 * rows, every other suite keeps its rows and says which run measured them.
 */
import { describe, expect, it } from 'vitest';
import { markdownTable, mergeReports, type BenchReport } from '../../../bench/table';

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
