/**
 * Guardian key shares at rest: `urna keys ceremony` writes each share mode 0600
 * and encrypted under its guardian's passphrase (scrypt N=2^17 r=8 p=1, then
 * AES-256-GCM with the header as additional data: cli/guardian-files.ts). The
 * share's secret appears in no encoding in the file, in the output or in any
 * refusal; a wrong passphrase, a doctored header or a file others can read is
 * refused; passphrases never come from the command line.
 */
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  ENCRYPTED_SHARE_TYPE,
  openGuardianSecretFile,
  readGuardianSecretFile,
  SCRYPT_PARAMS,
} from '../../../cli/guardian-files';
import { CliError, main } from '../../../cli/urna';
import { scalarToBytes } from '../../../core/ballot';
import { secretsIn, type NamedSecret } from './secret-encodings';

const PASSPHRASES = ['correct horse battery 1', 'correct horse battery 2', 'correct horse battery 3'];

let work: string;
let out: string;
let passphraseFile: string;
let output = '';
let secrets: NamedSecret[] = [];

async function urna(...args: string[]): Promise<{ code: number; text: string }> {
  let text = '';
  const capture = (chunk: unknown) => {
    text += String(chunk);
    return true;
  };
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  try {
    const code = await main(['node', 'urna', ...args]).catch((error: unknown) => {
      text += String(error);
      return 99;
    });
    return { code, text };
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
}

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'urna-guardian-'));
  out = path.join(work, 'ceremony');
  passphraseFile = path.join(work, 'passphrases');
  writeFileSync(passphraseFile, `${PASSPHRASES.join('\n')}\n`, { mode: 0o600 });
  const run = await urna(
    'keys',
    'ceremony',
    '--demo',
    '--base-hash',
    'A'.repeat(43),
    '--guardians',
    '3',
    '--threshold',
    '2',
    '--out',
    out,
    '--passphrase-file',
    passphraseFile,
  );
  expect(run.code, run.text).toBe(0);
  output = run.text;
  secrets = PASSPHRASES.map((passphrase, i) => {
    const share = readGuardianSecretFile(path.join(out, `guardian-${i + 1}.secret.json`), { passphrase });
    return { name: `guardian-${i + 1} share`, bytes: scalarToBytes(share.secret) };
  });
});

afterAll(() => rmSync(work, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

const shareFile = (i: number) => path.join(out, `guardian-${i}.secret.json`);

/** The refusal `readGuardianSecretFile` throws, as text. */
function refusal(file: string, passphrase: string | undefined): string {
  try {
    readGuardianSecretFile(file, { passphrase });
  } catch (error) {
    expect(error).toBeInstanceOf(CliError);
    return (error as Error).message;
  }
  throw new Error(`${file} was accepted`);
}

describe('guardian shares at rest', () => {
  it('are written mode 0600, encrypted with the documented scrypt parameters, and hold no secret in the clear', () => {
    for (let i = 1; i <= 3; i++) {
      const text = readFileSync(shareFile(i), 'utf8');
      const json = JSON.parse(text) as { type: string; kdf: Record<string, unknown>; cipher: Record<string, unknown> };
      expect(json.type).toBe(ENCRYPTED_SHARE_TYPE);
      expect(json.kdf).toMatchObject({ name: 'scrypt', ...SCRYPT_PARAMS });
      expect(SCRYPT_PARAMS).toEqual({ logN: 17, r: 8, p: 1 });
      expect(json.cipher).toMatchObject({ name: 'aes-256-gcm' });
      expect(readdirSync(out)).toContain(`guardian-${i}.secret.json`);
      expect(secretsIn(text, secrets, `guardian-${i}.secret.json`)).toEqual([]);
      for (const passphrase of PASSPHRASES) expect(text).not.toContain(passphrase);
    }
    expect(secretsIn(output, secrets, 'ceremony output')).toEqual([]);
    for (const passphrase of PASSPHRASES) expect(output).not.toContain(passphrase);
  });

  it('open only with their own guardian passphrase; a wrong one says so without leaking anything', () => {
    const wrong = refusal(shareFile(1), PASSPHRASES[1]);
    expect(wrong).toBe(`guardian file ${shareFile(1)}: wrong passphrase, or the file was changed`);
    expect(refusal(shareFile(1), undefined)).toContain('is encrypted: give its passphrase');
    expect(secretsIn(wrong, secrets, 'refusal')).toEqual([]);
  });

  it.each([
    ['the guardian id', (f: Record<string, unknown>) => ({ ...f, guardianId: 'guardian-2' })],
    [
      'the scrypt cost, lowered',
      (f: Record<string, unknown>) => ({ ...f, kdf: { ...(f['kdf'] as object), logN: 15 } }),
    ],
    [
      'the nonce',
      (f: Record<string, unknown>) => ({ ...f, cipher: { name: 'aes-256-gcm', nonce: 'AAAAAAAAAAAAAAAA' } }),
    ],
    [
      'one ciphertext character',
      (f: Record<string, unknown>) => {
        const c = f['ciphertext'] as string;
        return { ...f, ciphertext: `${c.slice(0, 10)}${c[10] === 'A' ? 'B' : 'A'}${c.slice(11)}` };
      },
    ],
  ])('refuse a file whose %s was changed', (_what, change) => {
    const doctored = path.join(work, `doctored-${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(
      doctored,
      JSON.stringify(change(JSON.parse(readFileSync(shareFile(1), 'utf8')) as Record<string, unknown>)),
      { mode: 0o600 },
    );
    expect(refusal(doctored, PASSPHRASES[0])).toContain('wrong passphrase, or the file was changed');
  });

  it.each([
    ['a cost too low to protect anything', 10],
    ['a cost meant to exhaust memory', 24],
  ])('refuse %s before deriving a key', (_what, logN) => {
    const doctored = path.join(work, `cost-${logN}.json`);
    const json = JSON.parse(readFileSync(shareFile(1), 'utf8')) as { kdf: object };
    writeFileSync(doctored, JSON.stringify({ ...json, kdf: { ...json.kdf, logN } }), { mode: 0o600 });
    expect(refusal(doctored, PASSPHRASES[0])).toMatch(/not a valid encrypted share: kdf\.logN/);
  });

  it('refuse a share file that group or others can read', () => {
    const loose = path.join(work, 'loose.json');
    writeFileSync(loose, readFileSync(shareFile(2)), { mode: 0o600 });
    chmodSync(loose, 0o640);
    expect(refusal(loose, PASSPHRASES[1])).toContain('readable by group or others');
  });

  it('take the passphrase from a file or the environment when opened by a command', async () => {
    const single = path.join(work, 'guardian-3.passphrase');
    writeFileSync(single, `${PASSPHRASES[2]}\n`, { mode: 0o600 });
    expect((await openGuardianSecretFile(shareFile(3), { passphraseFile: single })).index).toBe(3);
    vi.stubEnv('URNA_GUARDIAN_PASSPHRASE', PASSPHRASES[1] ?? '');
    expect((await openGuardianSecretFile(shareFile(2), {})).index).toBe(2);
    vi.unstubAllEnvs();
  });
});

describe('the ceremony refuses weak passphrase handling', () => {
  it('has no option that takes a passphrase on the command line', async () => {
    const run = await urna(
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
      path.join(work, 'never'),
      '--passphrase',
      'on the command line',
    );
    expect(run.code).not.toBe(0);
    expect(run.text).toMatch(/unknown option '--passphrase'/);
  });

  it.each([
    ['too few lines', 'one passphrase only\n', /must hold 2 passphrases/],
    ['a short passphrase', 'short\nlong enough passphrase\n', /shorter than 10 characters/],
    ['a shared passphrase', 'the same for both\nthe same for both\n', /same passphrase/],
  ])('refuses %s', async (_what, text, message) => {
    const file = path.join(work, `pass-${Math.random().toString(36).slice(2)}`);
    writeFileSync(file, text, { mode: 0o600 });
    const run = await urna(
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
      path.join(work, `never-${path.basename(file)}`),
      '--passphrase-file',
      file,
    );
    expect(run.code).toBe(1);
    expect(run.text).toMatch(message);
  });

  it('asks for passphrases instead of writing plain shares when none are given and there is no terminal', async () => {
    const run = await urna(
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
      path.join(work, 'no-passphrases'),
    );
    expect(run.code).toBe(1);
    expect(run.text).toContain('guardian shares are stored encrypted');
  });
});
