import { CardReaderModel } from './card-reader-model';
import { SerialDeviceSimulator, type SerialDeviceSimulatorOptions } from './serial-device-sim';
import type { VirtualCard } from './virtual-card';

export type CardReaderSimulatorOptions = SerialDeviceSimulatorOptions;

/** A serial smart-card reader on a pty, speaking the framing in FRAMING.md. */
export class CardReaderSimulator extends SerialDeviceSimulator {
  readonly model = new CardReaderModel();

  constructor(options: CardReaderSimulatorOptions) {
    super(options, 'sim.card-reader');
  }

  protected answer(fromHost: Uint8Array): Uint8Array {
    return this.model.receive(fromHost);
  }

  insert(card: VirtualCard, options: { readonly backwards?: boolean } = {}): void {
    this.logger.log('sim.card-reader.card-inserted', { cardId: card.cardId, backwards: options.backwards ?? false });
    this.send(this.model.insert(card, options));
  }

  remove(): void {
    this.logger.log('sim.card-reader.card-removed', {});
    this.send(this.model.remove());
  }

  setCardMute(mute: boolean): void {
    this.logger.log('sim.card-reader.card-mute', { mute });
    this.model.setCardMute(mute);
  }
}
