/**
 * The authority's signed list of the election's stations, and its signed statement
 * that a listed station did not operate. Without them a record that simply leaves a
 * station out verifies, and the results silently drop that station's ballots.
 *
 * The manifest lives beside the package (station-manifest.json in the record root),
 * not inside it: stations are enrolled after the package is signed and the key
 * ceremony held, and the list may grow (a new manifestVersion) until the polls open.
 * It is bound to the package by the election id and base hash.
 *
 * Only a list the authority signs as final (`final yes`, signed once, when the polls
 * open) makes a record verifiable. Without that mark an earlier, shorter version, as
 * validly signed as the last one, would let a record leave out a station enrolled
 * after it: every earlier version says `final no`, and verifiers refuse it.
 *
 * station-manifest.json: { "format": "urna/station-manifest/v1", "note": "<signed note>" },
 * the note's text being
 *   urna/station-manifest/v1
 *   election <election id>
 *   base <base64url of the package's base hash>
 *   version <manifestVersion, an integer ≥ 1>
 *   final <yes | no>     (yes: the authority's last list, signed when the polls open)
 *   station <station id> <precinct id> <station verifier key>     (one line per station, by id)
 *
 * stations/<id>/not-operated.json: { "format": "urna/station-not-operated/v1", "note": "…" },
 * the note's text being
 *   urna/station-not-operated/v1
 *   election <election id>
 *   base <base64url of the base hash>
 *   station <station id>
 *
 * Both are signed by the authority key the package pins. The note is the only source
 * of the fields, so a file cannot say one thing and sign another.
 */
import { toBase64Url, type Bytes } from '../encoding/bytes';
import { ID_PATTERN, type ElectionId, type PrecinctId, type StationId } from '../ids';
import {
  describeNoteError,
  noteVerifierFromKey,
  openNote,
  parseVerifierKey,
  signNote,
  type NoteSigner,
} from '../ledger/note';
import { err, ok, type Result } from '../result';
import type { ElectionDefinition } from './definition';

export const STATION_MANIFEST_FORMAT = 'urna/station-manifest/v1';
export const STATION_NOT_OPERATED_FORMAT = 'urna/station-not-operated/v1';
/** Where the record keeps them. */
export const STATION_MANIFEST_FILE = 'station-manifest.json';
export const NOT_OPERATED_FILE = 'not-operated.json';

export type ListedStation = {
  readonly stationId: StationId;
  readonly precinctId: PrecinctId;
  readonly verifierKey: string;
};

export type StationManifest = {
  readonly electionId: ElectionId;
  /** base64url of the package's base hash. */
  readonly baseHash: string;
  readonly manifestVersion: number;
  /** The authority's last list, signed when the polls open; only it makes a record verifiable. */
  readonly final: boolean;
  /** Sorted by station id, no id twice. */
  readonly stations: readonly ListedStation[];
};

export type NotOperatedStatement = {
  readonly electionId: ElectionId;
  readonly baseHash: string;
  readonly stationId: StationId;
};

export type SignedStationFile = { readonly format: string; readonly note: string };

/** What the package fixes: the election, its base hash and the authority's key. */
export type ManifestTrust = { readonly definition: ElectionDefinition; readonly baseHash: Bytes };

function manifestText(manifest: StationManifest): string {
  return (
    `${STATION_MANIFEST_FORMAT}\nelection ${manifest.electionId}\nbase ${manifest.baseHash}\nversion ${manifest.manifestVersion}\nfinal ${manifest.final ? 'yes' : 'no'}\n` +
    manifest.stations.map((s) => `station ${s.stationId} ${s.precinctId} ${s.verifierKey}\n`).join('')
  );
}

function notOperatedText(statement: NotOperatedStatement): string {
  return `${STATION_NOT_OPERATED_FORMAT}\nelection ${statement.electionId}\nbase ${statement.baseHash}\nstation ${statement.stationId}\n`;
}

/** Every rule a manifest must keep, whether about to be signed or just read. */
function checkManifest(manifest: StationManifest, trust: ManifestTrust): string | undefined {
  if (manifest.electionId !== trust.definition.electionId)
    return `it is for election ${manifest.electionId}, not ${trust.definition.electionId}`;
  if (manifest.baseHash !== toBase64Url(trust.baseHash)) return "its base hash is not this election package's";
  if (!Number.isSafeInteger(manifest.manifestVersion) || manifest.manifestVersion < 1)
    return `manifestVersion ${manifest.manifestVersion} is not an integer ≥ 1`;
  if (manifest.stations.length === 0) return 'it lists no station';
  let previous: string | undefined;
  for (const s of manifest.stations) {
    if (!ID_PATTERN.test(s.stationId)) return `"${s.stationId}" is not a station id`;
    if (previous !== undefined && s.stationId <= previous)
      return `station ${s.stationId} is listed twice or out of order`;
    previous = s.stationId;
    if (!trust.definition.precincts.some((p) => p.id === s.precinctId))
      return `station ${s.stationId}: precinct ${s.precinctId} is not in the election`;
    const key = parseVerifierKey(s.verifierKey);
    if (!key.ok) return `station ${s.stationId}: ${describeNoteError(key.error)}`;
  }
  return undefined;
}

/**
 * The authority signs the list for the package in `trust`; stations are sorted by id
 * here so the caller cannot get the order wrong.
 */
export function signStationManifest(
  list: { readonly manifestVersion: number; readonly final: boolean; readonly stations: readonly ListedStation[] },
  authority: NoteSigner,
  trust: ManifestTrust,
): Result<SignedStationFile, string> {
  const sorted: StationManifest = {
    electionId: trust.definition.electionId,
    baseHash: toBase64Url(trust.baseHash),
    manifestVersion: list.manifestVersion,
    final: list.final,
    stations: [...list.stations].sort((a, b) => (a.stationId < b.stationId ? -1 : a.stationId > b.stationId ? 1 : 0)),
  };
  const problem = checkManifest(sorted, trust);
  if (problem !== undefined) return err(problem);
  return ok({ format: STATION_MANIFEST_FORMAT, note: signNote(manifestText(sorted), [authority]) });
}

export function signNotOperated(
  stationId: StationId,
  authority: NoteSigner,
  trust: ManifestTrust,
): Result<SignedStationFile, string> {
  if (!ID_PATTERN.test(stationId)) return err(`"${stationId}" is not a station id`);
  const statement = { electionId: trust.definition.electionId, baseHash: toBase64Url(trust.baseHash), stationId };
  return ok({ format: STATION_NOT_OPERATED_FORMAT, note: signNote(notOperatedText(statement), [authority]) });
}

/** The signed text of a { format, note } file, verified under the package's authority key. */
function openSignedFile(input: unknown, format: string, trust: ManifestTrust): Result<string[], string> {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) return err('not a JSON object');
  const file = input as Record<string, unknown>;
  const unknown = Object.keys(file).filter((k) => k !== 'format' && k !== 'note');
  if (unknown.length > 0) return err(`unknown field(s): ${unknown.join(', ')}`);
  if (file.format !== format) return err(`format is ${JSON.stringify(file.format)}, expected "${format}"`);
  if (typeof file.note !== 'string' || file.note === '') return err('no signed note');
  const verifier = noteVerifierFromKey(trust.definition.authority.verifierKey);
  if (!verifier.ok) return err(`the package's authority key: ${describeNoteError(verifier.error)}`);
  const opened = openNote(file.note, [verifier.value]);
  if (!opened.ok) return err(`not signed by the election authority: ${describeNoteError(opened.error)}`);
  const lines = opened.value.text.split('\n');
  if (lines[0] !== format || lines.at(-1) !== '') return err('the signed text is not a ' + format);
  return ok(lines.slice(1, -1));
}

function field(line: string | undefined, name: string): string | undefined {
  return line?.startsWith(`${name} `) === true ? line.slice(name.length + 1) : undefined;
}

/** What validators and verifiers run on station-manifest.json. */
export function verifyStationManifest(input: unknown, trust: ManifestTrust): Result<StationManifest, string> {
  const lines = openSignedFile(input, STATION_MANIFEST_FORMAT, trust);
  if (!lines.ok) return lines;
  const [electionLine, baseLine, versionLine, finalLine, ...stationLines] = lines.value;
  const electionId = field(electionLine, 'election');
  const baseHash = field(baseLine, 'base');
  const version = field(versionLine, 'version');
  const final = field(finalLine, 'final');
  if (
    electionId === undefined ||
    baseHash === undefined ||
    version === undefined ||
    !/^[1-9][0-9]{0,14}$/.test(version) ||
    (final !== 'yes' && final !== 'no')
  ) {
    return err('the signed text is malformed (election, base, version, final lines)');
  }
  const stations: ListedStation[] = [];
  for (const line of stationLines) {
    const parts = field(line, 'station')?.split(' ');
    if (parts?.length !== 3) return err(`malformed station line: ${JSON.stringify(line)}`);
    const [stationId, precinctId, verifierKey] = parts as [string, string, string];
    stations.push({ stationId: stationId as StationId, precinctId: precinctId as PrecinctId, verifierKey });
  }
  const manifest: StationManifest = {
    electionId: electionId as ElectionId,
    baseHash,
    manifestVersion: Number(version),
    final: final === 'yes',
    stations,
  };
  const problem = checkManifest(manifest, trust);
  return problem === undefined ? ok(manifest) : err(problem);
}

/** What verifiers run on stations/<id>/not-operated.json. */
export function verifyNotOperated(input: unknown, trust: ManifestTrust): Result<NotOperatedStatement, string> {
  const lines = openSignedFile(input, STATION_NOT_OPERATED_FORMAT, trust);
  if (!lines.ok) return lines;
  if (lines.value.length !== 3) return err('the signed text is malformed');
  const electionId = field(lines.value[0], 'election');
  const baseHash = field(lines.value[1], 'base');
  const stationId = field(lines.value[2], 'station');
  if (electionId === undefined || baseHash === undefined || stationId === undefined)
    return err('the signed text is malformed');
  if (electionId !== trust.definition.electionId)
    return err(`it is for election ${electionId}, not ${trust.definition.electionId}`);
  if (baseHash !== toBase64Url(trust.baseHash)) return err("its base hash is not this election package's");
  return ok({ electionId: electionId as ElectionId, baseHash, stationId: stationId as StationId });
}
