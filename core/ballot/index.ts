/** Ballot cryptography: the public surface other modules import. */
export * from './manifest';
export * from './group';
export * from './elgamal';
export * from './proofs';
export * from './encrypt';
export * from './verify';
export * from './confirmation';
export * from './challenge';
export * from './ceremony';
export * from './discrete-log';
export * from './tally';
export * from './records';
export { deterministicRandom } from './random';
