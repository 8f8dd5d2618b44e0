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
import { voterCardInserted } from '../../../main/station/check-in';
import { loadElectionPackage } from '../../../main/station/setup';
import { MemoryEventLogger } from '../../../main/logging';
import { openStation } from '../../../main/station/open-station';
import { MemoryPrinter } from '../../support/memory-printer';
import { SAMPLE_AUDIO_DIR, sampleAudioManifest } from '../../support/election';
import { waitFor } from '../../support/wait-for';
import {
  sampleActivationReader,
  startTestStation,
  succeeded,
  testClient,
  type TestStation,
} from '../../support/station';

let stations: TestStation[] = [];
let media: string[] = [];
afterEach(async () => {
  await Promise.all(stations.map((s) => s.close()));
  stations = [];
  for (const dir of media) rmSync(dir, { recursive: true, force: true });
  media = [];
});

/** A station of precinct uik-1202 with the sample election (with or without its audio ballot), signed in, polls open. */
async function openStationFor(audio: boolean): Promise<TestStation> {
  const station = startTestStation({
    stationId: 'st-unit-01',
    precinctId: 'uik-1202',
    sampleElection: true,
    audio,
    ballotPrinter: new MemoryPrinter(),
    staffReader: true,
    inactivity: { warnAfterMs: 100, endAfterMs: 300 },
  });
  stations.push(station);
  await station.signIn();
  succeeded(await station.client.openPolls({}));
  return station;
}

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
    const station = await openStationFor(true);
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

describe('a poll worker starts the audio ballot at check-in', () => {
  const VOTERS = SAMPLE_VOTER_IDS['uik-1202'];

  async function sessionEnds(station: TestStation): Promise<void> {
    await waitFor(async () => succeeded(await station.client.getVoterSession({})).session.phase === 'none', {
      timeout: 5000,
      what: 'the idle session to end',
    });
  }

  it('opens the session with audio on; the poll book and the ledger do not say so; the next voter starts without', async () => {
    const station = await openStationFor(true);
    succeeded(await station.client.checkInVoter({ voterId: VOTERS[0] ?? '', activation: 'kiosk', audio: true }));
    const screen = succeeded(await station.client.getVoterSession({}));
    expect(screen.session.phase).toBe('marking');
    expect(screen.audio).toEqual({ ...DEFAULT_AUDIO_SETTINGS, enabled: true });
    const checkedIn = station.logger.events.find((e) => e.eventId === 'pollbook.checked-in');
    expect(checkedIn?.fields).toMatchObject({ activation: 'kiosk', audio: true });
    // The signed poll-book entry carries no trace of the audio ballot: it is published.
    const ledger = station.ledger;
    const entries = ledger.entryTexts('pollbook', 0, ledger.size('pollbook'));
    const checkIns = entries.filter((text) => text.includes('"type":"check-in"'));
    expect(checkIns).toHaveLength(1);
    expect(entries.join('\n')).not.toMatch(/audio/);

    await sessionEnds(station);
    succeeded(await station.client.checkInVoter({ voterId: VOTERS[1] ?? '', activation: 'kiosk' }));
    expect(succeeded(await station.client.getVoterSession({})).audio).toEqual(DEFAULT_AUDIO_SETTINGS);
  });

  it('a new ballot can start with audio too', async () => {
    const station = await openStationFor(true);
    succeeded(await station.client.checkInVoter({ voterId: VOTERS[0] ?? '', activation: 'kiosk' }));
    await sessionEnds(station);
    succeeded(await station.client.reissueBallot({ voterId: VOTERS[0] ?? '', activation: 'kiosk', audio: true }));
    expect(succeeded(await station.client.getVoterSession({})).audio.enabled).toBe(true);
  });

  it("waits for the voter's activation card and starts the session with audio on when it is in", async () => {
    const station = await openStationFor(true);
    succeeded(await station.client.checkInVoter({ voterId: VOTERS[0] ?? '', activation: 'card', audio: true }));
    expect(succeeded(await station.client.getVoterSession({})).audio.enabled).toBe(false);
    const activationReader = sampleActivationReader();
    await voterCardInserted({ ...station.context, activationReader });
    const screen = succeeded(await station.client.getVoterSession({}));
    expect(screen.session.phase).toBe('marking');
    expect(screen.audio.enabled).toBe(true);
  });

  it('refuses audio for a package without an audio ballot, recording nothing', async () => {
    const station = await openStationFor(false);
    const refused = await station.client.checkInVoter({ voterId: VOTERS[0] ?? '', activation: 'kiosk', audio: true });
    expect(refused.ok ? null : refused.error.refusal).toEqual({ kind: 'check-in-refused', reason: 'no-audio-ballot' });
    const status = succeeded(await station.client.getStationStatus({}));
    expect(status.pollBook.checkIns).toBe(0);
    expect(status.voterSession).toBe('none');
    // Without audio the same voter checks in.
    succeeded(await station.client.checkInVoter({ voterId: VOTERS[0] ?? '', activation: 'kiosk' }));
  });

  it('refuses an audio flag that is not true or false at the boundary', async () => {
    const station = await openStationFor(true);
    const bad = await station.client.checkInVoter({
      voterId: VOTERS[0] ?? '',
      activation: 'kiosk',
      audio: 'yes' as unknown as boolean,
    });
    expect(bad.ok).toBe(false);
    expect(succeeded(await station.client.getStationStatus({})).pollBook.checkIns).toBe(0);
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
