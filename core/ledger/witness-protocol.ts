/**
 * The wire formats between a station's sync client and a validator (docs/SPEC.md §4;
 * the validator API follows C2SP tlog-witness, plus an endpoint that
 * takes the new entries themselves). Both sides import this file, so they cannot
 * drift apart.
 *
 * C2SP tlog-witness add-checkpoint
 *   POST /add-checkpoint
 *     old <size>\n
 *     <base64 consistency-proof hash>\n      (0..63 lines)
 *     \n
 *     <signed checkpoint note>
 *   200  text/plain: the validator's cosignature line(s) over that checkpoint
 *   400  malformed   403 station signature does not verify / station equivocated
 *   404  unknown log 409 old size is not the validator's size (body `<size>\n`,
 *        Content-Type text/x.tlog.size), or a conflicting root for a known size
 *   422  the consistency proof does not verify, or the validator lacks the entries
 *
 * Urna entries
 *   POST /urna/v1/entries   application/json
 *     { "origin": …, "from": <first index>, "entries": [<canonical JSON entry>, …],
 *       "checkpoint": <signed checkpoint note for size from + entries.length> }
 *   200  { "origin", "size", "cosignature": <signature line>, "checkpoint": <cosigned note> }
 *   409  { "error": { "code", "message", "size": <validator's size> } }
 *   other refusals: { "error": { "code", "message", … } }
 */
import { toBase64 } from '../encoding/bytes';
import { err, ok, type Result } from '../result';
import { HASH_SIZE } from './merkle';
import { decodeBase64Strict } from './note';

export const ADD_CHECKPOINT_PATH = '/add-checkpoint';
export const ENTRIES_PATH = '/urna/v1/entries';
export const TLOG_SIZE_CONTENT_TYPE = 'text/x.tlog.size';
/** The tlog-witness spec's limit on consistency proof lines. */
export const MAX_PROOF_LINES = 63;

export type AddCheckpointRequest = { readonly oldSize: number; readonly proof: Uint8Array[]; readonly note: string };

export function formatAddCheckpointRequest(oldSize: number, proof: readonly Uint8Array[], note: string): string {
  return `old ${oldSize}\n${proof.map((h) => `${toBase64(h)}\n`).join('')}\n${note}`;
}

/** Parses an add-checkpoint body; the error is a sentence for the sender. */
export function parseAddCheckpointRequest(body: string): Result<AddCheckpointRequest, string> {
  let at = body.indexOf('\n');
  if (at < 0) return err('expected "old <size>" on the first line');
  const match = /^old (0|[1-9][0-9]{0,15})$/.exec(body.slice(0, at));
  if (match === null) return err('the first line must be "old <decimal size>"');
  const oldSize = Number(match[1]);
  if (!Number.isSafeInteger(oldSize)) return err('old size is too large');
  const proof: Uint8Array[] = [];
  for (;;) {
    const next = body.indexOf('\n', at + 1);
    if (next < 0) return err('expected an empty line before the checkpoint');
    const line = body.slice(at + 1, next);
    at = next;
    if (line === '') break;
    if (proof.length === MAX_PROOF_LINES) return err(`more than ${MAX_PROOF_LINES} consistency proof lines`);
    const hash = decodeBase64Strict(line);
    if (hash?.length !== HASH_SIZE) return err(`proof line ${proof.length + 1} is not base64 of a 32-byte hash`);
    proof.push(hash);
  }
  const note = body.slice(at + 1);
  if (note.length === 0) return err('the signed checkpoint is missing');
  return ok({ oldSize, proof, note });
}

/** Parses a 409 body of type text/x.tlog.size. */
export function parseTlogSize(body: string): number | undefined {
  const match = /^(0|[1-9][0-9]{0,15})\n$/.exec(body);
  if (match === null) return undefined;
  const size = Number(match[1]);
  return Number.isSafeInteger(size) ? size : undefined;
}

export type EntriesRequest = {
  readonly origin: string;
  readonly from: number;
  readonly entries: readonly string[];
  readonly checkpoint: string;
};

export type EntriesResponse = {
  readonly origin: string;
  readonly size: number;
  readonly cosignature: string;
  readonly checkpoint: string;
};

export type ErrorBody = {
  readonly error: {
    readonly code: string;
    readonly message: string;
    readonly size?: number;
    readonly [extra: string]: unknown;
  };
};
