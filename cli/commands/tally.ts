/**
 * The guardians' tally ceremony on an election record.
 *
 *   share    one guardian, on their own machine: verify the record, recompute every
 *            station's encrypted totals from the cast ballots alone, and publish a
 *            partial decryption of each total with its proof (never of a ballot)
 *   combine  anyone: verify the record and any k shares, decrypt the station totals,
 *            and write tally/, results.json and results.nist.json
 */
import path from 'node:path';
import type { Command } from 'commander';
import { partiallyDecrypt, partialDecryptionToRecord, verificationKeyOf } from '../../core/ballot';
import { canonicalize } from '../../core/encoding/canonical-json';
import { bytesEqual } from '../../core/encoding/bytes';
import { formatBaseHashForDisplay } from '../../core/election/package';
import type { RecordElection } from '../../core/record/election';
import { describeRecordFailure } from '../../core/record/failure';
import { resultsToNist } from '../../core/record/nist-results';
import {
  ENCRYPTED_TOTALS_FILE,
  encryptedTotalsToFile,
  SHARES_DIR,
  type TallyShareFile,
} from '../../core/record/totals';
import { checkTallyShare, combineShares, type GuardianShares } from '../../core/record/verify';
import { minimumPublishedCount, unitsToDecrypt } from '../../core/record/publication';
import { openGuardianSecretFile } from '../guardian-files';
import { KEY_FILE } from './guardian';
import { readJsonFile, writeRecordFile } from '../record/files';
import { parseThreads, verifiedLogsOf } from '../record/verifier';
import { CliError } from '../urna';
import { writeNewFile } from './election';
import { directoryRecordSource } from '../record/files';

/** Which election, with its base hash as printed for people everywhere (docs/SPEC.md §1.4), to compare by eye. */
function electionLine(election: RecordElection): string {
  return `election ${election.definition.electionId}, base hash ${formatBaseHashForDisplay(election.baseHash)}`;
}

type ShareOptions = {
  record: string;
  key?: string;
  state?: string;
  out: string;
  threads?: string;
  passphraseFile?: string;
};

/** The one key-share file this guardian opens: --key, or the one `urna guardian accept` left in --state. */
function keyFileOf(options: ShareOptions): string {
  if ((options.key === undefined) === (options.state === undefined))
    throw new CliError("give this guardian's state folder (--state DIR) or key-share file (--key FILE), one of them");
  return options.key ?? path.join(options.state as string, KEY_FILE);
}

async function shareCommand(options: ShareOptions): Promise<void> {
  const keyFile = keyFileOf(options);
  const keyShare = await openGuardianSecretFile(keyFile, { passphraseFile: options.passphraseFile });
  const logs = await verifiedLogsOf(options.record, { threads: parseThreads(options.threads) });
  const announced = logs.ceremony.guardians[keyShare.index - 1];
  if (announced?.guardianId !== keyShare.guardianId)
    throw new CliError(
      `${keyFile}: guardian ${keyShare.guardianId} is not guardian ${keyShare.index} of this election's key ceremony`,
    );
  if (!keyShare.jointKey.equals(logs.ceremony.jointKey) || !bytesEqual(keyShare.baseHash, logs.ceremony.baseHash)) {
    throw new CliError(`${keyFile}: this key share is from another key ceremony`);
  }
  if (!verificationKeyOf(logs.ceremony.guardians, keyShare.index).equals(keyShare.verificationKey)) {
    throw new CliError(
      `${keyFile}: the share does not match the guardian's public verification key in the ceremony record`,
    );
  }
  // Only the publication units are decrypted: a station below the package's minimum never alone.
  const units = unitsToDecrypt(logs.election, logs.stations);
  const share: TallyShareFile = {
    type: 'tally-share',
    v: 2,
    electionId: logs.election.definition.electionId,
    guardianId: keyShare.guardianId,
    index: keyShare.index,
    units: units.map((u) => ({
      unitId: u.unit.unitId,
      partial: partialDecryptionToRecord(partiallyDecrypt(logs.election.context, keyShare, u.tally)),
    })),
  };
  writeNewFile(options.out, `${canonicalize(share)}\n`);
  const ballots = logs.stations.reduce((n, s) => n + s.cast, 0);
  const merged = units.filter((u) => u.unit.kind !== 'station');
  process.stdout.write(
    `${electionLine(logs.election)}\n` +
      `record verified; guardian ${keyShare.guardianId} partially decrypted the totals of ${logs.stations.length} station(s) (${ballots} cast ballots)\n` +
      (merged.length === 0
        ? ''
        : `merged below the minimum of ${minimumPublishedCount(logs.election.definition)}: ${merged.map((u) => `${u.unit.unitId} (${u.unit.stationIds.join(', ')})`).join('; ')}\n`) +
      `share with proofs: ${options.out}\n`,
  );
}

type CombineOptions = { record: string; threads?: string; status?: string };

async function combineCommand(files: readonly string[], options: CombineOptions): Promise<void> {
  const status = options.status ?? 'unofficial-complete';
  if (status !== 'unofficial-complete' && status !== 'certified')
    throw new CliError('--status is unofficial-complete or certified');
  if (directoryRecordSource(options.record).readText('results.json') !== undefined) {
    throw new CliError(`${options.record}/results.json exists: this record has been tallied already`);
  }
  const logs = await verifiedLogsOf(options.record, { threads: parseThreads(options.threads) });
  const shares: GuardianShares[] = [];
  const texts = new Map<string, string>();
  for (const file of files) {
    const json = readJsonFile(file);
    const checked = checkTallyShare(logs, file, json);
    if (!checked.ok) throw new CliError(`share refused: ${describeRecordFailure(checked.error)}`);
    shares.push(checked.value);
    texts.set(checked.value.guardianId, `${canonicalize(json)}\n`);
  }
  const combined = combineShares(logs, shares);
  if (!combined.ok) throw new CliError(`cannot decrypt: ${describeRecordFailure(combined.error)}`);
  const { results, guardians } = combined.value;

  const dir = options.record;
  writeRecordFile(
    dir,
    ENCRYPTED_TOTALS_FILE,
    `${canonicalize(
      encryptedTotalsToFile(
        logs.election.definition.electionId,
        logs.stations.map((s) => s.totals),
      ),
    )}\n`,
  );
  for (const guardianId of guardians)
    writeRecordFile(dir, `${SHARES_DIR}/${guardianId}.json`, texts.get(guardianId) as string, { exclusive: true });
  writeRecordFile(dir, 'results.json', `${JSON.stringify(results, null, 2)}\n`, { exclusive: true });
  const nist = resultsToNist(logs.election.definition, results, {
    generatedDate: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    status,
    vendorApplicationId: 'Urna 0.1.0',
  });
  writeRecordFile(dir, 'results.nist.json', `${JSON.stringify(nist, null, 2)}\n`, { exclusive: true });

  const out = (line: string) => process.stdout.write(`${line}\n`);
  out(electionLine(logs.election));
  out(`decrypted the totals of ${results.stations.length} station(s) with the shares of ${guardians.join(', ')}`);
  for (const m of results.merged)
    out(
      `  merged (each below ${results.minimumPublishedCount} ballots alone): ${m.unitId} = ${m.stations.map((s) => s.stationId).join(' + ')}, ${m.ballotsCast} ballots`,
    );
  out(`ballots cast: ${results.overall.ballotsCast}`);
  for (const contest of results.overall.contests) {
    out(
      `  ${contest.contestId} (${contest.ballots} ballots, ${contest.undervotes} undervotes): ${contest.selections.map((s) => `${s.selectionId} ${s.count}`).join(', ')}`,
    );
  }
  out(`wrote ${ENCRYPTED_TOTALS_FILE}, ${SHARES_DIR}/, results.json, results.nist.json in ${dir}`);
}

export function register(program: Command): void {
  const tally = program
    .command('tally')
    .description("guardians' tally ceremony: partial decryptions of the totals, then the results");
  tally
    .command('share')
    .description(
      "one guardian's partial decryption, with proofs, of every station's encrypted totals in a verified record",
    )
    .requiredOption('--record <dir>', 'the election record')
    .option('--state <dir>', "this guardian's state folder from 'urna guardian' (holds guardian-key.secret.json)")
    .option('--key <file>', "this guardian's secret key-share file (instead of --state)")
    .requiredOption('--out <file>', 'the share file to write')
    .option(
      '--passphrase-file <file>',
      "this guardian's passphrase, one line, theirs alone (else URNA_GUARDIAN_PASSPHRASE, else asked)",
    )
    .option('--threads <n>', 'worker threads for ballot proofs')
    .action((options: ShareOptions) => shareCommand(options));
  tally
    .command('combine')
    .description(
      'combine any k guardian shares: decrypt totals per station, precinct and overall; write tally/ and the results',
    )
    .requiredOption('--record <dir>', 'the election record')
    .argument('<shares...>', 'share files from `urna tally share`')
    .option('--status <status>', 'results status for NIST: unofficial-complete or certified', 'unofficial-complete')
    .option('--threads <n>', 'worker threads for ballot proofs')
    .action((shares: string[], options: CombineOptions) => combineCommand(shares, options));
}
