/**
 * The bulletin board as static files, made from an election record, so that
 * anyone can mirror it on any web server: the same paths and answers as a
 * validator's public GET API (`urna/v1/…`), for the page (or `urna lookup`) to
 * check exactly as it checks a validator. The record's checkpoints carry the
 * cosignatures of every validator that signed them, so one mirror's answer counts
 * them all.
 */
import { shortConfirmationCode } from '../api/ballot';
import { fromBase64Url, toBase64, utf8Encode } from '../encoding/bytes';
import type { PackageTrust } from '../election/package';
import { inclusionProof, leafHash, memoryTree } from '../ledger/merkle';
import { openCheckpoint } from '../ledger/checkpoint';
import { noteVerifierFromKey } from '../ledger/note';
import { replayBallotLog } from '../record/ballot-log';
import { describeRecordFailure } from '../record/failure';
import type { RecordSource } from '../record/verify';
import { splitEntryLines } from '../record/verify';
import { err, ok, type Result } from '../result';
import { confirmationAnswer, openBoardTrust } from './confirmation';

/** Path (inside the mirror, "/"-separated) → file text. */
export type MirrorFiles = Map<string, string>;

const json = (value: unknown): string => `${JSON.stringify(value)}\n`;

/**
 * The board's files for every station in `source`: the package, each station's
 * enrollment, the list of logs, and one confirmation answer per ballot under its
 * full code and its short code (a short code two ballots share gets no file: the
 * full code is needed, as a validator would say).
 */
export function boardMirrorFiles(source: RecordSource, trust: PackageTrust): Result<MirrorFiles, string> {
  const packageText = source.readText('election.json');
  if (packageText === undefined) return err('election.json: missing');
  let packageJson: unknown;
  try {
    packageJson = JSON.parse(packageText);
  } catch {
    return err('election.json: not JSON');
  }
  const files: MirrorFiles = new Map([['urna/v1/election', packageText]]);
  const logs: unknown[] = [];
  const byShort = new Map<string, string[]>();
  let electionId = '';

  for (const stationId of [...(source.list('stations') ?? [])].sort()) {
    const dir = `stations/${stationId}`;
    const enrollmentText = source.readText(`${dir}/enrollment.json`);
    const entriesText = source.readText(`${dir}/ballots/entries.jsonl`);
    const checkpoint = source.readText(`${dir}/ballots/checkpoint`);
    if (enrollmentText === undefined) continue; // a station that did not operate: its statement, no logs
    if (entriesText === undefined || checkpoint === undefined)
      return err(`${dir}: the ballot log or its checkpoint is missing`);
    const trusted = openBoardTrust(packageJson, JSON.parse(enrollmentText) as unknown, trust);
    if (!trusted.ok) return err(`${dir}: ${trusted.error}`);
    const { election, station } = trusted.value;
    electionId = election.definition.electionId;
    const lines = splitEntryLines(entriesText);
    if (!lines.ok) return err(`${dir}/ballots/entries.jsonl: ${lines.error}`);
    const replayed = replayBallotLog(election, station, lines.value, { requireClosed: false });
    if (!replayed.ok)
      return err(`${dir}: ${describeRecordFailure(replayed.error)} (run urna verify on the record first)`);
    const tree = memoryTree(lines.value.map((line) => leafHash(utf8Encode(line))));
    const verifier = noteVerifierFromKey(station.verifierKey);
    if (!verifier.ok) return err(`${dir}: the enrolled station key is not usable`);
    const opened = openCheckpoint(checkpoint, [verifier.value]);
    if (!opened.ok || opened.value.checkpoint.size !== tree.size)
      return err(`${dir}/ballots/checkpoint: not the station's checkpoint of these ${tree.size} entries`);

    for (const [ballotId, place] of replayed.value.places) {
      const entry = lines.value[place.index] as string;
      const resolution = place.resolvedIndex === null ? null : (lines.value[place.resolvedIndex] as string);
      const answer = confirmationAnswer(
        { stationId, ballotId, ...place },
        { entry, resolution },
        { size: tree.size, checkpoint, proof: (i) => inclusionProof(tree, i, tree.size) },
      );
      files.set(`urna/v1/confirmation/${place.code}`, json(answer));
      const short = shortConfirmationCode(fromBase64Url(place.code));
      byShort.set(short, [...(byShort.get(short) ?? []), place.code]);
    }
    files.set(`urna/v1/stations/${stationId}/enrollment`, enrollmentText);
    const pollbook = source.readText(`${dir}/pollbook/checkpoint`);
    const pollbookSize = pollbook === undefined ? null : openCheckpoint(pollbook, [verifier.value]);
    logs.push({
      stationId,
      log: 'ballots',
      size: tree.size,
      rootHash: toBase64(tree.root),
      polls: replayed.value.polls,
      frozenByEvidence: null,
    });
    if (pollbookSize?.ok === true)
      logs.push({
        stationId,
        log: 'pollbook',
        size: pollbookSize.value.checkpoint.size,
        polls: replayed.value.polls,
        frozenByEvidence: null,
      });
  }
  for (const [short, codes] of byShort) {
    if (codes.length === 1)
      files.set(`urna/v1/confirmation/${short}`, files.get(`urna/v1/confirmation/${codes[0] as string}`) as string);
  }
  files.set('urna/v1/logs', json({ electionId, logs }));
  files.set('urna/v1/health', json({ status: 'ok', mirror: true, electionId, logs: logs.length, evidence: 0 }));
  return ok(files);
}
