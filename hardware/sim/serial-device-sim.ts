import { SerialPort } from 'serialport';
import type { EventLogger } from '../../core/logging';
import { silentLogger } from '../../core/logging';

/** The prefix of a simulator's event ids (core/events.ts). */
export type SimulatorEvents = 'sim.printer' | 'sim.card-reader';

export type SerialDeviceSimulatorOptions = {
  /** The simulator's end of a pty pair (the driver opens the other end). */
  readonly path: string;
  readonly logger?: EventLogger;
};

/**
 * The serial side every simulated device shares: it opens its end of the pty,
 * answers each chunk the host writes with what the device model says back, can fall
 * silent, and closes its end as if the cable were pulled. Subclasses are the devices.
 */
export abstract class SerialDeviceSimulator {
  protected readonly logger: EventLogger;
  private port: SerialPort | undefined;
  private silent = false;

  /** `events` prefixes the device's log event ids (`sim.printer` → `sim.printer.started`). */
  protected constructor(
    private readonly options: SerialDeviceSimulatorOptions,
    private readonly events: SimulatorEvents,
  ) {
    this.logger = options.logger ?? silentLogger;
  }

  /** The device model's answer to bytes from the host (empty: no answer). */
  protected abstract answer(fromHost: Uint8Array): Uint8Array;

  async start(): Promise<void> {
    if (this.port?.isOpen) return;
    const port = new SerialPort({ path: this.options.path, baudRate: 115200, autoOpen: false });
    port.on('error', (error) => this.logger.log(`${this.events}.port-error`, { message: error.message }));
    await new Promise<void>((resolve, reject) => port.open((error) => (error ? reject(error) : resolve())));
    port.on('data', (chunk: Buffer) => this.send(this.answer(new Uint8Array(chunk))));
    port.on('close', () => {
      if (this.port === port) this.port = undefined;
    });
    this.port = port;
    this.logger.log(`${this.events}.started`, { path: this.options.path });
  }

  /** Closes the port, as if the cable were pulled (socat then removes the pair). */
  async disappear(): Promise<void> {
    const port = this.port;
    this.port = undefined;
    if (port?.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
    this.logger.log(`${this.events}.disappeared`, { path: this.options.path });
  }

  stop(): Promise<void> {
    return this.disappear();
  }

  /** Answers nothing at all (a hung device), while still reading what it is sent. */
  goSilent(silent = true): void {
    this.silent = silent;
    this.logger.log(`${this.events}.silent`, { silent });
  }

  /** Sends arbitrary bytes to the host, as a faulty device or a noisy line would (fuzz tests). */
  injectRaw(bytes: Uint8Array): Promise<void> {
    const port = this.port;
    if (!port?.isOpen) return Promise.resolve();
    return new Promise((resolve) => port.write(Buffer.from(bytes), () => port.drain(() => resolve())));
  }

  /** Sends the device's own bytes to the host, unless it is silent or unplugged. */
  protected send(bytes: Uint8Array): void {
    if (bytes.length === 0 || this.silent) return;
    const port = this.port;
    if (port?.isOpen) port.write(Buffer.from(bytes));
  }
}
