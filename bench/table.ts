/**
 * The benchmark table from bench/results.json, as Markdown for the README:
 *
 *   node --import tsx bench/table.ts [bench/results.json]
 *
 * Every figure with its unit; throughput figures with their ratio to the
 * pure-cryptography bound measured in the same run (bench/bounds.ts).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Measurement } from './harness';

export type BenchRow = Measurement & {
  readonly suite: string;
  readonly bound?: string;
  readonly ratioToBound?: number;
  /** The Belenios figure of the same workload (bench/bounds.ts BELENIOS_FIGURES) and this ÷ that, same run. */
  readonly peer?: string;
  readonly ratioToPeer?: number;
};

/** One `npm run bench` invocation: when, how, and the load average at its start. */
export type SuiteRun = {
  readonly date: string;
  readonly command?: string;
  readonly seconds?: number;
  readonly load?: readonly number[];
};

export type BenchReport = {
  readonly date: string;
  readonly command?: string;
  readonly seconds?: number;
  readonly machine: {
    readonly cores: number;
    readonly cpu: string;
    readonly node: string;
    readonly platform: string;
    readonly load?: readonly number[];
  };
  readonly results: readonly BenchRow[];
  /** The run that measured each suite's rows: a run of some suites keeps the others' rows from earlier runs. */
  readonly runs?: Readonly<Record<string, SuiteRun>>;
};

function describeRun(run: SuiteRun): string {
  return `${run.date.slice(0, 10)} with \`${run.command ?? 'npm run bench'}\`${run.seconds === undefined ? '' : ` (${Math.round(run.seconds)} s)`}${run.load === undefined ? '' : `, load average ${run.load.map((l) => l.toFixed(1)).join(' / ')} at the start`}`;
}

/**
 * The file after a run of some suites: the rows of the suites run now replace theirs,
 * every other suite keeps its rows and the run that measured them. A file from
 * before per-suite runs counts as one run that measured every suite in it.
 */
export function mergeReports(
  earlier: BenchReport | undefined,
  now: BenchReport,
  suiteOrder: readonly string[],
): BenchReport {
  const replaced = new Set(Object.keys(now.runs ?? {}));
  for (const row of now.results) replaced.add(row.suite);
  const kept = (earlier?.results ?? []).filter((r) => !replaced.has(r.suite));
  const runs: Record<string, SuiteRun> = {};
  if (earlier !== undefined) {
    const { date, command, seconds, machine } = earlier;
    const whole: SuiteRun = {
      date,
      ...(command === undefined ? {} : { command }),
      ...(seconds === undefined ? {} : { seconds }),
      ...(machine.load === undefined ? {} : { load: machine.load }),
    };
    for (const suite of new Set(kept.map((r) => r.suite))) runs[suite] = earlier.runs?.[suite] ?? whole;
  }
  const order = new Map(suiteOrder.map((name, i) => [name, i]));
  const rank = (suite: string) => order.get(suite) ?? suiteOrder.length;
  return {
    ...now,
    // A stable sort: each suite's rows keep their order.
    results: [...kept, ...now.results].sort((a, b) => rank(a.suite) - rank(b.suite)),
    runs: { ...runs, ...now.runs },
  };
}

/** A throughput is a rate: something per second. */
function isRate(row: Pick<Measurement, 'unit'>): boolean {
  return row.unit.endsWith('/s');
}

/**
 * Each throughput with its ratio to the bound measured in the same rows (`bounds`:
 * figure → bound figure), and each figure that has a Belenios counterpart (`peers`)
 * with its ratio to it, when that was measured in the same rows in the same unit.
 */
export function withRatios(
  rows: readonly BenchRow[],
  bounds: Readonly<Record<string, string>>,
  peers: Readonly<Record<string, string>>,
): BenchRow[] {
  const byName = new Map(rows.map((r) => [r.name, r]));
  const unitOf = (unit: string) => unit.split('/')[0];
  return rows.map((r): BenchRow => {
    const bound = bounds[r.name];
    const peer = byName.get(peers[r.name] ?? '');
    const withPeer: BenchRow =
      peer === undefined || unitOf(peer.unit) !== unitOf(r.unit)
        ? r
        : { ...r, peer: peer.name, ratioToPeer: r.value / peer.value };
    if (bound === undefined || !isRate(r)) return withPeer;
    const measured = byName.get(bound);
    return measured === undefined
      ? { ...withPeer, bound }
      : { ...withPeer, bound, ratioToBound: r.value / measured.value };
  });
}

export function formatValue(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 100) return value.toFixed(0);
  if (Math.abs(value) >= 1) return value.toFixed(2);
  return value.toPrecision(3);
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

export function markdownTable(report: BenchReport): string {
  const { machine } = report;
  const bySuite = Object.entries(report.runs ?? {});
  const earlier = bySuite.filter(([, run]) => run.date !== report.date);
  const header = [
    `Measured ${describeRun({ ...report, ...(machine.load === undefined ? {} : { load: machine.load }) })} on ${machine.cores} cores (${machine.cpu}), Node ${machine.node}, ${machine.platform}.`,
    ...(earlier.length === 0
      ? []
      : [
          '',
          'Suites kept from earlier runs:',
          ...earlier.map(([suite, run]) => `- ${suite}: ${describeRun(run)}`),
          '',
        ]),
    'Ratio: a throughput ÷ the single-core rate of only the cryptography the same work needs, measured in the same run (pooled figures can exceed 1).',
    '',
    'Belenios: a time ÷ the Belenios time of the same workload, same run (below 1, Urna is faster).',
    '',
    '| suite | measurement | value | unit | ratio to crypto bound | ÷ Belenios | target |',
    '| --- | --- | ---: | --- | ---: | ---: | --- |',
  ];
  const rows = report.results.map((r) => {
    const ratio =
      r.ratioToBound === undefined
        ? r.bound === undefined
          ? ''
          : 'bound not measured'
        : `${r.ratioToBound.toFixed(2)} (÷ ${r.bound})`;
    const target =
      r.target === undefined ? '' : `${r.target}${r.meetsTarget === undefined ? '' : r.meetsTarget ? ' ✓' : ' ✗'}`;
    return `| ${r.suite} | ${cell(r.name)} | ${formatValue(r.value)} | ${cell(r.unit)} | ${cell(ratio)} | ${peerRatio(r)} | ${cell(target)} |`;
  });
  return [...header, ...rows].join('\n');
}

function peerRatio(r: BenchRow): string {
  return r.ratioToPeer === undefined ? '' : r.ratioToPeer.toFixed(2);
}

/** The rows that carry a target, each with its figure, verdict and both ratios: what a run must show first. */
export function targetSummary(rows: readonly BenchRow[]): string {
  const targeted = rows.filter((r) => r.target !== undefined);
  if (targeted.length === 0) return 'no targets measured in this run';
  const lines = targeted.map((r) => {
    const verdict = r.meetsTarget === undefined ? '' : r.meetsTarget ? 'meets' : 'MISSES';
    const bound = r.ratioToBound === undefined ? '' : `  ${r.ratioToBound.toFixed(2)} of the crypto bound`;
    const peer = r.ratioToPeer === undefined ? '' : `  ${r.ratioToPeer.toFixed(2)} × Belenios`;
    return `${r.name.padEnd(48)} ${formatValue(r.value).padStart(10)} ${r.unit.padEnd(10)} target ${String(r.target).padEnd(22)} ${verdict}${bound}${peer}`;
  });
  return ['Targets, this run:', ...lines].join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const file = path.resolve(process.argv[2] ?? 'bench/results.json');
  process.stdout.write(`${markdownTable(JSON.parse(readFileSync(file, 'utf8')) as BenchReport)}\n`);
}
