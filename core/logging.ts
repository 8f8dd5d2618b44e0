/**
 * Every user action and every error is logged with a stable event id
 * (every bad input is logged). Ids read `area.what-happened`, e.g.
 * `api.call-rejected`; they never change meaning once released, so that
 * officials can search logs across software versions.
 */
export type EventId = `${string}.${string}`;

export type LogFields = Readonly<Record<string, unknown>>;

export interface EventLogger {
  log(eventId: EventId, fields?: LogFields): void;
}

/** A logger that drops everything: for pure computations whose callers log. */
export const silentLogger: EventLogger = { log: () => undefined };
