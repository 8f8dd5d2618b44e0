/**
 * Acceptance: docs/OPERATIONS.md, run as written. Every `sh` block in order on
 * loopback in an empty folder (authority keys, configured definition, the
 * distributed guardian ceremony, two stations provisioned and enrolled, two
 * validators from their documented configs), the election day through the station
 * API, then export, tally, reconcile with the documented paper counts, audit, verify
 * and a receipt lookup. A command the document names wrongly fails this test.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../cli/simulate/free-port';
import { DocRunner, operationsBlocks, OPERATIONS_DOC, runElectionDay } from '../../support/operations-doc';

const workDir = mkdtempSync(path.join(tmpdir(), 'urna-operations-test-'));
let runner: DocRunner | undefined;
afterAll(() => {
  runner?.stop();
  rmSync(workDir, { recursive: true, force: true });
});

describe('docs/OPERATIONS.md, end to end', () => {
  it('every documented command works, and the record verifies', async () => {
    const blocks = operationsBlocks(readFileSync(OPERATIONS_DOC, 'utf8'));
    expect(blocks.length).toBeGreaterThan(10);
    runner = new DocRunner(workDir, [await freePort(), await freePort()]);
    let dayDone = false;
    const outputs: string[] = [];
    for (const block of blocks) {
      if (block.afterElectionDay && !dayDone) {
        const day = await runElectionDay(workDir, runner.ports);
        expect(day).toContain('uik-1201-a: 1201-0002 checked in and cast a ballot');
        dayDone = true;
      }
      const run = await runner.run(block);
      expect(run.code, `docs/OPERATIONS.md line ${block.line}:\n${run.output}`).toBe(0);
      outputs.push(run.output);
    }
    expect(dayDone).toBe(true);
    const all = outputs.join('\n');
    expect(all).toContain('paper and digital counts agree at every station');
    expect(all).toContain(
      'election record verified at stage tallied against specification 0.2: every check it holds passes',
    );
    expect(all).toContain('"status":"cast"');
    expect(existsSync(path.join(workDir, 'audit-result.json'))).toBe(true);
    expect(existsSync(path.join(workDir, 'record', 'results.json'))).toBe(true);
  }, 900_000);
});
