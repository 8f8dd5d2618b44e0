/**
 * One validator as a real child process, `urna validator start --config FILE`,
 * that can be stopped (SIGTERM), killed (SIGKILL) and started again on the same
 * data folder. The simulation and the integration tests run validators this way.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';

const URNA_BIN = path.resolve(import.meta.dirname, '../../bin/urna.mjs');

export class ValidatorProcess {
  private child: ChildProcess | undefined;
  url = '';
  private stderr = '';

  /** `nodeArgs` go to Node before the script, e.g. `--cpu-prof` for a benchmark's profile. */
  constructor(
    readonly configFile: string,
    private readonly nodeArgs: readonly string[] = [],
  ) {}

  get running(): boolean {
    return this.child !== undefined;
  }

  /** The operating system's process id while the process runs. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Starts the process and resolves with the URL it announces (the config may ask for port 0). */
  async start(): Promise<string> {
    this.stderr = '';
    const child = spawn(
      process.execPath,
      [...this.nodeArgs, URNA_BIN, 'validator', 'start', '--config', this.configFile],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
        // A test runner's loader options must not leak into the validator.
        env: { ...process.env, NODE_OPTIONS: '' },
      },
    );
    this.child = child;
    child.stderr?.on('data', (d: Buffer) => {
      this.stderr += d.toString('utf8');
    });
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    this.url = await new Promise<string>((resolve, reject) => {
      // Generous: a loaded two-core machine compiles several of these at once; this catches hangs only.
      const timer = setTimeout(() => reject(new Error(`validator did not start in 120 s: ${this.stderr}`)), 120_000);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`validator exited with ${String(code)}: ${this.stderr}`));
      });
      lines.on('line', (line) => {
        const match = /listening on (http:\/\/\S+)/.exec(line);
        if (match?.[1] !== undefined) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      });
    });
    return this.url;
  }

  /** SIGKILL: no chance to flush or close anything. */
  async kill(): Promise<void> {
    await this.signal('SIGKILL');
  }

  async stop(): Promise<void> {
    await this.signal('SIGTERM');
  }

  private async signal(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) {
      this.child = undefined;
      return;
    }
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    await exited;
    this.child = undefined;
  }
}
