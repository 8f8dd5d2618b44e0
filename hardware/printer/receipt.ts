import { utf8Encode } from '../../core/encoding/bytes';
import { concatBytes } from '../../core/encoding/bytes';
import { err, ok } from '../../core/result';
import type { Result } from '../../core/result';
import { ESC_T_CP866, encodeCp866 } from './cp866';
import type { PrintDocument } from './document';
import * as escpos from './escpos';

export type EncodedReceipt = {
  readonly bytes: Uint8Array;
  /** Characters the code page lacks, printed as '?'. */
  readonly unmappable: readonly string[];
};

export type ReceiptError =
  { readonly kind: 'qr-too-long'; readonly bytes: number } | { readonly kind: 'empty-receipt' };

/**
 * The ESC/POS bytes of one document (document.ts): initialise, select CP866, each block with its own modes
 * (reset after it so blocks never leak style into each other), then cut.
 */
export function encodeReceipt(receipt: PrintDocument): Result<EncodedReceipt, ReceiptError> {
  if (receipt.blocks.length === 0) return err({ kind: 'empty-receipt' });
  const parts: Uint8Array[] = [escpos.initialize(), escpos.selectCodePage(ESC_T_CP866)];
  const unmappable: string[] = [];
  for (const block of receipt.blocks) {
    switch (block.kind) {
      case 'text': {
        const encoded = encodeCp866(block.text.endsWith('\n') ? block.text : `${block.text}\n`);
        unmappable.push(...encoded.unmappable);
        parts.push(
          escpos.justify(block.align ?? 'left'),
          escpos.characterSize(block.width ?? 1, block.height ?? 1),
          escpos.emphasis(block.bold ?? false),
          encoded.bytes,
          escpos.emphasis(false),
          escpos.characterSize(1, 1),
        );
        break;
      }
      case 'qr': {
        const data = utf8Encode(block.data);
        if (data.length > escpos.QR_MAX_DATA_BYTES) return err({ kind: 'qr-too-long', bytes: data.length });
        parts.push(
          escpos.justify(block.align ?? 'center'),
          escpos.qrSelectModel2(),
          escpos.qrModuleSize(block.moduleSize ?? 6),
          escpos.qrErrorCorrection(block.errorCorrection ?? 'M'),
          escpos.qrStoreData(data),
          escpos.qrPrint(),
        );
        break;
      }
      case 'feed':
        parts.push(escpos.feedLines(block.lines));
        break;
    }
  }
  parts.push(escpos.justify('left'), escpos.cut(receipt.cut ?? 'partial', 0));
  return ok({ bytes: concatBytes(...parts), unmappable });
}
