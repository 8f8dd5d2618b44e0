/**
 * A key file of the wrong kind is named as such: a verifier key where a secret key is
 * expected, a secret key where a verifier key is expected, a missing folder by its
 * path, another station's verifier key as another station's.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readValidatorConfig, loadValidatorKey } from '../../../validator/config';
import { readSignerKeyFile } from '../../../cli/commands/election';
import { runUrna as urna } from '../../support/urna-cli';

let dir: string;
const at = (...parts: string[]) => path.join(dir, ...parts);

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'urna-key-errors-'));
  expect((await urna('election', 'keygen', '--out', at('authority.key'), '--name', 'commission')).code).toBe(0);
  expect((await urna('election', 'keygen', '--out', at('station.key'), '--name', 'urna/e-2026/st-1')).code).toBe(0);
  expect(
    (await urna('log', 'demo', '--entries', '2', '--dir', at('st-1'), '--election', 'e-2026', '--station', 'st-1'))
      .code,
  ).toBe(0);
  expect(
    (await urna('log', 'demo', '--entries', '2', '--dir', at('st-2'), '--election', 'e-2026', '--station', 'st-2'))
      .code,
  ).toBe(0);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('key files of the wrong kind', () => {
  it('a verifier key given where the secret signing key is expected: says so, not "chmod 600" or "malformed"', () => {
    // What `election sign`, `station enroll`, `station manifest` and `not-operated` read their --key with.
    expect(() => readSignerKeyFile(at('authority.key.vkey'))).toThrow(
      `${at('authority.key.vkey')} is a verifier key (the public half); a secret signing key (PRIVATE+KEY+…, mode 0600) is expected here: pass ${at('authority.key')}`,
    );
    expect(() => readSignerKeyFile(at('authority.key.vkey'))).not.toThrow(/chmod|malformed/);
  });

  it('a secret key given where a verifier key is expected: says so, and never prints it', async () => {
    const run = await urna('station', 'pin-authority', '--data-dir', at('st-1'), '--key', at('authority.key'));
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      `${at('authority.key')} is a secret key; the election authority's verifier key (its public half, the .vkey file) is expected here`,
    );
    expect(run.stderr).not.toContain('PRIVATE+KEY');
    expect(run.stderr).not.toContain('key id is not');
    const log = await urna('log', 'verify', '--dir', at('st-1'), '--vkey', at('st-1', 'station.key'));
    expect(log.code).toBe(1);
    expect(log.stderr).toContain(
      "is a secret key; the station's verifier key (its public half, the .vkey file) is expected here",
    );
  });

  it('a missing station folder is named by its path, not "ledger storage error UNKNOWN"', async () => {
    const run = await urna('log', 'verify', '--dir', at('no-such-station'));
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`no station data directory at ${at('no-such-station')}`);
    expect(run.stderr).not.toContain('UNKNOWN');
  });

  it("another station's verifier key is named as that, not 'ledger does not belong here'", async () => {
    const other = await urna('log', 'export', '--dir', at('st-2'), '--out', at('record-2'));
    expect(other.code, other.stderr).toBe(0);
    const run = await urna(
      'log',
      'verify',
      '--dir',
      at('st-1'),
      '--vkey',
      at('record-2', 'stations', 'st-2', 'station.vkey'),
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      `the ledger in ${at('st-1')} was not signed by the key in ${at('record-2', 'stations', 'st-2', 'station.vkey')}: that is another station's verifier key`,
    );
  });

  it("a validator config naming the .vkey as its keyFile: says a verifier key was given, not 'mode 644'", () => {
    const vkey = at('validator.vkey');
    writeFileSync(vkey, `${'v+01234567+BAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'}\n`);
    chmodSync(vkey, 0o644);
    const loaded = loadValidatorKey(vkey, 'v');
    expect(loaded.ok).toBe(false);
    expect(loaded.ok ? '' : loaded.error).toMatch(
      /is (a verifier key \(the public half\)|not a key file); the validator's secret cosigning key/,
    );
    expect(loaded.ok ? '' : loaded.error).not.toContain('mode 644');
    expect(readValidatorConfig(at('no-config.json')).ok).toBe(false);
  });
});
