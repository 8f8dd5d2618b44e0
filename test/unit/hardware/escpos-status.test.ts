import { describe, expect, it } from 'vitest';
import { decodeCp866, encodeCp866 } from '../../../hardware/printer/cp866';
import * as escpos from '../../../hardware/printer/escpos';
import { decodeAutomaticStatus, decodeRealtimeStatus, statusFromCondition } from '../../../hardware/printer/status';
import { decodeCommand, encodeCommand } from '../../../hardware/card-reader/apdu';
import { EscPosParser } from '../../../hardware/sim/escpos-parser';

describe('DLE EOT and GS a status bytes, bit by bit (ESC/POS reference)', () => {
  const ready = { printer: 0x12, offlineCause: 0x12, errorCause: 0x12, paperSensor: 0x12 };
  it.each([
    ['all fixed bits only', ready, { state: 'ready' }],
    ['DLE EOT 4 bits 2,3: near end', { ...ready, paperSensor: 0x1e }, { state: 'paper-near-end' }],
    [
      'DLE EOT 4 bits 5,6: paper end',
      { ...ready, printer: 0x1a, offlineCause: 0x32, paperSensor: 0x7e },
      { state: 'paper-out' },
    ],
    ['DLE EOT 2 bit 2: cover open', { ...ready, printer: 0x1a, offlineCause: 0x16 }, { state: 'cover-open' }],
    [
      'DLE EOT 3 bit 3: autocutter error',
      { ...ready, printer: 0x1a, offlineCause: 0x52, errorCause: 0x1a },
      { state: 'cutter-error' },
    ],
    [
      'DLE EOT 3 bit 2: mechanical error',
      { ...ready, printer: 0x1a, offlineCause: 0x52, errorCause: 0x16 },
      { state: 'head-or-mechanical-error', fault: 'mechanical' },
    ],
    [
      'DLE EOT 3 bit 5: unrecoverable',
      { ...ready, printer: 0x1a, offlineCause: 0x52, errorCause: 0x32 },
      { state: 'head-or-mechanical-error', fault: 'unrecoverable' },
    ],
    [
      'DLE EOT 3 bit 6: head too hot',
      { ...ready, printer: 0x1a, offlineCause: 0x52, errorCause: 0x52 },
      { state: 'head-overheated' },
    ],
    ['DLE EOT 1 bit 3 alone: offline', { ...ready, printer: 0x1a }, { state: 'offline' }],
  ])('%s', (_name, bytes, expected) => {
    expect(statusFromCondition(decodeRealtimeStatus(bytes))).toEqual(expected);
  });

  it('GS a block: byte 1 bit 5 cover, byte 2 bit 3 cutter, byte 3 bits 2,3 paper end', () => {
    expect(statusFromCondition(decodeAutomaticStatus([0x38, 0x00, 0x00, 0x00]))).toEqual({ state: 'cover-open' });
    expect(statusFromCondition(decodeAutomaticStatus([0x18, 0x08, 0x00, 0x00]))).toEqual({ state: 'cutter-error' });
    expect(statusFromCondition(decodeAutomaticStatus([0x18, 0x00, 0x0f, 0x00]))).toEqual({ state: 'paper-out' });
    expect(statusFromCondition(decodeAutomaticStatus([0x10, 0x00, 0x03, 0x00]))).toEqual({ state: 'paper-near-end' });
    // Byte 2 bit 6, an automatically recoverable error: the head is too hot, not a mechanical fault.
    expect(statusFromCondition(decodeAutomaticStatus([0x18, 0x40, 0x00, 0x00]))).toEqual({ state: 'head-overheated' });
  });
});

describe('CP866', () => {
  it('round-trips Russian text and maps ё, № and typographic quotes', () => {
    const text = 'Съешь же ещё этих мягких французских булок, да выпей чаю. № 5 ЁЁ';
    const encoded = encodeCp866(text);
    expect(encoded.unmappable).toEqual([]);
    expect(decodeCp866(encoded.bytes)).toBe(text);
    expect(Array.from(encodeCp866('АаПпРрЯяЁё№').bytes)).toEqual([
      0x80, 0xa0, 0x8f, 0xaf, 0x90, 0xe0, 0x9f, 0xef, 0xf0, 0xf1, 0xfc,
    ]);
    expect(decodeCp866(encodeCp866('«да» — нет').bytes)).toBe('"да" - нет');
    expect(encodeCp866('日本').unmappable).toEqual(['日', '本']);
  });
});

describe('ESC/POS command bytes', () => {
  it('builds QR functions 165/167/169/180/181, GS V and GS ! as documented', () => {
    expect(Array.from(escpos.qrSelectModel2())).toEqual([0x1d, 0x28, 0x6b, 4, 0, 49, 65, 50, 0]);
    expect(Array.from(escpos.qrModuleSize(6))).toEqual([0x1d, 0x28, 0x6b, 3, 0, 49, 67, 6]);
    expect(Array.from(escpos.qrErrorCorrection('M'))).toEqual([0x1d, 0x28, 0x6b, 3, 0, 49, 69, 49]);
    expect(Array.from(escpos.qrStoreData(Uint8Array.of(0x41, 0x42)))).toEqual([
      0x1d, 0x28, 0x6b, 5, 0, 49, 80, 48, 0x41, 0x42,
    ]);
    expect(Array.from(escpos.qrPrint())).toEqual([0x1d, 0x28, 0x6b, 3, 0, 49, 81, 48]);
    expect(Array.from(escpos.cut('partial'))).toEqual([0x1d, 0x56, 66, 0]);
    expect(Array.from(escpos.characterSize(2, 3))).toEqual([0x1d, 0x21, 0x12]);
  });

  it('the simulator parser reads back what the builders write, even split byte by byte', () => {
    const parser = new EscPosParser();
    const bytes = [
      ...escpos.characterSize(2, 2),
      ...escpos.qrStoreData(Uint8Array.of(0x41)),
      ...escpos.realtimeStatusRequest(4),
    ];
    const commands = bytes.flatMap((byte) => parser.push(Uint8Array.of(byte)));
    expect(commands).toEqual([
      { kind: 'size', width: 2, height: 2 },
      { kind: 'qr', fn: 80, parameters: Uint8Array.of(48, 0x41) },
      { kind: 'realtime-status', n: 4 },
    ]);
  });
});

describe('APDU encoding', () => {
  it('round-trips cases 1–4', () => {
    for (const command of [
      { cla: 0, ins: 0x20, p1: 0, p2: 0x81 },
      { cla: 0, ins: 0xb0, p1: 0, p2: 0, le: 256 },
      { cla: 0, ins: 0x20, p1: 0, p2: 0x81, data: Uint8Array.of(0x31, 0x32) },
      { cla: 0, ins: 0x88, p1: 0, p2: 0, data: new Uint8Array(32), le: 256 },
    ])
      expect(decodeCommand(encodeCommand(command))).toEqual(command);
    expect(decodeCommand(Uint8Array.of(0, 0x20, 0, 0x81, 5, 1))).toBeUndefined();
  });
});
