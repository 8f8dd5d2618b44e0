/**
 * One polling station's kiosk, headless, in its own process so that the simulation
 * can kill it with SIGKILL as a power cut would. It opens the station from its data
 * folder exactly as the kiosk's main process does (identity, signed ledger, the real
 * printer and card-reader drivers on the serial paths it is given, the poll-worker
 * desk, sync to the validators), and answers requests from the simulation over the
 * IPC channel: station API calls go through the same argument checks as the
 * renderer's IPC calls.
 *
 * Started by cli/simulate/station-process.ts with one JSON argument (StationChildConfig).
 */
import path from 'node:path';
import { dispatchStationCall } from '../../main/api/dispatch';
import { FileEventLogger } from '../../main/logging';
import { openStation } from '../../main/station/open-station';
import { fromHex } from '../../core/encoding/bytes';
import type { StationChildConfig, StationChildReply, StationChildRequest } from './station-process';

const config = JSON.parse(process.argv[2] ?? '') as StationChildConfig;
const logger = new FileEventLogger({ file: path.join(config.dataDir, 'logs', 'events.jsonl') });
const station = openStation({
  dataDir: config.dataDir,
  mode: 'production',
  logger,
  devices: {
    printerPath: config.printerPath,
    cardReaderPath: config.cardReaderPath,
    cardIssuerKeys: [fromHex(config.cardIssuerKeyHex)],
  },
  syncToValidators: { urls: config.validatorUrls, pollMs: config.syncPollMs, batching: config.syncBatching },
});
const context = { origin: 'urna-simulate' };

async function answer(request: StationChildRequest): Promise<unknown> {
  switch (request.op) {
    case 'call': {
      return dispatchStationCall(station.handlers, logger, request.method, request.args, context);
    }
    case 'wait-printing':
      // The renderer would poll getVoterSession; waiting for the print job is the same, without the busy loop.
      await station.service.whenPrintingDone();
      return station.service.voterScreen();
    case 'ledger-sizes':
      return { ballots: station.ledger.size('ballots'), pollbook: station.ledger.size('pollbook') };
    case 'close':
      await station.close();
      return null;
  }
}

process.on('message', (message: StationChildRequest) => {
  answer(message).then(
    (value) => send({ id: message.id, ok: true, value }),
    (error: unknown) =>
      send({
        id: message.id,
        ok: false,
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      }),
  );
});

// Orphaned (the simulation died): a station without its operator stops.
process.on('disconnect', () => process.exit(0));

function send(reply: StationChildReply): void {
  if (process.connected) process.send?.(reply);
}

send({ id: 0, ok: true, value: 'ready' });
