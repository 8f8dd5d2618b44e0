/**
 * Renders what the station prints for a voter, as the printer simulator draws it
 * from the real ESC/POS bytes: the receipt's first part (before the choice), the
 * paper record, the receipt's second part and the challenge slip, for a voter
 * using Russian and one using English, into docs/paper/*.png (docs/PAPER.md).
 *
 * The ballot is the sample election's district-1 ballot with a candidate, a
 * write-in and a blank contest; the confirmation code is a fixed example (SHA-256
 * of a label), not one a station produced.
 *
 * Usage: node --import tsx scripts/render-paper.ts [OUT_DIR]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { shortConfirmationCode, type BallotMarks } from '../core/api/ballot';
import type { Language } from '../core/api/station-api';
import { toBase64Url, utf8Encode } from '../core/encoding/bytes';
import { sha256 } from '../core/encoding/hash';
import { officialLanguageOf, parseElectionDefinition } from '../core/election/definition';
import type { PrintDocument } from '../hardware/printer/document';
import { encodeReceipt } from '../hardware/printer/receipt';
import { renderPng } from '../hardware/sim/paper';
import { EscPosPrinterModel } from '../hardware/sim/printer-model';
import { ballotViewFor } from '../core/election/ballot-view';
import { DEMO_PRECINCT_ID, demoElectionPackageText } from '../main/station/demo-election';
import { challengeSlip, paperRecord, receiptAfterCast, receiptBeforeChoice } from '../main/station/printouts';

const STATION_ID = 'st-demo-01';
const STYLE = 'style-district-1';
const MARKS: BallotMarks = {
  selections: { 'council-district-1': ['bogdanov-ilya', 'write-in-1'] },
  writeIns: { 'council-district-1': { 'write-in-1': 'Петрова Зоя' } },
};

async function png(receipt: PrintDocument): Promise<Uint8Array> {
  const encoded = encodeReceipt(receipt);
  if (!encoded.ok) throw new Error(`the printout cannot be encoded: ${encoded.error.kind}`);
  if (encoded.value.unmappable.length > 0)
    throw new Error(`characters CP866 lacks: ${encoded.value.unmappable.join(' ')}`);
  const model = new EscPosPrinterModel();
  model.receive(encoded.value.bytes);
  return renderPng(model.printed);
}

async function main(): Promise<void> {
  const outDir = path.resolve(process.argv[2] ?? 'docs/paper');
  const parsed = parseElectionDefinition((JSON.parse(demoElectionPackageText()) as { definition: unknown }).definition);
  if (!parsed.ok) throw new Error('the sample election definition does not parse');
  const definition = parsed.value;
  const ballot = ballotViewFor(definition, STYLE);
  if (ballot === undefined)
    throw new Error(`the sample election has no ballot style ${STYLE} (precinct ${DEMO_PRECINCT_ID})`);
  const bytes = sha256(utf8Encode('urna docs/paper example confirmation code'));
  const code = { short: shortConfirmationCode(bytes), full: toBase64Url(bytes) };
  const validatorUrls = definition.validators.members.map((m) => m.url);
  const officialLanguage = officialLanguageOf(definition);
  mkdirSync(outDir, { recursive: true });
  for (const language of ['ru', 'en'] as const satisfies readonly Language[]) {
    const printouts: Record<string, PrintDocument> = {
      'receipt-part1': receiptBeforeChoice({ ballot, code, stationId: STATION_ID, language }),
      'paper-record': paperRecord({
        ballot,
        marks: MARKS,
        stationId: STATION_ID,
        officialLanguage,
        voterLanguage: language,
      }),
      'receipt-part2': receiptAfterCast({ ballot, code, stationId: STATION_ID, language, validatorUrls }),
      'challenge-slip': challengeSlip({ ballot, marks: MARKS, code, stationId: STATION_ID, language, validatorUrls }),
    };
    for (const [name, receipt] of Object.entries(printouts)) {
      const file = path.join(outDir, `${name}-${language}.png`);
      writeFileSync(file, await png(receipt));
      process.stdout.write(`${path.relative(process.cwd(), file)}\n`);
    }
  }
}

await main();
