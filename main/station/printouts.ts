/**
 * What the station prints for a voter, in the order it prints it: the first part
 * of the receipt, with the full confirmation code and "not yet cast", before the
 * voter chooses to cast or to challenge (the commitment is on paper first); then
 * on a cast the paper record for the ballot box and the receipt's second part,
 * or on a challenge the slip that says where to check the published ballot.
 *
 * The paper record carries nothing that appears in clear in any log, on any
 * validator or in the public record: no ballot id, no code, no QR code, no time
 * (docs/PAPER.md). So the papers in the box, the public log and the order of
 * check-ins together reveal no vote. Its choices are in the election's official
 * language, for the people who count it, with the voter's language beside them.
 * The receipt and the slip are in the voter's language and show no choice.
 */
import {
  marksIn,
  normalizeWriteIn,
  type BallotMarks,
  type BallotView,
  type LocalizedText,
} from '../../core/api/ballot';
import type { Language, ShownConfirmationCode } from '../../core/api/station-api';
import { translate, type MessageKey } from '../../core/i18n/messages';
import { PAPER_COLUMNS, type PrintDocument, type DocumentBlock } from '../../hardware/printer/document';

/** 80 mm paper in font A holds 48 characters; double width halves that. */
const COLUMNS = PAPER_COLUMNS;

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
function text(
  value: string,
  style: Omit<Extract<DocumentBlock, { kind: 'text' }>, 'kind' | 'text'> = {},
): DocumentBlock[] {
  const indent = /^ */u.exec(value)?.[0] ?? '';
  const width = COLUMNS / (style.width ?? 1) - indent.length;
  return wrapText(value, width).map((line) => ({ kind: 'text', text: `${indent}${line}`, ...style }));
}

const rule: DocumentBlock = { kind: 'text', text: '-'.repeat(COLUMNS) };

/** `official (voter)` when the two languages differ, else just `official`. */
function bilingual(text: LocalizedText, official: Language, voter: Language): string {
  return official === voter || text[official] === text[voter] ? text[official] : `${text[official]} (${text[voter]})`;
}

/** The same message in the official language, with the voter's beside it when different. */
function bilingualMessage(
  key: MessageKey,
  official: Language,
  voter: Language,
  params?: Record<string, string>,
): string {
  return bilingual({ ru: translate('ru', key, params), en: translate('en', key, params) }, official, voter);
}

/**
 * Each contest with the voter's choices in ballot order: written in `official`,
 * with `voter` beside it when different; a blank contest says "no choice".
 */
function choiceBlocks(ballot: BallotView, marks: BallotMarks, official: Language, voter: Language): DocumentBlock[] {
  const blocks: DocumentBlock[] = [];
  for (const contest of ballot.contests) {
    blocks.push(rule, ...text(bilingual(contest.title, official, voter), { bold: true }));
    if (contest.kind === 'candidate') blocks.push(...text(bilingual(contest.description, official, voter)));
    const marked = new Set(marksIn(marks, contest.contestId));
    const chosen = contest.options.filter((o) => marked.has(o.selectionId));
    if (chosen.length === 0)
      blocks.push(...text(`[ ] ${bilingualMessage('paper.none', official, voter)}`, { bold: true }));
    for (const option of chosen) {
      const names = Object.hasOwn(marks.writeIns, contest.contestId) ? marks.writeIns[contest.contestId] : undefined;
      const line = option.writeIn
        ? bilingualMessage('paper.writeIn', official, voter, {
            name: normalizeWriteIn(names?.[option.selectionId] ?? ''),
          })
        : bilingual(option.label, official, voter);
      blocks.push(...text(`[X] ${line}`, { bold: true }));
      if (option.detail) blocks.push(...text(`    ${bilingual(option.detail, official, voter)}`));
    }
  }
  blocks.push(rule);
  return blocks;
}

/**
 * The paper record for the ballot box. Only what the box's counters need: the
 * election, the station (the box it belongs to) and the choices; nothing that
 * identifies this ballot among the station's others.
 */
export function paperRecord(input: {
  readonly ballot: BallotView;
  readonly marks: BallotMarks;
  readonly stationId: string;
  /** The election's official language (the counters'). */
  readonly officialLanguage: Language;
  /** The language the voter used at the kiosk. */
  readonly voterLanguage: Language;
}): PrintDocument {
  const { ballot, marks, stationId, officialLanguage: official, voterLanguage: voter } = input;
  return {
    blocks: [
      ...text(translate(official, 'paper.record.heading'), { bold: true, align: 'center' }),
      ...(official === voter ? [] : text(`(${translate(voter, 'paper.record.heading')})`, { align: 'center' })),
      ...text(bilingual(ballot.electionTitle, official, voter), { align: 'center' }),
      ...text(bilingualMessage('paper.station', official, voter, { station: stationId }), { align: 'center' }),
      ...choiceBlocks(ballot, marks, official, voter),
      ...text(bilingualMessage('paper.record.box', official, voter), { bold: true, align: 'center' }),
      { kind: 'feed', lines: 3 },
    ],
    cut: 'full',
  };
}

/** Where anyone can look a confirmation code up: a validator's public lookup. */
export function confirmationLookup(validatorUrl: string, code: ShownConfirmationCode): string {
  return `${validatorUrl.replace(/\/+$/u, '')}/urna/v1/confirmation/${code.full}`;
}

/** The first validator's lookup of this code (QR code and text), then the other validators' addresses. */
function whereToCheck(
  validatorUrls: readonly string[],
  code: ShownConfirmationCode,
  language: Language,
): DocumentBlock[] {
  const [first, ...others] = validatorUrls;
  if (first === undefined) return [];
  const lookup = confirmationLookup(first, code);
  return [
    { kind: 'qr', data: lookup, moduleSize: 4, errorCorrection: 'M' },
    ...text(lookup),
    ...(others.length === 0 ? [] : text(`${translate(language, 'paper.otherValidators')} ${others.join(' ')}`)),
  ];
}

function receiptHeader(
  ballot: BallotView,
  stationId: string,
  language: Language,
  heading: MessageKey,
): DocumentBlock[] {
  return [
    ...text(translate(language, heading), { bold: true, align: 'center' }),
    ...text(ballot.electionTitle[language], { align: 'center' }),
    ...text(translate(language, 'paper.station', { station: stationId }), { align: 'center' }),
    rule,
  ];
}

/**
 * The receipt's first part, printed when the code is shown and before the voter
 * chooses: the full code, marked as not yet cast. The station is committed to
 * this encryption on paper before it learns whether the voter will challenge it.
 */
export function receiptBeforeChoice(input: {
  readonly ballot: BallotView;
  readonly code: ShownConfirmationCode;
  readonly stationId: string;
  readonly language: Language;
}): PrintDocument {
  const { ballot, code, stationId, language } = input;
  const t = (key: MessageKey) => translate(language, key);
  return {
    blocks: [
      ...receiptHeader(ballot, stationId, language, 'paper.receipt.part1.heading'),
      ...text(t('paper.receipt.notYetCast'), { bold: true, align: 'center', width: 2, height: 2 }),
      rule,
      ...text(t('paper.receipt.code'), { align: 'center' }),
      { kind: 'text', text: code.short, width: 2, height: 2, bold: true, align: 'center' },
      { kind: 'qr', data: code.full, moduleSize: 6, errorCorrection: 'M' },
      ...text(t('paper.receipt.full'), { align: 'center' }),
      ...text(code.full, { align: 'center' }),
      rule,
      ...text(t('paper.receipt.part1.body')),
      { kind: 'feed', lines: 3 },
    ],
    cut: 'full',
  };
}

/** The receipt's second part, printed after the paper record once the voter casts. */
export function receiptAfterCast(input: {
  readonly ballot: BallotView;
  readonly code: ShownConfirmationCode;
  readonly stationId: string;
  readonly language: Language;
  readonly validatorUrls: readonly string[];
}): PrintDocument {
  const { ballot, code, stationId, language } = input;
  const t = (key: MessageKey, params?: Record<string, string>) => translate(language, key, params);
  return {
    blocks: [
      ...receiptHeader(ballot, stationId, language, 'paper.receipt.part2.heading'),
      ...text(t('paper.receipt.cast'), { bold: true, align: 'center', width: 2, height: 2 }),
      { kind: 'text', text: code.short, width: 2, height: 2, bold: true, align: 'center' },
      rule,
      ...text(t('paper.receipt.check')),
      ...whereToCheck(input.validatorUrls, code, language),
      { kind: 'feed', lines: 3 },
    ],
    cut: 'partial',
  };
}

/**
 * The slip of a challenged ballot: not counted; its choices and nonce are
 * published under the code the voter already holds on the receipt's first part,
 * and the slip says where to compare them.
 */
export function challengeSlip(input: {
  readonly ballot: BallotView;
  readonly marks: BallotMarks;
  readonly code: ShownConfirmationCode;
  readonly stationId: string;
  readonly language: Language;
  readonly validatorUrls: readonly string[];
}): PrintDocument {
  const { ballot, marks, code, stationId, language } = input;
  const t = (key: MessageKey, params?: Record<string, string>) => translate(language, key, params);
  return {
    blocks: [
      ...text(t('paper.challenge.heading'), { bold: true, align: 'center' }),
      ...text(t('paper.station', { station: stationId }), { align: 'center' }),
      { kind: 'text', text: code.short, width: 2, height: 2, bold: true, align: 'center' },
      ...text(code.full, { align: 'center' }),
      rule,
      ...text(t('paper.challenge.check')),
      ...whereToCheck(input.validatorUrls, code, language),
      rule,
      ...text(t('paper.challenge.body')),
      ...choiceBlocks(ballot, marks, language, language),
      { kind: 'feed', lines: 3 },
    ],
    cut: 'partial',
  };
}
