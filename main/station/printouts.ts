/**
 * What the station prints for a voter: the paper record that goes in the ballot
 * box, the receipt the voter keeps, and the slip of a challenged ballot. None of
 * them carries a voter's identity or a time. The paper record shows the choices
 * in the voter's language and the ballot id (text and QR code), so officials can
 * match paper to the digital record; the receipt shows the confirmation code and
 * no choice.
 */
import { marksIn, normalizeWriteIn, type BallotMarks, type BallotView } from '../../core/api/ballot';
import type { Language, ShownConfirmationCode } from '../../core/api/station-api';
import { translate, type MessageKey } from '../../core/i18n/messages';
import type { Receipt, ReceiptBlock } from '../../hardware/printer/receipt';

/** 80 mm paper in font A holds 48 characters; double width halves that. */
const COLUMNS = 48;

/** Breaks text into lines of at most `width` characters, at spaces where it can. */
export function wrapText(text: string, width = COLUMNS): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/u).filter((w) => w.length > 0)) {
    let rest = word;
    while ([...rest].length > width) {
      if (line) lines.push(line);
      line = '';
      lines.push([...rest].slice(0, width).join(''));
      rest = [...rest].slice(width).join('');
    }
    if (!line) line = rest;
    else if ([...line].length + 1 + [...rest].length <= width) line = `${line} ${rest}`;
    else {
      lines.push(line);
      line = rest;
    }
  }
  if (line) lines.push(line);
  return lines;
}

/** Wrapped text blocks; leading spaces indent every wrapped line. */
function text(value: string, style: Omit<Extract<ReceiptBlock, { kind: 'text' }>, 'kind' | 'text'> = {}): ReceiptBlock[] {
  const indent = /^ */u.exec(value)?.[0] ?? '';
  const width = COLUMNS / (style.width ?? 1) - indent.length;
  return wrapText(value, width).map((line) => ({ kind: 'text', text: `${indent}${line}`, ...style }));
}

const rule: ReceiptBlock = { kind: 'text', text: '-'.repeat(COLUMNS) };

/** Each contest with the voter's choices in ballot order, written out in `language`. */
function choiceBlocks(ballot: BallotView, marks: BallotMarks, language: Language): ReceiptBlock[] {
  const t = (key: MessageKey, params?: Record<string, string>) => translate(language, key, params);
  const blocks: ReceiptBlock[] = [];
  for (const contest of ballot.contests) {
    blocks.push(rule, ...text(contest.title[language], { bold: true }));
    if (contest.kind === 'candidate') blocks.push(...text(contest.description[language]));
    const marked = new Set(marksIn(marks, contest.contestId));
    const chosen = contest.options.filter((o) => marked.has(o.selectionId));
    if (chosen.length === 0) blocks.push(...text(`  ${t('paper.none')}`));
    for (const option of chosen) {
      const names = Object.hasOwn(marks.writeIns, contest.contestId) ? marks.writeIns[contest.contestId] : undefined;
      const name = option.writeIn ? normalizeWriteIn(names?.[option.selectionId] ?? '') : option.label[language];
      const line = option.writeIn ? t('paper.writeIn', { name }) : name;
      blocks.push(...text(`[X] ${line}`, { bold: true }));
      if (option.detail) blocks.push(...text(`    ${option.detail[language]}`));
    }
  }
  blocks.push(rule);
  return blocks;
}

export function paperRecord(input: {
  readonly ballot: BallotView;
  readonly marks: BallotMarks;
  readonly ballotId: string;
  readonly stationId: string;
  readonly language: Language;
}): Receipt {
  const { ballot, marks, ballotId, stationId, language } = input;
  const t = (key: MessageKey, params?: Record<string, string>) => translate(language, key, params);
  return {
    blocks: [
      ...text(t('paper.record.heading'), { bold: true, align: 'center' }),
      ...text(ballot.electionTitle[language], { align: 'center' }),
      ...text(t('paper.station', { station: stationId }), { align: 'center' }),
      ...choiceBlocks(ballot, marks, language),
      ...text(`${t('paper.record.ballotId')}: ${ballotId}`),
      { kind: 'qr', data: ballotId, moduleSize: 5, errorCorrection: 'M' },
      ...text(t('paper.record.box'), { bold: true, align: 'center' }),
      { kind: 'feed', lines: 3 },
    ],
    cut: 'full',
  };
}

export function voterReceipt(input: {
  readonly ballot: BallotView;
  readonly code: ShownConfirmationCode;
  readonly stationId: string;
  readonly language: Language;
}): Receipt {
  const { ballot, code, stationId, language } = input;
  const t = (key: MessageKey, params?: Record<string, string>) => translate(language, key, params);
  return {
    blocks: [
      ...text(t('paper.receipt.heading'), { bold: true, align: 'center' }),
      ...text(ballot.electionTitle[language], { align: 'center' }),
      ...text(t('paper.station', { station: stationId }), { align: 'center' }),
      rule,
      ...text(t('paper.receipt.code'), { align: 'center' }),
      { kind: 'text', text: code.short, width: 2, height: 2, bold: true, align: 'center' },
      { kind: 'qr', data: code.full, moduleSize: 6, errorCorrection: 'M' },
      ...text(t('paper.receipt.full'), { align: 'center' }),
      ...text(code.full, { align: 'center' }),
      rule,
      ...text(t('paper.receipt.check')),
      { kind: 'feed', lines: 3 },
    ],
    cut: 'partial',
  };
}

export function challengeSlip(input: {
  readonly ballot: BallotView;
  readonly marks: BallotMarks;
  readonly code: ShownConfirmationCode;
  readonly stationId: string;
  readonly language: Language;
}): Receipt {
  const { ballot, marks, code, stationId, language } = input;
  const t = (key: MessageKey, params?: Record<string, string>) => translate(language, key, params);
  return {
    blocks: [
      ...text(t('paper.challenge.heading'), { bold: true, align: 'center' }),
      ...text(t('paper.station', { station: stationId }), { align: 'center' }),
      { kind: 'text', text: code.short, width: 2, height: 2, bold: true, align: 'center' },
      { kind: 'qr', data: code.full, moduleSize: 5, errorCorrection: 'M' },
      ...text(code.full, { align: 'center' }),
      ...text(t('paper.challenge.body')),
      ...choiceBlocks(ballot, marks, language),
      { kind: 'feed', lines: 3 },
    ],
    cut: 'partial',
  };
}
