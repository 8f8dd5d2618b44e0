import { assertNever } from '../../core/result';
import type { LinkLostReason } from '../serial/serial-link';
import { Slot } from './framing';

export type CardReaderDisconnectReason = LinkLostReason | 'not-started';

/** What the poll worker sees about the reader and its slot; each has a message in core/i18n/hardware.ts. */
export type CardReaderStatus =
  | { readonly state: 'disconnected'; readonly reason: CardReaderDisconnectReason }
  | { readonly state: 'no-card' }
  | { readonly state: 'card-present' }
  | { readonly state: 'card-unreadable' }
  | { readonly state: 'card-unresponsive' };

export type CardReaderState = CardReaderStatus['state'];

export type CardReaderEvent =
  | { readonly type: 'slot'; readonly slot: number }
  | { readonly type: 'card-mute' }
  | { readonly type: 'connection-lost'; readonly reason: CardReaderDisconnectReason };

/** The reader status as a reducer; an unknown slot byte leaves the status as it was. */
export function reduceCardReaderStatus(current: CardReaderStatus, event: CardReaderEvent): CardReaderStatus {
  switch (event.type) {
    case 'slot':
      switch (event.slot) {
        case Slot.empty:
          return { state: 'no-card' };
        case Slot.present:
        case Slot.powered:
          return { state: 'card-present' };
        case Slot.unreadable:
          return { state: 'card-unreadable' };
        case Slot.mute:
          return { state: 'card-unresponsive' };
        default:
          return current;
      }
    case 'card-mute':
      return { state: 'card-unresponsive' };
    case 'connection-lost':
      return { state: 'disconnected', reason: event.reason };
    default:
      return assertNever(event, 'card reader event');
  }
}
