import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { BELENIOS_FIGURES, CRYPTO_BOUNDS } from './bounds';
import { suites } from './suites';
import {
  formatValue,
  markdownTable,
  mergeReports,
  targetSummary,
  withRatios,
  type BenchReport,
  type BenchRow,
  type SuiteRun,
} from './table';

const only = process.argv.slice(2);

/** The URNA_BENCH_* settings of this run, as they would be typed before the command. */
function benchEnv(): string {
  const set = Object.entries(process.env).filter(([name]) => name.startsWith('URNA_BENCH_'));
  return set.map(([name, value]) => `${name}=${value ?? ''} `).join('');
}
const selected = only.length > 0 ? suites.filter((s) => only.includes(s.name)) : suites;
const started = performance.now();
const load = loadavg();
const rows: BenchRow[] = [];

for (const suite of selected) {
  process.stdout.write(`\n# ${suite.name}\n`);
  for (const m of await suite.run()) {
    rows.push({ suite: suite.name, ...m });
    const verdict = m.meetsTarget === undefined ? '' : m.meetsTarget ? '  (meets target)' : '  (MISSES target)';
    const target = m.target ? `  target ${m.target}` : '';
    process.stdout.write(`${m.name.padEnd(48)} ${formatValue(m.value).padStart(12)} ${m.unit}${target}${verdict}\n`);
  }
}

// Each throughput beside the pure-cryptography rate of the same work, and each time beside
// Belenios' time for the same workload (when the peers suite ran too), from this run only.
const results = withRatios(rows, CRYPTO_BOUNDS, BELENIOS_FIGURES);

const run: SuiteRun = {
  date: new Date().toISOString(),
  command: `${benchEnv()}${only.length > 0 ? `npm run bench -- ${only.join(' ')}` : 'npm run bench'}`,
  seconds: (performance.now() - started) / 1000,
  load,
};
// URNA_BENCH_OUT keeps a one-off run (e.g. the 100,000-ballot verify) from replacing the full table's file.
const out = path.resolve(process.env['URNA_BENCH_OUT'] ?? 'bench/results.json');
const report = mergeReports(
  readReport(out),
  {
    date: run.date,
    command: run.command,
    seconds: run.seconds,
    machine: {
      cores: cpus().length,
      cpu: cpus()[0]?.model ?? 'unknown',
      node: process.version,
      platform: process.platform,
      load,
    },
    results,
    runs: Object.fromEntries(selected.map((s) => [s.name, run])),
  },
  suites.map((s) => s.name),
);
mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
process.stdout.write(`\n${targetSummary(results)}\n`);
process.stdout.write(
  `\n${markdownTable(report)}\n\nwrote ${out} (${results.length} measurements, ${report.results.length} in the file, ${report.machine.cores} cores)\n`,
);

/** The results file written before, if there is one that parses. */
function readReport(file: string): BenchReport | undefined {
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as BenchReport;
  } catch {
    process.stdout.write(`(${file} does not parse: its earlier rows are dropped)\n`);
    return undefined;
  }
}
