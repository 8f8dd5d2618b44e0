import { SerialPort } from 'serialport';
import { utf8Decode } from '../core/encoding/bytes';
import { encodeFrame, FrameParser, FrameType, READER_ID } from './card-reader/framing';
import { reduceCardReaderStatus } from './card-reader/status';
import type { CardReaderStatus } from './card-reader/status';
import * as escpos from './printer/escpos';
import { decodeRealtimeStatus, isRealtimeStatusByte, statusFromCondition } from './printer/status';
import type { PrinterStatus } from './printer/status';

export type ProbeResult =
  | { readonly path: string; readonly kind: 'printer'; readonly status: PrinterStatus }
  | { readonly path: string; readonly kind: 'card-reader'; readonly status: CardReaderStatus }
  | { readonly path: string; readonly kind: 'unknown'; readonly detail: string };

/** Serial ports the operating system knows about (pseudo-terminals are not listed; pass them by path). */
export async function listSerialPorts(): Promise<{ path: string; manufacturer?: string }[]> {
  // SerialPort.list is typed through @serialport/bindings-interface, whose types do not
  // resolve under moduleResolution Bundler; the two fields used here are stable.
  const list = SerialPort.list as unknown as () => Promise<{ path: string; manufacturer?: string }[]>;
  const ports = await list();
  return ports.map((port) => ({ path: port.path, manufacturer: port.manufacturer }));
}

/**
 * Asks a port what it is: a DLE EOT 1 answer means an ESC/POS printer (then DLE
 * EOT 2–4 give its status); a framed STATUS with Urna's reader id means a card
 * reader. Neither probe makes a printer print or a reader touch a card.
 */
export async function probePort(path: string, timeoutMs = 500): Promise<ProbeResult> {
  const port = new SerialPort({ path, baudRate: 115200, autoOpen: false });
  port.on('error', () => undefined);
  const opened = await new Promise<Error | null>((resolve) => port.open((error) => resolve(error)));
  if (opened) return { path, kind: 'unknown', detail: `cannot open: ${opened.message}` };
  let received = new Uint8Array(0);
  const listeners = new Set<() => void>();
  port.on('data', (chunk: Buffer) => {
    const joined = new Uint8Array(received.length + chunk.length);
    joined.set(received);
    joined.set(chunk, received.length);
    received = joined;
    for (const listener of listeners) listener();
  });
  const waitFor = (enough: () => boolean): Promise<boolean> =>
    new Promise((resolve) => {
      const check = (): void => {
        if (!enough()) return;
        clearTimeout(timer);
        listeners.delete(check);
        resolve(true);
      };
      const timer = setTimeout(() => {
        listeners.delete(check);
        resolve(false);
      }, timeoutMs);
      listeners.add(check);
      check();
    });
  const write = (bytes: Uint8Array): Promise<void> =>
    new Promise((resolve) => port.write(Buffer.from(bytes), () => port.drain(() => resolve())));
  try {
    await write(escpos.realtimeStatusRequest(1));
    if (await waitFor(() => received.length >= 1)) {
      const first = received[0] ?? 0;
      if (received.length === 1 && isRealtimeStatusByte(first)) {
        received = new Uint8Array(0);
        await write(
          Uint8Array.of(
            ...escpos.realtimeStatusRequest(2),
            ...escpos.realtimeStatusRequest(3),
            ...escpos.realtimeStatusRequest(4),
          ),
        );
        if (await waitFor(() => received.length >= 3)) {
          const [offlineCause = 0, errorCause = 0, paperSensor = 0] = received;
          return {
            path,
            kind: 'printer',
            status: statusFromCondition(
              decodeRealtimeStatus({ printer: first, offlineCause, errorCause, paperSensor }),
            ),
          };
        }
        return { path, kind: 'printer', status: { state: 'disconnected', reason: 'not-responding' } };
      }
    }
    received = new Uint8Array(0);
    await write(encodeFrame({ seq: 1, type: FrameType.getStatus, payload: new Uint8Array(0) }));
    const parser = new FrameParser();
    let status: CardReaderStatus | undefined;
    await waitFor(() => {
      for (const frame of parser.push(received)) {
        if (frame.type === FrameType.status && frame.seq === 1 && utf8Decode(frame.payload.slice(1)) === READER_ID) {
          status = reduceCardReaderStatus(
            { state: 'disconnected', reason: 'not-started' },
            { type: 'slot', slot: frame.payload[0] ?? 0 },
          );
        }
      }
      received = new Uint8Array(0);
      return status !== undefined;
    });
    if (status) return { path, kind: 'card-reader', status };
    return { path, kind: 'unknown', detail: 'no answer to a printer or card reader status request' };
  } finally {
    if (port.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
  }
}
