/** The election official's export of the station's event log to the removable media. */
import path from 'node:path';
import type { StationRefusal } from '../../core/api/refusals';
import { err, ok, type Result } from '../../core/result';
import type { StationContext } from './context';
import type { StaffCard } from './staff-auth';

/** The event log as JSON lines on the removable media; `write` puts the file there. */
export function exportEventLog(
  deps: Pick<StationContext, 'station' | 'logger' | 'mediaDir' | 'eventLog'>,
  card: StaffCard,
  write: (file: string, text: string) => void,
): Result<{ readonly file: string; readonly events: number }, StationRefusal> {
  const { mediaDir, eventLog, logger } = deps;
  if (mediaDir === null || eventLog === null) {
    logger.log('events.export-refused', { cardId: card.cardId, reason: 'no-media', outcome: 'failure' });
    return err({ kind: 'no-media' });
  }
  const file = path.join(mediaDir, `urna-events-${deps.station.stationId}.jsonl`);
  // The export is logged first, so it is part of what it exports.
  logger.log('events.exported', { cardId: card.cardId, file: path.basename(file), outcome: 'success' });
  const lines = eventLog.exportLines();
  try {
    write(file, lines.map((line) => `${line}\n`).join(''));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    logger.log('events.export-failed', { cardId: card.cardId, reason, outcome: 'failure' });
    return err({ kind: 'export-failed', reason });
  }
  return ok({ file, events: lines.length });
}
