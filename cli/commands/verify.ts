/**
 * `urna verify DIR`: re-checks an election record offline at whatever stage it is
 * (during voting, after the polls close, after the tally; docs/SPEC.md §11) and
 * exits 0 only if everything it holds verifies; otherwise exit 1 with the first
 * failing step and check (station, log, entry, guardian, file). A JSON report goes
 * to --report; progress to stderr.
 */
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { describeRecordFailure } from '../../core/record/failure';
import { RECORD_STAGES, type RecordStage } from '../../core/record/steps';
import type { VerifyReport } from '../../core/record/verify';
import { SUPPORTED_SPEC_VERSIONS } from '../../core/spec-version';
import { parseThreads, verifyRecordFolder } from '../record/verifier';
import { CliError } from '../urna';

type VerifyOptions = { report?: string; authorityKey?: string; threads?: string; quiet?: boolean; stage?: string };

const STAGE_NAMES: Readonly<Record<RecordStage, string>> = {
  voting: 'during voting (logs and cosignatures)',
  'polls-closed': 'polls closed (every ballot log closed; no tally yet)',
  tallied: 'tallied (tally and results)',
};

function printSummary(report: VerifyReport, seconds: number): void {
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const s = report.summary;
  if (s !== undefined) {
    out(`election ${s.electionId}, base hash ${s.baseHash}`);
    out(`specification version ${s.specVersion} (docs/SPEC.md)`);
    out(
      `${s.stations} station(s), ${s.entries} ballot-log entries: ${s.ballotsCast} cast, ${s.challenged} challenged, ${s.voided} voided, ${s.unresolved} left pending (not counted)`,
    );
    out(
      `${s.proofsVerified} encrypted ballots' proofs verified in ${seconds.toFixed(1)} s (${(s.proofsVerified / Math.max(seconds, 0.001)).toFixed(0)} ballots/s)`,
    );
    out(
      `station manifest version ${s.stationManifestVersion}: every listed station is in the record${s.stationsNotOperated.length > 0 ? `; did not operate (the authority's statement): ${s.stationsNotOperated.join(', ')}` : ''}`,
    );
    out(`every checkpoint cosigned by at least ${s.validatorThreshold} validators of the package`);
    out(`no ballot id and no selection ciphertext appears twice in the election; no ciphertext with α the identity`);
    if (s.guardians.length > 0)
      out(
        `totals decrypted by ${s.guardians.join(', ')} (any ${s.guardianThreshold} suffice); results.json and results.nist.json match`,
      );
  }
  if (report.stage !== undefined) out(`stage: ${STAGE_NAMES[report.stage]}`);
  if (report.stepsVerified.length > 0)
    out(`steps verified: ${report.stepsVerified[0]}–${report.stepsVerified[report.stepsVerified.length - 1]}`);
  for (const later of report.notYet ?? []) out(`  not yet: ${later.step} (${later.missing})`);
  for (const station of report.stations ?? []) {
    out(
      `  ${station.stationId} (${station.precinctId}): ${station.ballotsCast} cast, ${station.challenged} challenged, ${station.voided} voided; ` +
        `cosigned by ${station.cosigners.ballots.join(', ')}`,
    );
  }
}

async function verifyCommand(dir: string, options: VerifyOptions): Promise<void> {
  let requireStage: RecordStage | undefined;
  if (options.stage !== undefined) {
    if (!(RECORD_STAGES as readonly string[]).includes(options.stage))
      throw new CliError(`--stage must be one of ${RECORD_STAGES.join(', ')}`);
    requireStage = options.stage as RecordStage;
  }
  const started = performance.now();
  const report = await verifyRecordFolder(dir, {
    threads: parseThreads(options.threads),
    ...(options.authorityKey === undefined ? {} : { authorityKeyFile: options.authorityKey }),
    quiet: options.quiet === true,
    ...(requireStage === undefined ? {} : { requireStage }),
  });
  const seconds = (performance.now() - started) / 1000;
  if (options.report !== undefined) {
    writeFileSync(options.report, `${JSON.stringify({ record: dir, seconds, ...report }, null, 2)}\n`);
  }
  printSummary(report, seconds);
  if (report.failure !== undefined) throw new CliError(`FAILED: ${describeRecordFailure(report.failure)}`);
  const stage = report.stage === undefined ? '' : ` at stage ${report.stage}`;
  process.stdout.write(
    `election record verified${stage} against specification ${SUPPORTED_SPEC_VERSIONS.join(', ')}: every check it holds passes\n`,
  );
}

export function register(program: Command): void {
  program
    .command('verify')
    .description(
      'verify an election record offline: package, ceremony, station manifest, enrollments, logs, cosignatures, ballots, tally and results',
    )
    .argument('<dir>', 'the election record folder')
    .option('--report <file>', 'write the JSON report here')
    .option(
      '--authority-key <vkey-file>',
      "the election authority's verifier key, obtained independently (default: the key the package names)",
    )
    .option(
      '--threads <n>',
      'worker threads for ballot proofs (default: one per core, up to one per station, once the ballot logs reach 16 MiB; 0 = main thread)',
    )
    .option('--quiet', 'no progress on stderr')
    .option(
      '--stage <stage>',
      `fail unless the record has reached this stage: ${RECORD_STAGES.join(', ')} (default: verify it at the stage it is in)`,
    )
    .action((dir: string, options: VerifyOptions) => verifyCommand(dir, options));
}
