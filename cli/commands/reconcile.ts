/**
 * `urna reconcile --record DIR --paper FILE`: sets the officials' paper counts beside
 * the verified digital counts, station by station, and lists every discrepancy.
 * The record is verified first (logs, tally, results): reconciling against numbers
 * that do not verify would prove nothing. Exit 1 when there is any discrepancy.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { describeDiscrepancy, parsePaperCounts, reconcile, reconciliationHtml } from '../../core/record/reconcile';
import { verifyRecordTally } from '../../core/record/verify';
import { directoryRecordSource, readJsonFile } from '../record/files';
import { failureError, parseThreads, verifiedLogsOf } from '../record/verifier';
import { CliError } from '../urna';

type ReconcileOptions = { record: string; paper: string; json?: string; html?: string; threads?: string };

async function reconcileCommand(options: ReconcileOptions): Promise<void> {
  const paper = parsePaperCounts(readJsonFile(options.paper), options.paper);
  if (!paper.ok) throw new CliError(paper.error);
  const logs = await verifiedLogsOf(options.record, { threads: parseThreads(options.threads), quiet: true });
  if (paper.value.electionId !== logs.election.definition.electionId)
    throw new CliError(`${options.paper} is for election ${paper.value.electionId}`);
  const tally = verifyRecordTally(directoryRecordSource(path.resolve(options.record)), logs);
  if (!tally.ok) throw failureError(tally.error);
  const voided = new Map(logs.stations.map((s) => [s.station.stationId, s.voided] as const));
  const result = reconcile(tally.value.results, paper.value, voided);

  const out = (line: string) => process.stdout.write(`${line}\n`);
  out(`reconciliation of ${result.electionId}: ${result.stations.length} station(s)`);
  out('station            paper  cast(log)  printed  check-ins  reissued  voided(log)  no-ballot');
  for (const s of result.stations) {
    const col = (v: number | null, width: number) => String(v ?? '—').padStart(width);
    out(
      `${s.stationId.padEnd(18)} ${col(s.paperRecords, 6)} ${col(s.castInLog, 10)} ${col(s.printedCastCount, 8)} ${col(s.checkIns, 10)} ${col(s.ballotsReissued, 9)} ${col(s.voidedInLog, 12)} ${col(s.sessionsWithoutBallot, 10)}${s.discrepancies.length > 0 ? '  ← discrepancy' : ''}`,
    );
  }
  for (const u of result.units) {
    out(
      `merged unit ${u.unitId} (${u.stations.join(' + ')}): hand counts summed against its decrypted totals${u.discrepancies.length > 0 ? '  ← discrepancy' : ''}`,
    );
  }
  out(
    "a reissued ballot stands in for a checked-in voter's missing one: cast(log) ≤ check-ins, and cast(log) + no-ballot = check-ins + reissued − voided(log)",
  );
  const json = options.json ?? `${options.paper.replace(/\.json$/, '')}.reconciliation.json`;
  const html = options.html ?? `${options.paper.replace(/\.json$/, '')}.reconciliation.html`;
  writeFileSync(json, `${JSON.stringify(result, null, 2)}\n`);
  writeFileSync(html, reconciliationHtml(result, `Reconciliation of paper and digital counts — ${result.electionId}`));
  out(`report: ${json}, printable: ${html}`);
  if (result.discrepancies.length > 0) {
    for (const d of result.discrepancies) out(`DISCREPANCY ${describeDiscrepancy(d)}`);
    throw new CliError(`${result.discrepancies.length} discrepancy(ies) between paper and digital counts`);
  }
  out('paper and digital counts agree at every station');
}

export function register(program: Command): void {
  program
    .command('reconcile')
    .description('compare the paper counts per station with the verified digital counts; list every discrepancy')
    .requiredOption('--record <dir>', 'the election record (tallied)')
    .requiredOption(
      '--paper <file>',
      'paper counts per station (format: docs/schema/input/paper-counts.schema.json, example: docs/examples/paper-counts.json)',
    )
    .option('--json <file>', 'where to write the JSON report (default: beside the paper file)')
    .option('--html <file>', 'where to write the printable HTML report (default: beside the paper file)')
    .option('--threads <n>', 'worker threads for ballot proofs')
    .action((options: ReconcileOptions) => reconcileCommand(options));
}
