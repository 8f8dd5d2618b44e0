import { concatBytes, utf8Encode } from '../../core/encoding/bytes';
import { encodeFrame, FrameParser, FrameType, READER_ID, ReaderError, Slot } from '../card-reader/framing';
import type { Frame } from '../card-reader/framing';
import type { VirtualCard } from './virtual-card';

type Inserted = { readonly card: VirtualCard; readonly backwards: boolean; powered: boolean };

/** The largest short command APDU: header, Lc, 255 data bytes, Le. */
const MAX_COMMAND_APDU = 261;

/**
 * A serial smart-card reader without a port: frames in, frames out. It powers a
 * card on insertion and announces every slot change with a SLOT_EVENT frame.
 */
export class CardReaderModel {
  private readonly parser = new FrameParser();
  private inserted: Inserted | undefined;
  private cardMute = false;
  private slot: number = Slot.empty;

  get discardedBytes(): number {
    return this.parser.discarded;
  }

  get currentSlot(): number {
    return this.slot;
  }

  get card(): VirtualCard | undefined {
    return this.inserted?.card;
  }

  receive(bytes: Uint8Array): Uint8Array {
    const out: Uint8Array[] = [];
    for (const frame of this.parser.push(bytes)) out.push(...this.handle(frame));
    return concatBytes(...out);
  }

  insert(card: VirtualCard, options: { readonly backwards?: boolean } = {}): Uint8Array {
    const backwards = options.backwards ?? false;
    this.inserted = { card, backwards, powered: false };
    this.cardMute = false;
    if (!backwards) {
      card.powerOn();
      this.inserted.powered = true;
    }
    return this.setSlot(backwards ? Slot.unreadable : Slot.powered);
  }

  remove(): Uint8Array {
    this.inserted = undefined;
    this.cardMute = false;
    return this.setSlot(Slot.empty);
  }

  /** The card stops (or resumes) answering; the reader notices on the next command. */
  setCardMute(mute: boolean): void {
    this.cardMute = mute;
  }

  private setSlot(slot: number): Uint8Array {
    if (slot === this.slot) return new Uint8Array(0);
    this.slot = slot;
    return encodeFrame({ seq: 0, type: FrameType.slotEvent, payload: Uint8Array.of(slot) });
  }

  private handle(frame: Frame): Uint8Array[] {
    const answer = (type: number, payload: Uint8Array): Uint8Array => encodeFrame({ seq: frame.seq, type, payload });
    const error = (code: number): Uint8Array => answer(FrameType.error, Uint8Array.of(code));
    const inserted = this.inserted;
    switch (frame.type) {
      case FrameType.getStatus:
        return [answer(FrameType.status, concatBytes(Uint8Array.of(this.slot), utf8Encode(READER_ID)))];
      case FrameType.powerOn: {
        if (!inserted) return [error(ReaderError.noCard)];
        if (inserted.backwards) return [error(ReaderError.unreadable)];
        if (this.cardMute) return [error(ReaderError.mute), this.setSlot(Slot.mute)];
        inserted.powered = true;
        const atr = inserted.card.powerOn();
        return [this.setSlot(Slot.powered), answer(FrameType.atr, atr)];
      }
      case FrameType.powerOff: {
        let event: Uint8Array = new Uint8Array(0);
        if (inserted && !inserted.backwards) {
          inserted.powered = false;
          event = this.setSlot(this.cardMute ? Slot.mute : Slot.present);
        }
        return [event, answer(FrameType.status, concatBytes(Uint8Array.of(this.slot), utf8Encode(READER_ID)))];
      }
      case FrameType.transmit: {
        if (!inserted) return [error(ReaderError.noCard)];
        if (inserted.backwards) return [error(ReaderError.unreadable)];
        if (frame.payload.length > MAX_COMMAND_APDU) return [error(ReaderError.tooLong)];
        if (this.cardMute) return [error(ReaderError.mute), this.setSlot(Slot.mute)];
        if (!inserted.powered) {
          inserted.card.powerOn();
          inserted.powered = true;
        }
        return [this.setSlot(Slot.powered), answer(FrameType.response, inserted.card.process(frame.payload))];
      }
      default:
        return [error(ReaderError.unknownType)];
    }
  }
}
