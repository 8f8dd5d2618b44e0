/// <reference types="svelte" />
/// <reference types="vite/client" />
import type { StationApiClient } from '../../core/api/station-api';

declare global {
  interface Window {
    /** The station API, exposed by the preload (or by the test bridge in Chromium tests). */
    readonly urna: StationApiClient;
  }
}
