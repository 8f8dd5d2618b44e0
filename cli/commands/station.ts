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
import { ID_PATTERN } from '../../core/ids';
import { pollBookKeyId } from '../../core/election/pollbook';
import { loadElectionPackage, pinAuthorityKey } from '../../main/election/election-store';
import { describeIdentityError, loadStationIdentity } from '../../main/station/identity';
import { provisionStation, StationStartError } from '../../main/station/open-station';
import { provisionPollBookKey } from '../../main/station/pollbook';
import { readPollBookKeyFile } from './election-configure';
import { LANG_OPTION_HELP } from '../help';
import { CliError } from '../urna';
import {
  cliLanguage,
  printErrors,
  readFileBytes,
  readSignerKeyFile,
  readVerifierKeyFile,
  writeNewFile,
} from './election';
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

type EnrollOptions = LangOption & {
  key: string;
  station: string;
  precinct: string;
  stationVkey: string;
  out: string;
  election: string;
};

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
  const check = verifyStationEnrollment(enrolled.value, {
    authorityKey: pkg.definition.authority.verifierKey,
    definition: pkg.definition,
  });
  if (!check.ok) {
    printErrors(check.error, language);
    throw new CliError(`${options.key} is not the authority key named in ${options.election}`);
  }
  writeNewFile(options.out, `${JSON.stringify(enrolled.value, null, 2)}\n`);
  process.stdout.write(
    `${options.out}: station ${options.station} enrolled for precinct ${options.precinct} of ${pkg.definition.electionId}\n`,
  );
}

function checkEnrollmentCommand(file: string, options: LangOption & { election: string }): void {
  const language = cliLanguage(options.lang);
  const pkg = readPackage(options.election, options.lang);
  const json = parseJsonFile(readFileBytes(file));
  const checked = json.ok
    ? verifyStationEnrollment(json.value, {
        authorityKey: pkg.definition.authority.verifierKey,
        definition: pkg.definition,
      })
    : json;
  if (!checked.ok) {
    printErrors(checked.error, language);
    throw new CliError(language === 'ru' ? 'регистрация станции недействительна' : 'enrollment is not valid');
  }
  const e = checked.value;
  process.stdout.write(
    `${file}: station ${e.stationId}, precinct ${e.precinctId}, election ${e.electionId}, key ${e.stationVerifierKey}\n`,
  );
}

function pinAuthorityCommand(options: LangOption & { dataDir: string; key: string }): void {
  const pinned = pinAuthorityKey(
    path.resolve(options.dataDir),
    readVerifierKeyFile(options.key, "the election authority's verifier key"),
  );
  if (!pinned.ok) {
    printErrors(pinned.error, cliLanguage(options.lang));
    throw new CliError('authority key not pinned');
  }
  process.stdout.write(`election authority key pinned in ${options.dataDir}\n`);
}

type ProvisionOptions = LangOption & {
  dataDir: string;
  election: string;
  station: string;
  precinct: string;
  authorityKey: string;
  pollbookKey: string;
};

/**
 * Provisioning a real station, on the station itself: its key (made here, never
 * copied), who it is, the pinned authority key, the poll-book key and the signed
 * package. Writes `station.vkey` beside its data for the authority's enrollment.
 */
function provisionCommand(options: ProvisionOptions): void {
  const language = cliLanguage(options.lang);
  const dataDir = path.resolve(options.dataDir);
  const packageBytes = readFileBytes(options.election);
  const pkg = readPackage(options.election, options.lang);
  const definition = pkg.definition;
  if (!definition.precincts.some((p) => p.id === options.precinct)) {
    throw new CliError(
      `precinct "${options.precinct}" is not in ${options.election} (its precincts: ${definition.precincts.map((p) => p.id).join(', ')})`,
    );
  }
  if (!ID_PATTERN.test(options.station))
    throw new CliError(
      `--station "${options.station}" is not a valid id: 1 to 63 lowercase Latin letters, digits, ".", "_" or "-"`,
    );
  const authorityKey = readVerifierKeyFile(options.authorityKey, "the election authority's verifier key");
  if (authorityKey !== definition.authority.verifierKey)
    throw new CliError(
      `${options.authorityKey} is not the authority key ${options.election} is signed with: get the authority's verifier key from the authority itself`,
    );
  const pollBookKey = readPollBookKeyFile(options.pollbookKey);
  if (definition.pollBookKeyId !== undefined && pollBookKeyId(pollBookKey) !== definition.pollBookKeyId)
    throw new CliError(
      `${options.pollbookKey} is not the poll-book key ${options.election} names (key id ${definition.pollBookKeyId})`,
    );
  try {
    provisionStation(dataDir, {
      stationId: options.station as StationId,
      electionId: definition.electionId,
      precinctId: options.precinct,
    });
  } catch (error) {
    if (error instanceof StationStartError) throw new CliError(error.message);
    throw error;
  }
  const identity = loadStationIdentity(path.join(dataDir, 'station.key'));
  if (!identity.ok) throw new CliError(describeIdentityError(identity.error));
  const pinned = pinAuthorityKey(dataDir, authorityKey);
  if (!pinned.ok) {
    printErrors(pinned.error, language);
    throw new CliError('authority key not pinned');
  }
  provisionPollBookKey(dataDir, pollBookKey);
  const loaded = loadElectionPackage({ dataDir, pollsHaveOpened: () => false }, packageBytes);
  if (!loaded.ok) {
    printErrors(loaded.error, language);
    throw new CliError(`the station refused ${options.election}`);
  }
  const vkeyFile = path.join(dataDir, 'station.vkey');
  writeNewFile(vkeyFile, `${identity.value.verifierKey}\n`);
  process.stdout.write(
    `station ${options.station} of ${definition.electionId}, precinct ${options.precinct}, provisioned in ${options.dataDir}\n` +
      `station key ${path.join(options.dataDir, 'station.key')} (mode 0600, stays on this machine); verifier key ${path.join(options.dataDir, 'station.vkey')}:\n` +
      `${identity.value.verifierKey}\n` +
      'carry station.vkey to the election authority for `urna station enroll`; read the key id aloud to check it arrived unchanged\n',
  );
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
    .option('--lang <ru|en>', LANG_OPTION_HELP)
    .action((options: EnrollOptions) => enrollCommand(options));
  station
    .command('check-enrollment')
    .description("verify a station's enrollment against the election package")
    .argument('<file>', 'enrollment.json')
    .option('--election <file>', 'the signed election package', 'election.json')
    .option('--lang <ru|en>', LANG_OPTION_HELP)
    .action((file: string, options: LangOption & { election: string }) => checkEnrollmentCommand(file, options));
  station
    .command('pin-authority')
    .description("provisioning: pin the election authority's verifier key in the station's data directory")
    .requiredOption('--data-dir <dir>', "the station's data directory")
    .requiredOption('--key <vkey-file>', "the authority's verifier key file")
    .option('--lang <ru|en>', LANG_OPTION_HELP)
    .action((options: LangOption & { dataDir: string; key: string }) => pinAuthorityCommand(options));
  station
    .command('provision')
    .description(
      'provision a real station on its own machine: make its key, pin the authority key, store the poll-book key and the signed package; writes station.vkey for the enrollment',
    )
    .requiredOption('--data-dir <dir>', "(required) the station's data directory (created; the kiosk's --data-dir)")
    .requiredOption('--station <id>', '(required) station id')
    .requiredOption('--precinct <id>', '(required) the precinct whose voters it checks in')
    .requiredOption(
      '--authority-key <vkey-file>',
      "(required) the election authority's verifier key, from the authority",
    )
    .requiredOption('--pollbook-key <file>', '(required) the poll-book key (from `urna election pollbook-key`)')
    .option('--election <file>', 'the signed election package', 'election.json')
    .option('--lang <ru|en>', LANG_OPTION_HELP)
    .action((options: ProvisionOptions) => provisionCommand(options));
  registerManifestCommands(station);
}
