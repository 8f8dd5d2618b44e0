/**
 * `urna audit …`: a ballot-polling risk-limiting audit (BRAVO) of the paper records
 * against the verified results (core/record/audit.ts says why BRAVO).
 *
 *   start   publish the sample: which paper records to pull (station, position),
 *           drawn from the ballot manifest with a SHA-256 sampler and the public seed
 *   record  take the auditors' readings of the drawn papers (the choices marked; a paper
 *           record carries no ballot id, docs/PAPER.md) and say whether the risk
 *           limit is met, or how the sample must grow, up to a full hand count
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { contestSelectionIds, type ElectionDefinition } from '../../core/election/definition';
import { parseInputFile } from '../../core/input-errors';
import {
  bravo,
  drawSample,
  expectedSampleSize,
  paperReadingsFormat,
  reportedOutcome,
  type ManifestBatch,
  type PaperReading,
} from '../../core/record/audit';
import { parsePaperCounts } from '../../core/record/reconcile';
import { verifyRecordTally, type VerifiedLogs, type VerifiedTally } from '../../core/record/verify';
import { directoryRecordSource, readJsonFile } from '../record/files';
import { failureError, parseThreads, verifiedLogsOf } from '../record/verifier';
import { CliError } from '../urna';

type CommonOptions = { record: string; riskLimit: string; seed: string; paper?: string; threads?: string; out: string };

function riskLimitOf(text: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0 || value >= 0.5)
    throw new CliError('--risk-limit must be a number between 0 and 0.5, e.g. 0.05');
  return value;
}

function seedOf(text: string): string {
  // Dice rolls: digits only, long enough that nobody could have chosen it to suit a sample.
  if (!/^[0-9]{20,}$/.test(text))
    throw new CliError('--seed must be at least 20 decimal digits from public dice rolls');
  return text;
}

async function verifiedRecord(
  options: CommonOptions,
): Promise<{ logs: VerifiedLogs; tally: VerifiedTally; manifest: ManifestBatch[] }> {
  const logs = await verifiedLogsOf(options.record, { threads: parseThreads(options.threads), quiet: true });
  const tally = verifyRecordTally(directoryRecordSource(path.resolve(options.record)), logs);
  if (!tally.ok) throw failureError(tally.error);
  let manifest: ManifestBatch[] = logs.stations.map((s) => ({ stationId: s.station.stationId, paperRecords: s.cast }));
  if (options.paper !== undefined) {
    // The boxes hold what was counted on paper: the sample is drawn from those.
    const paper = parsePaperCounts(readJsonFile(options.paper), options.paper);
    if (!paper.ok) throw new CliError(paper.error);
    manifest = paper.value.stations.map((s) => ({ stationId: s.stationId, paperRecords: s.paperRecords }));
  }
  return { logs, tally: tally.value, manifest };
}

async function startCommand(options: CommonOptions & { draws?: string }): Promise<void> {
  const riskLimit = riskLimitOf(options.riskLimit);
  const seed = seedOf(options.seed);
  const { logs, tally, manifest } = await verifiedRecord(options);
  const contests = reportedOutcome(logs.election.definition, tally.results);
  const ballots = manifest.reduce((n, b) => n + b.paperRecords, 0);
  const expected = Math.max(1, ...contests.map((c) => expectedSampleSize(c, ballots, riskLimit)));
  const count = options.draws === undefined ? expected : Number(options.draws);
  if (!Number.isInteger(count) || count < 1) throw new CliError('--draws must be a positive integer');
  const draws = drawSample(seed, manifest, count);
  const sample = {
    type: 'audit-sample',
    v: 1,
    electionId: logs.election.definition.electionId,
    seed,
    riskLimit,
    sampler: 'sha256("<seed>,<draw>") mod N, with replacement',
    manifest,
    draws,
  };
  const file = options.out;
  writeFileSync(file, `${JSON.stringify(sample, null, 2)}\n`);
  process.stdout.write(`risk limit ${riskLimit}, seed ${seed}, ${ballots} paper records in ${manifest.length} boxes\n`);
  for (const c of contests) {
    process.stdout.write(
      `  ${c.contestId}: reported winner(s) ${c.winners.join(', ')}${c.unauditable === undefined ? '' : ` — ${c.unauditable}: full hand count`}\n`,
    );
  }
  process.stdout.write(
    `${draws.length} draws (BRAVO expects about ${expected} if the reported shares are right); pull list in ${file}:\n`,
  );
  for (const d of draws)
    process.stdout.write(`  draw ${d.draw}: station ${d.stationId}, paper record #${d.position}\n`);
}

/** A reading names only contests and selections of this election, each selection once. */
export function checkReadingsAgainstElection(readings: readonly PaperReading[], definition: ElectionDefinition): void {
  for (const reading of readings) {
    for (const [contestId, selections] of Object.entries(reading.choices)) {
      const contest = definition.contests.find((c) => c.id === contestId);
      if (contest === undefined) {
        throw new CliError(
          `draw ${reading.draw}: contest "${contestId}" is not in this election; its contests are: ${definition.contests.map((c) => c.id).join(', ')}`,
        );
      }
      const known = contestSelectionIds(contest);
      for (const selectionId of selections) {
        if (!known.some((id) => id === selectionId)) {
          throw new CliError(
            `draw ${reading.draw}: "${selectionId}" is not a selection of contest "${contestId}"; its choices are: ${known.join(', ')}`,
          );
        }
      }
      if (new Set(selections).size !== selections.length)
        throw new CliError(`draw ${reading.draw}: contest "${contestId}" lists a selection twice`);
    }
  }
}

async function recordCommand(options: CommonOptions & { paperBallots: string }): Promise<void> {
  const riskLimit = riskLimitOf(options.riskLimit);
  const seed = seedOf(options.seed);
  const parsed = parseInputFile(options.paperBallots, paperReadingsFormat, readJsonFile(options.paperBallots));
  if (!parsed.ok) throw new CliError(parsed.error);
  const readings: PaperReading[] = [...parsed.value.readings].sort((a, b) => a.draw - b.draw);
  const { logs, tally, manifest } = await verifiedRecord(options);
  // The readings must be the published sample, draw by draw, with no gap.
  const expectedDraws = drawSample(seed, manifest, readings.length);
  for (const [i, reading] of readings.entries()) {
    const draw = expectedDraws[i];
    if (
      draw === undefined ||
      reading.draw !== draw.draw ||
      reading.stationId !== draw.stationId ||
      reading.position !== draw.position
    ) {
      throw new CliError(
        `reading ${i + 1} is not draw ${i + 1} of the sample for this seed (expected station ${draw?.stationId ?? '?'}, paper record #${draw?.position ?? '?'})`,
      );
    }
  }
  checkReadingsAgainstElection(readings, logs.election.definition);
  const outcome = bravo(reportedOutcome(logs.election.definition, tally.results), readings, riskLimit);
  const file = options.out;
  writeFileSync(file, `${JSON.stringify({ type: 'audit-result', v: 1, seed, ...outcome }, null, 2)}\n`);
  const out = (line: string) => process.stdout.write(`${line}\n`);
  out(`BRAVO, risk limit ${riskLimit}, ${readings.length} paper records read`);
  for (const c of outcome.contests) {
    const weakest = c.pairs.reduce<number>((m, p) => Math.min(m, p.statistic), Number.POSITIVE_INFINITY);
    const detail =
      c.status === 'confirmed'
        ? `risk limit met at draw ${c.confirmedAtDraw ?? 0}`
        : c.status === 'continue'
          ? `smallest test statistic ${weakest.toFixed(3)} < ${(1 / riskLimit).toFixed(1)}: draw more`
          : `full hand count (${c.reason ?? ''})`;
    out(`  ${c.contestId}: ${c.status} — ${detail}`);
  }
  out(`result: ${file}`);
  if (!outcome.confirmed)
    throw new CliError(
      'the risk limit is not met: grow the sample (`urna audit start --draws N`) or count every paper record by hand',
    );
  out('the reported outcome is confirmed at this risk limit');
}

export function register(program: Command): void {
  const audit = program
    .command('audit')
    .description('risk-limiting audit of the paper records (ballot polling, BRAVO)');
  const common = (command: Command) =>
    command
      .requiredOption('--record <dir>', 'the election record (tallied)')
      .requiredOption('--risk-limit <alpha>', 'the risk limit, e.g. 0.05')
      .requiredOption('--seed <digits>', 'the public random seed (at least 20 digits of dice rolls)')
      .option('--paper <file>', 'paper counts per station: the ballot manifest (default: cast counts of the record)')
      .option('--threads <n>', 'worker threads for ballot proofs');
  common(audit.command('start').description('draw the paper records to pull, reproducibly from the seed'))
    .option('--out <file>', 'where to write the sample (the pull list), in JSON', 'audit-sample.json')
    .option('--draws <n>', 'how many draws (default: the expected BRAVO sample size)')
    .action((options: CommonOptions & { draws?: string }) => startCommand(options));
  common(audit.command('record').description("evaluate the auditors' readings of the drawn paper records"))
    .option('--out <file>', 'where to write the result, in JSON', 'audit-result.json')
    .requiredOption(
      '--paper-ballots <file>',
      'the readings: draw, stationId, position and "choices" (contest id → selection ids marked) of each drawn paper (example: docs/examples/paper-readings.json)',
    )
    .action((options: CommonOptions & { paperBallots: string }) => recordCommand(options));
}
