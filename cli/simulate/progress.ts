/**
 * What `urna simulate` tells the person watching an election day: every fault as it
 * happens (a station killed, a printer running out of paper, a pending ballot the
 * poll worker resolved), and every ten seconds the ballots cast at all stations
 * together — with, whenever a station is held up, what it is waiting for and for how
 * long, so that "19/20 ballots cast" that stays put for a minute says why.
 *
 * The station drivers report through their event logger (cli/simulate/station-driver.ts
 * logs `simulate.*` events); the validator and network fault loops print their own.
 */
import type { EventId, EventLogger, LogFields } from '../../core/logging';

type Wait = { readonly reason: string; readonly since: number };

const CRASH_MOMENTS: Readonly<Record<string, string>> = {
  'while-printing': 'while printing',
  'after-paper-record': 'just after the paper record was cut',
  'paper-out': 'with the printer out of paper under a cast',
  'before-cast': 'before the voter pressed "cast"',
};

function text(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '?';
}

export class DayProgress {
  private cast = 0;
  private castAtLastTick = 0;
  private lastTick: number;
  private started: number;
  private readonly waits = new Map<string, Wait>();

  constructor(
    private readonly total: number,
    private readonly report: (line: string) => void,
    private readonly now: () => number = Date.now,
  ) {
    this.started = now();
    this.lastTick = this.started;
  }

  get ballotsCast(): number {
    return this.cast;
  }

  /** The polls are open at every station: rates count from here. */
  startVoting(): void {
    this.started = this.now();
    this.lastTick = this.started;
  }

  ballotCast(): void {
    this.cast += 1;
  }

  /** The progress line: cumulative count, the rate since the last line and overall, and every station held up. */
  tick(): void {
    const now = this.now();
    const recent = (this.cast - this.castAtLastTick) / Math.max((now - this.lastTick) / 1000, 0.001);
    const overall = this.cast / Math.max((now - this.started) / 1000, 0.001);
    this.castAtLastTick = this.cast;
    this.lastTick = now;
    const waiting = [...this.waits.entries()]
      .sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true }))
      .map(([stationId, wait]) => `${stationId} ${wait.reason} (${Math.round((now - wait.since) / 1000)} s)`);
    const rates = `${recent.toFixed(1)}/s now, ${overall.toFixed(1)}/s overall`;
    this.report(
      `simulate: ${this.cast}/${this.total} ballots cast at all stations (${rates})${waiting.length === 0 ? '' : `; waiting: ${waiting.join('; ')}`}`,
    );
  }

  /** The logger a station driver reports to: fault events become lines at once, waits are remembered for the next tick. */
  readonly stationEvents: EventLogger = {
    log: (eventId: EventId, fields: LogFields = {}) => this.stationEvent(eventId, fields),
  };

  private wait(stationId: string, reason: string): void {
    const current = this.waits.get(stationId);
    if (current?.reason !== reason) this.waits.set(stationId, { reason, since: this.now() });
  }

  private stationEvent(eventId: EventId, fields: LogFields): void {
    const stationId = text(fields['stationId']);
    switch (eventId) {
      case 'simulate.paper-running-out':
        this.report(
          `simulate: fault: ${stationId}: the printer's roll will run out after ${text(fields['lines'])} lines (voter ${text(fields['voter'])})`,
        );
        return;
      case 'simulate.station-killed':
        this.report(
          `simulate: fault: ${stationId}: power cut ${CRASH_MOMENTS[text(fields['moment'])] ?? text(fields['moment'])} (voter ${text(fields['voter'])}); restarting the kiosk`,
        );
        this.wait(stationId, 'restarting its kiosk after a power cut');
        return;
      case 'simulate.station-restarted':
        this.report(
          `simulate: ${stationId}: kiosk restarted; the poll worker checks the pending ballots against the paper in the printer`,
        );
        this.wait(stationId, 'poll worker resolving pending ballots');
        return;
      case 'simulate.pending-resolved':
        this.report(
          `simulate: ${stationId}: pending ballot ${fields['confirmed'] === true ? `confirmed cast (its paper record is in the box${fields['receipt'] === true ? '' : ', the receipt did not print'})` : 'voided (no paper record printed)'}`,
        );
        return;
      case 'simulate.recovered':
        this.waits.delete(stationId);
        return;
      case 'simulate.paper-loaded':
        this.report(`simulate: ${stationId}: the poll worker loaded a new roll`);
        return;
      case 'simulate.printer-waiting':
        this.wait(stationId, `waiting for its printer (${text(fields['state'])})`);
        return;
      case 'simulate.printer-ready':
        this.waits.delete(stationId);
        return;
      default:
        return;
    }
  }
}
