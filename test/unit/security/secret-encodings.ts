/**
 * How a secret could show up in a file, a log line or a page: its bytes as hex
 * (either case), as base64 or base64url at any of the three byte alignments (a
 * secret inside a longer encoded value, like the type byte before a seed in a
 * note key, shifts its base64 by one or two bytes), and, for a secret that is
 * text (a passphrase), the text itself. The secret-leak tests look for every
 * one of these forms of every secret of a run.
 */
import { toBase64, toHex, type Bytes } from '../../../core/encoding/bytes';

export type NamedSecret = { readonly name: string; readonly bytes: Bytes };

/** The base64 characters fixed by the secret alone, for each alignment. */
function base64Fragments(bytes: Bytes): string[] {
  const fragments: string[] = [];
  for (const offset of [0, 1, 2] as const) {
    const padded = new Uint8Array(offset + bytes.length);
    padded.set(bytes, offset);
    const text = toBase64(padded);
    // Characters before `start` mix in the bytes before the secret; after the last
    // whole group, the bytes after it.
    const start = [0, 2, 3][offset] as number;
    const end = Math.floor(padded.length / 3) * 4;
    fragments.push(text.slice(start, end));
  }
  return fragments.flatMap((f) => [f, f.replaceAll('+', '-').replaceAll('/', '_')]);
}

function asText(bytes: Bytes): string | null {
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    // Only text a person would type: a random key decoded as UTF-8 is not "its text".
    return /^[\p{L}\p{N}\p{P}\p{Zs}]+$/u.test(text) ? text : null;
  } catch {
    return null;
  }
}

export function encodingsOf(bytes: Bytes): string[] {
  const hex = toHex(bytes);
  const text = asText(bytes);
  return [...new Set([hex, hex.toUpperCase(), ...base64Fragments(bytes), ...(text === null ? [] : [text])])];
}

/** Each secret whose any encoding occurs in `text`, with where it was found. */
export function secretsIn(text: string, secrets: readonly NamedSecret[], where: string): string[] {
  const found: string[] = [];
  for (const secret of secrets) {
    for (const encoding of encodingsOf(secret.bytes)) {
      if (text.includes(encoding)) found.push(`${secret.name} (${encoding.slice(0, 8)}…) in ${where}`);
    }
  }
  return found;
}
