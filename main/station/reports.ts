/**
 * The poll worker's printed reports: the zero report when the polls open and the
 * closing report when they close. Both name the election (base hash), the station
 * (id and key fingerprint) and the heads of both logs, so an official can check the
 * paper against the signed checkpoints later.
 *
 * Both carry the date and time they were printed (ballot printouts carry none:
 * a time on a ballot would link it to the voter who came then).
 *
 * The closing report carries counts of ballots, check-ins and reissued ballots (a
 * new ballot for a checked-in voter who had none) and the last
 * confirmation code, and deliberately no per-contest totals: the station never
 * stores anything that reveals a vote (docs/THREAT_MODEL.md). Totals come from the guardians'
 * decryption, which officials reconcile against the hand count of paper.
 *
 * A printout that a printer fault interrupted is printed again with a REPRINT
 * banner at top and bottom, so two papers of one report can never be mistaken for
 * two events.
 */
import type { Language, ReportKind } from '../../core/api/station-api';
import { toBase64Url, type Bytes } from '../../core/encoding/bytes';
import { translate, type MessageKey } from '../../core/i18n/messages';
import { keyIdHex, parseVerifierKey } from '../../core/ledger/note';
import type { LogKind } from '../../core/ids';
import { PAPER_COLUMNS, type PrintDocument, type DocumentBlock } from '../../hardware/printer/document';
import { wrapText } from './printouts';

const COLUMNS = PAPER_COLUMNS;
const rule: DocumentBlock = { kind: 'text', text: '='.repeat(COLUMNS) };

function lines(
  value: string,
  style: Omit<Extract<DocumentBlock, { kind: 'text' }>, 'kind' | 'text'> = {},
): DocumentBlock[] {
  return wrapText(value, COLUMNS / (style.width ?? 1)).map((line) => ({ kind: 'text', text: line, ...style }));
}

/** "label ....... value" on one line when it fits, else the value on the next line. */
function row(label: string, value: string): DocumentBlock[] {
  const dots = COLUMNS - [...label].length - [...value].length - 2;
  if (dots >= 1) return [{ kind: 'text', text: `${label} ${'.'.repeat(dots)} ${value}` }];
  return [...lines(label), ...lines(`  ${value}`)];
}

export type ReportedLogHead = { readonly size: number; readonly rootHash: Bytes };

export type ReportFacts = {
  readonly kind: ReportKind;
  readonly language: Language;
  readonly electionTitle: string;
  readonly electionBaseHash: string;
  readonly stationId: string;
  /** The station's verifier key (`<name>+<key id>+<base64>`). */
  readonly stationVerifierKey: string;
  readonly precinctId: string | null;
  readonly heads: Readonly<Record<LogKind, ReportedLogHead>>;
  readonly ballots: {
    readonly cast: number;
    readonly challenged: number;
    readonly voided: number;
    readonly pending: number;
  };
  readonly checkIns: number;
  /** New ballots for voters already checked in who had none (voided, or never recorded). */
  readonly ballotsReissued: number;
  /** Closing report: the last ballot's full confirmation code (chain head), or null if no ballot was recorded. */
  readonly lastConfirmationCode: { readonly short: string; readonly full: string } | null;
  /** The card that opened or closed the polls. */
  readonly cardId: string;
  /** When the report was made, printed in the station's local time: a report is an official document. */
  readonly printedAt: Date;
};

/** `2026-12-05 14:03` in the station's local time: the same on paper in either language. */
export function reportTime(at: Date): string {
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${at.getFullYear()}-${two(at.getMonth() + 1)}-${two(at.getDate())} ${two(at.getHours())}:${two(at.getMinutes())}`;
}

/** The station key's fingerprint as printed: its 8-hex-digit key id. */
export function keyFingerprint(verifierKey: string): string {
  const parsed = parseVerifierKey(verifierKey);
  return parsed.ok ? keyIdHex(parsed.value.keyId) : '?';
}

export function pollsReport(facts: ReportFacts): PrintDocument {
  const t = (key: MessageKey, params?: Record<string, string | number>) => translate(facts.language, key, params);
  const blocks: DocumentBlock[] = [
    ...lines(t(facts.kind === 'zero-report' ? 'report.zero.heading' : 'report.closing.heading'), {
      bold: true,
      align: 'center',
    }),
    ...lines(facts.electionTitle, { align: 'center' }),
    rule,
    ...row(t('report.printedAt'), reportTime(facts.printedAt)),
    ...row(t('report.station'), facts.stationId),
    ...row(t('report.stationKey'), keyFingerprint(facts.stationVerifierKey)),
    ...(facts.precinctId ? row(t('report.precinct'), facts.precinctId) : []),
    ...lines(t('report.baseHash')),
    ...lines(`  ${facts.electionBaseHash}`),
    rule,
  ];
  for (const log of ['ballots', 'pollbook'] as const) {
    const head = facts.heads[log];
    blocks.push(...row(t(log === 'ballots' ? 'report.ballotLog' : 'report.pollbookLog'), String(head.size)));
    blocks.push(...lines(`  ${t('report.head')} ${toBase64Url(head.rootHash)}`));
  }
  blocks.push(
    rule,
    ...row(t('report.cast'), String(facts.ballots.cast)),
    ...row(t('report.challenged'), String(facts.ballots.challenged)),
    ...row(t('report.voided'), String(facts.ballots.voided)),
    ...row(t('report.pending'), String(facts.ballots.pending)),
    ...row(t('report.checkIns'), String(facts.checkIns)),
    ...row(t('report.reissued'), String(facts.ballotsReissued)),
    rule,
  );
  if (facts.kind === 'closing-report') {
    blocks.push(...lines(t('report.lastCode')));
    if (facts.lastConfirmationCode) {
      blocks.push({
        kind: 'text',
        text: facts.lastConfirmationCode.short,
        bold: true,
        align: 'center',
        width: 2,
        height: 2,
      });
      blocks.push(...lines(facts.lastConfirmationCode.full, { align: 'center' }));
    } else {
      blocks.push(...lines(`  ${t('report.noBallots')}`));
    }
    blocks.push(rule, ...lines(t('report.noTotals')));
  } else {
    blocks.push(...lines(t('report.zero.check')));
  }
  blocks.push(
    rule,
    ...row(t(facts.kind === 'zero-report' ? 'report.openedBy' : 'report.closedBy'), facts.cardId),
    { kind: 'feed', lines: 1 },
    ...lines(t('report.signature')),
    { kind: 'feed', lines: 1 },
    ...lines(t('report.signature')),
    { kind: 'feed', lines: 3 },
  );
  return { blocks, cut: 'full' };
}

/** The same printout with a REPRINT banner at top and bottom. */
export function markReprint(receipt: PrintDocument, language: Language): PrintDocument {
  const banner: DocumentBlock = {
    kind: 'text',
    text: translate(language, 'report.reprint'),
    bold: true,
    align: 'center',
    width: 2,
  };
  const blocks = [...receipt.blocks];
  // Keep the trailing feed after the bottom banner so the cut does not slice it.
  const tail = blocks.length > 0 && blocks[blocks.length - 1]?.kind === 'feed' ? blocks.splice(-1, 1) : [];
  return { ...receipt, blocks: [banner, ...blocks, banner, ...tail] };
}
