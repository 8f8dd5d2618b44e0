/**
 * A validator configured with the authority's station manifest (config
 * "stationManifest") cosigns only the stations it lists: an enrolled station that is
 * not listed is refused with `station-not-listed`, so a station enrolled outside the
 * published list cannot get a cosigned log. A listed station must be enrolled with the
 * same key and precinct as the manifest says, or the validator does not start.
 */
import { readFileSync } from 'node:fs';
import { electionBaseHash } from '../core/election/package';
import { verifyStationManifest } from '../core/election/station-manifest';
import type { StationId } from '../core/ids';
import { err, ok, type Result } from '../core/result';
import type { EnrolledStation, TrustError, ValidatorElection } from './election';

export function applyStationManifest(
  election: ValidatorElection,
  manifestJson: unknown,
  source: string,
): Result<ValidatorElection, TrustError> {
  const what = `station manifest ${source}`;
  const manifest = verifyStationManifest(manifestJson, {
    definition: election.definition,
    baseHash: electionBaseHash(election.definition),
  });
  if (!manifest.ok) return err({ what, message: manifest.error });
  const listed = new Map<StationId, EnrolledStation>();
  for (const s of manifest.value.stations) {
    const enrolled = election.stations.get(s.stationId);
    // A listed station without an enrollment here is refused as not enrolled, as before.
    if (enrolled === undefined) continue;
    if (enrolled.verifierKey !== s.verifierKey || enrolled.precinctId !== s.precinctId) {
      return err({
        what,
        message: `station ${s.stationId} is listed with another key or precinct than its enrollment`,
      });
    }
    listed.set(s.stationId, enrolled);
  }
  const unlisted = new Set([...election.stations.keys()].filter((id) => !listed.has(id)));
  return ok({ ...election, stations: listed, unlisted, stationManifestVersion: manifest.value.manifestVersion });
}

/** Reads the manifest file named in the config and applies it. */
export function loadStationManifest(election: ValidatorElection, file: string): Result<ValidatorElection, TrustError> {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    return err({ what: `station manifest ${file}`, message: error instanceof Error ? error.message : String(error) });
  }
  return applyStationManifest(election, json, file);
}
