/**
 * Pure-cryptography bounds: for each throughput figure, the rate at which one core
 * can do only the cryptography that figure's work needs, measured in the same run.
 * The runner divides each throughput by its bound, so a reader sees how much of the
 * time goes to everything else (parsing, SQLite, HTTP, process start-up).
 *
 * Bounds are single-core; figures measured on a worker pool can exceed 1.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { utf8Encode } from '../core/encoding/bytes';
import type { ElectionId, StationId } from '../core/ids';
import { signCheckpoint, stationKeyName, stationOrigin } from '../core/ledger/checkpoint';
import { ed25519NoteSigner } from '../core/ledger/note';
import { nodeMerkleHasher } from '../storage/merkle-hasher';
import type { BenchSuite } from './harness';

/** Throughput figure → the measurement that bounds it (both in the same run). */
export const CRYPTO_BOUNDS: Readonly<Record<string, string>> = {
  // Proof verification of decoded ballots is itself the bound.
  'ballot.r1.verify.batched.rate': 'ballot.r1.verify.batched.rate',
  'ballot.r2.verify.batched.rate': 'ballot.r2.verify.batched.rate',
  'ballot.r1.parse+verify.batched.rate': 'ballot.r1.verify.batched.rate',
  'ballot.r2.parse+verify.batched.rate': 'ballot.r2.verify.batched.rate',
  'validator.ingest.r1.rate': 'ballot.r1.verify.batched.rate',
  'validator.ingest.r1.single-thread.rate': 'ballot.r1.verify.batched.rate',
  'validator.ingest.r1.pool.rate': 'ballot.r1.verify.batched.rate',
  'validator.ingest.r2.rate': 'ballot.r2.verify.batched.rate',
  'validator.ingest.r2.single-thread.rate': 'ballot.r2.verify.batched.rate',
  'validator.ingest.r2.pool.rate': 'ballot.r2.verify.batched.rate',
  'validator.verify-only.r1.rate': 'ballot.r1.verify.batched.rate',
  'validator.verify-only.r2.rate': 'ballot.r2.verify.batched.rate',
  'validator.parse+verify.r1.rate': 'ballot.r1.verify.batched.rate',
  'validator.parse+verify.r2.rate': 'ballot.r2.verify.batched.rate',
  'verify.r1.pool.ballots-per-s': 'ballot.r1.verify.batched.rate',
  'verify.r1.single-thread.ballots-per-s': 'ballot.r1.verify.batched.rate',
  'verify.r2.pool.ballots-per-s': 'ballot.r2.verify.batched.rate',
  'verify.r2.single-thread.ballots-per-s': 'ballot.r2.verify.batched.rate',
  'peers.r1.verify-all.urna.rate': 'ballot.r1.verify.batched.rate',
  'peers.r2.verify-all.urna.rate': 'ballot.r2.verify.batched.rate',
  'ledger.append.rate': 'bounds.ledger.append.crypto.rate',
  'ledger.build.1M.rate': 'bounds.ledger.build.crypto.rate',
};

/**
 * Figure → the Belenios figure of the same workload (bench/peers.bench.ts), both
 * times in the same unit: the runner divides one by the other when both were
 * measured in the same run (below 1, Urna is faster).
 */
export const BELENIOS_FIGURES: Readonly<Record<string, string>> = {
  'ballot.r1.encrypt+prove.median': 'peers.r1.encrypt.belenios',
  'ballot.r2.encrypt+prove.median': 'peers.r2.encrypt.belenios',
  'ballot.r1.verify.alone.median': 'peers.r1.verify-one.belenios',
  'ballot.r2.verify.alone.median': 'peers.r2.verify-one.belenios',
  'startup.urna-version.median': 'peers.start.belenios',
  'startup.urna-help.median': 'peers.start.belenios',
  'startup.node.median': 'peers.start.belenios',
  ...Object.fromEntries(
    ['r1', 'r2'].flatMap((kind) =>
      ['encrypt', 'verify-one', 'verify-all', 'verify-all-cpu', 'tally'].map((w) => [
        `peers.${kind}.${w}.urna`,
        `peers.${kind}.${w}.belenios`,
      ]),
    ),
  ),
};

const ELECTION = 'bench-election' as ElectionId;
const STATION = 'bench-station' as StationId;

function ratePerSecond(count: number, work: (i: number) => void): number {
  for (let i = 0; i < Math.min(50, count); i++) work(i); // warm-up
  const started = performance.now();
  for (let i = 0; i < count; i++) work(i);
  return (count * 1000) / (performance.now() - started);
}

/** The ledger's own cryptography, without SQLite: what an append and a bulk build must hash and sign. */
export const boundsSuite: BenchSuite = {
  name: 'bounds',
  run() {
    const signer = ed25519NoteSigner(stationKeyName(ELECTION, STATION), ed25519.utils.randomSecretKey());
    const origin = stationOrigin(ELECTION, STATION, 'ballots');
    const entry = utf8Encode(JSON.stringify({ seq: 0, text: 'x'.repeat(1000), type: 'demo-note', v: 1 }));
    let root = nodeMerkleHasher.leaf(entry);
    // One append: the leaf, the ~12 nodes on its path in a tree of a few thousand entries, a signed checkpoint.
    const append = ratePerSecond(2000, (i) => {
      let hash = nodeMerkleHasher.leaf(entry);
      for (let level = 0; level < 12; level++) hash = nodeMerkleHasher.node(hash, root);
      root = hash;
      signCheckpoint({ origin, size: i + 1, rootHash: root, extensions: [] }, signer);
    });
    // A bulk build: each short entry's leaf and, amortized, one interior node per leaf.
    const build = ratePerSecond(200_000, (i) => {
      const leaf = nodeMerkleHasher.leaf(utf8Encode(`{"seq":${i},"text":"bulk ${i}","type":"demo-note","v":1}`));
      root = nodeMerkleHasher.node(root, leaf);
    });
    return Promise.resolve([
      {
        name: 'bounds.ledger.append.crypto.rate',
        value: append,
        unit: 'appends/s',
        note: 'SHA-256 leaf of a 1 KB entry, 12 node hashes, Ed25519-signed checkpoint; no storage',
      },
      {
        name: 'bounds.ledger.build.crypto.rate',
        value: build,
        unit: 'entries/s',
        note: 'SHA-256 leaf of a short entry and one node hash; no storage',
      },
    ]);
  },
};
