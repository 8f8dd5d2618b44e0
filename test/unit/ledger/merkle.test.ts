import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex, type Bytes } from '../../../core/encoding/bytes';
import {
  CompactMerkleTree,
  EMPTY_ROOT,
  consistencyProof,
  inclusionProof,
  leafHash,
  nodeHash,
  rootOfEntries,
  verifyConsistency,
  verifyInclusion,
  type SubtreeHashSource,
} from '../../../core/ledger/merkle';

type Vectors = { leaves_hex: string[]; roots_hex: Record<string, string> };
// The project's copy of shared/vectors/merkle-rfc6962.json, so a clone anywhere runs it.
const vectors = JSON.parse(readFileSync(path.resolve('test/fixtures/vectors/merkle-rfc6962.json'), 'utf8')) as Vectors;

/** The RFC 6962 §2.1 definition, written recursively and independently of the store-oriented code. */
function referenceRoot(leaves: readonly Bytes[]): Bytes {
  if (leaves.length === 0) return EMPTY_ROOT;
  if (leaves.length === 1) return leafHash(leaves[0] as Bytes);
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return nodeHash(referenceRoot(leaves.slice(0, k)), referenceRoot(leaves.slice(k)));
}

/** A subtree source that computes every perfect subtree from the leaves, counting reads. */
function memorySource(entries: readonly Bytes[]): SubtreeHashSource & { reads: number } {
  const source = {
    reads: 0,
    subtreeHash(level: number, index: number): Bytes {
      source.reads++;
      const width = 2 ** level;
      const slice = entries.slice(index * width, (index + 1) * width);
      if (slice.length !== width) throw new Error(`subtree ${level}/${index} is not inside the tree`);
      return referenceRoot(slice);
    },
  };
  return source;
}

function entriesOf(n: number): Bytes[] {
  return Array.from({ length: n }, (_, i) => new TextEncoder().encode(`entry ${i}`));
}

function flipBit(bytes: Bytes, bit: number): Bytes {
  const copy = Uint8Array.from(bytes);
  const i = Math.floor(bit / 8) % copy.length;
  copy[i] = (copy[i] as number) ^ (1 << (bit % 8));
  return copy;
}

describe('RFC 6962 reference roots', () => {
  const leaves = vectors.leaves_hex.map((h) => fromHex(h));
  for (const [size, root] of Object.entries(vectors.roots_hex)) {
    it(`reproduces the root of the first ${size} leaves`, () => {
      const first = leaves.slice(0, Number(size));
      expect(toHex(rootOfEntries(first))).toBe(root);
      expect(toHex(referenceRoot(first))).toBe(root);
    });
  }

  it('gives the audit paths of the RFC 6962 worked example tree (7 leaves)', () => {
    // RFC 6962 §2.1.3: the path for d0 in the 7-leaf tree is [b, h, l] = [leaf 1, MTH(2..3), MTH(4..6)].
    const seven = leaves.slice(0, 7);
    const proof = inclusionProof(memorySource(seven), 0, 7);
    expect(proof.map(toHex)).toEqual(
      [leafHash(seven[1] as Bytes), referenceRoot(seven.slice(2, 4)), referenceRoot(seven.slice(4, 7))].map(toHex),
    );
    // RFC 6962 §2.1.4: consistency 3 → 7 is [c, d, g, l].
    const consistency = consistencyProof(memorySource(seven), 3, 7);
    expect(consistency.map(toHex)).toEqual(
      [
        leafHash(seven[2] as Bytes),
        leafHash(seven[3] as Bytes),
        referenceRoot(seven.slice(0, 2)),
        referenceRoot(seven.slice(4, 7)),
      ].map(toHex),
    );
    // 4 → 7 is [l]; 6 → 7 is [i, j, k].
    expect(consistencyProof(memorySource(seven), 4, 7).map(toHex)).toEqual(
      [referenceRoot(seven.slice(4, 7))].map(toHex),
    );
    expect(consistencyProof(memorySource(seven), 6, 7).map(toHex)).toEqual(
      [referenceRoot(seven.slice(4, 6)), leafHash(seven[6] as Bytes), referenceRoot(seven.slice(0, 4))].map(toHex),
    );
  });
});

describe('compact tree', () => {
  it('matches the recursive definition and emits every perfect subtree once', () => {
    const entries = entriesOf(37);
    const tree = new CompactMerkleTree();
    const nodes = new Map<string, string>();
    entries.forEach((entry, i) => {
      for (const node of tree.append(leafHash(entry))) nodes.set(`${node.level}/${node.index}`, toHex(node.hash));
      expect(toHex(tree.root())).toBe(toHex(referenceRoot(entries.slice(0, i + 1))));
    });
    // 37 leaves: 37 + 18 + 9 + 4 + 2 + 1 perfect subtrees.
    expect(nodes.size).toBe(37 + 18 + 9 + 4 + 2 + 1);
    expect(nodes.get('5/0')).toBe(toHex(referenceRoot(entries.slice(0, 32))));
    const rebuilt = CompactMerkleTree.fromFrontier(
      tree.size,
      tree.frontierNodes().map((n) => n.hash),
    );
    expect(toHex(rebuilt.root())).toBe(toHex(tree.root()));
  });
});

describe('proofs (property)', () => {
  it('every inclusion proof verifies and any flipped bit fails', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 70 }), fc.nat(), fc.nat(), (size, rawIndex, bit) => {
        const entries = entriesOf(size);
        const index = rawIndex % size;
        const source = memorySource(entries);
        const root = referenceRoot(entries);
        const leaf = leafHash(entries[index] as Bytes);
        const proof = inclusionProof(source, index, size);
        expect(verifyInclusion(leaf, index, size, proof, root)).toBe(true);
        // O(log n) reads: at most two per tree level.
        expect(source.reads).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(size + 1)) + 1);
        expect(verifyInclusion(flipBit(leaf, bit), index, size, proof, root)).toBe(false);
        expect(verifyInclusion(leaf, index, size, proof, flipBit(root, bit))).toBe(false);
        if (proof.length > 0) {
          const at = bit % proof.length;
          const bad = proof.map((p, i) => (i === at ? flipBit(p, bit) : p));
          expect(verifyInclusion(leaf, index, size, bad, root)).toBe(false);
          expect(verifyInclusion(leaf, index, size, proof.slice(1), root)).toBe(false);
        }
        expect(verifyInclusion(leaf, index, size, [...proof, root], root)).toBe(false);
        if (size > 1) expect(verifyInclusion(leaf, (index + 1) % size, size, proof, root)).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('every consistency proof verifies and any flipped bit fails', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 70 }), fc.nat(), fc.nat(), (newSize, rawOld, bit) => {
        const entries = entriesOf(newSize);
        const oldSize = rawOld % (newSize + 1);
        const oldRoot = referenceRoot(entries.slice(0, oldSize));
        const newRoot = referenceRoot(entries);
        const proof = consistencyProof(memorySource(entries), oldSize, newSize);
        expect(verifyConsistency(oldSize, newSize, oldRoot, newRoot, proof)).toBe(true);
        if (oldSize > 0) {
          // (Every tree extends the empty one, so only a non-empty old tree pins the new root.)
          expect(verifyConsistency(oldSize, newSize, flipBit(oldRoot, bit), newRoot, proof)).toBe(false);
          expect(verifyConsistency(oldSize, newSize, oldRoot, flipBit(newRoot, bit), proof)).toBe(false);
        }
        if (proof.length > 0) {
          const at = bit % proof.length;
          const bad = proof.map((p, i) => (i === at ? flipBit(p, bit) : p));
          expect(verifyConsistency(oldSize, newSize, oldRoot, newRoot, bad)).toBe(false);
          expect(verifyConsistency(oldSize, newSize, oldRoot, newRoot, proof.slice(0, -1))).toBe(false);
        }
        expect(verifyConsistency(oldSize, newSize, oldRoot, newRoot, [...proof, newRoot])).toBe(false);
        // A history that changed one entry is not an extension of the old tree.
        if (oldSize > 0) {
          const forked = entries.map((e, i) => (i === oldSize - 1 ? flipBit(e, bit) : e));
          const forkedRoot = referenceRoot(forked);
          const forkedProof = consistencyProof(memorySource(forked), oldSize, newSize);
          expect(verifyConsistency(oldSize, newSize, oldRoot, forkedRoot, forkedProof)).toBe(false);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('refuses indices and sizes outside the tree', () => {
    const entries = entriesOf(5);
    const root = referenceRoot(entries);
    expect(() => inclusionProof(memorySource(entries), 5, 5)).toThrow(RangeError);
    expect(verifyInclusion(leafHash(entries[0] as Bytes), 5, 5, [], root)).toBe(false);
    expect(verifyConsistency(6, 5, root, root, [])).toBe(false);
    expect(verifyConsistency(0, 5, EMPTY_ROOT, root, [])).toBe(true);
    expect(verifyConsistency(5, 5, root, root, [])).toBe(true);
  });
});
