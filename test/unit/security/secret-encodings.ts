/**
 * How a secret could show up in a file, a log line or a page: its bytes as hex
 * (either case), base64 (padded or not) and base64url. The secret-leak tests
 * look for every one of these forms of every secret of a run.
 */
import { toBase64, toBase64Url, toHex, type Bytes } from '../../../core/encoding/bytes';

export type NamedSecret = { readonly name: string; readonly bytes: Bytes };

export function encodingsOf(bytes: Bytes): string[] {
  const hex = toHex(bytes);
  const base64 = toBase64(bytes);
  return [...new Set([hex, hex.toUpperCase(), base64, base64.replace(/=+$/, ''), toBase64Url(bytes)])];
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
