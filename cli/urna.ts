import { Command, CommanderError } from 'commander';
import { registerCommands } from './commands/index';

export function buildProgram(): Command {
  const program = new Command('urna')
    .description('Urna: polling-station kiosk, ledger, validators and election-record tools')
    .version('0.1.0')
    .showHelpAfterError()
    .exitOverride();
  registerCommands(program);
  return program;
}

/** Runs the CLI and returns the process exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
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
  constructor(message: string, readonly exitCode = 1) {
    super(message);
    this.name = 'CliError';
  }
}
