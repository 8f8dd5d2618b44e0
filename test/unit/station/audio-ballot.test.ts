/**
 * The audio ballot at the station: a package's clips are checked on the media
 * before it is loaded (a missing or altered clip is refused, named in the log),
 * the screens get only clips the signed manifest names, and the voter's audio
 * settings go back to the defaults for the next voter, like the display settings.
 */
import { mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_AUDIO_SETTINGS } from '../../../core/api/station-api';
import { clipFileName } from '../../../core/audio/manifest';
import { decodeWav, clipStats } from '../../../core/audio/wav';
import { fromBase64 } from '../../../core/encoding/bytes';
import { SAMPLE_VOTER_IDS } from '../../../core/election/sample';
import { loadElectionPackage } from '../../../main/station/setup';
import { MemoryEventLogger } from '../../../main/logging';
import { openStation } from '../../../main/station/open-station';
import { MemoryPrinter } from '../../support/memory-printer';
import { SAMPLE_AUDIO_DIR, sampleAudioManifest } from '../../support/election';
import { waitFor } from '../../support/wait-for';
import { startTestStation, succeeded, testClient, type TestStation } from '../../support/station';

let stations: TestStation[] = [];
let media: string[] = [];
afterEach(async () => {
  await Promise.all(stations.map((s) => s.close()));
  stations = [];
  for (const dir of media) rmSync(dir, { recursive: true, force: true });
  media = [];
});

function stationWithMedia(): { station: TestStation; mediaDir: string } {
  const mediaDir = mkdtempSync(path.join(tmpdir(), 'urna-media-'));
  media.push(mediaDir);
  const station = startTestStation({ stationId: 'st-unit-01', sampleElectionOnMedia: mediaDir });
  stations.push(station);
  return { station, mediaDir };
}

const titleClip = () => {
  const clip = sampleAudioManifest().clips.find((c) => c.phrase === 'contest:council-district-1:title');
  if (clip === undefined) throw new Error('the sample audio has no title clip');
  return clip;
};

describe('the audio ballot at the station', () => {
  it('loads a package whose clips all match, and hands the screens only the clips it names', async () => {
    const { station } = stationWithMedia();
    expect(loadElectionPackage(station.context).ok).toBe(true);
    const clips = succeeded(await station.client.getAudioClips({}));
    expect(clips).toHaveLength(sampleAudioManifest().clips.length);
    const clip = titleClip();
    const bytes = fromBase64(succeeded(await station.client.getAudioClip({ sha256: clip.sha256 })).wavBase64);
    const decoded = decodeWav(bytes);
    if (typeof decoded === 'string') throw new Error(decoded);
    expect(clipStats(decoded).durationMs).toBe(clip.durationMs);
    // A hash the manifest does not name is refused, whatever is on disk.
    const unknown = await station.client.getAudioClip({ sha256: 'ab'.repeat(32) });
    expect(unknown.ok).toBe(false);
  });

  it('refuses a package whose clip is missing, and one whose clip was altered, naming the clip', () => {
    for (const damage of ['missing', 'altered'] as const) {
      const { station, mediaDir } = stationWithMedia();
      const file = path.join(mediaDir, clipFileName(titleClip()));
      if (damage === 'missing') unlinkSync(file);
      else {
        const bytes = readFileSync(file);
        bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 0x55;
        writeFileSync(file, bytes);
      }
      const loaded = loadElectionPackage(station.context);
      const code = damage === 'missing' ? 'audio-clip-missing' : 'audio-clip-mismatch';
      expect(loaded.ok ? null : loaded.error).toEqual({ kind: 'package-refused', codes: [code] });
      const refused = station.logger.events.find((e) => e.eventId === 'election.load-refused');
      expect(refused?.fields).toMatchObject({
        codes: [code],
        paths: [expect.stringMatching(/^definition\.audio\.clips\[\d+\]$/)],
      });
      expect(station.service.loadedElection()).toBeNull();
    }
  });

  it('resets volume, rate, audio on/off and screen blanking for the next voter', async () => {
    const station = startTestStation({
      stationId: 'st-unit-01',
      precinctId: 'uik-1202',
      sampleElection: true,
      audio: true,
      ballotPrinter: new MemoryPrinter(),
      staffReader: true,
      inactivity: { warnAfterMs: 100, endAfterMs: 300 },
    });
    stations.push(station);
    await station.signIn();
    succeeded(await station.client.openPolls({}));
    succeeded(
      await station.client.checkInVoter({ voterId: SAMPLE_VOTER_IDS['uik-1202'][0] ?? '', activation: 'kiosk' }),
    );
    const changed = { enabled: true, volume: 6, speechRate: 5, screenBlanked: true };
    expect(succeeded(await station.client.setAudioSettings(changed))).toEqual(changed);
    expect(succeeded(await station.client.getVoterSession({})).audio).toEqual(changed);
    // Out-of-range steps are refused at the boundary.
    expect((await station.client.setAudioSettings({ volume: 99 })).ok).toBe(false);

    // The voter walks away; the session times out and the next voter starts from the defaults.
    await waitFor(async () => succeeded(await station.client.getVoterSession({})).session.phase === 'none', {
      timeout: 5000,
      what: 'the idle session to end',
    });
    expect(succeeded(await station.client.getVoterSession({})).audio).toEqual(DEFAULT_AUDIO_SETTINGS);
    expect(station.logger.events.map((e) => e.eventId)).toContain('audio.settings-reset');
  });
});

describe('the demo station', () => {
  it('carries the sample audio ballot when the committed clips are there', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'urna-demo-audio-'));
    media.push(dataDir);
    const demo = openStation({
      dataDir,
      mode: 'demo',
      logger: new MemoryEventLogger(),
      demoAudioDir: SAMPLE_AUDIO_DIR,
    });
    try {
      const client = testClient(demo.handlers, new MemoryEventLogger());
      const clips = succeeded(await client.getAudioClips({}));
      expect(clips).toHaveLength(sampleAudioManifest().clips.length);
      const first = clips[0];
      if (first === undefined) throw new Error('no clips');
      expect(succeeded(await client.getAudioClip({ sha256: first.sha256 })).wavBase64.length).toBeGreaterThan(100);
    } finally {
      await demo.close();
    }
  });
});
