import type { StationApiClient } from '../../core/api/station-api';

/** The station API as the preload exposed it. The renderer has no other way out. */
export function stationApi(): StationApiClient {
  return window.urna;
}
