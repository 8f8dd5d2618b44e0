/**
 * Plays the audio ballot: looks each phrase up in the loaded package's clip list,
 * fetches the clip's bytes from main through the station API (main hands out only
 * clips the signed manifest names, checked against their hash), decodes the µ-law
 * WAV itself (core/audio/wav.ts), stretches it to the voter's speech rate without
 * changing its pitch (core/audio/stretch.ts), and schedules the clips of one
 * utterance back to back in Web Audio. A new utterance cuts the current one off, as a
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
import { timeStretch } from '../../../core/audio/stretch';
import { clipStats, decodeWav, type ClipStats, type DecodedClip } from '../../../core/audio/wav';
import { fromBase64 } from '../../../core/encoding/bytes';
import { stationApi } from '../api';
import type { Utterance } from './speech';

export const AUDIO_PLAYED_EVENT = 'urna:audio-played';

/** A clip as recorded (`durationMs`: the manifest's length), and how long it played at the voter's rate. */
export type PlayedClip = { readonly phrase: string; readonly playedMs: number } & ClipStats;
export type PlayedUtterance = {
  readonly language: Language;
  /** The speech rate it was said at (AUDIO_RATE_STEPS); the pitch is the recording's at every rate. */
  readonly rate: number;
  readonly phrases: readonly string[];
  readonly clips: readonly PlayedClip[];
  /** Phrases the package has no clip for (nothing is said for them). */
  readonly missing: readonly string[];
};

const GAP_SECONDS = 0.12;

type Decoded = { readonly clip: DecodedClip; readonly stats: ClipStats };

export class SpeechPlayer {
  private context: AudioContext | null = null;
  private gain: GainNode | null = null;
  private clips: Map<string, AudioClipView> | null = null;
  private readonly decoded = new Map<string, Promise<Decoded | null>>();
  /** Each clip's buffer at each rate it was said at (a clip is a few seconds of 8 kHz samples). */
  private readonly buffers = new Map<string, AudioBuffer>();
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

  /** Volume changes at once; a new rate from the next utterance on (the rate keys say "faster"/"slower" at it). */
  apply(settings: AudioSettings): void {
    this.settings = settings;
    if (this.gain) this.gain.gain.value = AUDIO_VOLUME_STEPS[settings.volume] ?? 1;
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
      return { clip: wav, stats: clipStats(wav) };
    })();
    this.decoded.set(clip.sha256, loading);
    return loading;
  }

  private bufferAt(context: AudioContext, sha256: string, decoded: Decoded, rate: number): AudioBuffer {
    const key = `${sha256}|${rate}`;
    const cached = this.buffers.get(key);
    if (cached) return cached;
    const samples = timeStretch(decoded.clip.samples, decoded.clip.sampleRate, rate);
    const buffer = context.createBuffer(1, samples.length, decoded.clip.sampleRate);
    buffer.getChannelData(0).set(samples);
    this.buffers.set(key, buffer);
    return buffer;
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
      const sha256 = found[i]?.clip?.sha256;
      if (clip === null || sha256 === undefined || this.context === null || this.gain === null) return;
      const buffer = this.bufferAt(this.context, sha256, clip, rate);
      const source = this.context.createBufferSource();
      source.buffer = buffer;
      source.connect(this.gain);
      source.start(when);
      when += buffer.duration + GAP_SECONDS;
      this.playing.push(source);
      played.push({ phrase: found[i]?.phrase ?? '', playedMs: Math.round(buffer.duration * 1000), ...clip.stats });
    });
    const detail: PlayedUtterance = {
      language,
      rate,
      phrases: [...utterance],
      clips: played,
      missing: found.filter((f, i) => f.clip === undefined || decoded[i] === null).map((f) => f.phrase),
    };
    window.dispatchEvent(new CustomEvent(AUDIO_PLAYED_EVENT, { detail }));
  }
}
