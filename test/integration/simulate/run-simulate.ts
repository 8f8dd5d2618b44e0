/**
 * `urna simulate` as a child process, for the simulate tests on either validator
 * store: the small shape they share (two stations of a dozen voters, three
 * validators, 2-of-3 guardians) and the parsed JSON summary.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import type { SimulationSummary } from '../../../cli/simulate/run';

const URNA = path.resolve('bin/urna.mjs');
export const SHAPE = [
  '--stations',
  '2',
  '--voters',
  '12',
  '--validators',
  '3',
  '--cosign',
  '2',
  '--guardians',
  '3',
  '--threshold',
  '2',
];

export type SimulateRun = { status: number; summary: SimulationSummary; stderr: string; out: string };

/** Runs `urna simulate` into DIR/NAME without blocking the test worker's event loop (vitest talks to it meanwhile). */
export function simulate(dir: string, name: string, extra: readonly string[]): Promise<SimulateRun> {
  const out = path.join(dir, name);
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [URNA, 'simulate', ...SHAPE, '--out', out, '--quiet', '--threads', '1', ...extra],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, NODE_OPTIONS: '' },
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('close', (code) => {
      if (stdout === '')
        reject(new Error(`urna simulate printed no summary (exit ${String(code)}): ${stderr.slice(-3000)}`));
      else resolve({ status: code ?? -1, summary: JSON.parse(stdout) as SimulationSummary, stderr, out });
    });
  });
}
