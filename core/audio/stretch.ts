/**
 * Speech faster or slower at the same pitch: a waveform-similarity overlap-add
 * (WSOLA) time stretch of the package's clips. Playing a clip at another sample
 * rate (Web Audio's playbackRate) changes its pitch with its speed: at 1.5× a
 * voice sounds half an octave higher and harder to follow, just when a practised
 * listener wants it fast. Here each output frame is a Hann-windowed piece of the
 * input taken near where the stretched time falls, shifted by up to a few
 * milliseconds to the place whose waveform best continues the previous piece, and
 * overlap-added at a fixed hop: the periods of the voice stay as recorded, only
 * how many of them there are changes.
 *
 * Pure arithmetic on samples, so the station's renderer runs it on clips it has
 * already decoded and checked, and the tests run it in Node.
 */

/** Frame length (25 ms) and how far a frame may move to fit (±8 ms): speech pitch periods are 2.5–12 ms. */
const FRAME_SECONDS = 0.025;
const TOLERANCE_SECONDS = 0.008;

/**
 * `samples` played `rate` times as fast without changing pitch: about
 * `samples.length / rate` samples long. A rate of 1 returns the samples as they are.
 */
export function timeStretch(samples: Float32Array, sampleRate: number, rate: number): Float32Array {
  if (!(rate > 0) || !Number.isFinite(rate)) throw new RangeError(`speech rate must be a positive number, not ${rate}`);
  if (rate === 1 || samples.length === 0) return samples;
  const frame = 2 * Math.max(8, Math.round((FRAME_SECONDS * sampleRate) / 2));
  const hop = frame / 2;
  const tolerance = Math.max(1, Math.round(TOLERANCE_SECONDS * sampleRate));
  const window = hann(frame);
  const length = Math.ceil(samples.length / rate);
  const out = new Float32Array(length + frame);
  const at = (i: number): number => (i >= 0 && i < samples.length ? (samples[i] ?? 0) : 0);

  // The input is read from hop samples before its start, so the first output frame's rising
  // half overlaps silence and the clip's first sample is at full level.
  let previous = -hop;
  for (let k = 0; k * hop < length + hop; k++) {
    const nominal = Math.round(k * hop * rate) - hop;
    let chosen = nominal;
    if (k > 0) {
      // The best continuation of the previous piece: the input right after it.
      const natural = previous + hop;
      let best = correlation(at, natural, nominal, frame);
      for (let shift = 1; shift <= tolerance; shift++) {
        for (const candidate of [nominal - shift, nominal + shift]) {
          const score = correlation(at, natural, candidate, frame);
          if (score > best) {
            best = score;
            chosen = candidate;
          }
        }
      }
    }
    const start = k * hop - hop;
    for (let j = 0; j < frame; j++) {
      const o = start + j;
      if (o >= 0 && o < out.length) out[o] = (out[o] ?? 0) + (window[j] ?? 0) * at(chosen + j);
    }
    previous = chosen;
  }
  return out.subarray(0, length);
}

/** A periodic Hann window: copies at half-frame steps add up to exactly one. */
function hann(length: number): Float32Array {
  const w = new Float32Array(length);
  for (let i = 0; i < length; i++) w[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / length);
  return w;
}

/** How alike the input is at `a` and at `b` over one frame (every other sample: the voice is band-limited). */
function correlation(at: (i: number) => number, a: number, b: number, frame: number): number {
  let sum = 0;
  for (let j = 0; j < frame; j += 2) sum += at(a + j) * at(b + j);
  return sum;
}
