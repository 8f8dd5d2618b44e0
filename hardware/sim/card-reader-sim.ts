import { SerialPort } from 'serialport';
import type { HardwareLogger } from '../logger';
import { silentLogger } from '../logger';
import { CardReaderModel } from './card-reader-model';
import type { VirtualCard } from './virtual-card';

export type CardReaderSimulatorOptions = {
  /** The simulator's end of a pty pair (the driver opens the other end). */
  readonly path: string;
  readonly logger?: HardwareLogger;
};

/** A serial smart-card reader on a pty, speaking the framing in FRAMING.md. */
export class CardReaderSimulator {
  readonly model = new CardReaderModel();
  private port: SerialPort | undefined;
  private silent = false;
  private readonly logger: HardwareLogger;

  constructor(private readonly options: CardReaderSimulatorOptions) {
    this.logger = options.logger ?? silentLogger;
  }

  async start(): Promise<void> {
    if (this.port?.isOpen) return;
    const port = new SerialPort({ path: this.options.path, baudRate: 115200, autoOpen: false });
    port.on('error', (error) => this.logger.log('sim.card-reader.port-error', { message: error.message }));
    await new Promise<void>((resolve, reject) => port.open((error) => (error ? reject(error) : resolve())));
    port.on('data', (chunk: Buffer) => this.send(this.model.receive(new Uint8Array(chunk))));
    port.on('close', () => {
      if (this.port === port) this.port = undefined;
    });
    this.port = port;
    this.logger.log('sim.card-reader.started', { path: this.options.path });
  }

  async disappear(): Promise<void> {
    const port = this.port;
    this.port = undefined;
    if (port?.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
    this.logger.log('sim.card-reader.disappeared', { path: this.options.path });
  }

  stop(): Promise<void> {
    return this.disappear();
  }

  goSilent(silent = true): void {
    this.silent = silent;
    this.logger.log('sim.card-reader.silent', { silent });
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

  /** Sends arbitrary bytes to the host, as a faulty device or a noisy line would (fuzz tests). */
  injectRaw(bytes: Uint8Array): Promise<void> {
    const port = this.port;
    if (!port?.isOpen) return Promise.resolve();
    return new Promise((resolve) => port.write(Buffer.from(bytes), () => port.drain(() => resolve())));
  }

  private send(bytes: Uint8Array): void {
    if (bytes.length === 0 || this.silent) return;
    const port = this.port;
    if (port?.isOpen) port.write(Buffer.from(bytes));
  }
}
