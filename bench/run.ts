import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import path from 'node:path';
import type { Measurement } from './harness';
import { suites } from './suites';

const only = process.argv.slice(2);
const selected = only.length > 0 ? suites.filter((s) => only.includes(s.name)) : suites;
const results: (Measurement & { suite: string })[] = [];

for (const suite of selected) {
  process.stdout.write(`\n# ${suite.name}\n`);
  for (const m of await suite.run()) {
    results.push({ suite: suite.name, ...m });
    const verdict = m.meetsTarget === undefined ? '' : m.meetsTarget ? '  (meets target)' : '  (MISSES target)';
    const target = m.target ? `  target ${m.target}` : '';
    process.stdout.write(`${m.name.padEnd(48)} ${formatValue(m.value).padStart(12)} ${m.unit}${target}${verdict}\n`);
  }
}

const report = {
  date: new Date().toISOString(),
  machine: { cores: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', node: process.version, platform: process.platform },
  results,
};
const out = path.resolve('bench/results.json');
mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
process.stdout.write(`\nwrote ${out} (${results.length} measurements, ${report.machine.cores} cores)\n`);

function formatValue(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 100) return value.toFixed(0);
  if (Math.abs(value) >= 1) return value.toFixed(2);
  return value.toPrecision(3);
}
