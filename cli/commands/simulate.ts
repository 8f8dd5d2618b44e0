/**
 * `urna simulate`: a whole election day on this machine (see cli/simulate/run.ts).
 * The JSON summary goes to stdout; progress and the officials' tools' output go to
 * stderr. Exit 0 only when the decrypted results match what the voters meant and
 * the exported record verifies.
 */
import type { Command } from 'commander';
import { runSimulation } from '../simulate/run';
import { CliError } from '../urna';

type SimulateCliOptions = {
  stations: string;
  voters: string;
  validators: string;
  cosign: string;
  guardians: string;
  threshold: string;
  stationVoters?: string;
  seed: string;
  out: string;
  faults?: boolean;
  work?: string;
  keepWork?: boolean;
  threads?: string;
  quiet?: boolean;
  validatorStore: string;
  validatorProcesses: string;
};

function integer(text: string, name: string): number {
  const n = Number(text);
  if (!Number.isInteger(n)) throw new CliError(`--${name} must be an integer`);
  return n;
}

/** "3,20,20": the voters of each station. */
function stationVoters(text: string): number[] {
  return text.split(',').map((part) => integer(part.trim(), 'station-voters'));
}

function validatorStore(text: string): 'sqlite' | 'postgres' {
  if (text === 'sqlite' || text === 'postgres') return text;
  throw new CliError(`--validator-store must be sqlite or postgres, not ${JSON.stringify(text)}`);
}

async function simulateCommand(options: SimulateCliOptions): Promise<void> {
  const perStation = options.stationVoters === undefined ? undefined : stationVoters(options.stationVoters);
  const summary = await runSimulation({
    stations: perStation?.length ?? integer(options.stations, 'stations'),
    ...(perStation === undefined ? {} : { stationVoters: perStation }),
    voters: integer(options.voters, 'voters'),
    validators: integer(options.validators, 'validators'),
    cosign: integer(options.cosign, 'cosign'),
    guardians: integer(options.guardians, 'guardians'),
    threshold: integer(options.threshold, 'threshold'),
    seed: options.seed,
    out: options.out,
    faults: options.faults === true,
    ...(options.work === undefined ? {} : { workDir: options.work }),
    keepWork: options.keepWork === true,
    ...(options.threads === undefined ? {} : { threads: integer(options.threads, 'threads') }),
    validatorStore: validatorStore(options.validatorStore),
    validatorProcesses: integer(options.validatorProcesses, 'validator-processes'),
    progress: options.quiet === true ? undefined : (line) => process.stderr.write(`${line}\n`),
  });
  process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  if (!summary.match)
    throw new CliError(`the decrypted results differ from what the voters meant: ${summary.difference ?? ''}`);
  if (!summary.verified) throw new CliError(`the election record in ${summary.record} does not verify`);
}

export function register(program: Command): void {
  program
    .command('simulate')
    .description(
      'simulate an election day: validators, stations with simulated printers and card readers, voters, tally and verification',
    )
    .option('--stations <n>', 'polling stations, each its own kiosk process', '3')
    .option('--voters <n>', 'voters per station', '20')
    .option(
      '--station-voters <list>',
      'voters of each station, e.g. 3,20,20 (sets the number of stations; overrides --stations and --voters)',
    )
    .option('--validators <n>', 'validators (independent operators)', '3')
    .option(
      '--validator-store <kind>',
      "each validator's store: sqlite (a file) or postgres (a throwaway PostgreSQL cluster, one database per validator)",
      'sqlite',
    )
    .option(
      '--validator-processes <p>',
      'processes per validator, sharing its database (more than 1 needs --validator-store postgres)',
      '1',
    )
    .option('--cosign <t>', 'validator cosignatures that make a checkpoint final (more than half)', '2')
    .option('--guardians <n>', 'guardians in the key ceremony', '3')
    .option('--threshold <k>', 'guardians needed to decrypt', '2')
    .option('--seed <seed>', "seed for the voters' choices and the faults (same seed, same intended results)", '1')
    .requiredOption('--out <dir>', 'where to write the election record (a new or empty folder)')
    .option('--faults', 'kill and restart stations, empty printer rolls, restart validators, cut station networks')
    .option('--work <dir>', 'working folder for keys, station and validator data (default: a temporary folder)')
    .option('--keep-work', 'keep the working folder after a successful run')
    .option(
      '--threads <n>',
      'worker threads for the proof checks of tally and verify (default: as urna verify chooses)',
    )
    .option('--quiet', 'no progress lines on stderr')
    .action((options: SimulateCliOptions) => simulateCommand(options));
}
