/**
 * The station's event log: one JSON object per line, each with a stable event
 * id. It records actions and errors, never ballot selections, voter ids or
 * secrets; callers pass only the fields that are safe to keep.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { EventId, EventLogger, LogFields } from '../core/logging';

export type FileEventLoggerOptions = {
  readonly file: string;
  /** Also echo each line to stderr (development and CLI use). */
  readonly echo?: boolean;
};

/** An event log that can be exported as JSON lines (one event per line, oldest first). */
export interface EventLogSource {
  exportLines(): string[];
}

/** Reads an event log file: each line that is a JSON object, in order; torn or foreign lines are skipped. */
export function readEventLogFile(file: string): string[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => {
      if (line.trim() === '') return false;
      try {
        const parsed: unknown = JSON.parse(line);
        return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) && typeof (parsed as { event?: unknown }).event === 'string';
      } catch {
        // A line torn by a power cut is not an event.
        return false;
      }
    });
}

export class FileEventLogger implements EventLogger, EventLogSource {
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

  exportLines(): string[] {
    return readEventLogFile(this.options.file);
  }
}

/** Keeps events in memory: for tests that assert what was logged. */
export class MemoryEventLogger implements EventLogger, EventLogSource {
  readonly events: { eventId: EventId; fields: LogFields }[] = [];
  log(eventId: EventId, fields: LogFields = {}): void {
    this.events.push({ eventId, fields });
  }

  exportLines(): string[] {
    return this.events.map((e) => JSON.stringify({ event: e.eventId, ...e.fields }));
  }
}
