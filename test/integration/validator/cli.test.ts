/**
 * `urna validator keygen` and the refusals of `urna validator start` that an
 * operator meets first: a readable key file, a key the package does not name, a
 * broken config. (The happy path of `start` runs as real processes in the sync test.)
 */
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseVerifierKey, SIGNATURE_TYPE_COSIGNATURE_V1 } from '../../../core/ledger/note';
import { main } from '../../../cli/urna';
import { makeTestElection, type TestElection } from './fixture';
import { waitFor } from '../../support/wait-for';

let election: TestElection;

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    err += String(chunk);
    return true;
  });
  try {
    const code = await main(['node', 'urna', ...args]);
    return { code, out, err };
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
}

beforeAll(() => {
  election = makeTestElection({ validators: 3, label: 'cli' });
});

afterAll(() => election.cleanup());

describe('urna validator', () => {
  it('keygen writes a 0600 cosignature/v1 key and prints its verifier key; it never overwrites', async () => {
    const file = path.join(election.dir, 'new-validator.key');
    const made = await run(['validator', 'keygen', '--name', 'ngo-observers', '--out', file]);
    expect(made.code).toBe(0);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const vkey = readFileSync(`${file}.vkey`, 'utf8').trim();
    expect(made.out).toContain(vkey);
    const parsed = parseVerifierKey(vkey);
    expect(parsed.ok && parsed.value.signatureType).toBe(SIGNATURE_TYPE_COSIGNATURE_V1);
    expect(parsed.ok && parsed.value.name).toBe('ngo-observers');
    const again = await run(['validator', 'keygen', '--name', 'ngo-observers', '--out', file]);
    expect(again.code).toBe(1);
    expect(again.err).toContain('refusing to overwrite');
  });

  it('start refuses a key others can read, a key the package does not name, and a broken config', async () => {
    const validator = election.validators[0];
    if (validator === undefined) throw new Error('validator');
    const config = election.writeConfig(validator, 0);

    chmodSync(validator.keyFile, 0o644);
    const readable = await run(['validator', 'start', '--config', config]);
    expect(readable.code).toBe(1);
    expect(readable.err).toContain('chmod 600');
    chmodSync(validator.keyFile, 0o600);

    const stranger = path.join(election.dir, 'stranger.key');
    expect((await run(['validator', 'keygen', '--name', validator.name, '--out', stranger])).code).toBe(0);
    const strangerConfig = path.join(election.dir, 'stranger.json');
    writeFileSync(strangerConfig, JSON.stringify({ ...JSON.parse(readFileSync(config, 'utf8')), keyFile: stranger }));
    const unknownKey = await run(['validator', 'start', '--config', strangerConfig]);
    expect(unknownKey.code).toBe(1);
    expect(unknownKey.err).toContain('is not the key the election package names');

    const broken = path.join(election.dir, 'broken.json');
    writeFileSync(broken, JSON.stringify({ name: validator.name, listen: { port: 'eighty' } }));
    const bad = await run(['validator', 'start', '--config', broken]);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('keyFile');
    // Each refusal after the config was read is in the validator's event log, and no store was made.
    const events = path.join(validator.dataDir, 'events.jsonl');
    await waitFor(() => existsSync(events) && readFileSync(events, 'utf8').includes('validator.start-refused'), {
      what: 'validator.start-refused in the event log',
      timeout: 10_000,
    });
    expect(readFileSync(events, 'utf8')).toContain('validator.start-refused');
    expect(existsSync(path.join(validator.dataDir, 'validator.sqlite'))).toBe(false);
  });
});
