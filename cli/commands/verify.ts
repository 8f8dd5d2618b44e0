/**
 * `urna verify DIR`: re-checks a whole election record offline and exits 0 only if
 * everything holds; otherwise exit 1 with the first failing check (station, log,
 * entry, guardian, file). A JSON report goes to --report; progress to stderr.
 */
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { describeRecordFailure } from '../../core/record/failure';
import type { VerifyReport } from '../../core/record/verify';
import { parseThreads, verifyRecordFolder } from '../record/verifier';
import { CliError } from '../urna';

type VerifyOptions = { report?: string; authorityKey?: string; threads?: string; quiet?: boolean };

function printSummary(report: VerifyReport, seconds: number): void {
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const s = report.summary;
  if (s !== undefined) {
    out(`election ${s.electionId}, base hash ${s.baseHash}`);
    out(`${s.stations} station(s), ${s.entries} ballot-log entries: ${s.ballotsCast} cast, ${s.challenged} challenged, ${s.voided} voided, ${s.unresolved} left pending (not counted)`);
    out(`${s.proofsVerified} encrypted ballots' proofs verified in ${seconds.toFixed(1)} s (${(s.proofsVerified / Math.max(seconds, 0.001)).toFixed(0)} ballots/s)`);
    out(`station manifest version ${s.stationManifestVersion}: every listed station is in the record${s.stationsNotOperated.length > 0 ? `; did not operate (the authority's statement): ${s.stationsNotOperated.join(', ')}` : ''}`);
    out(`every checkpoint cosigned by at least ${s.validatorThreshold} validators of the package`);
    out(`no ballot id and no selection ciphertext appears twice in the election; no ciphertext with α the identity`);
    if (s.guardians.length > 0) out(`totals decrypted by ${s.guardians.join(', ')} (any ${s.guardianThreshold} suffice); results.json and results.nist.json match`);
  }
  for (const station of report.stations ?? []) {
    out(
      `  ${station.stationId} (${station.precinctId}): ${station.ballotsCast} cast, ${station.challenged} challenged, ${station.voided} voided; ` +
        `cosigned by ${station.cosigners.ballots.join(', ')}`,
    );
  }
}

async function verifyCommand(dir: string, options: VerifyOptions): Promise<void> {
  const started = performance.now();
  const report = await verifyRecordFolder(dir, {
    threads: parseThreads(options.threads),
    ...(options.authorityKey === undefined ? {} : { authorityKeyFile: options.authorityKey }),
    quiet: options.quiet === true,
  });
  const seconds = (performance.now() - started) / 1000;
  if (options.report !== undefined) {
    writeFileSync(options.report, `${JSON.stringify({ record: dir, seconds, ...report }, null, 2)}\n`);
  }
  printSummary(report, seconds);
  if (report.failure !== undefined) throw new CliError(`FAILED: ${describeRecordFailure(report.failure)}`);
  process.stdout.write('election record verified: every check holds\n');
}

export function register(program: Command): void {
  program
    .command('verify')
    .description('verify an election record offline: package, ceremony, station manifest, enrollments, logs, cosignatures, ballots, tally and results')
    .argument('<dir>', 'the election record folder')
    .option('--report <file>', 'write the JSON report here')
    .option('--authority-key <vkey-file>', "the election authority's verifier key, obtained independently (default: the key the package names)")
    .option('--threads <n>', 'worker threads for ballot proofs (default: one per core, up to one per station, once the ballot logs reach 16 MiB; 0 = main thread)')
    .option('--quiet', 'no progress on stderr')
    .action((dir: string, options: VerifyOptions) => verifyCommand(dir, options));
}
