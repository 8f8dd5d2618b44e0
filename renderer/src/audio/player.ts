/**
 * Plays the audio ballot: looks each phrase up in the loaded package's clip list,
 * fetches the clip's bytes from main through the station API (main hands out only
 * clips the signed manifest names, checked against their hash), decodes the µ-law
 * WAV itself (core/audio/wav.ts) into a Web Audio buffer and schedules the clips of
 * one utterance back to back. A new utterance cuts the current one off, as a
 * screen reader does when the voter presses a key.
 *
 * Every utterance that starts is announced as a `urna:audio-played` event on the
 * window with the phrases and the decoded samples' length and loudness: what the
 * voter hears, in numbers, for the acceptance tests. It carries nothing the screen
 * does not show.
 */
import {
  AUDIO_RATE_STEPS,
  AUDIO_VOLUME_STEPS,
  type AudioClipView,
  type AudioSettings,
  type Language,
} from '../../../core/api/station-api';
import { clipStats, decodeWav, type ClipStats } from '../../../core/audio/wav';
import { fromBase64 } from '../../../core/encoding/bytes';
import { stationApi } from '../api';
import type { Utterance } from './speech';

export const AUDIO_PLAYED_EVENT = 'urna:audio-played';

export type PlayedClip = { readonly phrase: string } & ClipStats;
export type PlayedUtterance = {
  readonly language: Language;
  readonly phrases: readonly string[];
  readonly clips: readonly PlayedClip[];
  /** Phrases the package has no clip for (nothing is said for them). */
  readonly missing: readonly string[];
};

const GAP_SECONDS = 0.12;

type Decoded = { readonly buffer: AudioBuffer; readonly stats: ClipStats };

export class SpeechPlayer {
  private context: AudioContext | null = null;
  private gain: GainNode | null = null;
  private clips: Map<string, AudioClipView> | null = null;
  private readonly decoded = new Map<string, Promise<Decoded | null>>();
  private playing: AudioBufferSourceNode[] = [];
  private generation = 0;
  private settings: AudioSettings | null = null;
  last: { utterance: Utterance; language: Language } | null = null;

  /** Called from a key press: the browser lets audio start only after one. */
  start(): void {
    if (this.context === null) {
      this.context = new AudioContext();
      this.gain = this.context.createGain();
      this.gain.connect(this.context.destination);
    }
    void this.context.resume();
  }

  apply(settings: AudioSettings): void {
    this.settings = settings;
    if (this.gain) this.gain.gain.value = AUDIO_VOLUME_STEPS[settings.volume] ?? 1;
    for (const source of this.playing) source.playbackRate.value = this.rate();
  }

  private rate(): number {
    return AUDIO_RATE_STEPS[this.settings?.speechRate ?? 2] ?? 1;
  }

  stop(): void {
    this.generation++;
    for (const source of this.playing) {
      try {
        source.stop();
      } catch {
        // A source that never started or already ended has nothing to stop.
      }
    }
    this.playing = [];
  }

  close(): void {
    this.stop();
    void this.context?.close();
    this.context = null;
  }

  private async clipList(): Promise<Map<string, AudioClipView>> {
    if (this.clips) return this.clips;
    const result = await stationApi().getAudioClips({});
    const list = result.ok ? result.value : [];
    this.clips = new Map(list.map((c) => [`${c.language}|${c.phrase}`, c]));
    return this.clips;
  }

  private decode(clip: AudioClipView): Promise<Decoded | null> {
    const cached = this.decoded.get(clip.sha256);
    if (cached) return cached;
    const loading = (async () => {
      const result = await stationApi().getAudioClip({ sha256: clip.sha256 });
      if (!result.ok || this.context === null) return null;
      const wav = decodeWav(fromBase64(result.value.wavBase64));
      if (typeof wav === 'string' || wav.samples.length === 0) return null;
      const buffer = this.context.createBuffer(1, wav.samples.length, wav.sampleRate);
      buffer.getChannelData(0).set(wav.samples);
      return { buffer, stats: clipStats(wav) };
    })();
    this.decoded.set(clip.sha256, loading);
    return loading;
  }

  /** Says an utterance, cutting off whatever was being said. */
  async speak(utterance: Utterance, language: Language): Promise<void> {
    this.stop();
    const generation = this.generation;
    this.last = { utterance, language };
    if (this.context === null || this.gain === null) return;
    const clips = await this.clipList();
    const found = utterance.map((phrase) => ({ phrase, clip: clips.get(`${language}|${phrase}`) }));
    const decoded = await Promise.all(found.map(({ clip }) => (clip ? this.decode(clip) : Promise.resolve(null))));
    if (generation !== this.generation || this.context === null || this.gain === null) return;
    const rate = this.rate();
    let when = this.context.currentTime + 0.02;
    const played: PlayedClip[] = [];
    decoded.forEach((clip, i) => {
      if (clip === null || this.context === null || this.gain === null) return;
      const source = this.context.createBufferSource();
      source.buffer = clip.buffer;
      source.playbackRate.value = rate;
      source.connect(this.gain);
      source.start(when);
      when += clip.buffer.duration / rate + GAP_SECONDS;
      this.playing.push(source);
      played.push({ phrase: found[i]?.phrase ?? '', ...clip.stats });
    });
    const detail: PlayedUtterance = {
      language,
      phrases: [...utterance],
      clips: played,
      missing: found.filter((f, i) => f.clip === undefined || decoded[i] === null).map((f) => f.phrase),
    };
    window.dispatchEvent(new CustomEvent(AUDIO_PLAYED_EVENT, { detail }));
  }
}
