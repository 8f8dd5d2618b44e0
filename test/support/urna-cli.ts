/**
 * Runs `urna …` in-process (the same `main` as bin/urna.mjs) and captures what it
 * prints, for tests of the command line's messages.
 */
import { vi } from 'vitest';
import { main } from '../../cli/urna';

export type UrnaRun = { readonly code: number; readonly stdout: string; readonly stderr: string };

export async function runUrna(...args: string[]): Promise<UrnaRun> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
  const errOut = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
  try {
    const code = await main(['node', 'urna', ...args]);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    errOut.mockRestore();
  }
}
