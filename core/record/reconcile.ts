/**
 * Reconciliation of paper and digital counts, station by station (and, for stations
 * whose totals were decrypted only merged with others, per contest at the merged
 * unit's level, publication.ts): the paper records
 * the officials counted (or scanned), the cast ballots in the verified log, the cast
 * count on the station's printed closing report, the poll-book check-ins and
 * reissued ballots, and per contest the hand count of the paper beside the
 * guardians' decrypted station totals. Any difference, even of one, is a
 * discrepancy, listed with the station and both numbers; nothing is netted out
 * across stations.
 *
 * A reissued ballot is a new one for a checked-in voter who had none (voided, or a
 * session that ended with nothing recorded), and the station never lets cast exceed
 * check-ins. So once the officials give the reissues, the poll book bounds the cast
 * count: cast ≤ check-ins and cast ≤ check-ins + reissues − voided (in the verified
 * log), the rest being sessions without a ballot, listed for officials to explain;
 * without them, check-ins are set against the cast ballots directly, as before
 * reissues existed.
 */
import { z } from 'zod';
import { parseInputFile, type InputFormat } from '../input-errors';
import { err, type Result } from '../result';
import type { ElectionResults, UnitResult } from './results';

const count = z.number().int().min(0);

// The descriptions go into the published JSON Schema (docs/schema/input/paper-counts.schema.json).
export const paperCountsSchema = z.strictObject({
  type: z.literal('paper-counts'),
  v: z.literal(1),
  electionId: z.string().describe("the election's id, as in its definition"),
  stations: z.array(
    z.strictObject({
      stationId: z.string().describe('the station, as enrolled'),
      paperRecords: count.describe('paper records in the ballot box, counted by hand or from their QR codes'),
      printedCastCount: count
        .optional()
        .describe('"ballots cast" on the closing report the station printed, when the officials have it'),
      checkIns: count.optional().describe('voters checked in, from the poll book, when the officials have it'),
      ballotsReissued: count
        .optional()
        .describe(
          'new ballots issued to checked-in voters who had none (closing report or poll book), when the officials have it',
        ),
      contests: z
        .array(
          z.strictObject({
            contestId: z.string(),
            selections: z.array(z.strictObject({ selectionId: z.string(), count })),
          }),
        )
        .default([])
        .describe('optional hand counts per contest and selection, set against the decrypted totals'),
    }),
  ),
});
export type PaperCounts = z.infer<typeof paperCountsSchema>;

/** The officials' paper counts, for `urna reconcile --paper` and `urna audit --paper`. */
export const paperCountsFormat: InputFormat<PaperCounts> = {
  name: 'paper-counts',
  what: 'paper-count file',
  schema: paperCountsSchema,
};

/** `file` names the file in the messages. */
export function parsePaperCounts(json: unknown, file = 'the paper counts'): Result<PaperCounts, string> {
  const parsed = parseInputFile(file, paperCountsFormat, json);
  if (!parsed.ok) return parsed;
  const seen = new Set<string>();
  for (const s of parsed.value.stations) {
    if (seen.has(s.stationId)) return err(`${file}: station ${s.stationId} is listed twice`);
    seen.add(s.stationId);
  }
  return parsed;
}

export type DiscrepancyKind =
  | 'paper-vs-cast'
  | 'printed-report-vs-cast'
  | 'check-ins-vs-cast'
  | 'issued-less-voided-vs-cast'
  | 'cast-exceeds-check-ins'
  | 'hand-count-vs-decrypted'
  | 'station-missing-on-paper'
  | 'station-not-in-record';

export type Discrepancy = {
  /** The station, or for a hand count against a merged unit's totals the unit ("precinct:<id>", "election"). */
  readonly stationId: string;
  readonly kind: DiscrepancyKind;
  readonly contestId?: string;
  readonly selectionId?: string;
  /** The paper side (hand count, printed report, poll book). */
  readonly paper: number | null;
  /** The digital side (verified log, decrypted totals). */
  readonly digital: number | null;
};

export type StationReconciliation = {
  readonly stationId: string;
  /** The merged unit whose totals hold this station's (publication.ts), or null when it is published alone. */
  readonly mergedInto: string | null;
  readonly precinctId: string | null;
  readonly paperRecords: number | null;
  readonly castInLog: number | null;
  readonly printedCastCount: number | null;
  readonly checkIns: number | null;
  readonly ballotsReissued: number | null;
  /** Voided ballots in the verified log: what the reissues replaced (and any a voter left behind). */
  readonly voidedInLog: number | null;
  /**
   * Sessions issued (check-ins + reissues) that ended with no ballot cast or voided: a
   * voter who stepped away, a kiosk that stopped before the cast. Not a discrepancy by
   * itself (the station never lets cast exceed check-ins); officials explain it from
   * the incident log. Null without the reissues.
   */
  readonly sessionsWithoutBallot: number | null;
  readonly contests: readonly {
    readonly contestId: string;
    readonly selections: readonly {
      readonly selectionId: string;
      readonly handCount: number | null;
      readonly decrypted: number | null;
    }[];
  }[];
  readonly discrepancies: readonly Discrepancy[];
};

/** Stations decrypted together (publication.ts): their hand counts are summed and set beside the unit's totals. */
export type UnitReconciliation = {
  readonly unitId: string;
  readonly stations: readonly string[];
  readonly contests: StationReconciliation['contests'];
  readonly discrepancies: readonly Discrepancy[];
};

export type Reconciliation = {
  readonly electionId: string;
  readonly stations: readonly StationReconciliation[];
  /** Merged units: per-contest comparison at the level the totals were decrypted. */
  readonly units: readonly UnitReconciliation[];
  readonly discrepancies: readonly Discrepancy[];
};

/**
 * `voidedInLog`: voided ballots per station from the verified ballot logs (the
 * results carry only what was cast); needed once the paper side gives reissues.
 */
export function reconcile(
  results: ElectionResults,
  paper: PaperCounts,
  voidedInLog: ReadonlyMap<string, number> = new Map(),
): Reconciliation {
  // A station merged into a unit (publication.ts) has its cast count but no totals of its own:
  // its hand count is compared at the unit's level (mergedUnits below).
  const mergedMembers = results.merged.flatMap((m) =>
    m.stations.map((s) => ({ ...s, unitId: m.unitId, contests: [] as UnitResult['contests'] })),
  );
  const digitalStations = [...results.stations, ...mergedMembers];
  const stationIds = [
    ...new Set([...digitalStations.map((s) => s.stationId), ...paper.stations.map((s) => s.stationId)]),
  ].sort();
  const stations = stationIds.map((stationId): StationReconciliation => {
    const digital = digitalStations.find((s) => s.stationId === stationId);
    const mergedInto = mergedMembers.find((s) => s.stationId === stationId)?.unitId ?? null;
    const counted = paper.stations.find((s) => s.stationId === stationId);
    const discrepancies: Discrepancy[] = [];
    if (digital === undefined)
      discrepancies.push({
        stationId,
        kind: 'station-not-in-record',
        paper: counted?.paperRecords ?? null,
        digital: null,
      });
    if (counted === undefined)
      discrepancies.push({
        stationId,
        kind: 'station-missing-on-paper',
        paper: null,
        digital: digital?.ballotsCast ?? null,
      });
    const cast = digital?.ballotsCast ?? null;
    let sessionsWithoutBallot: number | null = null;
    if (digital !== undefined && counted !== undefined) {
      if (counted.paperRecords !== digital.ballotsCast)
        discrepancies.push({
          stationId,
          kind: 'paper-vs-cast',
          paper: counted.paperRecords,
          digital: digital.ballotsCast,
        });
      if (counted.printedCastCount !== undefined && counted.printedCastCount !== digital.ballotsCast) {
        discrepancies.push({
          stationId,
          kind: 'printed-report-vs-cast',
          paper: counted.printedCastCount,
          digital: digital.ballotsCast,
        });
      }
      if (counted.checkIns !== undefined && counted.ballotsReissued !== undefined) {
        // Every session issued ends in a cast ballot, a voided one, or none at all: never more cast than that.
        const issuedLessVoided = counted.checkIns + counted.ballotsReissued - (voidedInLog.get(stationId) ?? 0);
        if (digital.ballotsCast > issuedLessVoided)
          discrepancies.push({
            stationId,
            kind: 'issued-less-voided-vs-cast',
            paper: issuedLessVoided,
            digital: digital.ballotsCast,
          });
        // A reissue only ever stands in for a checked-in voter's missing ballot.
        if (digital.ballotsCast > counted.checkIns)
          discrepancies.push({
            stationId,
            kind: 'cast-exceeds-check-ins',
            paper: counted.checkIns,
            digital: digital.ballotsCast,
          });
        sessionsWithoutBallot = Math.max(0, issuedLessVoided - digital.ballotsCast);
      } else if (counted.checkIns !== undefined && counted.checkIns !== digital.ballotsCast) {
        discrepancies.push({
          stationId,
          kind: 'check-ins-vs-cast',
          paper: counted.checkIns,
          digital: digital.ballotsCast,
        });
      }
    }
    const contestIds = [
      ...new Set([
        ...(digital?.contests ?? []).map((c) => c.contestId),
        ...(counted?.contests ?? []).map((c) => c.contestId),
      ]),
    ];
    const contests = contestIds.map((contestId) => {
      const decrypted = digital?.contests.find((c) => c.contestId === contestId);
      const hand = counted?.contests.find((c) => c.contestId === contestId);
      const selectionIds = [
        ...new Set([
          ...(decrypted?.selections ?? []).map((s) => s.selectionId),
          ...(hand?.selections ?? []).map((s) => s.selectionId),
        ]),
      ];
      const selections = selectionIds.map((selectionId) => {
        const handCount =
          hand === undefined ? null : (hand.selections.find((s) => s.selectionId === selectionId)?.count ?? 0);
        const decryptedCount =
          decrypted === undefined
            ? null
            : (decrypted.selections.find((s) => s.selectionId === selectionId)?.count ?? 0);
        // A contest the officials did not hand count is not a discrepancy: only the counts they entered are compared.
        if (hand !== undefined && mergedInto === null && handCount !== decryptedCount) {
          discrepancies.push({
            stationId,
            kind: 'hand-count-vs-decrypted',
            contestId,
            selectionId,
            paper: handCount,
            digital: decryptedCount,
          });
        }
        return { selectionId, handCount, decrypted: decryptedCount };
      });
      return { contestId, selections };
    });
    return {
      stationId,
      mergedInto,
      precinctId: digital?.precinctId ?? null,
      paperRecords: counted?.paperRecords ?? null,
      castInLog: cast,
      printedCastCount: counted?.printedCastCount ?? null,
      checkIns: counted?.checkIns ?? null,
      ballotsReissued: counted?.ballotsReissued ?? null,
      voidedInLog: digital === undefined ? null : (voidedInLog.get(stationId) ?? null),
      sessionsWithoutBallot,
      contests,
      discrepancies,
    };
  });
  const units = mergedUnits(results, paper);
  return {
    electionId: results.electionId,
    stations,
    units,
    discrepancies: [...stations.flatMap((s) => s.discrepancies), ...units.flatMap((u) => u.discrepancies)],
  };
}

/**
 * Hand counts against a merged unit's decrypted totals: the sum over its stations,
 * for every selection every member station counted by hand (a sum missing one
 * station's paper would differ for no reason).
 */
function mergedUnits(results: ElectionResults, paper: PaperCounts): UnitReconciliation[] {
  return results.merged.map((unit) => {
    const counted = unit.stations.map((s) => paper.stations.find((p) => p.stationId === s.stationId));
    const discrepancies: Discrepancy[] = [];
    const contests = unit.contests.map((contest) => {
      const selections = contest.selections.map((selection) => {
        let handCount: number | null = 0;
        for (const station of counted) {
          const count = station?.contests
            .find((c) => c.contestId === contest.contestId)
            ?.selections.find((s) => s.selectionId === selection.selectionId)?.count;
          handCount = count === undefined || handCount === null ? null : handCount + count;
        }
        if (handCount !== null && handCount !== selection.count) {
          discrepancies.push({
            stationId: unit.unitId,
            kind: 'hand-count-vs-decrypted',
            contestId: contest.contestId,
            selectionId: selection.selectionId,
            paper: handCount,
            digital: selection.count,
          });
        }
        return { selectionId: selection.selectionId, handCount, decrypted: selection.count };
      });
      return { contestId: contest.contestId, selections };
    });
    return { unitId: unit.unitId, stations: unit.stations.map((s) => s.stationId), contests, discrepancies };
  });
}

const KIND_TEXT: Readonly<Record<DiscrepancyKind, string>> = {
  'paper-vs-cast': 'paper records counted vs ballots cast in the log',
  'printed-report-vs-cast': 'cast count on the printed closing report vs ballots cast in the log',
  'check-ins-vs-cast': 'poll-book check-ins vs ballots cast in the log',
  'issued-less-voided-vs-cast':
    'more ballots cast in the log than poll-book check-ins + ballots reissued − ballots voided in the log',
  'cast-exceeds-check-ins': 'more ballots cast in the log than poll-book check-ins',
  'hand-count-vs-decrypted': 'hand count vs decrypted total',
  'station-missing-on-paper': 'station in the record has no paper count',
  'station-not-in-record': 'paper count for a station that is not in the record',
};

export function describeDiscrepancy(d: Discrepancy): string {
  const where = d.contestId === undefined ? '' : ` ${d.contestId}/${d.selectionId ?? ''}`;
  const unit = d.stationId.startsWith('precinct:') || d.stationId === 'election' ? 'merged unit' : 'station';
  return `${unit} ${d.stationId}${where}: ${KIND_TEXT[d.kind]}: paper ${d.paper ?? '—'}, digital ${d.digital ?? '—'}`;
}

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}

/** A self-contained page officials can print and sign. */
export function reconciliationHtml(r: Reconciliation, title: string): string {
  const cell = (v: number | null, flagged: boolean) =>
    `<td class="n${flagged ? ' bad' : ''}">${v === null ? '—' : v}</td>`;
  const rows = r.stations
    .map((s) => {
      const flag = (kind: DiscrepancyKind) => s.discrepancies.some((d) => d.kind === kind);
      const pollBookFlag =
        flag('check-ins-vs-cast') || flag('issued-less-voided-vs-cast') || flag('cast-exceeds-check-ins');
      const head = `<tr><th>${escapeHtml(s.stationId)}</th><td>${escapeHtml(s.precinctId ?? '—')}</td>${cell(s.paperRecords, flag('paper-vs-cast'))}${cell(s.castInLog, flag('paper-vs-cast'))}${cell(s.printedCastCount, flag('printed-report-vs-cast'))}${cell(s.checkIns, pollBookFlag)}${cell(s.ballotsReissued, flag('issued-less-voided-vs-cast'))}${cell(s.voidedInLog, flag('issued-less-voided-vs-cast'))}${cell(s.sessionsWithoutBallot, false)}</tr>`;
      const contests = s.contests
        .flatMap((c) =>
          c.selections.map((sel) => {
            const bad = s.discrepancies.some((d) => d.contestId === c.contestId && d.selectionId === sel.selectionId);
            return `<tr class="sel"><td></td><td>${escapeHtml(c.contestId)} / ${escapeHtml(sel.selectionId)}</td>${cell(sel.handCount, bad)}${cell(sel.decrypted, bad)}<td></td><td></td><td></td><td></td><td></td></tr>`;
          }),
        )
        .join('');
      return head + contests;
    })
    .join('\n');
  const unitRows = r.units
    .flatMap((u) =>
      u.contests.flatMap((c) =>
        c.selections.map((sel) => {
          const bad = u.discrepancies.some((d) => d.contestId === c.contestId && d.selectionId === sel.selectionId);
          return `<tr><th>${escapeHtml(u.unitId)}</th><td>${escapeHtml(u.stations.join(' + '))}</td><td>${escapeHtml(c.contestId)} / ${escapeHtml(sel.selectionId)}</td>${cell(sel.handCount, bad)}${cell(sel.decrypted, bad)}</tr>`;
        }),
      ),
    )
    .join('\n');
  const merged =
    r.units.length === 0
      ? ''
      : `<h2>Stations decrypted together</h2>\n<p>These stations' totals are below the election's minimum count one by one, so they were decrypted only merged: their hand counts are summed and compared with the merged totals.</p>\n<table><thead><tr><th>Unit</th><th>Stations</th><th>Contest / selection</th><th>Paper (hand count, summed)</th><th>Digital (decrypted)</th></tr></thead>\n<tbody>\n${unitRows}\n</tbody></table>`;
  const list =
    r.discrepancies.length === 0
      ? '<p>No discrepancies.</p>'
      : `<ol>${r.discrepancies.map((d) => `<li>${escapeHtml(describeDiscrepancy(d))}</li>`).join('')}</ol>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font:12pt serif;margin:2cm}table{border-collapse:collapse;width:100%}td,th{border:1px solid #000;padding:2pt 4pt;text-align:left}td.n{text-align:right}td.bad{font-weight:bold;background:#ddd}tr.sel td{font-size:10pt}@media print{body{margin:1cm}}</style>
</head><body>
<h1>${escapeHtml(title)}</h1>
<p>Election ${escapeHtml(r.electionId)}. Discrepancies: ${r.discrepancies.length}.</p>
<p>A reissued ballot is a new one for a checked-in voter who had none. Ballots cast may not exceed check-ins, nor check-ins + ballots reissued − voided; what remains below are sessions without a ballot (a voter who left, a station stopped before the cast), to explain from the incident log.</p>
<table><thead><tr><th>Station</th><th>Precinct / contest / selection</th><th>Paper (hand count)</th><th>Digital (log / decrypted)</th><th>Printed report</th><th>Check-ins</th><th>Ballots reissued</th><th>Voided (log)</th><th>Sessions without a ballot</th></tr></thead>
<tbody>
${rows}
</tbody></table>
${merged}
<h2>Discrepancies</h2>
${list}
<p>Signatures of the officials: ______________________ ______________________</p>
</body></html>
`;
}
