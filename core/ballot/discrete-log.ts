/**
 * Recovers a count t from t·G by baby-step giant-step. The baby-step table holds
 * j·G for j < m keyed by encoding, and grows lazily to m = ⌈√max⌉ for the largest
 * count asked for, so a small election never pays for a large table; 10,000,000
 * needs 3,163 entries.
 */
import { toHex } from '../encoding/bytes';
import { linearCombination } from './fast25519';
import { GENERATOR, Point } from './group';

export const MAX_SUPPORTED_COUNT = 100_000_000;

export class DiscreteLog {
  readonly #table = new Map<string, number>();
  #next = Point.ZERO;

  #grow(size: number): void {
    while (this.#table.size < size) {
      this.#table.set(toHex(this.#next.toBytes()), this.#table.size);
      this.#next = this.#next.add(GENERATOR);
    }
  }

  /** The t in [0, max] with t·G = target, or undefined when there is none. */
  solve(target: Point, max: number): number | undefined {
    if (!Number.isInteger(max) || max < 0 || max > MAX_SUPPORTED_COUNT)
      throw new Error(`invariant failed: discrete log bound ${max}`);
    const m = Math.max(1, Math.ceil(Math.sqrt(max + 1)));
    this.#grow(m);
    // Not from the library's table of G, which a small tally would build for this one product.
    const giantStep = linearCombination([GENERATOR], [BigInt(m)]).negate();
    let current = target;
    for (let i = 0; i * m <= max; i++) {
      const j = this.#table.get(toHex(current.toBytes()));
      if (j !== undefined && j < m) {
        const t = i * m + j;
        return t <= max ? t : undefined;
      }
      current = current.add(giantStep);
    }
    return undefined;
  }
}
