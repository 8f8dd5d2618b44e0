/**
 * `urna record export` says in one sentence what to give when its sources are
 * missing or wrong, listing the package's validators: no --from at all, or a --from
 * that is not a base URL. (Asking fewer validators than a checkpoint needs is
 * test/integration/record/stations.test.ts: it needs running validators.)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runUrna } from '../../support/urna-cli';

let dir: string;
const at = (...parts: string[]) => path.join(dir, ...parts);
const exportArgs = () => [
  'record',
  'export',
  '--out',
  at('record'),
  '--election',
  at('sample', 'election.json'),
  '--guardians',
  at('sample', 'guardians'),
  '--enrollments',
  at('enrollments'),
  '--station-manifest',
  at('station-manifest.json'),
];
const VALIDATORS =
  'commission https://validator-1.svetlogorye.example/, party-observers https://validator-2.svetlogorye.example/, civic-observers https://validator-3.svetlogorye.example/';

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'urna-record-export-'));
  const sample = await runUrna('election', 'sample', '--out', at('sample'));
  expect(sample.code, sample.stderr).toBe(0);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('urna record export: its sources', () => {
  it('without --from or --station-export: names the package validators to give', async () => {
    const run = await runUrna(...exportArgs());
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      `urna: no source given: name the validators with --from (this package's: ${VALIDATORS}), or station exports with --station-export DIR\n`,
    );
  });

  it('a --from that is not a base URL: says so once, with the validators of the package', async () => {
    const run = await runUrna(...exportArgs(), '--from', 'validator-1.svetlogorye.example');
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      `urna: --from "validator-1.svetlogorye.example" is not a validator's base URL (http:// or https://); this package's validators: ${VALIDATORS}\n`,
    );
  });

  it('a package file that is not JSON: named, no stack trace', async () => {
    const run = await runUrna(
      'record',
      'export',
      '--out',
      at('record'),
      '--election',
      at('sample', 'guardians', 'DEMO-KEYS-PROVE-NOTHING.txt'),
      '--guardians',
      at('sample'),
      '--enrollments',
      at('e'),
      '--station-manifest',
      at('m'),
      '--from',
      'http://127.0.0.1:1/',
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^urna: .*DEMO-KEYS-PROVE-NOTHING\.txt is not JSON: /);
    expect(run.stderr).not.toContain('    at ');
  });
});
