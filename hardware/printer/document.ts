/**
 * A printout as the station describes it, for any printer model: text, QR codes
 * and feeds, laid out for a paper `PAPER_COLUMNS` characters wide. A driver turns
 * it into its own bytes (ESC/POS: receipt.ts).
 */

/** The paper's width in characters at normal size: every printout is laid out for it. */
export const PAPER_COLUMNS = 48;

export type Alignment = 'left' | 'center' | 'right';

export type DocumentBlock =
  | {
      readonly kind: 'text';
      readonly text: string;
      /** Character size multipliers (1–8); default 1 × 1. A line holds PAPER_COLUMNS / width characters. */
      readonly width?: number;
      readonly height?: number;
      readonly bold?: boolean;
      readonly align?: Alignment;
    }
  | {
      readonly kind: 'qr';
      /** Encoded as UTF-8 byte data. */
      readonly data: string;
      readonly moduleSize?: number;
      readonly errorCorrection?: 'L' | 'M' | 'Q' | 'H';
      readonly align?: Alignment;
    }
  | { readonly kind: 'feed'; readonly lines: number };

export type PrintDocument = {
  readonly blocks: readonly DocumentBlock[];
  readonly cut?: 'full' | 'partial';
};
