import { ok } from '../../core/result';
import type { StationService } from '../station/station-service';
import type { StationApiHandlers } from './dispatch';

/** The station API's handler table: one entry per method of `stationApi`. */
export function createStationApiHandlers(station: StationService): StationApiHandlers {
  return {
    getStationStatus: () => ok(station.status()),
    setDisplaySettings: (change) => ok(station.setDisplaySettings(change)),
  };
}
