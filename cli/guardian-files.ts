/**
 * Guardian secret key-share files (written by `urna keys ceremony`, read by
 * `urna tally share`). Every command that touches a guardian secret goes through
 * this module, so how secrets are stored on disk is decided in one place.
 *
 * A share is stored encrypted under its guardian's passphrase:
 *
 *   { "type": "guardian-key-share-encrypted", "v": 1, "guardianId": "guardian-1",
 *     "kdf": { "name": "scrypt", "logN": 17, "r": 8, "p": 1, "salt": <16 bytes> },
 *     "cipher": { "name": "aes-256-gcm", "nonce": <12 bytes> },
 *     "ciphertext": <AES-256-GCM(canonical JSON of the guardian-key-share record) ‖ 16-byte tag> }
 *
 * Binary values are unpadded base64url. The key is scrypt (RFC 7914, from
 * @noble/hashes) of the NFC-normalised passphrase: N = 2^17, r = 8, p = 1, so one
 * guess costs 128 MiB and about half a second, and 32 bytes out. Everything in
 * the file except the ciphertext (format, guardian id, KDF parameters, nonce) is
 * the GCM additional data, so none of it can be changed without the file failing
 * to open. A reader accepts logN 15–18 only: a doctored file can neither make the
 * key cheap to guess nor make opening it take gigabytes.
 *
 * The file is mode 0600 as well; a reader refuses one that group or others can
 * read. Plain share files from before encryption are still read, with a warning.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { scrypt } from '@noble/hashes/scrypt.js';
import { z } from 'zod';
import {
  type GuardianKeyShare,
  guardianKeyShareToRecord,
  parseGuardianKeyShare,
  recordToCanonicalJson,
} from '../core/ballot';
import { fromBase64Url, toBase64Url, utf8Encode, type Bytes } from '../core/encoding/bytes';
import { canonicalize } from '../core/encoding/canonical-json';
import { ID_PATTERN } from '../core/ids';
import { CliError } from './urna';

export type GuardianSecretFileOptions = {
  /** The guardian's passphrase; required for an encrypted file. */
  readonly passphrase?: string;
};

export const ENCRYPTED_SHARE_TYPE = 'guardian-key-share-encrypted';
/** A guardian's private ceremony state between steps (cli/commands/guardian.ts), same format. */
export const ENCRYPTED_STATE_TYPE = 'guardian-ceremony-state-encrypted';
type EncryptedType = typeof ENCRYPTED_SHARE_TYPE | typeof ENCRYPTED_STATE_TYPE;
/** scrypt cost written by this version: 2^17 × r 8 × 128 bytes = 128 MiB per guess. */
export const SCRYPT_PARAMS = { logN: 17, r: 8, p: 1 } as const;
const LOG_N_RANGE = { min: 15, max: 18 } as const;
/** Shorter passphrases are refused when a share is written. */
export const MIN_PASSPHRASE_LENGTH = 10;

const b64 = (bytes: number) => z.string().regex(new RegExp(`^[A-Za-z0-9_-]{${Math.ceil((bytes * 4) / 3)}}$`));

const encryptedShareSchema = z
  .object({
    type: z.enum([ENCRYPTED_SHARE_TYPE, ENCRYPTED_STATE_TYPE]),
    v: z.literal(1),
    guardianId: z.string().regex(ID_PATTERN),
    kdf: z
      .object({
        name: z.literal('scrypt'),
        logN: z.number().int().min(LOG_N_RANGE.min).max(LOG_N_RANGE.max),
        r: z.literal(8),
        p: z.literal(1),
        salt: b64(16),
      })
      .strict(),
    cipher: z.object({ name: z.literal('aes-256-gcm'), nonce: b64(12) }).strict(),
    ciphertext: z.string().regex(/^[A-Za-z0-9_-]{22,20000}$/),
  })
  .strict();

type EncryptedShare = z.infer<typeof encryptedShareSchema>;

function deriveKey(passphrase: string, salt: Bytes, logN: number): Buffer {
  const key = scrypt(utf8Encode(passphrase.normalize('NFC')), salt, {
    N: 2 ** logN,
    r: SCRYPT_PARAMS.r,
    p: SCRYPT_PARAMS.p,
    dkLen: 32,
  });
  const out = Buffer.from(key);
  key.fill(0);
  return out;
}

/** The additional data: the whole file but the ciphertext, canonically. */
function associatedData(file: Omit<EncryptedShare, 'ciphertext'>): Buffer {
  return Buffer.from(canonicalize(file), 'utf8');
}

/** The text of an encrypted share file for `share`, under `passphrase`. */
export function encryptGuardianShare(share: GuardianKeyShare, passphrase: string): string {
  return sealGuardianSecret(
    ENCRYPTED_SHARE_TYPE,
    share.guardianId,
    recordToCanonicalJson(guardianKeyShareToRecord(share)),
    passphrase,
  );
}

/** The text of an encrypted file of type `type` holding `recordJson`, one guardian's secret, under `passphrase`. */
export function sealGuardianSecret(
  type: EncryptedType,
  guardianId: string,
  recordJson: string,
  passphrase: string,
): string {
  const header: Omit<EncryptedShare, 'ciphertext'> = {
    type,
    v: 1,
    guardianId,
    kdf: { name: 'scrypt', ...SCRYPT_PARAMS, salt: toBase64Url(randomBytes(16)) },
    cipher: { name: 'aes-256-gcm', nonce: toBase64Url(randomBytes(12)) },
  };
  const key = deriveKey(passphrase, fromBase64Url(header.kdf.salt), header.kdf.logN);
  const plaintext = Buffer.from(recordJson, 'utf8');
  try {
    const cipher = createCipheriv('aes-256-gcm', key, fromBase64Url(header.cipher.nonce));
    cipher.setAAD(associatedData(header));
    const sealed = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
    return `${canonicalize({ ...header, ciphertext: toBase64Url(sealed) })}\n`;
  } finally {
    key.fill(0);
    plaintext.fill(0);
  }
}

/** Whether a guardian file's text is the encrypted form (so a passphrase is needed). */
export function isEncryptedGuardianFile(file: string): boolean {
  try {
    const json = JSON.parse(readFileSync(file, 'utf8')) as { type?: unknown };
    return json.type === ENCRYPTED_SHARE_TYPE;
  } catch {
    return false;
  }
}

/** Decrypts one guardian secret file's JSON of the expected type; the record inside, parsed as JSON. */
export function openGuardianSecret(
  file: string,
  json: unknown,
  passphrase: string | undefined,
  type: EncryptedType = ENCRYPTED_SHARE_TYPE,
): unknown {
  const parsed = encryptedShareSchema.safeParse(json);
  if (!parsed.success || parsed.data.type !== type) {
    const issue = parsed.success ? { path: ['type'], message: `expected ${type}` } : parsed.error.issues[0];
    throw new CliError(
      `guardian file ${file} is not a valid encrypted ${type === ENCRYPTED_SHARE_TYPE ? 'share' : 'ceremony state'}: ${issue ? `${issue.path.join('.') || '(file)'}: ${issue.message}` : 'malformed'}`,
    );
  }
  if (passphrase === undefined || passphrase === '') {
    throw new CliError(
      `guardian file ${file} is encrypted: give its passphrase (--passphrase-file FILE, the URNA_GUARDIAN_PASSPHRASE variable, or type it when asked)`,
    );
  }
  const { ciphertext, ...header } = parsed.data;
  const sealed = fromBase64Url(ciphertext);
  const key = deriveKey(passphrase, fromBase64Url(header.kdf.salt), header.kdf.logN);
  let plaintext: Buffer;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, fromBase64Url(header.cipher.nonce));
    decipher.setAAD(associatedData(header));
    decipher.setAuthTag(sealed.subarray(sealed.length - 16));
    plaintext = Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - 16)), decipher.final()]);
  } catch {
    // One message for a wrong passphrase and a tampered file: GCM cannot tell them apart.
    throw new CliError(`guardian file ${file}: wrong passphrase, or the file was changed`);
  } finally {
    key.fill(0);
  }
  try {
    const record: unknown = JSON.parse(plaintext.toString('utf8'));
    if ((record as { guardianId?: unknown }).guardianId !== header.guardianId) {
      throw new CliError(`guardian file ${file}: the share inside belongs to another guardian`);
    }
    return record;
  } finally {
    plaintext.fill(0);
  }
}

export function readGuardianSecretFile(file: string, options: GuardianSecretFileOptions): GuardianKeyShare {
  let mode: number;
  try {
    mode = statSync(file).mode;
  } catch (error) {
    throw new CliError(`cannot read guardian file ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  // A share readable by others is as good as handed over; refuse rather than use it.
  if ((mode & 0o077) !== 0) {
    throw new CliError(
      `guardian file ${file} is readable by group or others (mode ${(mode & 0o777).toString(8)}); chmod 600 it first`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    // The parser's message can quote the file's text, which may be a secret: say only where.
    throw new CliError(
      `guardian file ${file} is not JSON${error instanceof SyntaxError ? '' : `: ${(error as Error).message}`}`,
    );
  }
  if (typeof json === 'object' && json !== null && (json as { type?: unknown }).type === ENCRYPTED_SHARE_TYPE) {
    json = openGuardianSecret(file, json, options.passphrase);
  } else {
    process.stderr.write(
      `urna: warning: guardian file ${file} is not encrypted; new ceremonies encrypt every share under its guardian's passphrase\n`,
    );
  }
  const parsed = parseGuardianKeyShare(json);
  if (!parsed.ok) {
    const detail =
      parsed.error.problem === 'schema' ? parsed.error.detail : `${parsed.error.detail} at ${parsed.error.path}`;
    throw new CliError(`guardian file ${file} is not a guardian key share: ${detail}`);
  }
  return parsed.value;
}

// ---- passphrases -------------------------------------------------------------------

/** The lines of a passphrase file (never an argument: arguments show in `ps` and shell history). */
export function readPassphraseFile(file: string): string[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new CliError(
      `cannot read passphrase file ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    );
  }
  return text.split(/\r?\n/).filter((line) => line.length > 0);
}

/** Asks on the terminal without echo; null when there is no terminal to ask on. */
export async function promptPassphrase(question: string): Promise<string | null> {
  const input = process.stdin;
  if (!input.isTTY) return null;
  process.stderr.write(question);
  input.setRawMode(true);
  input.resume();
  try {
    return await new Promise<string>((resolve, reject) => {
      let typed = '';
      const onData = (chunk: Buffer) => {
        for (const char of chunk.toString('utf8')) {
          if (char === '\r' || char === '\n') {
            input.off('data', onData);
            resolve(typed);
            return;
          }
          if (char === '\u0003') {
            input.off('data', onData);
            reject(new CliError('interrupted', 130));
            return;
          }
          typed = char === '\u007f' || char === '\b' ? typed.slice(0, -1) : typed + char;
        }
      };
      input.on('data', onData);
    });
  } finally {
    input.setRawMode(false);
    input.pause();
    process.stderr.write('\n');
  }
}

/**
 * One guardian's passphrase from a file that holds it alone. A file of several lines
 * is refused: a file of every guardian's passphrase is the very thing that lets one
 * person open every share, so no command outside the demo reads one.
 */
export function readOnePassphrase(file: string): string {
  const lines = readPassphraseFile(file);
  if (lines.length === 0) throw new CliError(`passphrase file ${file} is empty`);
  if (lines.length > 1)
    throw new CliError(
      `passphrase file ${file} holds ${lines.length} lines: it must hold one guardian's passphrase alone, on one line`,
    );
  return lines[0] as string;
}

/**
 * The passphrase for reading one guardian file: from `--passphrase-file` (one line,
 * that guardian's alone), else URNA_GUARDIAN_PASSPHRASE, else asked on the terminal.
 */
export async function guardianPassphrase(options: {
  readonly passphraseFile?: string;
  readonly guardianFile: string;
}): Promise<string | undefined> {
  if (options.passphraseFile !== undefined) return readOnePassphrase(options.passphraseFile);
  const fromEnvironment = process.env['URNA_GUARDIAN_PASSPHRASE'];
  if (fromEnvironment) return fromEnvironment;
  if (!isEncryptedGuardianFile(options.guardianFile)) return undefined;
  return (await promptPassphrase(`passphrase for ${options.guardianFile}: `)) ?? undefined;
}

/** Reads a guardian file, finding its passphrase the way every command does. */
export async function openGuardianSecretFile(
  file: string,
  options: { readonly passphraseFile?: string },
): Promise<GuardianKeyShare> {
  return readGuardianSecretFile(file, { passphrase: await guardianPassphrase({ ...options, guardianFile: file }) });
}
