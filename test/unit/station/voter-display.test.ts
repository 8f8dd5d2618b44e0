/**
 * What the voter's screens are told about the kiosk and the voter's settings:
 * the panel's density (so sizes are physical), the default text size (VVSG 2.0's
 * default range), and more idle time for a voter reading large text.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_PANEL_DPI } from '../../../core/api/station-api';
import { parsePanelDpi } from '../../../main/electron/config';
import { activateVoterSession } from '../../../main/station/check-in';
import { openPolls } from '../../../main/station/polls';
import { POLL_WORKER, startTestStation, type TestStation } from '../../support/station';

describe('the panel density', () => {
  it('is 141 DPI unless the station is configured otherwise, and reaches the screens', async () => {
    const plain = startTestStation({ stationId: 'st-panel-default' });
    const configured = startTestStation({ stationId: 'st-panel-set', panelDpi: 166 });
    try {
      expect(plain.service.voterScreen().panel).toEqual({ dpi: DEFAULT_PANEL_DPI });
      expect(DEFAULT_PANEL_DPI).toBe(141);
      const screen = await configured.client.getVoterSession({});
      expect(screen.ok && screen.value.panel).toEqual({ dpi: 166 });
    } finally {
      await plain.close();
      await configured.close();
    }
  });

  it('comes from --panel-dpi, and a value that is no density is refused saying what to give', () => {
    expect(parsePanelDpi(null)).toEqual({ ok: true, value: 141 });
    expect(parsePanelDpi('96')).toEqual({ ok: true, value: 96 });
    for (const bad of ['', 'abc', '0', '-141', '5000', 'NaN']) {
      const parsed = parsePanelDpi(bad);
      expect(parsed.ok).toBe(false);
      if (!parsed.ok) expect(parsed.error).toContain(`--panel-dpi=${bad} is not a panel density`);
    }
  });
});

describe("the voter's display settings", () => {
  let station: TestStation;
  afterEach(async () => {
    await station?.close();
  });

  it('start at text size 2 (VVSG 2.0 default range), and large text or audio doubles the idle time', async () => {
    station = startTestStation({
      stationId: 'st-display',
      sampleElection: true,
      inactivity: { warnAfterMs: 60_000, endAfterMs: 90_000 },
    });
    expect((await openPolls(station.context, POLL_WORKER)).ok).toBe(true);
    expect(activateVoterSession(station.context, { ballotStyleId: 'style-district-1' }).ok).toBe(true);
    const timeouts = (): unknown => {
      const session = station.service.voterScreen().session;
      return session.phase === 'marking' ? session.timeouts : null;
    };
    expect(station.service.voterScreen().display.textSize).toBe(2);
    expect(timeouts()).toEqual({ warnAfterMs: 60_000, endAfterMs: 90_000 });
    station.service.setDisplaySettings({ textSize: 3 });
    expect(timeouts()).toEqual({ warnAfterMs: 120_000, endAfterMs: 180_000 });
    station.service.setDisplaySettings({ textSize: 1 });
    expect(timeouts()).toEqual({ warnAfterMs: 60_000, endAfterMs: 90_000 });
    // So does the audio ballot.
    station.service.setAudioSettings({ enabled: true });
    expect(timeouts()).toEqual({ warnAfterMs: 120_000, endAfterMs: 180_000 });
  });
});
