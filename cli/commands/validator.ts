/**
 * `urna validator`:
 *   keygen --name NAME --out FILE   a cosignature/v1 key (mode 0600) and FILE.vkey
 *   start --config FILE             run one validator until SIGINT or SIGTERM
 *   migrate --config FILE           create or upgrade the schema of the config's store
 */
import path from 'node:path';
import type { Command } from 'commander';
import { SIGNATURE_TYPE_COSIGNATURE_V1 } from '../../core/ledger/note';
import { readValidatorConfig } from '../../validator/config';
import { migrateValidatorStore, startValidator } from '../../validator/run';
import { formatBaseHashForDisplay } from '../../core/election/package';
import { CliError } from '../urna';
import { writeNewKeyPair } from './election';

function keygenCommand(options: { name: string; out: string }): void {
  const vkey = writeNewKeyPair(path.resolve(options.out), options.name, SIGNATURE_TYPE_COSIGNATURE_V1);
  process.stdout.write(
    `validator cosigning key ${options.out} (mode 0600); verifier key ${options.out}.vkey:\n${vkey}\n` +
      "give the verifier key to the election authority for the package's validators list\n",
  );
}

async function startCommand(options: { config: string; echoLog?: boolean }): Promise<void> {
  const started = await startValidator(path.resolve(options.config), { echoLog: options.echoLog ?? false });
  if (!started.ok) throw new CliError(started.error);
  const validator = started.value;
  // Tests and supervisors read this line to learn the port when the config asks for port 0.
  process.stdout.write(`validator ${validator.name} listening on ${validator.url}\n`);
  process.stdout.write(
    `election ${validator.service.election.electionId}, base hash ${formatBaseHashForDisplay(validator.service.election.baseHash)}\n`,
  );
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await validator.close();
  process.stdout.write(`validator ${validator.name} stopped\n`);
}

async function migrateCommand(options: { config: string }): Promise<void> {
  const config = readValidatorConfig(path.resolve(options.config));
  if (!config.ok) throw new CliError(config.error);
  const migrated = await migrateValidatorStore(config.value);
  if (!migrated.ok) throw new CliError(migrated.error);
  process.stdout.write(
    `validator ${config.value.name}: ${migrated.value.kind} store at schema version ${migrated.value.version}\n`,
  );
}

export function register(program: Command): void {
  const validator = program
    .command('validator')
    .description('independent cosigning validator and public bulletin board');
  validator
    .command('keygen')
    .description("make a validator's cosignature/v1 key (mode 0600) and print its verifier key")
    .requiredOption('--name <name>', 'validator name, as in the election package')
    .requiredOption('--out <file>', 'where to write the secret key; the verifier key goes to FILE.vkey')
    .action((options: { name: string; out: string }) => keygenCommand(options));
  validator
    .command('start')
    .description('run a validator: write API (tlog-witness add-checkpoint, entries) and public bulletin board')
    .requiredOption('--config <file>', 'validator config (JSON)')
    .option('--echo-log', 'also print the event log to stderr')
    .action(async (options: { config: string; echoLog?: boolean }) => startCommand(options));
  validator
    .command('migrate')
    .description(
      "create or upgrade the schema of the validator's store (versioned migrations; run before `start` on PostgreSQL)",
    )
    .requiredOption('--config <file>', 'validator config (JSON)')
    .action(async (options: { config: string }) => migrateCommand(options));
}
