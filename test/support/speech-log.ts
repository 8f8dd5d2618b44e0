/**
 * What the audio ballot says in a page: its player reports every utterance it plays
 * as an `urna:audio-played` event (renderer/src/audio/player.ts), and a test reads
 * them back in order, or waits for the one that starts with a given phrase.
 */
import type { Page } from 'playwright-core';
import type { PlayedUtterance } from '../../renderer/src/audio/player';
import { waitFor } from './wait-for';

export type SpeechLog = {
  /** Every utterance played since `listenToSpeech`, oldest first. */
  played(): Promise<PlayedUtterance[]>;
  /** Waits for the first utterance after the `since`-th whose first phrase is `first`. */
  heardFirst(
    first: string,
    since: number,
    options?: { readonly timeout?: number; readonly state?: () => unknown },
  ): Promise<PlayedUtterance>;
};

/** Starts recording the page's utterances (call before the speech to be heard). */
export async function listenToSpeech(page: Page): Promise<SpeechLog> {
  await page.evaluate(() => {
    const log: unknown[] = [];
    (window as unknown as { __played: unknown[] }).__played = log;
    window.addEventListener('urna:audio-played', (event) => log.push((event as CustomEvent).detail));
  });
  const played = (): Promise<PlayedUtterance[]> =>
    page.evaluate(() => (window as unknown as { __played: PlayedUtterance[] }).__played);
  return {
    played,
    async heardFirst(first, since, options = {}) {
      let heard: PlayedUtterance | undefined;
      await waitFor(
        async () => {
          heard = (await played()).slice(since).find((u) => u.phrases[0] === first);
          return heard !== undefined;
        },
        {
          what: `speech starting with ${first}`,
          timeout: options.timeout ?? 20_000,
          ...(options.state === undefined ? {} : { state: options.state }),
        },
      );
      if (heard === undefined) throw new Error(`invariant failed: no speech starting with ${first}`);
      return heard;
    },
  };
}
