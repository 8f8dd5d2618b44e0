/**
 * Guardians on separate "machines" for tests: each guardian has its own folder
 * (root/machine-N/state) and its own passphrase, and every command it runs is its
 * own `urna` process that is given that folder, the shared medium (root/media) and
 * nothing else. With `audit`, each process runs under test/support/fs-audit.mjs and
 * its log (root/audit/…) lists every path it touched.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { toBase64Url, type Bytes } from '../../core/encoding/bytes';

const URNA = path.resolve('bin/urna.mjs');
const AUDIT = path.resolve('test/support/fs-audit.mjs');

export type GuardianMachine = {
  readonly index: number;
  readonly id: string;
  readonly stateDir: string;
  readonly passphrase: string;
};
export type Ran = { readonly status: number; readonly stdout: string; readonly stderr: string };

function urnaProcess(args: readonly string[], env: NodeJS.ProcessEnv): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.once('error', reject);
    child.once('close', (code) => resolve({ status: code ?? -1, stdout, stderr }));
  });
}

/**
 * An `urna` command run by anyone (no guardian's passphrase), without blocking the
 * test worker: a long spawnSync starves the test runner's own messages.
 */
export function urnaAsync(args: readonly string[]): Promise<Ran> {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: '' };
  delete env['URNA_GUARDIAN_PASSPHRASE'];
  return urnaProcess([URNA, ...args], env);
}

export class CeremonyRoom {
  readonly media: string;
  readonly auditDir: string;
  readonly machines: GuardianMachine[];

  constructor(
    readonly root: string,
    readonly count: number,
    readonly threshold: number,
    readonly baseHash: Bytes,
    readonly audit = false,
  ) {
    this.media = path.join(root, 'media');
    this.auditDir = path.join(root, 'audit');
    mkdirSync(this.media, { recursive: true });
    mkdirSync(this.auditDir, { recursive: true });
    this.machines = Array.from({ length: count }, (_, i) => ({
      index: i + 1,
      id: `guardian-${i + 1}`,
      stateDir: path.join(root, `machine-${i + 1}`, 'state'),
      passphrase: `passphrase of guardian ${i + 1} alone`,
    }));
  }

  /** One command of one guardian, as its own process with its own passphrase in its environment. */
  run(machine: GuardianMachine, args: readonly string[], label = args.slice(0, 2).join('-')): Promise<Ran> {
    const env: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: '', URNA_GUARDIAN_PASSPHRASE: machine.passphrase };
    const nodeArgs = this.audit ? ['--import', AUDIT] : [];
    if (this.audit) env['URNA_FS_AUDIT_LOG'] = path.join(this.auditDir, `${machine.id}-${label}.log`);
    return urnaProcess([...nodeArgs, URNA, ...args], env);
  }

  step(machine: GuardianMachine, step: 'init' | 'announce' | 'share' | 'receive' | 'accept'): Promise<Ran> {
    const extra =
      step === 'init'
        ? [
            '--guardians',
            String(this.count),
            '--threshold',
            String(this.threshold),
            '--index',
            String(machine.index),
            '--base-hash',
            toBase64Url(this.baseHash),
          ]
        : [];
    return this.run(machine, ['guardian', step, '--state', machine.stateDir, '--messages', this.media, ...extra]);
  }

  /** Every guardian does `step`, all at once; each result in guardian order. */
  async everyone(
    step: 'init' | 'announce' | 'share' | 'receive' | 'accept',
    who: readonly GuardianMachine[] = this.machines,
  ): Promise<Ran[]> {
    return Promise.all(who.map((m) => this.step(m, step)));
  }

  /** The whole ceremony; throws with the guardian's own words if a step fails. */
  async holdCeremony(): Promise<void> {
    for (const step of ['init', 'announce', 'share', 'receive', 'accept'] as const) {
      const results = await this.everyone(step);
      results.forEach((r, i) => {
        if (r.status !== 0) throw new Error(`guardian-${i + 1} ${step} failed: ${r.stderr}`);
      });
    }
  }

  /** The paths under `root` that one guardian's processes touched. */
  touchedBy(machine: GuardianMachine): Set<string> {
    const touched = new Set<string>();
    for (const name of readdirSync(this.auditDir).filter((n) => n.startsWith(`${machine.id}-`))) {
      for (const line of readFileSync(path.join(this.auditDir, name), 'utf8').split('\n')) {
        if (line.startsWith(`${this.root}${path.sep}`) || line === this.root) touched.add(line);
      }
    }
    return touched;
  }
}
