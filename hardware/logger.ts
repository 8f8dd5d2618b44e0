/**
 * Loggers for the drivers and simulators when no station is around (tests, the
 * CLI). They implement the one `EventLogger` (core/logging.ts); a driver logs
 * device facts only, never what happened to a person's request (core/events.ts).
 */
import { eventProblems } from '../core/events';
import type { EventId, EventLogger, LogFields } from '../core/logging';

/**
 * Keeps every line in memory, for tests and the CLI. A line the registry would
 * refuse (unregistered id, missing field, banned field) throws, so tests catch it.
 */
export class MemoryLogger implements EventLogger {
  readonly lines: { eventId: EventId; fields: LogFields }[] = [];
  log(eventId: EventId, fields: LogFields): void {
    const problems = eventProblems(eventId, fields);
    if (problems.length > 0) throw new Error(`bad event log line: ${problems.join('; ')}`);
    this.lines.push({ eventId, fields });
  }
  events(eventId: EventId): LogFields[] {
    return this.lines.filter((line) => line.eventId === eventId).map((line) => line.fields);
  }
}

/** Writes one JSON object per line to a stream-like sink (the CLI uses stderr). */
export function jsonLinesLogger(write: (line: string) => void): EventLogger {
  return {
    log(eventId, fields) {
      write(`${JSON.stringify({ time: new Date().toISOString(), event: eventId, ...fields })}\n`);
    },
  };
}
