/**
 * The station's event log: one JSON object per line, each with a stable event
 * id. It records actions and errors, never ballot selections, voter ids or
 * secrets; callers pass only the fields that are safe to keep.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { eventProblems } from '../core/events';
import type { EventId, EventLogger, LogFields } from '../core/logging';

export type FileEventLoggerOptions = {
  readonly file: string;
  /** Also echo each line to stderr (development and CLI use). */
  readonly echo?: boolean;
  /**
   * A file on another disk for the lines `file` cannot take: when the data disk is
   * full, the events that say so (a ballot not recorded, a failed append) would
   * otherwise reach only stderr.
   */
  readonly fallbackFile?: string;
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
        return (
          typeof parsed === 'object' &&
          parsed !== null &&
          !Array.isArray(parsed) &&
          typeof (parsed as { event?: unknown }).event === 'string'
        );
      } catch {
        // A line torn by a power cut is not an event.
        return false;
      }
    });
}

export class FileEventLogger implements EventLogger, EventLogSource {
  private mayBeTorn = false;

  constructor(private readonly options: FileEventLoggerOptions) {
    mkdirSync(path.dirname(options.file), { recursive: true, mode: 0o700 });
    if (options.fallbackFile !== undefined)
      mkdirSync(path.dirname(options.fallbackFile), { recursive: true, mode: 0o700 });
  }

  log(eventId: EventId, fields: LogFields = {}): void {
    // The event log is the one place a wall-clock time belongs: it holds no ballots.
    const line = `${JSON.stringify({ time: new Date().toISOString(), event: eventId, ...fields })}\n`;
    try {
      // A failed write may have left part of a line behind (ENOSPC mid-write): start on a
      // fresh line, or the next event would be glued to the torn one and lost with it.
      appendFileSync(this.options.file, this.mayBeTorn ? `\n${line}` : line, { mode: 0o600 });
      this.mayBeTorn = false;
    } catch (error) {
      // A full disk must not take the station down through its own logger.
      this.mayBeTorn = true;
      process.stderr.write(`urna: could not write the event log (${messageOf(error)}): ${line}`);
      this.logToFallback(line);
      return;
    }
    if (this.options.echo) process.stderr.write(line);
  }

  private logToFallback(line: string): void {
    const fallback = this.options.fallbackFile;
    if (fallback === undefined) return;
    try {
      appendFileSync(fallback, line, { mode: 0o600 });
    } catch (error) {
      process.stderr.write(`urna: could not write the fallback event log ${fallback} either (${messageOf(error)})\n`);
    }
  }

  /** Both files' events, in time order (the fallback holds what the full disk could not take). */
  exportLines(): string[] {
    const lines = readEventLogFile(this.options.file);
    if (this.options.fallbackFile === undefined) return lines;
    const fallback = readEventLogFile(this.options.fallbackFile);
    if (fallback.length === 0) return lines;
    const timeOf = (line: string) => {
      const time = (JSON.parse(line) as { time?: unknown }).time;
      return typeof time === 'string' ? time : '';
    };
    // A stable sort: lines with the same time keep their order within each file.
    return [...lines, ...fallback].sort((a, b) => timeOf(a).localeCompare(timeOf(b)));
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Keeps events in memory: for tests that assert what was logged. A line the
 * registry would refuse (unregistered id, missing field, banned field) throws, so
 * every test that runs the station also checks its log lines.
 */
export class MemoryEventLogger implements EventLogger, EventLogSource {
  readonly events: { eventId: EventId; fields: LogFields }[] = [];
  log(eventId: EventId, fields: LogFields = {}): void {
    const problems = eventProblems(eventId, fields);
    if (problems.length > 0) throw new Error(`bad event log line: ${problems.join('; ')}`);
    this.events.push({ eventId, fields });
  }

  exportLines(): string[] {
    return this.events.map((e) => JSON.stringify({ event: e.eventId, ...e.fields }));
  }
}
