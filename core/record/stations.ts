/**
 * Record completeness: which stations the record must hold. The answer comes from
 * the authority's signed station manifest, never from the folders that happen to be
 * under stations/: every listed station has its closed, cosigned logs in the record
 * or the authority's signed statement that it did not operate, and no folder holds a
 * station the manifest does not list.
 */
import {
  NOT_OPERATED_FILE,
  STATION_MANIFEST_FILE,
  verifyNotOperated,
  verifyStationManifest,
  type ListedStation,
  type StationManifest,
} from '../election/station-manifest';
import { err, ok, type Result } from '../result';
import type { RecordElection, RecordStation } from './election';
import type { RecordFailure } from './failure';
import type { RecordSource } from './verify';

export type RecordStations = {
  readonly manifest: StationManifest;
  /** Listed stations whose logs the record holds, by id. */
  readonly operating: readonly string[];
  /** Listed stations the authority signed did not operate, by id. */
  readonly notOperated: readonly string[];
};

function readJson(source: RecordSource, file: string): Result<unknown, string> {
  const text = source.readText(file);
  if (text === undefined) return err('missing');
  try {
    return ok(JSON.parse(text) as unknown);
  } catch (error) {
    return err(`not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Reads and verifies station-manifest.json against the verified package. */
export function openRecordStationManifest(
  source: RecordSource,
  election: RecordElection,
): Result<StationManifest, RecordFailure> {
  const json = readJson(source, STATION_MANIFEST_FILE);
  const manifest = json.ok
    ? verifyStationManifest(json.value, { definition: election.definition, baseHash: election.baseHash })
    : json;
  if (!manifest.ok) return err({ check: 'station-manifest', file: STATION_MANIFEST_FILE, message: manifest.error });
  if (!manifest.value.final) {
    return err({
      check: 'station-manifest',
      file: STATION_MANIFEST_FILE,
      message: `version ${manifest.value.manifestVersion} is not the authority's final station list (final no); a record is checked only against the list signed as final when the polls opened, so an earlier, shorter list cannot leave a station out`,
    });
  }
  return manifest;
}

/** The stations the record must verify, or the first station that is missing, unlisted or wrongly declared absent. */
export function checkRecordStations(
  source: RecordSource,
  election: RecordElection,
): Result<RecordStations, RecordFailure> {
  const manifest = openRecordStationManifest(source, election);
  if (!manifest.ok) return manifest;
  const listed = new Set(manifest.value.stations.map((s) => s.stationId as string));
  const folders = [...(source.list('stations') ?? [])].sort();
  for (const folder of folders) {
    if (!listed.has(folder)) {
      return err({
        check: 'station-not-listed',
        stationId: folder,
        file: `stations/${folder}/`,
        message: `station ${folder} is not in the authority's station manifest (version ${manifest.value.manifestVersion})`,
      });
    }
  }
  const present = new Set(folders);
  const operating: string[] = [];
  const notOperated: string[] = [];
  for (const { stationId } of manifest.value.stations) {
    const dir = `stations/${stationId}`;
    if (!present.has(stationId)) {
      return err({
        check: 'station-missing',
        stationId,
        file: `${dir}/`,
        message: `station ${stationId} is in the authority's station manifest, but the record holds neither its logs nor the authority's statement that it did not operate (${dir}/${NOT_OPERATED_FILE})`,
      });
    }
    const statementFile = `${dir}/${NOT_OPERATED_FILE}`;
    if (source.readText(statementFile) === undefined) {
      operating.push(stationId);
      continue;
    }
    const where = { check: 'station-not-operated' as const, stationId, file: statementFile };
    const json = readJson(source, statementFile);
    const statement = json.ok
      ? verifyNotOperated(json.value, { definition: election.definition, baseHash: election.baseHash })
      : json;
    if (!statement.ok) return err({ ...where, message: statement.error });
    if (statement.value.stationId !== stationId)
      return err({ ...where, message: `the statement is about station ${statement.value.stationId}` });
    const others = (source.list(dir) ?? []).filter((name) => name !== NOT_OPERATED_FILE);
    if (others.length > 0)
      return err({
        ...where,
        message: `the station is declared not to have operated, yet its folder holds ${others.sort().join(', ')}`,
      });
    notOperated.push(stationId);
  }
  return ok({ manifest: manifest.value, operating, notOperated });
}

/** A verified station's enrollment must be the one the manifest lists (same key, same precinct). */
export function checkListedEnrollment(manifest: StationManifest, station: RecordStation): RecordFailure | undefined {
  const listed: ListedStation | undefined = manifest.stations.find((s) => s.stationId === station.stationId);
  const where = { check: 'station-manifest' as const, stationId: station.stationId, file: STATION_MANIFEST_FILE };
  if (listed === undefined) return { ...where, message: `station ${station.stationId} is not listed` };
  if (listed.verifierKey !== station.verifierKey)
    return { ...where, message: `the manifest lists another key for station ${station.stationId} than its enrollment` };
  if (listed.precinctId !== station.precinctId)
    return {
      ...where,
      message: `the manifest puts station ${station.stationId} in precinct ${listed.precinctId}, its enrollment in ${station.precinctId}`,
    };
  return undefined;
}
