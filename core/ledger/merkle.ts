/**
 * RFC 6962 / C2SP merkle-tree hashing, with inclusion and consistency proofs
 * (RFC 9162 §2.1.3 and §2.1.4).
 *
 *   leaf hash = SHA-256(0x00 ‖ entry)
 *   node hash = SHA-256(0x01 ‖ left ‖ right)
 *   MTH({})   = SHA-256("")
 *
 * Proofs are generated against a {@link SubtreeHashSource}: anything that can give
 * the hash of a "perfect subtree" (2^level leaves starting at index·2^level). The
 * SQLite store keeps exactly those hashes, so a proof costs O(log n) reads instead
 * of rebuilding the tree. Sizes and indices are plain numbers; arithmetic avoids
 * 32-bit bitwise operators so trees beyond 2^31 leaves stay correct.
 */
import { bytesEqual, concatBytes, type Bytes } from '../encoding/bytes';
import { sha256 } from '../encoding/hash';

export const HASH_SIZE = 32;

/** The two hash functions of the tree; the store swaps in a faster native SHA-256. */
export type MerkleHasher = {
  leaf(entry: Bytes): Bytes;
  node(left: Bytes, right: Bytes): Bytes;
};

const LEAF_PREFIX = Uint8Array.of(0x00);
const NODE_PREFIX = Uint8Array.of(0x01);

/** Builds a hasher from any SHA-256 implementation. */
export function merkleHasherFrom(hash: (data: Bytes) => Bytes): MerkleHasher {
  return {
    leaf: (entry) => hash(concatBytes(LEAF_PREFIX, entry)),
    node: (left, right) => hash(concatBytes(NODE_PREFIX, left, right)),
  };
}

/** The portable hasher (pure TypeScript SHA-256). */
export const sha256Hasher: MerkleHasher = merkleHasherFrom(sha256);

export function leafHash(entry: Bytes, hasher: MerkleHasher = sha256Hasher): Bytes {
  return hasher.leaf(entry);
}

export function nodeHash(left: Bytes, right: Bytes, hasher: MerkleHasher = sha256Hasher): Bytes {
  return hasher.node(left, right);
}

/** MTH of the empty tree: SHA-256 of the empty string. */
export const EMPTY_ROOT: Bytes = sha256(new Uint8Array(0));

/** A node that covers leaves [index·2^level, (index+1)·2^level). */
export type PerfectSubtree = { readonly level: number; readonly index: number };
export type StoredNode = PerfectSubtree & { readonly hash: Bytes };

/**
 * Where proof generation reads hashes from. `subtreeHash` is only asked for
 * perfect subtrees that lie entirely inside the tree the proof is for.
 */
export type SubtreeHashSource = {
  subtreeHash(level: number, index: number): Bytes;
};

/** Largest power of two strictly less than n (n ≥ 2), as RFC 6962 §2.1 splits. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function isPowerOfTwo(n: number): boolean {
  if (n < 1) return false;
  let k = 1;
  while (k < n) k *= 2;
  return k === n;
}

function log2Exact(n: number): number {
  let level = 0;
  for (let k = 1; k < n; k *= 2) level++;
  return level;
}

/**
 * The perfect subtrees, left to right, whose concatenation is leaves [start, start+size),
 * for a range aligned the way RFC 6962's recursion aligns them (start is a multiple
 * of the smallest power of two ≥ size). A size of n from 0 gives the tree's "frontier".
 */
export function perfectSubtreesOf(start: number, size: number): PerfectSubtree[] {
  const out: PerfectSubtree[] = [];
  let offset = start;
  let remaining = size;
  while (remaining > 0) {
    let width = 1;
    while (width * 2 <= remaining) width *= 2;
    out.push({ level: log2Exact(width), index: offset / width });
    offset += width;
    remaining -= width;
  }
  return out;
}

/** Folds perfect-subtree hashes (left to right) into the MTH of their concatenation. */
export function foldSubtrees(hashes: readonly Bytes[], hasher: MerkleHasher = sha256Hasher): Bytes {
  let acc = hashes[hashes.length - 1];
  if (acc === undefined) return EMPTY_ROOT;
  for (let i = hashes.length - 2; i >= 0; i--) acc = hasher.node(hashes[i] as Bytes, acc);
  return acc;
}

/** MTH of leaves [start, start+size) read from a subtree source in O(log size) reads. */
export function rangeHash(
  source: SubtreeHashSource,
  start: number,
  size: number,
  hasher: MerkleHasher = sha256Hasher,
): Bytes {
  if (size === 0) return EMPTY_ROOT;
  if (isPowerOfTwo(size)) return source.subtreeHash(log2Exact(size), start / size);
  const parts = perfectSubtreesOf(start, size).map((t) => source.subtreeHash(t.level, t.index));
  return foldSubtrees(parts, hasher);
}

/** Root of a tree of `size` leaves from a subtree source. */
export function rootFromSource(source: SubtreeHashSource, size: number, hasher: MerkleHasher = sha256Hasher): Bytes {
  return rangeHash(source, 0, size, hasher);
}

/** MTH of whole entries (test and tooling convenience: O(n) memory). */
export function rootOfEntries(entries: readonly Bytes[], hasher: MerkleHasher = sha256Hasher): Bytes {
  const tree = new CompactMerkleTree(hasher);
  for (const entry of entries) tree.append(hasher.leaf(entry));
  return tree.root();
}

/** Every node of a tree of whole leaves, in memory, for proofs over a log read from files (O(n) memory). */
export function memoryTree(
  leafHashes: readonly Bytes[],
  hasher: MerkleHasher = sha256Hasher,
): SubtreeHashSource & { readonly size: number; readonly root: Bytes } {
  const tree = new CompactMerkleTree(hasher);
  const nodes = new Map<string, Bytes>();
  for (const leaf of leafHashes)
    for (const node of tree.append(leaf)) nodes.set(`${node.level}/${node.index}`, node.hash);
  return {
    size: tree.size,
    root: tree.root(),
    subtreeHash(level, index) {
      const hash = nodes.get(`${level}/${index}`);
      if (hash === undefined) throw new RangeError(`no perfect subtree ${level}/${index} in a tree of ${tree.size}`);
      return hash;
    },
  };
}

function assertTreeIndex(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${what} must be a non-negative safe integer`);
}

/**
 * Inclusion proof (audit path) of leaf `index` in the tree of `size` leaves,
 * RFC 9162 §2.1.3.1: deepest sibling first.
 */
export function inclusionProof(
  source: SubtreeHashSource,
  index: number,
  size: number,
  hasher: MerkleHasher = sha256Hasher,
): Bytes[] {
  assertTreeIndex(index, 'index');
  assertTreeIndex(size, 'size');
  if (index >= size) throw new RangeError(`leaf ${index} is outside a tree of ${size}`);
  const reversed: Bytes[] = [];
  let start = 0;
  let n = size;
  let m = index;
  while (n > 1) {
    const k = splitPoint(n);
    if (m < k) {
      reversed.push(rangeHash(source, start + k, n - k, hasher));
      n = k;
    } else {
      reversed.push(rangeHash(source, start, k, hasher));
      start += k;
      m -= k;
      n -= k;
    }
  }
  return reversed.reverse();
}

/**
 * Consistency proof between the first `oldSize` and `newSize` leaves,
 * RFC 9162 §2.1.4.1. Empty when oldSize is 0 or equals newSize.
 */
export function consistencyProof(
  source: SubtreeHashSource,
  oldSize: number,
  newSize: number,
  hasher: MerkleHasher = sha256Hasher,
): Bytes[] {
  assertTreeIndex(oldSize, 'old size');
  assertTreeIndex(newSize, 'new size');
  if (oldSize > newSize) throw new RangeError(`old size ${oldSize} exceeds new size ${newSize}`);
  if (oldSize === 0 || oldSize === newSize) return [];
  const reversed: Bytes[] = [];
  let start = 0;
  let n = newSize;
  let m = oldSize;
  let wholeOldTree = true;
  for (;;) {
    if (m === n) {
      // SUBPROOF(m, D[m], b): nothing when this is the old tree itself, else its hash.
      if (!wholeOldTree) reversed.push(rangeHash(source, start, n, hasher));
      break;
    }
    const k = splitPoint(n);
    if (m <= k) {
      reversed.push(rangeHash(source, start + k, n - k, hasher));
      n = k;
    } else {
      reversed.push(rangeHash(source, start, k, hasher));
      start += k;
      m -= k;
      n -= k;
      wholeOldTree = false;
    }
  }
  return reversed.reverse();
}

function isOdd(n: number): boolean {
  return n % 2 === 1;
}

function half(n: number): number {
  return Math.floor(n / 2);
}

function allHashes(proof: readonly Bytes[]): boolean {
  return proof.every((h) => h.length === HASH_SIZE);
}

/** RFC 9162 §2.1.3.2: does `proof` show the leaf with `leaf` hash at `index` under `root`? */
export function verifyInclusion(
  leaf: Bytes,
  index: number,
  size: number,
  proof: readonly Bytes[],
  root: Bytes,
  hasher: MerkleHasher = sha256Hasher,
): boolean {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) return false;
  if (leaf.length !== HASH_SIZE || root.length !== HASH_SIZE || !allHashes(proof)) return false;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (isOdd(fn) || fn === sn) {
      r = hasher.node(p, r);
      if (!isOdd(fn)) {
        while (!isOdd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      r = hasher.node(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && bytesEqual(r, root);
}

/** RFC 9162 §2.1.4.2: is the tree (newSize, newRoot) an extension of (oldSize, oldRoot)? */
export function verifyConsistency(
  oldSize: number,
  newSize: number,
  oldRoot: Bytes,
  newRoot: Bytes,
  proof: readonly Bytes[],
  hasher: MerkleHasher = sha256Hasher,
): boolean {
  if (!Number.isSafeInteger(oldSize) || !Number.isSafeInteger(newSize) || oldSize < 0 || oldSize > newSize) {
    return false;
  }
  if (oldRoot.length !== HASH_SIZE || newRoot.length !== HASH_SIZE || !allHashes(proof)) return false;
  // Every tree extends the empty tree; a tree only "extends" itself when the roots agree.
  if (oldSize === 0) return proof.length === 0 && bytesEqual(oldRoot, EMPTY_ROOT);
  if (oldSize === newSize) return proof.length === 0 && bytesEqual(oldRoot, newRoot);
  if (proof.length === 0) return false;

  const path = isPowerOfTwo(oldSize) ? [oldRoot, ...proof] : [...proof];
  let fn = oldSize - 1;
  let sn = newSize - 1;
  while (isOdd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr = path[0] as Bytes;
  let sr = fr;
  for (let i = 1; i < path.length; i++) {
    const c = path[i] as Bytes;
    if (sn === 0) return false;
    if (isOdd(fn) || fn === sn) {
      fr = hasher.node(c, fr);
      sr = hasher.node(c, sr);
      if (!isOdd(fn)) {
        while (!isOdd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      sr = hasher.node(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && bytesEqual(fr, oldRoot) && bytesEqual(sr, newRoot);
}

/**
 * An append-only tree that keeps only its frontier (the perfect subtrees covering
 * [0, size)): appending returns every perfect-subtree node the new leaf completes,
 * which is exactly what a store must persist to answer proofs later.
 */
export class CompactMerkleTree {
  private readonly frontier: StoredNode[] = [];
  private leaves = 0;

  constructor(private readonly hasher: MerkleHasher = sha256Hasher) {}

  /** Rebuilds a tree of `size` leaves from its frontier, e.g. when a store reopens. */
  static fromFrontier(
    size: number,
    frontierHashes: readonly Bytes[],
    hasher: MerkleHasher = sha256Hasher,
  ): CompactMerkleTree {
    const shape = perfectSubtreesOf(0, size);
    if (shape.length !== frontierHashes.length) {
      throw new RangeError(`a tree of ${size} leaves has ${shape.length} frontier nodes, got ${frontierHashes.length}`);
    }
    const tree = new CompactMerkleTree(hasher);
    shape.forEach((t, i) => tree.frontier.push({ ...t, hash: frontierHashes[i] as Bytes }));
    tree.leaves = size;
    return tree;
  }

  get size(): number {
    return this.leaves;
  }

  /** Appends one leaf hash; returns the completed nodes, leaf (level 0) first. */
  append(leaf: Bytes): StoredNode[] {
    const created: StoredNode[] = [{ level: 0, index: this.leaves, hash: leaf }];
    let node: StoredNode = { level: 0, index: this.leaves, hash: leaf };
    for (;;) {
      const last = this.frontier[this.frontier.length - 1];
      if (last === undefined || last.level !== node.level) break;
      this.frontier.pop();
      node = { level: node.level + 1, index: last.index / 2, hash: this.hasher.node(last.hash, node.hash) };
      created.push(node);
    }
    this.frontier.push(node);
    this.leaves += 1;
    return created;
  }

  root(): Bytes {
    return foldSubtrees(
      this.frontier.map((n) => n.hash),
      this.hasher,
    );
  }

  frontierNodes(): readonly StoredNode[] {
    return this.frontier;
  }

  clone(): CompactMerkleTree {
    const copy = new CompactMerkleTree(this.hasher);
    copy.frontier.push(...this.frontier);
    copy.leaves = this.leaves;
    return copy;
  }
}
