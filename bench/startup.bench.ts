/**
 * Process start-up of the command line, as a person or a script meets it: `urna
 * --version`, `urna --help` and `urna verify` of a 20-ballot R1 record, each a fresh
 * `node bin/urna.mjs` process (the bundle in dist/cli), beside Node's own bare
 * start-up (`node -e 0`) measured in the same rounds. The runs alternate, round by
 * round; the figures are medians of wall-clock time, with the CPU time of the same
 * processes (user + system, from the reaped children's ticks in /proc/self/stat, Linux
 * only) beside them, since the shared machine is often loaded.
 *
 * Targets: --version and --help under 150 ms, verify of 20 ballots under 1 s.
 * Rounds: URNA_BENCH_STARTUP_ROUNDS (default 7).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { median, type BenchSuite, type Measurement } from './harness';
import { buildRecord } from './verify.bench';

const ROUNDS = Number(process.env['URNA_BENCH_STARTUP_ROUNDS'] ?? 7);
const VERIFY_BALLOTS = 20;

/** CPU seconds of this process's reaped children (cutime + cstime), or undefined off Linux. */
export function reapedChildrenSeconds(): number | undefined {
  if (!existsSync('/proc/self/stat')) return undefined;
  const text = readFileSync('/proc/self/stat', 'utf8');
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // Fields 16 and 17 (cutime, cstime), counted from the pid as field 1; clock ticks of 1/100 s on Linux.
  return (Number(fields[16 - 3]) + Number(fields[17 - 3])) / 100;
}

type Timing = { readonly wallMs: number; readonly cpuMs: number | undefined };

function timeProcess(args: readonly string[]): Timing {
  const cpuBefore = reapedChildrenSeconds();
  const started = performance.now();
  const run = spawnSync(process.execPath, args, { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
  const wallMs = performance.now() - started;
  const cpuAfter = reapedChildrenSeconds();
  if (run.status !== 0) throw new Error(`node ${args.join(' ')} failed: ${run.stderr.slice(-1000)}`);
  return {
    wallMs,
    cpuMs: cpuBefore === undefined || cpuAfter === undefined ? undefined : (cpuAfter - cpuBefore) * 1000,
  };
}

export const startupSuite: BenchSuite = {
  name: 'startup',
  async run(): Promise<readonly Measurement[]> {
    const urna = path.resolve('bin/urna.mjs');
    if (!existsSync(path.resolve('dist/cli/urna.mjs')))
      throw new Error('dist/cli is not built: run npm run build:cli first (the start-up bench times the bundle)');
    const record = await buildRecord('r1', VERIFY_BALLOTS);
    const commands: readonly { key: string; args: string[]; target?: { ms: number; text: string }; note: string }[] = [
      { key: 'node', args: ['-e', '0'], note: "Node's bare start-up (node -e 0), the floor of every command" },
      {
        key: 'urna-version',
        args: [urna, '--version'],
        target: { ms: 150, text: '< 150 ms' },
        note: 'urna --version',
      },
      { key: 'urna-help', args: [urna, '--help'], target: { ms: 150, text: '< 150 ms' }, note: 'urna --help' },
      {
        key: 'urna-verify-r1-20',
        args: [urna, 'verify', record, '--quiet'],
        target: { ms: 1000, text: '< 1000 ms' },
        note: `urna verify of a complete, tallied ${VERIFY_BALLOTS}-ballot R1 record (6 stations, 3 cosigning validators, 2 guardian shares), every check on`,
      },
    ];
    const timings = new Map<string, Timing[]>(commands.map((c) => [c.key, []]));
    const loads: number[] = [];
    try {
      for (const c of commands) timeProcess(c.args); // warm the file cache
      for (let round = 0; round < ROUNDS; round++) {
        loads.push(loadavg()[0] ?? 0);
        const order = round % 2 === 0 ? commands : [...commands].reverse();
        for (const c of order) timings.get(c.key)?.push(timeProcess(c.args));
      }
    } finally {
      rmSync(record, { recursive: true, force: true });
    }
    const where = `median of ${ROUNDS} alternating rounds, load average ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)}`;
    return commands.flatMap((c): Measurement[] => {
      const runs = timings.get(c.key) ?? [];
      const wall = median(runs.map((r) => r.wallMs));
      const cpu = runs.every((r) => r.cpuMs !== undefined) ? median(runs.map((r) => r.cpuMs as number)) : undefined;
      return [
        {
          name: `startup.${c.key}.median`,
          value: wall,
          unit: 'ms',
          ...(c.target === undefined ? {} : { target: c.target.text, meetsTarget: wall < c.target.ms }),
          note: `${c.note}; wall clock, ${where}`,
        },
        ...(cpu === undefined
          ? []
          : [
              {
                name: `startup.${c.key}.cpu-median`,
                value: cpu,
                unit: 'ms',
                note: `CPU time (user + system, 10 ms ticks) of the same processes; what an idle machine's wall clock approaches`,
              },
            ]),
      ];
    });
  },
};
