/**
 * What the printer simulator cut, as its text transcripts in `dir`
 * (startDemoDevices' renderDir): how many so far, and those since a count.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { DemoDevices } from '../../main/station/demo-devices';

export type PrintoutLog = { count(): number; since(before: number): Promise<string[]> };

export function printoutLog(devices: Pick<DemoDevices, 'printer'>, dir: string): PrintoutLog {
  const transcripts = (): string[] => {
    try {
      return readdirSync(dir)
        .filter((f) => f.endsWith('.txt'))
        .sort();
    } catch {
      return [];
    }
  };
  return {
    count: () => transcripts().length,
    async since(before) {
      await devices.printer.flushRenders();
      return transcripts()
        .slice(before)
        .map((f) => readFileSync(path.join(dir, f), 'utf8'));
    },
  };
}
