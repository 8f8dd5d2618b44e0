import { readFileSync } from 'node:fs';
import { Command, CommanderError, Help } from 'commander';
import { bundled, bundleFile } from '../validator/entry-points';
import { commandGroups, registerCommands } from './commands/index';
import { configureHelp } from './help';

/** One command group as the top-level help shows it (dist/cli/commands.json). */
export type CommandSummary = { readonly name: string; readonly term: string; readonly description: string };

function newProgram(): Command {
  return configureHelp(
    new Command('urna')
      .description('Urna: polling-station kiosk, ledger, validators and election-record tools')
      .version('0.1.0')
      .showHelpAfterError()
      .exitOverride(),
  );
}

/** The program with every command group registered. */
export async function buildProgram(): Promise<Command> {
  const program = newProgram();
  await registerCommands(program);
  return program;
}

/** Every group's help line; the bundle build writes it to dist/cli/commands.json. */
export async function commandOverview(): Promise<CommandSummary[]> {
  const program = await buildProgram();
  const help = new Help();
  return program.commands.map((command) => ({
    name: command.name(),
    term: help.subcommandTerm(command),
    description: help.subcommandDescription(command),
  }));
}

/** The groups' help lines without loading them, when running from the bundle. */
function bundledOverview(): CommandSummary[] | undefined {
  if (!bundled) return undefined;
  try {
    return JSON.parse(readFileSync(bundleFile('commands.json'), 'utf8')) as CommandSummary[];
  } catch {
    return undefined;
  }
}

/**
 * The program for these arguments: a named command group loads only its own module;
 * the top-level help and --version list the groups from the bundle's overview; anything
 * else (an unknown command, the help from the sources) loads every group.
 */
async function programFor(argv: readonly string[]): Promise<Command> {
  const program = newProgram();
  const [first, second] = argv.slice(2);
  const named = first === 'help' ? second : first;
  const group = commandGroups.find((g) => g.name === named);
  if (group !== undefined) {
    (await group.load()).register(program);
    return program;
  }
  const overview = named === undefined || named.startsWith('-') ? bundledOverview() : undefined;
  if (overview === undefined) {
    await registerCommands(program);
    return program;
  }
  // Placeholders for the help only: a command named on the line loads its module above.
  const terms = new Map(overview.map((c) => [c.name, c.term]));
  for (const summary of overview) program.command(summary.name).description(summary.description);
  const help = new Help();
  program.configureHelp({ subcommandTerm: (command) => terms.get(command.name()) ?? help.subcommandTerm(command) });
  return program;
}

/** Runs the CLI and returns the process exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const program = await programFor(argv);
  try {
    await program.parseAsync([...argv]);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    if (error instanceof CliError) {
      process.stderr.write(`urna: ${error.message}\n`);
      return error.exitCode;
    }
    throw error;
  }
}

/** An error meant for the person at the terminal: printed without a stack trace. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
