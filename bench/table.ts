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

export type BenchRow = Measurement & { readonly suite: string; readonly bound?: string; readonly ratioToBound?: number };

export type BenchReport = {
  readonly date: string;
  readonly command?: string;
  readonly seconds?: number;
  readonly machine: { readonly cores: number; readonly cpu: string; readonly node: string; readonly platform: string; readonly load?: readonly number[] };
  readonly results: readonly BenchRow[];
};

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
  const header = [
    `Measured ${report.date.slice(0, 10)} with \`${report.command ?? 'npm run bench'}\`${report.seconds === undefined ? '' : ` (${Math.round(report.seconds)} s)`} on ${machine.cores} cores (${machine.cpu}), Node ${machine.node}, ${machine.platform}` +
      `${machine.load === undefined ? '' : `, load average ${machine.load.map((l) => l.toFixed(1)).join(' / ')} at the start`}.`,
    'Ratio: a throughput ÷ the single-core rate of only the cryptography the same work needs, measured in the same run (pooled figures can exceed 1).',
    '',
    '| suite | measurement | value | unit | ratio to crypto bound | target |',
    '| --- | --- | ---: | --- | ---: | --- |',
  ];
  const rows = report.results.map((r) => {
    const ratio = r.ratioToBound === undefined ? (r.bound === undefined ? '' : 'bound not measured') : `${r.ratioToBound.toFixed(2)} (÷ ${r.bound})`;
    const target = r.target === undefined ? '' : `${r.target}${r.meetsTarget === undefined ? '' : r.meetsTarget ? ' ✓' : ' ✗'}`;
    return `| ${r.suite} | ${cell(r.name)} | ${formatValue(r.value)} | ${cell(r.unit)} | ${cell(ratio)} | ${cell(target)} |`;
  });
  return [...header, ...rows].join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const file = path.resolve(process.argv[2] ?? 'bench/results.json');
  process.stdout.write(`${markdownTable(JSON.parse(readFileSync(file, 'utf8')) as BenchReport)}\n`);
}
