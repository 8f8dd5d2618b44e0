import { toBase64 } from '../../core/encoding/bytes';
import { keyId } from '../card-reader/card-data';
import type { CardReaderSimulator } from './card-reader-sim';
import type { CardSet } from './card-set';
import type { PrinterSimulator } from './printer-sim';
import type { SerialDeviceSimulator } from './serial-device-sim';

/**
 * The small line language the `urna sim …` commands read on stdin, so a person
 * (or a demo script) can cause faults and insert cards while a station runs.
 */
export const PRINTER_SIM_HELP = [
  'paper ok|near-end|out     set the paper supply',
  'paper-lines N             run out of paper after N more printed lines',
  'cover open|closed         open or close the cover',
  'cutter jam|jam-next|clear jam the cutter now, on the next cut, or clear it',
  'mechanical on|off         mechanical error',
  'overheat on|off           print head too hot',
  'offline on|off            offline switch',
  'silent on|off             stop (or resume) answering the host',
  'disappear | return        close or reopen the serial port',
  'transcript                print everything printed so far',
].join('\n');

export const CARD_READER_SIM_HELP = [
  'cards                     list the cards',
  'insert NAME               insert a card',
  'insert-backwards NAME     insert a card the wrong way round',
  'remove                    take the card out',
  'mute on|off               the inserted card stops (or resumes) answering',
  'silent on|off             the reader stops (or resumes) answering the host',
  'disappear | return        close or reopen the serial port',
  'keys                      print the issuer public keys',
].join('\n');

/** A command that takes `on|off`: sets it and echoes it, or says how it is used. */
function switchCommand(command: string, argument: string | undefined, set: (on: boolean) => void): string {
  if (argument !== 'on' && argument !== 'off') return `usage: ${command} on|off`;
  set(argument === 'on');
  return `${command} ${argument}`;
}

export async function runPrinterSimCommand(sim: PrinterSimulator, line: string): Promise<string> {
  const [command, argument] = line.trim().split(/\s+/);
  switch (command) {
    case undefined:
    case '':
      return '';
    case 'help':
      return PRINTER_SIM_HELP;
    case 'paper':
      if (argument !== 'ok' && argument !== 'near-end' && argument !== 'out') return 'usage: paper ok|near-end|out';
      sim.setPaper(argument);
      return `paper ${argument}`;
    case 'paper-lines': {
      const lines = Number(argument);
      if (!Number.isInteger(lines) || lines < 1) return 'usage: paper-lines N (N ≥ 1)';
      sim.runOutAfterLines(lines);
      return `paper runs out after ${lines} lines`;
    }
    case 'cover':
      if (argument !== 'open' && argument !== 'closed') return 'usage: cover open|closed';
      sim.setCoverOpen(argument === 'open');
      return `cover ${argument}`;
    case 'cutter':
      if (argument === 'jam') sim.jamCutter();
      else if (argument === 'jam-next') sim.jamCutter({ onNextCut: true });
      else if (argument === 'clear') sim.clearCutter();
      else return 'usage: cutter jam|jam-next|clear';
      return `cutter ${argument}`;
    case 'mechanical':
      return switchCommand(command, argument, (on) => sim.setMechanicalError(on));
    case 'overheat':
      return switchCommand(command, argument, (on) => sim.setHeadOverheated(on));
    case 'offline':
      return switchCommand(command, argument, (on) => sim.setOfflineSwitch(on));
    case 'transcript':
      return sim.transcript();
    default:
      return runSerialCommand(sim, command, argument);
  }
}

export async function runCardReaderSimCommand(sim: CardReaderSimulator, cards: CardSet, line: string): Promise<string> {
  const [command, argument] = line.trim().split(/\s+/);
  switch (command) {
    case undefined:
    case '':
      return '';
    case 'help':
      return CARD_READER_SIM_HELP;
    case 'cards':
      return [...cards.cards.entries()]
        .map(
          ([name, card]) =>
            `${name}: ${card.cardId} ${card.spec.role}${card.spec.pin ? ' (PIN set)' : ''}, PIN tries left ${card.pinTriesLeft}${card.tokenBurnt ? ', token burnt' : ''}`,
        )
        .join('\n');
    case 'insert':
    case 'insert-backwards': {
      const card = cards.cards.get(argument ?? '');
      if (!card) return `no card named ${argument ?? ''} (try cards)`;
      sim.insert(card, { backwards: command === 'insert-backwards' });
      return `${command === 'insert' ? 'inserted' : 'inserted backwards'}: ${argument ?? ''}`;
    }
    case 'remove':
      sim.remove();
      return 'removed';
    case 'mute':
      return switchCommand(command, argument, (on) => sim.setCardMute(on));
    case 'keys':
      return [
        `card issuer: ${keyId(cards.cardIssuerPublicKey)} ${toBase64(cards.cardIssuerPublicKey)}`,
        `token issuer: ${keyId(cards.tokenIssuerPublicKey)} ${toBase64(cards.tokenIssuerPublicKey)}`,
      ].join('\n');
    default:
      return runSerialCommand(sim, command, argument);
  }
}

/** The commands every simulated device takes: its side of the serial line. */
async function runSerialCommand(
  sim: SerialDeviceSimulator,
  command: string,
  argument: string | undefined,
): Promise<string> {
  switch (command) {
    case 'silent':
      return switchCommand(command, argument, (on) => sim.goSilent(on));
    case 'disappear':
      await sim.disappear();
      return 'port closed';
    case 'return':
      await sim.start();
      return 'port open';
    default:
      return `unknown command: ${command} (try help)`;
  }
}
