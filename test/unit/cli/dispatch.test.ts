/**
 * The command line loads only the command group it runs (cli/urna.ts), and the
 * bundle's top-level help (dist/cli/commands.json, written by scripts/build-cli.mjs)
 * lists exactly the groups the sources register. The tests' global setup builds the
 * bundle (test/support/build-cli.ts).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { commandGroups } from '../../../cli/commands/index';
import { autoThreads, AUTO_THREADS_MIN_LOG_BYTES } from '../../../cli/record/verifier';
import { commandOverview } from '../../../cli/urna';

const URNA = path.resolve('bin/urna.mjs');
const urna = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  spawnSync(process.execPath, [URNA, ...args], {
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: '', COLUMNS: '100', ...env },
  });

describe('command dispatch', () => {
  it('each group in the table registers exactly the command of its name', async () => {
    for (const group of commandGroups) {
      const program = new Command('urna');
      (await group.load()).register(program);
      expect(program.commands.map((c) => c.name())).toEqual([group.name]);
    }
  });

  it("the bundle's overview is the sources' overview", async () => {
    const bundled = JSON.parse(readFileSync('dist/cli/commands.json', 'utf8')) as unknown;
    expect(bundled).toEqual(await commandOverview());
  });

  it('the bundle prints the same top-level help and command help as the sources', () => {
    for (const args of [['--help'], ['verify', '--help'], ['help', 'tally']]) {
      const fromBundle = urna(args);
      const fromSources = urna(args, { URNA_FROM_SOURCE: '1' });
      expect(fromBundle.status).toBe(0);
      expect(fromBundle.stdout).toBe(fromSources.stdout);
    }
    expect(urna(['--version']).stdout.trim()).toBe('0.1.0');
  });

  it('an unknown command is refused with the suggestions of the full program', () => {
    const run = urna(['verfy']);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("unknown command 'verfy'");
    expect(run.stderr).toContain('(Did you mean verify?)');
  });
});

describe('default worker threads', () => {
  it('none for a small record, one per core up to one per station for a large one', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'urna-threads-'));
    try {
      const stations = ['s1', 's2', 's3'];
      for (const s of stations) mkdirSync(path.join(dir, 'stations', s, 'ballots'), { recursive: true });
      writeFileSync(path.join(dir, 'stations/s1/ballots/entries.jsonl'), 'x'.repeat(1000));
      expect(autoThreads(dir, stations)).toBe(0);
      expect(autoThreads(dir, ['s1'])).toBe(0);
      writeFileSync(path.join(dir, 'stations/s2/ballots/entries.jsonl'), Buffer.alloc(AUTO_THREADS_MIN_LOG_BYTES));
      expect(autoThreads(dir, stations)).toBeGreaterThanOrEqual(1);
      expect(autoThreads(dir, stations)).toBeLessThanOrEqual(3);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
