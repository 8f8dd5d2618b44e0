/**
 * `urna station manifest` and `urna station not-operated`: the authority's signed
 * list of the election's stations, and its signed statement that a listed station
 * did not operate (core/election/station-manifest.ts). Registered under `urna station`.
 */
import type { Command } from 'commander';
import { verifyStationEnrollment } from '../../core/election/enrollment';
import { describeElectionErrors } from '../../core/election/errors';
import { parseJsonFile } from '../../core/election/package';
import {
  signNotOperated,
  signStationManifest,
  verifyStationManifest,
  type ListedStation,
} from '../../core/election/station-manifest';
import type { StationId } from '../../core/ids';
import { readEnrollmentFiles } from '../../validator/config';
import { CliError } from '../urna';
import { readFileBytes, readSignerKeyFile, writeNewFile } from './election';
import { readPackage } from './station';

type ManifestOptions = {
  key: string;
  election: string;
  enrollments: string[];
  manifestVersion: string;
  final?: boolean;
  out: string;
};

function manifestCommand(options: ManifestOptions): void {
  const pkg = readPackage(options.election, undefined);
  const version = /^[1-9][0-9]{0,14}$/.test(options.manifestVersion) ? Number(options.manifestVersion) : NaN;
  if (Number.isNaN(version))
    throw new CliError(`--manifest-version ${options.manifestVersion}: an integer ≥ 1 is needed`);
  const files = readEnrollmentFiles(options.enrollments);
  if (!files.ok) throw new CliError(files.error);
  const stations = new Map<string, ListedStation>();
  for (const { source, json } of files.value) {
    const enrollment = verifyStationEnrollment(json, {
      authorityKey: pkg.definition.authority.verifierKey,
      definition: pkg.definition,
    });
    if (!enrollment.ok) throw new CliError(`${source}: ${describeElectionErrors(enrollment.error, 'en')}`);
    const e = enrollment.value;
    const earlier = stations.get(e.stationId);
    if (
      earlier !== undefined &&
      (earlier.verifierKey !== e.stationVerifierKey || earlier.precinctId !== e.precinctId)
    ) {
      throw new CliError(`station ${e.stationId} is enrolled twice, with different keys or precincts (${source})`);
    }
    stations.set(e.stationId, { stationId: e.stationId, precinctId: e.precinctId, verifierKey: e.stationVerifierKey });
  }
  const signed = signStationManifest(
    { manifestVersion: version, final: options.final === true, stations: [...stations.values()] },
    readSignerKeyFile(options.key),
    pkg,
  );
  if (!signed.ok) throw new CliError(`station manifest not signed: ${signed.error}`);
  // Signed by the key the package names, or nobody will accept it.
  const check = verifyStationManifest(signed.value, pkg);
  if (!check.ok)
    throw new CliError(`${options.key} is not the authority key named in ${options.election}: ${check.error}`);
  writeNewFile(options.out, `${JSON.stringify(signed.value, null, 2)}\n`);
  const kind = options.final === true ? 'final station manifest' : 'station manifest';
  const after =
    options.final === true
      ? ''
      : ' (not final: records verify only against the list signed with --final when the polls open)';
  process.stdout.write(
    `${options.out}: ${kind} version ${version} of ${pkg.definition.electionId}, ${stations.size} station(s): ${[...stations.keys()].sort().join(', ')}${after}\n`,
  );
}

type NotOperatedOptions = { key: string; election: string; station: string; stationManifest?: string; out: string };

function notOperatedCommand(options: NotOperatedOptions): void {
  const pkg = readPackage(options.election, undefined);
  if (options.stationManifest !== undefined) {
    const json = parseJsonFile(readFileBytes(options.stationManifest));
    const manifest = json.ok ? verifyStationManifest(json.value, pkg) : undefined;
    if (manifest === undefined || !manifest.ok)
      throw new CliError(
        `${options.stationManifest}: not a valid station manifest${manifest === undefined ? '' : `: ${manifest.error}`}`,
      );
    if (!manifest.value.stations.some((s) => s.stationId === options.station)) {
      throw new CliError(
        `station ${options.station} is not in ${options.stationManifest}; a statement about it would mean nothing`,
      );
    }
  }
  const signed = signNotOperated(options.station as StationId, readSignerKeyFile(options.key), pkg);
  if (!signed.ok) throw new CliError(signed.error);
  writeNewFile(options.out, `${JSON.stringify(signed.value, null, 2)}\n`);
  process.stdout.write(
    `${options.out}: the authority states that station ${options.station} did not operate in ${pkg.definition.electionId}\n`,
  );
}

export function registerManifestCommands(station: Command): void {
  station
    .command('manifest')
    .description(
      "sign the election's station list (station-manifest.json) from the stations' enrollments; a later --manifest-version may add stations until polls open",
    )
    .requiredOption('--key <file>', "the election authority's signing key")
    .requiredOption('--enrollments <paths...>', 'enrollment files, or folders of them')
    .requiredOption('--manifest-version <n>', 'version of this list (an integer ≥ 1; raise it for every new list)')
    .option(
      '--final',
      "the authority's last list, signed once when the polls open; only a final list makes a record verifiable",
    )
    .requiredOption('--out <file>', 'station manifest to create (station-manifest.json)')
    .option('--election <file>', 'the signed election package', 'election.json')
    .action((options: ManifestOptions) => manifestCommand(options));
  station
    .command('not-operated')
    .description(
      "sign the authority's statement that a listed station did not operate (the record's stations/<id>/not-operated.json)",
    )
    .requiredOption('--key <file>', "the election authority's signing key")
    .requiredOption('--station <id>', 'station id')
    .requiredOption('--out <file>', 'statement to create (not-operated.json)')
    .option('--station-manifest <file>', 'refuse a station this manifest does not list')
    .option('--election <file>', 'the signed election package', 'election.json')
    .action((options: NotOperatedOptions) => notOperatedCommand(options));
}
