/**
 * Every secret key file is created mode 0600 — even under a umask of 0, so the
 * mode comes from the code, not from the shell that ran it — and every loader
 * refuses a key file that group or others can read: the station's signing key,
 * its poll-book key, a validator's cosigning key, the election authority's key
 * and a guardian's key share.
 */
import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { readSignerKeyFile } from '../../../cli/commands/election';
import { readGuardianSecretFile } from '../../../cli/guardian-files';
import { main } from '../../../cli/urna';
import { loadStationIdentity, provisionStationIdentity } from '../../../main/station/identity';
import { provisionPollBookKey, readPollBookKey } from '../../../main/station/pollbook';
import { loadValidatorKey } from '../../../validator/config';

const work = mkdtempSync(path.join(tmpdir(), 'urna-key-files-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

let savedUmask = 0;
beforeEach(() => {
  savedUmask = process.umask(0);
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
});
afterEach(() => {
  process.umask(savedUmask);
  vi.restoreAllMocks();
});

const modeOf = (file: string) => statSync(file).mode & 0o777;
const LOOSE_MODES = [0o640, 0o604, 0o644, 0o660];

describe('secret key files', () => {
  it('station signing key: written 0600; refused when group or others can read it', () => {
    const file = path.join(work, 'station', 'station.key');
    expect(provisionStationIdentity(file, 'urna-test-station').ok).toBe(true);
    expect(modeOf(file)).toBe(0o600);
    for (const mode of LOOSE_MODES) {
      chmodSync(file, mode);
      expect(loadStationIdentity(file)).toMatchObject({ ok: false, error: { kind: 'insecure-permissions' } });
    }
    chmodSync(file, 0o600);
    expect(loadStationIdentity(file).ok).toBe(true);
  });

  it('poll-book key: written 0600; refused when group or others can read it', () => {
    const dir = path.join(work, 'pollbook');
    provisionPollBookKey(dir, new Uint8Array(32).fill(7));
    const file = path.join(dir, 'pollbook.key');
    expect(modeOf(file)).toBe(0o600);
    for (const mode of LOOSE_MODES) {
      chmodSync(file, mode);
      expect(readPollBookKey(dir)).toEqual({ ok: false, error: 'insecure' });
    }
    chmodSync(file, 0o600);
    expect(readPollBookKey(dir).ok).toBe(true);
  });

  it('validator cosigning key (urna validator keygen): written 0600; refused when group or others can read it', async () => {
    const file = path.join(work, 'validator.key');
    expect(await main(['node', 'urna', 'validator', 'keygen', '--name', 'observers', '--out', file])).toBe(0);
    expect(modeOf(file)).toBe(0o600);
    expect(modeOf(`${file}.vkey`)).toBe(0o644);
    for (const mode of LOOSE_MODES) {
      chmodSync(file, mode);
      expect(loadValidatorKey(file, 'observers')).toMatchObject({
        ok: false,
        error: expect.stringContaining('readable by its owner only') as unknown,
      });
    }
    chmodSync(file, 0o600);
    expect(loadValidatorKey(file, 'observers').ok).toBe(true);
  });

  it('election authority key (urna election keygen): written 0600; refused when group or others can read it', async () => {
    const file = path.join(work, 'authority.key');
    expect(await main(['node', 'urna', 'election', 'keygen', '--name', 'commission', '--out', file])).toBe(0);
    expect(modeOf(file)).toBe(0o600);
    for (const mode of LOOSE_MODES) {
      chmodSync(file, mode);
      expect(() => readSignerKeyFile(file)).toThrow(/group|others|600/);
    }
  });

  it('guardian key share (urna keys ceremony): written 0600; refused when group or others can read it', async () => {
    const passphrases = path.join(work, 'passphrases');
    writeFileSync(passphrases, 'a long enough passphrase\n', { mode: 0o600 });
    const out = path.join(work, 'ceremony');
    expect(
      await main([
        'node',
        'urna',
        'keys',
        'ceremony',
        '--demo',
        '--base-hash',
        'A'.repeat(43),
        '--guardians',
        '1',
        '--threshold',
        '1',
        '--out',
        out,
        '--passphrase-file',
        passphrases,
      ]),
    ).toBe(0);
    const file = path.join(out, 'guardian-1.secret.json');
    expect(modeOf(file)).toBe(0o600);
    expect(modeOf(path.join(out, 'key-ceremony.json'))).toBe(0o644);
    for (const mode of LOOSE_MODES) {
      chmodSync(file, mode);
      expect(() => readGuardianSecretFile(file, { passphrase: 'a long enough passphrase' })).toThrow(
        /readable by group or others/,
      );
    }
  });
});
