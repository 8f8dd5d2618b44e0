/**
 * What `urna record export` needs to make the record complete: the authority's
 * signed station manifest and its signed not-operated statements, checked against
 * the package before anything is written, and the stations the record still lacks.
 */
import {
  NOT_OPERATED_FILE,
  STATION_MANIFEST_FILE,
  verifyNotOperated,
  verifyStationManifest,
  type StationManifest,
} from '../../core/election/station-manifest';
import type { RecordElection } from '../../core/record/election';
import { CliError } from '../urna';
import { readJsonFileWithText, writeRecordFile } from './files';

export type ExportStationList = {
  readonly manifest: StationManifest;
  readonly manifestText: string;
  /** Station id → the statement file's text. */
  readonly notOperated: ReadonlyMap<string, string>;
};

export function readExportStationList(
  election: RecordElection,
  manifestFile: string,
  statementFiles: readonly string[],
): ExportStationList {
  const trust = { definition: election.definition, baseHash: election.baseHash };
  const manifestFileText = readJsonFileWithText(manifestFile);
  const manifest = verifyStationManifest(manifestFileText.json, trust);
  if (!manifest.ok)
    throw new CliError(`${manifestFile}: not a valid station manifest for this package: ${manifest.error}`);
  if (!manifest.value.final) {
    throw new CliError(
      `${manifestFile}: version ${manifest.value.manifestVersion} is not the authority's final station list; a record verifies only against the list signed with --final when the polls opened`,
    );
  }
  const notOperated = new Map<string, string>();
  for (const file of statementFiles) {
    const { text, json } = readJsonFileWithText(file);
    const statement = verifyNotOperated(json, trust);
    if (!statement.ok)
      throw new CliError(`${file}: not a valid not-operated statement for this package: ${statement.error}`);
    const { stationId } = statement.value;
    if (!manifest.value.stations.some((s) => s.stationId === stationId))
      throw new CliError(`${file}: station ${stationId} is not in the station manifest`);
    notOperated.set(stationId, text);
  }
  return { manifest: manifest.value, manifestText: manifestFileText.text, notOperated };
}

/** The listed stations the record must hold logs for, or refuses a station with logs that was declared not to operate. */
export function stationsToExport(
  list: ExportStationList,
  withLogs: readonly string[],
  warn: (message: string) => void,
): string[] {
  const listed = new Set(list.manifest.stations.map((s) => s.stationId as string));
  for (const stationId of withLogs) {
    if (!listed.has(stationId))
      warn(
        `station ${stationId} has logs but is not in the station manifest (version ${list.manifest.manifestVersion}); left out of the record`,
      );
    else if (list.notOperated.has(stationId))
      throw new CliError(
        `station ${stationId} has logs, yet the authority's statement says it did not operate; the record cannot hold both`,
      );
  }
  return withLogs.filter((id) => listed.has(id));
}

/** Writes station-manifest.json and the statements; returns the listed stations that have neither logs nor a statement. */
export function writeStationList(out: string, list: ExportStationList, exported: readonly string[]): string[] {
  writeRecordFile(out, STATION_MANIFEST_FILE, list.manifestText, { exclusive: true });
  for (const [stationId, text] of list.notOperated)
    writeRecordFile(out, `stations/${stationId}/${NOT_OPERATED_FILE}`, text, { exclusive: true });
  return list.manifest.stations
    .map((s) => s.stationId as string)
    .filter((id) => !exported.includes(id) && !list.notOperated.has(id));
}
