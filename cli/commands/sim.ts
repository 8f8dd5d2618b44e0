import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { jsonLinesLogger } from '../../hardware/logger';
import { CardReaderSimulator } from '../../hardware/sim/card-reader-sim';
import { parseInputFile } from '../../core/input-errors';
import { buildCardSet, cardSetFormat, demoCardSetFile } from '../../hardware/sim/card-set';
import { PrinterSimulator } from '../../hardware/sim/printer-sim';
import {
  CARD_READER_SIM_HELP,
  PRINTER_SIM_HELP,
  runCardReaderSimCommand,
  runPrinterSimCommand,
} from '../../hardware/sim/sim-commands';
import { CliError } from '../urna';

/**
 * `urna sim printer|card-reader --port PATH`: run a device simulator on one end of a
 * serial line (e.g. a socat pty pair), controlled by commands on stdin.
 */
export function register(program: Command): void {
  const sim = program.command('sim').description('run device simulators that speak the real serial protocols');

  sim
    .command('printer')
    .description('an ESC/POS receipt printer on PATH')
    .requiredOption('--port <path>', 'serial device for the simulator (the station opens the other end)')
    .option('--render <dir>', 'write each cut receipt there as receipt-NNNN.txt and .png')
    .option('--verbose', 'log simulator events as JSON lines on stderr')
    .addHelpText('after', `\nCommands on stdin:\n${PRINTER_SIM_HELP}\nquit                      stop`)
    .action(async (options: { port: string; render?: string; verbose?: boolean }) => {
      const printer = new PrinterSimulator({
        path: options.port,
        renderDir: options.render,
        logger: options.verbose ? jsonLinesLogger((line) => process.stderr.write(line)) : undefined,
      });
      await startOrFail(() => printer.start(), options.port);
      process.stdout.write(
        `printer simulator on ${options.port}${options.render ? `, rendering to ${options.render}` : ''}; type help\n`,
      );
      await serve((line) => runPrinterSimCommand(printer, line));
      await printer.stop();
    });

  sim
    .command('card-reader')
    .description('a serial smart-card reader on PATH, with simulated cards')
    .requiredOption('--port <path>', 'serial device for the simulator (the station opens the other end)')
    .option(
      '--cards <file>',
      'JSON card set (format: docs/schema/input/card-set.schema.json, example: docs/examples/card-set.json); default: the demo cards worker, official, voter, clone',
    )
    .option('--verbose', 'log simulator events as JSON lines on stderr')
    .addHelpText('after', `\nCommands on stdin:\n${CARD_READER_SIM_HELP}\nquit                      stop`)
    .action(async (options: { port: string; cards?: string; verbose?: boolean }) => {
      const cards = buildCardSet(options.cards ? await loadCardSet(options.cards) : demoCardSetFile());
      const reader = new CardReaderSimulator({
        path: options.port,
        logger: options.verbose ? jsonLinesLogger((line) => process.stderr.write(line)) : undefined,
      });
      await startOrFail(() => reader.start(), options.port);
      process.stdout.write(`card reader simulator on ${options.port}; type help\n`);
      process.stdout.write(
        `${await runCardReaderSimCommand(reader, cards, 'keys')}\n${await runCardReaderSimCommand(reader, cards, 'cards')}\n`,
      );
      await serve((line) => runCardReaderSimCommand(reader, cards, line));
      await reader.stop();
    });
}

async function loadCardSet(path: string) {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new CliError(`cannot read card set ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const parsed = parseInputFile(path, cardSetFormat, json);
  if (!parsed.ok) throw new CliError(parsed.error);
  const names = new Set(parsed.value.cards.map((card) => card.name));
  for (const card of parsed.value.cards) {
    if (card.cloneOf !== undefined && !names.has(card.cloneOf))
      throw new CliError(
        `card set ${path}: card "${card.name}" is a clone of "${card.cloneOf}", which is not in the set`,
      );
  }
  return parsed.value;
}

async function startOrFail(start: () => Promise<void>, port: string): Promise<void> {
  try {
    await start();
  } catch (error) {
    throw new CliError(`cannot open ${port}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/**
 * Reads commands from stdin until `quit`, SIGINT or SIGTERM. When stdin closes (a
 * simulator started in the background) it keeps running until a signal.
 */
function serve(run: (line: string) => Promise<string>): Promise<void> {
  return new Promise((resolve) => {
    const input = createInterface({ input: process.stdin, terminal: false });
    let queue = Promise.resolve();
    const finish = (): void => {
      process.off('SIGINT', finish);
      process.off('SIGTERM', finish);
      input.close();
      resolve();
    };
    process.on('SIGINT', finish);
    process.on('SIGTERM', finish);
    input.on('line', (line) => {
      if (line.trim() === 'quit') return finish();
      queue = queue.then(async () => {
        const answer = await run(line);
        if (answer) process.stdout.write(`${answer}\n`);
      });
    });
  });
}
