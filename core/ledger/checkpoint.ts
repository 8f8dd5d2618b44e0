/**
 * C2SP tlog-checkpoint bodies and Urna's origin lines.
 *
 *   urna/<election id>/<station id>/<ballots|pollbook>
 *   <tree size, decimal, no leading zeros>
 *   <root hash, standard base64>
 *   [extension lines, each non-empty]
 *
 * One station key signs both of its logs, so the station's key name is
 * `urna/<election id>/<station id>` rather than either origin line: the spec only
 * says the name SHOULD match the origin, and Urna gives a station a single
 * `station.vkey`.
 */
import { toBase64, type Bytes } from '../encoding/bytes';
import { ID_PATTERN, type ElectionId, type LogKind, type StationId } from '../ids';
import { err, ok, type Result } from '../result';
import { HASH_SIZE } from './merkle';
import {
  checkNoteText,
  decodeBase64Strict,
  describeNoteError,
  openNote,
  signNote,
  type NoteSigner,
  type NoteVerifier,
  type OpenedNote,
} from './note';

export type Checkpoint = {
  readonly origin: string;
  readonly size: number;
  readonly rootHash: Bytes;
  readonly extensions: readonly string[];
};

export type CheckpointError =
  | { readonly kind: 'malformed-checkpoint'; readonly reason: string }
  | { readonly kind: 'wrong-origin'; readonly expected: string; readonly actual: string }
  | { readonly kind: 'note'; readonly reason: string };

export function describeCheckpointError(error: CheckpointError): string {
  switch (error.kind) {
    case 'malformed-checkpoint':
      return `malformed checkpoint: ${error.reason}`;
    case 'wrong-origin':
      return `checkpoint origin is ${JSON.stringify(error.actual)}, expected ${JSON.stringify(error.expected)}`;
    case 'note':
      return `checkpoint note: ${error.reason}`;
  }
}

export type StationLogOrigin = {
  readonly electionId: ElectionId;
  readonly stationId: StationId;
  readonly log: LogKind;
};

/** The station key's name: shared by its two logs. */
export function stationKeyName(electionId: ElectionId, stationId: StationId): string {
  assertId(electionId, 'election id');
  assertId(stationId, 'station id');
  return `urna/${electionId}/${stationId}`;
}

export function stationOrigin(electionId: ElectionId, stationId: StationId, log: LogKind): string {
  return `${stationKeyName(electionId, stationId)}/${log}`;
}

export function parseStationOrigin(origin: string): StationLogOrigin | undefined {
  const parts = origin.split('/');
  if (parts.length !== 4 || parts[0] !== 'urna') return undefined;
  const [, electionId, stationId, log] = parts as [string, string, string, string];
  if (!ID_PATTERN.test(electionId) || !ID_PATTERN.test(stationId)) return undefined;
  if (log !== 'ballots' && log !== 'pollbook') return undefined;
  return { electionId: electionId as ElectionId, stationId: stationId as StationId, log };
}

function assertId(id: string, what: string): void {
  if (!ID_PATTERN.test(id)) throw new Error(`${what} ${JSON.stringify(id)} does not match ${String(ID_PATTERN)}`);
}

function malformed(reason: string): Result<never, CheckpointError> {
  return err({ kind: 'malformed-checkpoint', reason });
}

/** The checkpoint body (signed-note text), ending in a newline. */
export function formatCheckpoint(checkpoint: Checkpoint): string {
  if (checkpoint.origin.length === 0 || checkpoint.origin.includes('\n'))
    throw new Error('origin must be one non-empty line');
  if (!Number.isSafeInteger(checkpoint.size) || checkpoint.size < 0)
    throw new Error('tree size must be a non-negative safe integer');
  if (checkpoint.rootHash.length !== HASH_SIZE) throw new Error('root hash must be 32 bytes');
  for (const line of checkpoint.extensions) {
    if (line.length === 0 || line.includes('\n')) throw new Error('extension lines must be single non-empty lines');
  }
  const lines = [checkpoint.origin, String(checkpoint.size), toBase64(checkpoint.rootHash), ...checkpoint.extensions];
  const text = `${lines.join('\n')}\n`;
  const checked = checkNoteText(text);
  if (!checked.ok) throw new Error(describeNoteError(checked.error));
  return text;
}

/** Parses a checkpoint body strictly. */
export function parseCheckpoint(text: string): Result<Checkpoint, CheckpointError> {
  const checked = checkNoteText(text);
  if (!checked.ok) return malformed(describeNoteError(checked.error));
  const lines = text.slice(0, -1).split('\n');
  if (lines.length < 3) return malformed('a checkpoint has at least three lines');
  const [origin, sizeLine, rootLine, ...extensions] = lines as [string, string, string, ...string[]];
  if (origin.length === 0) return malformed('origin line is empty');
  if (!/^(0|[1-9][0-9]*)$/.test(sizeLine)) return malformed('tree size is not a decimal without leading zeros');
  const size = Number(sizeLine);
  if (!Number.isSafeInteger(size)) return malformed('tree size is too large');
  const rootHash = decodeBase64Strict(rootLine);
  if (rootHash === undefined || rootHash.length !== HASH_SIZE) return malformed('root hash is not base64 of 32 bytes');
  if (extensions.some((line) => line.length === 0)) return malformed('extension lines must be non-empty');
  return ok({ origin, size, rootHash, extensions });
}

/** Signs a checkpoint as a note with the given signer (the station). */
export function signCheckpoint(checkpoint: Checkpoint, signer: NoteSigner): string {
  return signNote(formatCheckpoint(checkpoint), [signer]);
}

export type OpenedCheckpoint = { readonly checkpoint: Checkpoint; readonly note: OpenedNote };

/**
 * Verifies a signed checkpoint: note signatures per signed-note rules, a strict
 * body, and (when given) the origin line the caller expects.
 */
export function openCheckpoint(
  noteText: string | Bytes,
  verifiers: readonly NoteVerifier[],
  expectedOrigin?: string,
): Result<OpenedCheckpoint, CheckpointError> {
  const note = openNote(noteText, verifiers);
  if (!note.ok) return err({ kind: 'note', reason: describeNoteError(note.error) });
  const checkpoint = parseCheckpoint(note.value.text);
  if (!checkpoint.ok) return checkpoint;
  if (expectedOrigin !== undefined && checkpoint.value.origin !== expectedOrigin) {
    return err({ kind: 'wrong-origin', expected: expectedOrigin, actual: checkpoint.value.origin });
  }
  return ok({ checkpoint: checkpoint.value, note: note.value });
}
