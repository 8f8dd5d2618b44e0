/**
 * `urna station …`: the authority's side of setting up a station.
 *
 *   enroll            sign (station id, precinct, station verifier key) for this election
 *   check-enrollment  what validators and verifiers run on an enrollment.json
 *   pin-authority     provisioning: pin the election authority's key in a station data dir
 *   manifest          sign the election's station list (station-manifest.ts)
 *   not-operated      sign the statement that a listed station did not operate
 */
import path from 'node:path';
import type { Command } from 'commander';
import type { PrecinctId, StationId } from '../../core/ids';
import { enrollStation, verifyStationEnrollment } from '../../core/election/enrollment';
import { parseJsonFile, readElectionPackage, type VerifiedElectionPackage } from '../../core/election/package';
import { pinAuthorityKey } from '../../main/election/election-store';
import { CliError } from '../urna';
import { cliLanguage, printErrors, readFileBytes, readSignerKeyFile, readVerifierKeyFile, writeNewFile } from './election';
import { registerManifestCommands } from './station-manifest';

type LangOption = { lang?: string };

/** A package checked against the authority key it names (the CLI has no pinned key). */
export function readPackage(file: string, lang: LangOption['lang']): VerifiedElectionPackage {
  const verified = readElectionPackage(readFileBytes(file), { authorityKey: 'self' });
  if (!verified.ok) {
    printErrors(verified.error, cliLanguage(lang));
    throw new CliError(`${file}: not a valid election package`);
  }
  return verified.value;
}


type EnrollOptions = LangOption & { key: string; station: string; precinct: string; stationVkey: string; out: string; election: string };

function enrollCommand(options: EnrollOptions): void {
  const language = cliLanguage(options.lang);
  const pkg = readPackage(options.election, options.lang);
  const authority = readSignerKeyFile(options.key);
  const enrolled = enrollStation(
    {
      electionId: pkg.definition.electionId,
      stationId: options.station as StationId,
      precinctId: options.precinct as PrecinctId,
      stationVerifierKey: readVerifierKeyFile(options.stationVkey, "the station's verifier key"),
    },
    authority,
    pkg.definition,
  );
  if (!enrolled.ok) {
    printErrors(enrolled.error, language);
    throw new CliError(language === 'ru' ? 'станция не зарегистрирована' : 'station not enrolled');
  }
  // The authority must be the one the package names, or nobody will accept the enrollment.
  const check = verifyStationEnrollment(enrolled.value, { authorityKey: pkg.definition.authority.verifierKey, definition: pkg.definition });
  if (!check.ok) {
    printErrors(check.error, language);
    throw new CliError(`${options.key} is not the authority key named in ${options.election}`);
  }
  writeNewFile(options.out, `${JSON.stringify(enrolled.value, null, 2)}\n`);
  process.stdout.write(`${options.out}: station ${options.station} enrolled for precinct ${options.precinct} of ${pkg.definition.electionId}\n`);
}

function checkEnrollmentCommand(file: string, options: LangOption & { election: string }): void {
  const language = cliLanguage(options.lang);
  const pkg = readPackage(options.election, options.lang);
  const json = parseJsonFile(readFileBytes(file));
  const checked = json.ok ? verifyStationEnrollment(json.value, { authorityKey: pkg.definition.authority.verifierKey, definition: pkg.definition }) : json;
  if (!checked.ok) {
    printErrors(checked.error, language);
    throw new CliError(language === 'ru' ? 'регистрация станции недействительна' : 'enrollment is not valid');
  }
  const e = checked.value;
  process.stdout.write(`${file}: station ${e.stationId}, precinct ${e.precinctId}, election ${e.electionId}, key ${e.stationVerifierKey}\n`);
}

function pinAuthorityCommand(options: LangOption & { dataDir: string; key: string }): void {
  const pinned = pinAuthorityKey(path.resolve(options.dataDir), readVerifierKeyFile(options.key, "the election authority's verifier key"));
  if (!pinned.ok) {
    printErrors(pinned.error, cliLanguage(options.lang));
    throw new CliError('authority key not pinned');
  }
  process.stdout.write(`election authority key pinned in ${options.dataDir}\n`);
}

export function register(program: Command): void {
  const station = program.command('station').description('station enrollment and provisioning');
  station
    .command('enroll')
    .description("sign a station's enrollment: station id, precinct and station verifier key, for one election")
    .requiredOption('--key <file>', "the election authority's signing key")
    .requiredOption('--station <id>', 'station id')
    .requiredOption('--precinct <id>', 'precinct id (must exist in the election)')
    .requiredOption('--station-vkey <file>', "the station's verifier key (station.vkey)")
    .requiredOption('--out <file>', 'enrollment file to create (enrollment.json)')
    .option('--election <file>', 'the signed election package', 'election.json')
    .option('--lang <ru|en>', 'language of the messages')
    .action((options: EnrollOptions) => enrollCommand(options));
  station
    .command('check-enrollment')
    .description("verify a station's enrollment against the election package")
    .argument('<file>', 'enrollment.json')
    .option('--election <file>', 'the signed election package', 'election.json')
    .option('--lang <ru|en>', 'language of the messages')
    .action((file: string, options: LangOption & { election: string }) => checkEnrollmentCommand(file, options));
  station
    .command('pin-authority')
    .description("provisioning: pin the election authority's verifier key in the station's data directory")
    .requiredOption('--data-dir <dir>', "the station's data directory")
    .requiredOption('--key <vkey-file>', "the authority's verifier key file")
    .option('--lang <ru|en>', 'language of the messages')
    .action((options: LangOption & { dataDir: string; key: string }) => pinAuthorityCommand(options));
  registerManifestCommands(station);
}
