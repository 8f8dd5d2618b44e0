/**
 * Printing, for every printout the station makes: the voter's paper record and
 * receipt, the challenge slip, the polls reports. A job whose printing a printer
 * fault interrupts is kept, from the document that failed on, as the interrupted
 * print; once the poll worker has cleared the fault it is printed again
 * (`reprintInterrupted`): a report and a receipt marked REPRINT, a paper record
 * unmarked (a mark would single it out in the ballot box, docs/PAPER.md). There is
 * one such queue for ballot papers and reports alike.
 */
import type { PrintedDocument, ReportKind, StationStatus } from '../../core/api/station-api';
import type { StationRefusal } from '../../core/api/refusals';
import type { EventLogger } from '../../core/logging';
import { err, ok, type Result } from '../../core/result';
import type { PrintDocument } from '../../hardware/printer/document';
import type { DocumentPrinter, PrinterFault } from '../../hardware/printer/printer';
import { reprintBallotDocuments, type CastingDeps } from './casting';
import type { StaffCard } from './staff-auth';
import { markReprint } from './reports';
import type { StationService } from './station-service';

/** Why a printout did not print: the failure's kind and the printer's state then (a key of the hardware messages). */
export type PrintFault = { readonly kind: PrinterFault['kind'] | 'no-printer'; readonly printerState: string };

/** One printout of a job. */
export type PrintItem = { readonly document: PrintedDocument | ReportKind; readonly receipt: PrintDocument };

/** What a job prints for: one voter's ballot (by its id), or a report. */
export type PrintJobOwner =
  { readonly kind: 'ballot'; readonly ballotId: string } | { readonly kind: 'report'; readonly report: ReportKind };

/** A job a fault interrupted: what is still to print, first the one that failed. */
export type InterruptedPrint = {
  readonly owner: PrintJobOwner;
  readonly remaining: readonly PrintItem[];
  readonly printerState: string;
};

function sameOwner(a: PrintJobOwner, b: PrintJobOwner): boolean {
  return a.kind === 'ballot'
    ? b.kind === 'ballot' && a.ballotId === b.ballotId
    : b.kind === 'report' && a.report === b.report;
}

export class PrintQueue {
  private interrupted: InterruptedPrint[] = [];

  constructor(private readonly printer: DocumentPrinter | null) {}

  /** The printer's state now, 'disconnected' when there is none. */
  printerState(): string {
    return this.printer?.state() ?? 'disconnected';
  }

  /** Whether the printer can take a job now: ready, or only running low on paper. */
  canPrint(): boolean {
    const state = this.printerState();
    return state === 'ready' || state === 'paper-near-end';
  }

  /** Prints one printout that nothing reprints (the receipt's first part, the challenge slip). */
  async printOnce(receipt: PrintDocument): Promise<Result<void, PrintFault>> {
    const printer = this.printer;
    if (printer === null) return err({ kind: 'no-printer', printerState: 'disconnected' });
    const printed = await printer.print(receipt);
    if (printed.ok) return ok();
    return err({ kind: printed.error.kind, printerState: printed.error.state });
  }

  /**
   * Prints a job's printouts in order, `beforeEach` told of each one first. On a
   * fault the job is kept, from the failed printout on, as an interrupted print;
   * when all are printed any earlier interruption of the same job is gone.
   */
  async print(
    owner: PrintJobOwner,
    items: readonly PrintItem[],
    beforeEach?: (item: PrintItem) => void,
    render = (item: PrintItem) => item.receipt,
  ): Promise<Result<void, PrintFault>> {
    let remaining = items;
    while (remaining.length > 0) {
      const [next, ...rest] = remaining as [PrintItem, ...PrintItem[]];
      beforeEach?.(next);
      const printed = await this.printOnce(render(next));
      if (!printed.ok) {
        this.keep({ owner, remaining, printerState: printed.error.printerState });
        return printed;
      }
      remaining = rest;
    }
    this.drop(owner);
    return ok();
  }

  /** The interrupted prints, oldest first. */
  pending(): readonly InterruptedPrint[] {
    return this.interrupted;
  }

  /** The interrupted print of `owner`, if any. */
  find(owner: PrintJobOwner): InterruptedPrint | undefined {
    return this.interrupted.find((job) => sameOwner(job.owner, owner));
  }

  /** Forgets an interrupted print (its ballot was resolved otherwise). */
  drop(owner: PrintJobOwner): void {
    this.interrupted = this.interrupted.filter((job) => !sameOwner(job.owner, owner));
  }

  /**
   * Prints an interrupted job again, REPRINT on each printout but the paper
   * record; a new fault keeps it again, from where it failed.
   */
  reprint(
    job: InterruptedPrint,
    language: StationStatus['display']['language'],
    beforeEach?: (item: PrintItem) => void,
  ): Promise<Result<void, PrintFault>> {
    return this.print(job.owner, job.remaining, beforeEach, (item) =>
      item.document === 'paper-record' ? item.receipt : markReprint(item.receipt, language),
    );
  }

  private keep(job: InterruptedPrint): void {
    const at = this.interrupted.findIndex((kept) => sameOwner(kept.owner, job.owner));
    if (at < 0) this.interrupted = [...this.interrupted, job];
    else this.interrupted = this.interrupted.map((kept, i) => (i === at ? job : kept));
  }
}

/** What reprinting needs. */
export type ReprintDeps = {
  readonly station: StationService;
  readonly printing: PrintQueue;
  readonly logger: EventLogger;
};

/**
 * Prints the interrupted printout again once the fault is cleared: a report marked
 * REPRINT, or a voter's paper record (unmarked) and receipt (marked), and only then
 * is that ballot cast (main/station/casting.ts).
 */
export async function reprintInterrupted(
  deps: ReprintDeps & CastingDeps,
  card: StaffCard,
): Promise<Result<StationStatus, StationRefusal>> {
  const { station, printing, logger } = deps;
  const language = station.status().display.language;
  const report = printing.pending().find((job) => job.owner.kind === 'report');
  if (report !== undefined && report.owner.kind === 'report') {
    const printed = await printing.reprint(report, language);
    if (!printed.ok) {
      logger.log('report.reprint-failed', {
        cardId: card.cardId,
        report: report.owner.report,
        printerState: printed.error.printerState,
        outcome: 'failure',
      });
      return err({ kind: 'printer-not-ready', printerState: printed.error.printerState });
    }
    logger.log('report.reprinted', { cardId: card.cardId, report: report.owner.report, outcome: 'success' });
    return ok(station.status());
  }
  const reprinting = reprintBallotDocuments(deps);
  if (!reprinting.ok) return reprinting;
  logger.log('ballot.reprint-requested', { cardId: card.cardId, outcome: 'success' });
  await station.whenPrintingDone();
  return ok(station.status());
}
