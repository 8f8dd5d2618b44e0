import { createCanvas } from '@napi-rs/canvas';
import QRCode from 'qrcode';
import { utf8Decode } from '../../core/encoding/bytes';

/** What ended up on the simulated paper, in order. */
export type PrintedSegment = {
  readonly text: string;
  readonly bold: boolean;
  readonly width: number;
  readonly height: number;
};
export type Alignment = 'left' | 'center' | 'right';
export type PrintedLine =
  | { readonly kind: 'text'; readonly align: Alignment; readonly segments: readonly PrintedSegment[] }
  | {
      readonly kind: 'qr';
      readonly align: Alignment;
      readonly data: Uint8Array;
      readonly moduleSize: number;
      readonly errorCorrection: 'L' | 'M' | 'Q' | 'H';
    }
  | { readonly kind: 'cut'; readonly partial: boolean };

/** 80 mm paper: 576 dots wide, font A is 12 × 24 dots, so 48 columns. */
export const PAPER_WIDTH_DOTS = 576;
const CELL_WIDTH = 12;
const CELL_HEIGHT = 24;
const MARGIN = 16;

export function lineText(line: Extract<PrintedLine, { kind: 'text' }>): string {
  return line.segments.map((segment) => segment.text).join('');
}

/** A plain-text transcript: text lines as printed, QR codes and cuts as marked lines. */
export function transcriptOf(lines: readonly PrintedLine[]): string {
  return lines
    .map((line) => {
      switch (line.kind) {
        case 'text':
          return lineText(line);
        case 'qr':
          return `[QR ${line.errorCorrection}: ${utf8Decode(line.data)}]`;
        case 'cut':
          return `--- ${line.partial ? 'partial' : 'full'} cut ---`;
      }
    })
    .join('\n');
}

function qrMatrix(line: Extract<PrintedLine, { kind: 'qr' }>): {
  size: number;
  dark: (row: number, col: number) => boolean;
} {
  const symbol = QRCode.create([{ mode: 'byte', data: line.data }], { errorCorrectionLevel: line.errorCorrection });
  return { size: symbol.modules.size, dark: (row, col) => symbol.modules.get(row, col) === 1 };
}

function lineHeight(line: PrintedLine): number {
  switch (line.kind) {
    case 'text':
      return CELL_HEIGHT * Math.max(1, ...line.segments.map((segment) => segment.height));
    case 'qr':
      return (qrMatrix(line).size + 8) * line.moduleSize + 8;
    case 'cut':
      return 24;
  }
}

/** Draws the lines as the thermal head would (black on white, 576 dots wide) and returns a PNG. */
export async function renderPng(lines: readonly PrintedLine[]): Promise<Uint8Array> {
  const height =
    Math.max(
      CELL_HEIGHT,
      lines.reduce((sum, line) => sum + lineHeight(line), 0),
    ) +
    2 * MARGIN;
  const canvas = createCanvas(PAPER_WIDTH_DOTS + 2 * MARGIN, height);
  const context = canvas.getContext('2d');
  context.fillStyle = '#ffffff';
  context.fillRect(0, 0, canvas.width, canvas.height);
  context.fillStyle = '#000000';
  context.textBaseline = 'top';
  let y = MARGIN;
  for (const line of lines) {
    const lineHeightDots = lineHeight(line);
    switch (line.kind) {
      case 'text': {
        const columns = line.segments.reduce((sum, segment) => sum + [...segment.text].length * segment.width, 0);
        const widthDots = columns * CELL_WIDTH;
        let x = MARGIN + alignOffset(line.align, widthDots);
        for (const segment of line.segments) {
          context.font = `${segment.bold ? 'bold ' : ''}20px "DejaVu Sans Mono"`;
          for (const char of segment.text) {
            context.save();
            context.translate(x, y + lineHeightDots - CELL_HEIGHT * segment.height + 2);
            context.scale(segment.width, segment.height);
            context.fillText(char, 0, 0);
            context.restore();
            x += CELL_WIDTH * segment.width;
          }
        }
        break;
      }
      case 'qr': {
        const matrix = qrMatrix(line);
        const side = (matrix.size + 8) * line.moduleSize;
        const left = MARGIN + alignOffset(line.align, side) + 4 * line.moduleSize;
        const top = y + 4 * line.moduleSize;
        for (let row = 0; row < matrix.size; row++) {
          for (let col = 0; col < matrix.size; col++) {
            if (matrix.dark(row, col))
              context.fillRect(
                left + col * line.moduleSize,
                top + row * line.moduleSize,
                line.moduleSize,
                line.moduleSize,
              );
          }
        }
        break;
      }
      case 'cut':
        context.setLineDash([8, 6]);
        context.beginPath();
        context.moveTo(0, y + 12);
        context.lineTo(canvas.width, y + 12);
        context.stroke();
        context.setLineDash([]);
        break;
    }
    y += lineHeightDots;
  }
  return new Uint8Array(await canvas.encode('png'));
}

function alignOffset(align: Alignment, widthDots: number): number {
  const free = Math.max(0, PAPER_WIDTH_DOTS - widthDots);
  return align === 'left' ? 0 : align === 'center' ? Math.floor(free / 2) : free;
}
