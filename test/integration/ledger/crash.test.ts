/**
 * Crash test: a child process appends in a loop and reports each acknowledged
 * append; SIGKILL at random moments; each reopen must verify and hold exactly the
 * acknowledged entries, or one more (the append in flight), never a partial one.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { demoEntry, openStore, tempDir } from './helpers';
import { encodeEntryText } from '../../../core/ledger/entries';

const CHILD = path.resolve(import.meta.dirname, 'fixtures/crash-child.ts');
const ROUNDS = 22;

type Round = { acknowledged: number; killedAfterMs: number };

/** Runs the child until `killAfterMs` past its first acknowledged append, then SIGKILLs it. */
function runAndKill(dir: string, killAfterMs: number): Promise<Round> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let acknowledged = -1;
    let timer: NodeJS.Timeout | undefined;
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      if (line === 'ready') return;
      acknowledged = Math.max(acknowledged, Number(line));
      timer ??= setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    });
    // 'close' comes after the child's stdout has ended, so every line it wrote has been read.
    child.on('close', (code, signal) => {
      if (timer !== undefined) clearTimeout(timer);
      if (signal !== 'SIGKILL') {
        reject(new Error(`child exited by itself (code ${String(code)}): ${stderr}`));
        return;
      }
      resolve({ acknowledged: acknowledged + 1, killedAfterMs: killAfterMs });
    });
  });
}

describe('crash safety', () => {
  const scratch = tempDir('crash');
  afterAll(() => scratch.cleanup());

  it(`keeps exactly the acknowledged appends across ${ROUNDS} SIGKILLs`, { timeout: 180_000 }, async () => {
    const outcomes: string[] = [];
    let previous = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const killAfterMs = Math.floor(Math.random() * 60);
      const { acknowledged } = await runAndKill(scratch.dir, killAfterMs);
      const store = openStore(scratch.dir); // throws with the first bad entry if the store does not verify
      const size = store.size('ballots');
      outcomes.push(
        `round ${round}: killed ${killAfterMs} ms after first ack, acked ${acknowledged}, store holds ${size}`,
      );
      expect(acknowledged).toBeGreaterThan(previous);
      expect(size === acknowledged || size === acknowledged + 1, outcomes.at(-1)).toBe(true);
      // Every entry is whole and in order; the last one (possibly the in-flight one) too.
      const last = store.entryText('ballots', size - 1);
      expect(last).toBe(encodeEntryText(demoEntry(size - 1, `crash-test entry ${size - 1}`)));
      const sample = Math.floor(Math.random() * size);
      expect(store.entryText('ballots', sample)).toBe(encodeEntryText(demoEntry(sample, `crash-test entry ${sample}`)));
      previous = size;
      store.close();
    }
    console.log(outcomes.join('\n'));
  });
});
