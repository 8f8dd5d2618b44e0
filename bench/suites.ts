import { ballotSuite } from './ballot.bench';
import { boundsSuite } from './bounds';
import { ledgerSuite } from './ledger.bench';
import { stationSuite } from './station.bench';
import { validatorSuite } from './validator.bench';
import { validatorScaleSuite } from './validator-scale.bench';
import { verifySuite } from './verify.bench';
import { peersSuite } from './peers.bench';
import { startupSuite } from './startup.bench';
import type { BenchSuite } from './harness';

/** Every benchmark suite of the project; each issue adds its own. */
export const suites: readonly BenchSuite[] = [
  ballotSuite,
  boundsSuite,
  ledgerSuite,
  stationSuite,
  validatorSuite,
  validatorScaleSuite,
  verifySuite,
  peersSuite,
  startupSuite,
];
