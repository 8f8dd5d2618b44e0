/**
 * Faster or slower speech keeps its pitch: the time stretch changes a clip's
 * length by the rate and leaves its frequencies where they were. Playing the
 * clip at another sample rate, as the audio ballot did before, moves the pitch
 * by the rate: the last test shows that on the same clip.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AUDIO_RATE_STEPS } from '../../../core/api/station-api';
import { timeStretch } from '../../../core/audio/stretch';
import { decodeWav } from '../../../core/audio/wav';
import { clipFileName } from '../../../core/audio/manifest';
import { SAMPLE_AUDIO_DIR, sampleAudioManifest } from '../../support/election';

const RATE = 8000;

function tone(hz: number, seconds: number): Float32Array {
  const out = new Float32Array(Math.round(seconds * RATE));
  for (let i = 0; i < out.length; i++) out[i] = 0.5 * Math.sin((2 * Math.PI * hz * i) / RATE);
  return out;
}

function rms(samples: Float32Array): number {
  let sum = 0;
  for (const s of samples) sum += s * s;
  return Math.sqrt(sum / Math.max(1, samples.length));
}

/** The middle half, away from the clip's edges. */
function middle(samples: Float32Array): Float32Array {
  return samples.subarray(Math.floor(samples.length / 4), Math.floor((3 * samples.length) / 4));
}

/** Frequency of a tone from its upward zero crossings. */
function frequency(samples: Float32Array): number {
  let crossings = 0;
  for (let i = 1; i < samples.length; i++) if ((samples[i - 1] ?? 0) < 0 && (samples[i] ?? 0) >= 0) crossings++;
  return (crossings * RATE) / samples.length;
}

/**
 * The pitch of voiced speech: the lag (2.5–16.7 ms) of the strongest
 * autocorrelation in each loud 40 ms frame, as a median over the frames, in Hz.
 */
function medianPitch(samples: Float32Array, sampleRate: number): number {
  const frame = Math.round(0.04 * sampleRate);
  const loud = rms(samples);
  const pitches: number[] = [];
  for (let start = 0; start + frame * 2 < samples.length; start += frame) {
    const piece = samples.subarray(start, start + frame * 2);
    if (rms(piece) < loud) continue;
    let bestLag = 0;
    let best = 0;
    for (let lag = Math.round(sampleRate / 400); lag <= Math.round(sampleRate / 60); lag++) {
      let sum = 0;
      for (let j = 0; j < frame; j++) sum += (piece[j] ?? 0) * (piece[j + lag] ?? 0);
      if (sum > best) {
        best = sum;
        bestLag = lag;
      }
    }
    if (bestLag > 0) pitches.push(sampleRate / bestLag);
  }
  pitches.sort((a, b) => a - b);
  return pitches[Math.floor(pitches.length / 2)] ?? 0;
}

/** The samples played `rate` times as fast by reading them faster (linear interpolation): Web Audio's playbackRate. */
function resample(samples: Float32Array, rate: number): Float32Array {
  const out = new Float32Array(Math.floor(samples.length / rate));
  for (let i = 0; i < out.length; i++) {
    const at = i * rate;
    const before = Math.floor(at);
    const frac = at - before;
    out[i] = (samples[before] ?? 0) * (1 - frac) + (samples[before + 1] ?? 0) * frac;
  }
  return out;
}

describe('speech rate without a change of pitch', () => {
  it('returns the samples unchanged at rate 1, and refuses a rate that is not a positive number', () => {
    const input = tone(300, 0.5);
    expect(timeStretch(input, RATE, 1)).toBe(input);
    for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY])
      expect(() => timeStretch(input, RATE, bad)).toThrow(/speech rate/);
  });

  it('at every rate step, changes the length by the rate and keeps a tone at its frequency and loudness', () => {
    const input = tone(300, 1);
    for (const rate of AUDIO_RATE_STEPS) {
      const out = timeStretch(input, RATE, rate);
      expect(out.length).toBe(Math.ceil(input.length / rate));
      expect(frequency(middle(out)), `rate ${rate}`).toBeGreaterThan(300 * 0.98);
      expect(frequency(middle(out)), `rate ${rate}`).toBeLessThan(300 * 1.02);
      expect(rms(middle(out)) / rms(input), `rate ${rate}`).toBeGreaterThan(0.9);
      expect(rms(middle(out)) / rms(input), `rate ${rate}`).toBeLessThan(1.1);
    }
  });

  it('keeps the voice of a sample clip at its pitch where resampling would move it by the rate', () => {
    const clip = sampleAudioManifest().clips.find((c) => c.phrase === 'msg:audio.welcome' && c.language === 'en');
    if (clip === undefined) throw new Error('the sample audio has no English welcome');
    const wav = decodeWav(new Uint8Array(readFileSync(path.join(SAMPLE_AUDIO_DIR, path.basename(clipFileName(clip))))));
    if (typeof wav === 'string') throw new Error(wav);
    const original = medianPitch(wav.samples, wav.sampleRate);
    expect(original).toBeGreaterThan(70);
    for (const rate of [0.75, 1.5, 2]) {
      const stretched = timeStretch(wav.samples, wav.sampleRate, rate);
      expect(stretched.length).toBe(Math.ceil(wav.samples.length / rate));
      const pitch = medianPitch(stretched, wav.sampleRate);
      expect(pitch / original, `rate ${rate}`).toBeGreaterThan(0.93);
      expect(pitch / original, `rate ${rate}`).toBeLessThan(1.07);
      // Playing the same samples at rate × the sample rate (what playbackRate does) moves the pitch by the rate.
      expect(medianPitch(resample(wav.samples, rate), wav.sampleRate) / original, `rate ${rate}`).toBeCloseTo(rate, 1);
      expect(rms(stretched) / rms(wav.samples), `rate ${rate}`).toBeGreaterThan(0.8);
      expect(rms(stretched) / rms(wav.samples), `rate ${rate}`).toBeLessThan(1.2);
    }
  });
});
