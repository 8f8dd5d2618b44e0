/**
 * The one logging dependency every driver and simulator takes. Each line carries a
 * stable event id (for example `printer.status-changed`) so that logs can be
 * searched and audited; the station connects this to its own logger.
 */
export interface HardwareLogger {
  log(eventId: string, fields: Record<string, unknown>): void;
}

/** A logger that drops everything, for callers that have nowhere to log. */
export const silentLogger: HardwareLogger = { log: () => undefined };

/** A logger that keeps every line in memory, for tests and the CLI. */
export class MemoryLogger implements HardwareLogger {
  readonly lines: { eventId: string; fields: Record<string, unknown> }[] = [];
  log(eventId: string, fields: Record<string, unknown>): void {
    this.lines.push({ eventId, fields });
  }
  events(eventId: string): Record<string, unknown>[] {
    return this.lines.filter((line) => line.eventId === eventId).map((line) => line.fields);
  }
}

/** Writes one JSON object per line to a stream-like sink (the CLI uses stderr). */
export function jsonLinesLogger(write: (line: string) => void): HardwareLogger {
  return {
    log(eventId, fields) {
      write(`${JSON.stringify({ time: new Date().toISOString(), event: eventId, ...fields })}\n`);
    },
  };
}
