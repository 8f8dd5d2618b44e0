import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A socat pseudo-terminal pair with stable paths (`link=`), so a test can kill the
 * pair (the "device" disappears) and create it again on the same paths.
 */
export class PtyPair {
  readonly hostPath: string;
  readonly devicePath: string;
  private process: ChildProcess | undefined;

  constructor(
    readonly dir: string,
    name: string,
  ) {
    this.hostPath = join(dir, `${name}-host`);
    this.devicePath = join(dir, `${name}-device`);
  }

  static tempDir(): string {
    return mkdtempSync(join(tmpdir(), 'urna-hw-'));
  }

  async open(): Promise<void> {
    const child = spawn('socat', [`pty,raw,echo=0,link=${this.hostPath}`, `pty,raw,echo=0,link=${this.devicePath}`], {
      stdio: 'ignore',
    });
    this.process = child;
    const deadline = Date.now() + 5000;
    while (!(existsSync(this.hostPath) && existsSync(this.devicePath))) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error('socat did not create the pty pair');
      await sleep(10);
    }
  }

  /** Kills socat: both pty ends vanish, as when a USB serial adapter is pulled. */
  async kill(): Promise<void> {
    const child = this.process;
    this.process = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    await exited;
    const deadline = Date.now() + 2000;
    while ((existsSync(this.hostPath) || existsSync(this.devicePath)) && Date.now() < deadline) await sleep(10);
  }

  static removeDir(dir: string): void {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
