/**
 * The station's event log: one JSON object per line, each with a stable event
 * id. It records actions and errors, never ballot selections, voter ids or
 * secrets; callers pass only the fields that are safe to keep.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { EventId, EventLogger, LogFields } from '../core/logging';

export type FileEventLoggerOptions = {
  readonly file: string;
  /** Also echo each line to stderr (development and CLI use). */
  readonly echo?: boolean;
};

export class FileEventLogger implements EventLogger {
  constructor(private readonly options: FileEventLoggerOptions) {
    mkdirSync(path.dirname(options.file), { recursive: true, mode: 0o700 });
  }

  log(eventId: EventId, fields: LogFields = {}): void {
    // The event log is the one place a wall-clock time belongs: it holds no ballots.
    const line = `${JSON.stringify({ time: new Date().toISOString(), event: eventId, ...fields })}\n`;
    try {
      appendFileSync(this.options.file, line, { mode: 0o600 });
    } catch (error) {
      // A full disk must not take the station down through its own logger.
      process.stderr.write(`urna: could not write the event log (${error instanceof Error ? error.message : String(error)}): ${line}`);
      return;
    }
    if (this.options.echo) process.stderr.write(line);
  }
}

/** Keeps events in memory: for tests that assert what was logged. */
export class MemoryEventLogger implements EventLogger {
  readonly events: { eventId: EventId; fields: LogFields }[] = [];
  log(eventId: EventId, fields: LogFields = {}): void {
    this.events.push({ eventId, fields });
  }
}
