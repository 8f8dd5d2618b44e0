/**
 * The version of docs/SPEC.md that the formats written and checked by this code
 * follow. It is written into every election definition (so it is signed with the
 * package) and into results.json; `urna verify` refuses a record that states a
 * version it does not implement and names the version it verified.
 */
export const SPEC_VERSION = '0.2';

/** Versions this code can verify (docs/SPEC.md, "Versions"). */
export const SUPPORTED_SPEC_VERSIONS: readonly string[] = [SPEC_VERSION];
