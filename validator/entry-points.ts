/**
 * Where the separately started entry points are (worker threads, the simulation's
 * station processes). scripts/build-cli.mjs bundles the command line and the
 * validator into dist/cli and defines URNA_BUNDLE there: each entry point is then a
 * sibling .mjs file of the running chunk. Run from the TypeScript sources (tests,
 * development), callers use the bin/ shims that load the sources through tsx.
 */
declare const URNA_BUNDLE: boolean | undefined;

/** True in the bundle that scripts/build-cli.mjs writes, false when running from the sources. */
export const bundled: boolean = typeof URNA_BUNDLE !== 'undefined' && URNA_BUNDLE;

/** A file of the bundle (dist/cli/NAME); only meaningful when `bundled`. */
export function bundleFile(name: string): URL {
  return new URL(`./${name}`, import.meta.url);
}
