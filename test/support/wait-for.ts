/**
 * Waiting in tests: for a named condition, never for a fixed time (the
 * urna/no-fixed-sleep lint rule holds tests to it). `waitFor` polls `condition`
 * until it holds and, on timeout, throws naming what it waited for and, if given,
 * what it saw instead, so a timeout under load says why. Deadlines are generous on
 * purpose: they catch a hang, they are not a speed assertion.
 */
export type WaitForOptions = {
  /** What the test waits for, in words: "the printer to be ready". */
  readonly what: string;
  /** Milliseconds before giving up (default 30 s). */
  readonly timeout?: number;
  /** Milliseconds between polls (default 50). */
  readonly interval?: number;
  /** What was seen instead, put in the timeout's message. */
  readonly state?: () => unknown;
};

export async function waitFor(condition: () => boolean | Promise<boolean>, options: WaitForOptions): Promise<void> {
  const timeout = options.timeout ?? 30_000;
  const deadline = Date.now() + timeout;
  for (;;) {
    if (await condition()) return;
    if (Date.now() >= deadline) break;
    // The poll interval: the one fixed wait, bounded by the deadline above.
    // eslint-disable-next-line urna/no-fixed-sleep
    await new Promise((resolve) => setTimeout(resolve, options.interval ?? 50));
  }
  const seen = options.state === undefined ? '' : `; last seen: ${JSON.stringify(options.state())}`;
  throw new Error(`timed out after ${timeout} ms waiting for ${options.what}${seen}`);
}

/** The part of a Playwright page `screenSettled` needs (kept structural so this file needs no browser types). */
type EvaluatingPage = { evaluate<R>(fn: () => Promise<R>): Promise<R> };

/**
 * Waits until the screen has finished changing, for a screenshot: web fonts
 * loaded, every finite CSS animation or transition finished (a spinner that runs
 * forever is not waited for), then two frames painted.
 */
export async function screenSettled(page: EvaluatingPage): Promise<void> {
  await page.evaluate(async () => {
    await document.fonts.ready;
    const finite = document.getAnimations().filter((a) => a.effect?.getComputedTiming().iterations !== Infinity);
    await Promise.all(finite.map((a) => a.finished.catch(() => undefined)));
    await new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve())));
  });
}
