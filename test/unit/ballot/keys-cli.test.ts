import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { readGuardianSecretFile } from '../../../cli/guardian-files';
import { main } from '../../../cli/urna';
import { parseKeyCeremony, verificationKeyOf, verifyCeremonyRecord } from '../../../core/ballot';

describe('urna keys ceremony', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
    vi.restoreAllMocks();
  });

  it('writes the public record and one 0600 secret file per guardian holding only its share, encrypted', async () => {
    const out = mkdtempSync(path.join(tmpdir(), 'urna-keys-'));
    dirs.push(out);
    const passphrases = path.join(mkdtempSync(path.join(tmpdir(), 'urna-pass-')), 'passphrases');
    dirs.push(path.dirname(passphrases));
    writeFileSync(
      passphrases,
      ['first guardian pass', 'second guardian pass', 'third guardian pass', 'fourth guardian pass'].join('\n'),
      { mode: 0o600 },
    );
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
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
        '4',
        '--threshold',
        '3',
        '--out',
        out,
        '--passphrase-file',
        passphrases,
      ]),
    ).toBe(0);

    expect(readdirSync(out).sort()).toEqual([
      'DEMO-KEYS-PROVE-NOTHING.txt',
      'guardian-1.secret.json',
      'guardian-2.secret.json',
      'guardian-3.secret.json',
      'guardian-4.secret.json',
      'key-ceremony.json',
    ]);
    const record = parseKeyCeremony(JSON.parse(readFileSync(path.join(out, 'key-ceremony.json'), 'utf8')));
    if (!record.ok) throw new Error(JSON.stringify(record.error));
    expect(verifyCeremonyRecord(record.value).ok).toBe(true);
    expect(record.value.threshold).toBe(3);

    for (let i = 1; i <= 4; i++) {
      const file = path.join(out, `guardian-${i}.secret.json`);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const json = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
      expect(Object.keys(json).sort()).toEqual(['cipher', 'ciphertext', 'guardianId', 'kdf', 'type', 'v']);
      const pass = ['first', 'second', 'third', 'fourth'][i - 1] ?? '';
      const share = readGuardianSecretFile(file, { passphrase: `${pass} guardian pass` });
      expect(share.index).toBe(i);
      expect(share.verificationKey.equals(verificationKeyOf(record.value.guardians, i))).toBe(true);
      expect(share.jointKey.equals(record.value.jointKey)).toBe(true);
    }

    // Never overwrites an earlier ceremony's secrets.
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    writeFileSync(passphrases, 'another first pass\nanother second pass\n');
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
        '2',
        '--threshold',
        '2',
        '--out',
        out,
        '--passphrase-file',
        passphrases,
      ]),
    ).toBe(1);
    expect(String(stderr.mock.calls[0]?.[0])).toContain('already exists');
  });

  it('runs only with --demo: one process holding every share is no real ceremony', async () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const out = path.join(tmpdir(), `urna-never-${process.pid}`);
    expect(
      await main([
        'node',
        'urna',
        'keys',
        'ceremony',
        '--base-hash',
        'A'.repeat(43),
        '--guardians',
        '3',
        '--threshold',
        '2',
        '--out',
        out,
      ]),
    ).toBe(1);
    expect(String(stderr.mock.calls[0]?.[0])).toContain('runs only with --demo');
    expect(() => statSync(out)).toThrow();
  });

  it('refuses a threshold above the number of guardians', async () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
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
        '2',
        '--threshold',
        '3',
        '--out',
        path.join(tmpdir(), 'urna-never'),
      ]),
    ).toBe(1);
    expect(String(stderr.mock.calls[0]?.[0])).toContain('--threshold must be an integer from 1 to 2');
  });
});
