import { assertNever } from '../../core/result';
import type { PrinterState as MessagePrinterState } from '../../core/i18n/hardware';

/**
 * What the printer reports about itself, bit by bit, whichever way it was read
 * (DLE EOT 1..4 or a GS a automatic status block).
 */
export type PrinterCondition = {
  readonly offline: boolean;
  readonly coverOpen: boolean;
  readonly feedButtonPressed: boolean;
  readonly stoppedByPaperEnd: boolean;
  readonly errorOccurred: boolean;
  readonly mechanicalError: boolean;
  readonly autocutterError: boolean;
  readonly unrecoverableError: boolean;
  readonly autoRecoverableError: boolean;
  readonly paperNearEnd: boolean;
  readonly paperOut: boolean;
};

const bit = (byte: number, n: number): boolean => ((byte >> n) & 1) === 1;

/** A DLE EOT reply byte has bits 0, 1, 4, 7 fixed to 0, 1, 1, 0. */
export const isRealtimeStatusByte = (byte: number): boolean => (byte & 0x93) === 0x12;
/** The first byte of a GS a block has bits 0, 1, 4, 7 fixed to 0, 0, 1, 0 … */
export const isAsbFirstByte = (byte: number): boolean => (byte & 0x93) === 0x10;
/** … and its other three bytes have bits 4 and 7 fixed to 0. */
export const isAsbFollowingByte = (byte: number): boolean => (byte & 0x90) === 0x00;

export type RealtimeStatusBytes = {
  /** DLE EOT 1 */ readonly printer: number;
  /** DLE EOT 2 */ readonly offlineCause: number;
  /** DLE EOT 3 */ readonly errorCause: number;
  /** DLE EOT 4 */ readonly paperSensor: number;
};

export function decodeRealtimeStatus(bytes: RealtimeStatusBytes): PrinterCondition {
  return {
    offline: bit(bytes.printer, 3),
    coverOpen: bit(bytes.offlineCause, 2),
    feedButtonPressed: bit(bytes.offlineCause, 3),
    stoppedByPaperEnd: bit(bytes.offlineCause, 5),
    errorOccurred: bit(bytes.offlineCause, 6),
    mechanicalError: bit(bytes.errorCause, 2),
    autocutterError: bit(bytes.errorCause, 3),
    unrecoverableError: bit(bytes.errorCause, 5),
    autoRecoverableError: bit(bytes.errorCause, 6),
    paperNearEnd: bit(bytes.paperSensor, 2) && bit(bytes.paperSensor, 3),
    paperOut: bit(bytes.paperSensor, 5) && bit(bytes.paperSensor, 6),
  };
}

/** The four-byte GS a block: printer information, error information, paper sensor, reserved. */
export function decodeAutomaticStatus(block: readonly [number, number, number, number]): PrinterCondition {
  const [first, second, third] = block;
  const errorBits = bit(second, 2) || bit(second, 3) || bit(second, 5) || bit(second, 6);
  const paperOut = bit(third, 2) && bit(third, 3);
  return {
    offline: bit(first, 3),
    coverOpen: bit(first, 5),
    feedButtonPressed: bit(first, 6),
    stoppedByPaperEnd: paperOut && bit(first, 3),
    errorOccurred: errorBits,
    mechanicalError: bit(second, 2),
    autocutterError: bit(second, 3),
    unrecoverableError: bit(second, 5),
    autoRecoverableError: bit(second, 6),
    paperNearEnd: bit(third, 0) && bit(third, 1),
    paperOut,
  };
}

/** Encoders for the simulator: the inverse of the two decoders above. */
export function encodeRealtimeStatus(condition: PrinterCondition): RealtimeStatusBytes {
  const set = (on: boolean, n: number): number => (on ? 1 << n : 0);
  const fixed = 0x12;
  return {
    printer: fixed | set(condition.offline, 3),
    offlineCause:
      fixed |
      set(condition.coverOpen, 2) |
      set(condition.feedButtonPressed, 3) |
      set(condition.stoppedByPaperEnd, 5) |
      set(condition.errorOccurred, 6),
    errorCause:
      fixed |
      set(condition.mechanicalError, 2) |
      set(condition.autocutterError, 3) |
      set(condition.unrecoverableError, 5) |
      set(condition.autoRecoverableError, 6),
    paperSensor: fixed | (condition.paperNearEnd ? 0x0c : 0) | (condition.paperOut ? 0x60 : 0),
  };
}

export function encodeAutomaticStatus(condition: PrinterCondition): [number, number, number, number] {
  const set = (on: boolean, n: number): number => (on ? 1 << n : 0);
  return [
    0x10 | set(condition.offline, 3) | set(condition.coverOpen, 5) | set(condition.feedButtonPressed, 6),
    set(condition.mechanicalError, 2) |
      set(condition.autocutterError, 3) |
      set(condition.unrecoverableError, 5) |
      set(condition.autoRecoverableError, 6),
    (condition.paperNearEnd ? 0x03 : 0) | (condition.paperOut ? 0x0c : 0),
    0x00,
  ];
}

export type DisconnectReason = 'not-started' | 'port-missing' | 'port-closed' | 'port-error' | 'not-responding';
export type MechanicalFault = 'mechanical' | 'unrecoverable';

/** Every state a poll worker can see. Each has its own message in core/i18n/hardware.ts. */
export type PrinterStatus =
  | { readonly state: 'ready' }
  | { readonly state: 'paper-near-end' }
  | { readonly state: 'paper-out' }
  | { readonly state: 'cover-open' }
  | { readonly state: 'cutter-error' }
  | { readonly state: 'head-or-mechanical-error'; readonly fault: MechanicalFault }
  /** DLE EOT 3 bit 6 / GS a byte 2 bit 6, an automatically recoverable error: on a thermal printer the head's temperature. */
  | { readonly state: 'head-overheated' }
  | { readonly state: 'offline' }
  | { readonly state: 'disconnected'; readonly reason: DisconnectReason };

export type PrinterState = PrinterStatus['state'];
// The translation table in core/ names the same states: a new state must get its messages.
type SameStates<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const printerStatesHaveMessages: SameStates<PrinterState, MessagePrinterState> = true;
void printerStatesHaveMessages;
export const PRINTER_STATES: readonly PrinterState[] = [
  'ready',
  'paper-near-end',
  'paper-out',
  'cover-open',
  'cutter-error',
  'head-or-mechanical-error',
  'head-overheated',
  'offline',
  'disconnected',
];

/**
 * One status from the condition bits. Faults that need a person to repair the
 * mechanism come first, then what the poll worker can fix (cover, paper), then a
 * bare offline, then the warning.
 */
export function statusFromCondition(condition: PrinterCondition): PrinterStatus {
  if (condition.autocutterError) return { state: 'cutter-error' };
  if (condition.unrecoverableError) return { state: 'head-or-mechanical-error', fault: 'unrecoverable' };
  if (condition.mechanicalError) return { state: 'head-or-mechanical-error', fault: 'mechanical' };
  // It clears by itself once the head has cooled: a wait, not a repair (and not a power cycle).
  if (condition.autoRecoverableError) return { state: 'head-overheated' };
  if (condition.coverOpen) return { state: 'cover-open' };
  if (condition.paperOut || condition.stoppedByPaperEnd) return { state: 'paper-out' };
  if (condition.offline || condition.errorOccurred) return { state: 'offline' };
  if (condition.paperNearEnd) return { state: 'paper-near-end' };
  return { state: 'ready' };
}

/** A printer can take a job in these states. */
export function canPrint(status: PrinterStatus): boolean {
  switch (status.state) {
    case 'ready':
    case 'paper-near-end':
      return true;
    case 'paper-out':
    case 'cover-open':
    case 'cutter-error':
    case 'head-or-mechanical-error':
    case 'head-overheated':
    case 'offline':
    case 'disconnected':
      return false;
    default:
      return assertNever(status, 'printer status');
  }
}

export type PrinterEvent =
  | { readonly type: 'status-read'; readonly condition: PrinterCondition }
  | { readonly type: 'automatic-status'; readonly condition: PrinterCondition }
  | { readonly type: 'connection-lost'; readonly reason: DisconnectReason };

/** The printer status as a reducer: an event goes in, the new status comes out. */
export function reducePrinterStatus(_current: PrinterStatus, event: PrinterEvent): PrinterStatus {
  switch (event.type) {
    case 'status-read':
    case 'automatic-status':
      return statusFromCondition(event.condition);
    case 'connection-lost':
      return { state: 'disconnected', reason: event.reason };
    default:
      return assertNever(event, 'printer event');
  }
}

/**
 * Two statuses are the same change for the poll worker when state (and the kind of
 * mechanical fault) agree; the reason for a disconnection is detail, not a new state.
 */
export function sameStatus(a: PrinterStatus, b: PrinterStatus): boolean {
  if (a.state !== b.state) return false;
  if (a.state === 'head-or-mechanical-error' && b.state === 'head-or-mechanical-error') return a.fault === b.fault;
  return true;
}
