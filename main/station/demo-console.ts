/**
 * The demo kiosk's device console: in demo mode the simulators run inside the
 * Electron main process, so a person at the terminal that ran `npm start` drives
 * them with the simulator command language on stdin, prefixed by the device:
 *
 *   card insert worker        card remove        card insert clone
 *   printer paper out         printer cover open ...
 *
 * Demo mode only: a production kiosk has no simulators and reads nothing here.
 */
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { EventLogger } from '../../core/logging';
import {
  CARD_READER_SIM_HELP,
  PRINTER_SIM_HELP,
  runCardReaderSimCommand,
  runPrinterSimCommand,
} from '../../hardware/sim/sim-commands';
import type { DemoDevices } from './demo-devices';

export function startDemoConsole(
  devices: DemoDevices,
  io: { readonly input: Readable; readonly output: Writable },
  logger: EventLogger,
): () => void {
  const lines = createInterface({ input: io.input });
  const say = (text: string): void => {
    if (text) io.output.write(`${text}\n`);
  };
  say(
    'demo devices: "card insert worker" (PIN 1234), "card insert official" (PIN 5678), "card remove", "printer paper out", … ("help" lists all)',
  );
  lines.on('line', (line) => {
    const [device, ...rest] = line.trim().split(/\s+/);
    const command = rest.join(' ');
    const run = async (): Promise<string> => {
      switch (device) {
        case 'card':
          return runCardReaderSimCommand(devices.cardReader, devices.cards, command);
        case 'printer':
          return runPrinterSimCommand(devices.printer, command);
        case '':
        case undefined:
          return '';
        default:
          return `card …\n${CARD_READER_SIM_HELP}\n\nprinter …\n${PRINTER_SIM_HELP}`;
      }
    };
    logger.log('station.demo-console-command', { device: device ?? '', command });
    run().then(say, (error: unknown) => say(`failed: ${error instanceof Error ? error.message : String(error)}`));
  });
  return () => lines.close();
}
