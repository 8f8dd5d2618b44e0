/**
 * Assembling the record from several sources: each validator serves the station's
 * checkpoint with its own cosignature; the record keeps one note per log with the
 * station's signature first, then every validator's cosignature on that same body,
 * in the order the package lists the validators.
 */
import { parseCheckpoint } from '../ledger/checkpoint';
import { describeNoteError, formatNote, parseNote, type NoteSignature } from '../ledger/note';
import { err, ok, type Result } from '../result';

export type CheckpointCandidate = { readonly source: string; readonly note: string };

export type MergedCheckpoint = { readonly note: string; readonly size: number; readonly sources: readonly string[] };

/**
 * Picks the largest checkpoint among the candidates (all already verified as signed
 * by the station) and merges the signatures of every candidate with the same body.
 */
export function mergeCheckpoints(
  candidates: readonly CheckpointCandidate[],
  stationKeyName: string,
  validatorNames: readonly string[],
): Result<MergedCheckpoint, string> {
  const parsed: { source: string; text: string; size: number; signatures: readonly NoteSignature[] }[] = [];
  for (const candidate of candidates) {
    const note = parseNote(candidate.note);
    if (!note.ok) return err(`${candidate.source}: ${describeNoteError(note.error)}`);
    const checkpoint = parseCheckpoint(note.value.text);
    if (!checkpoint.ok) return err(`${candidate.source}: not a checkpoint`);
    parsed.push({
      source: candidate.source,
      text: note.value.text,
      size: checkpoint.value.size,
      signatures: note.value.signatures,
    });
  }
  const largest = parsed.reduce<(typeof parsed)[number] | undefined>(
    (best, p) => (best === undefined || p.size > best.size ? p : best),
    undefined,
  );
  if (largest === undefined) return err('no checkpoint');
  const same = parsed.filter((p) => p.text === largest.text);
  const seen = new Set<string>();
  const station: NoteSignature[] = [];
  const cosignatures = new Map<string, NoteSignature>();
  for (const p of same) {
    for (const sig of p.signatures) {
      const key = `${sig.name}+${sig.keyId}`;
      if (seen.has(key)) continue;
      seen.add(key);
      if (sig.name === stationKeyName) station.push(sig);
      else if (validatorNames.includes(sig.name) && !cosignatures.has(sig.name)) cosignatures.set(sig.name, sig);
    }
  }
  const ordered = validatorNames.flatMap((name) => {
    const sig = cosignatures.get(name);
    return sig === undefined ? [] : [sig];
  });
  return ok({
    note: formatNote({ text: largest.text, signatures: [...station, ...ordered] }),
    size: largest.size,
    sources: same.map((p) => p.source),
  });
}
