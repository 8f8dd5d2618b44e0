/**
 * Benchmarks print numbers and write them to bench/results.json; tests never
 * assert on time. Each suite returns measurements; the runner collects them.
 */
export type Measurement = {
  /** Stable name, e.g. "ledger.append.p99". */
  readonly name: string;
  readonly value: number;
  /** Unit the value is in: "ms", "ops/s", "ballots/s", "x". */
  readonly unit: string;
  /** The target, as text, e.g. "< 5 ms". */
  readonly target?: string;
  /** Whether the measured value meets the target, when there is one. */
  readonly meetsTarget?: boolean;
  readonly note?: string;
};

export type BenchSuite = {
  readonly name: string;
  run(): Promise<readonly Measurement[]>;
};

export function percentile(sortedAscending: readonly number[], p: number): number {
  if (sortedAscending.length === 0) return Number.NaN;
  const rank = Math.min(sortedAscending.length - 1, Math.max(0, Math.ceil((p / 100) * sortedAscending.length) - 1));
  return sortedAscending[rank] ?? Number.NaN;
}

export function median(values: readonly number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
}
