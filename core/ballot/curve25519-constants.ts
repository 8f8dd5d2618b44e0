/**
 * The constants of edwards25519 and ristretto255 (RFC 7748, RFC 9496) that both the
 * bigint arithmetic (`fast25519.ts`) and the WebAssembly module it generates
 * (`wasm25519.ts`) use: one copy, so the two cannot drift apart.
 */

/** The field prime p = 2^255 − 19. */
export const P = (1n << 255n) - 19n;
/** The curve constant d = −121665/121666 mod p. */
export const D = 37095705934669439343138083508754565189542113879843219016388785533085940283555n;
export const D2 = (2n * D) % P;
/** √−1 mod p, the non-negative root. */
export const SQRT_M1 = 19681161376707505956807079304988542015446066515923890162744021073123829784752n;
/** 1/√(a − d) with a = −1 (RFC 9496 INVSQRT_A_MINUS_D). */
export const INVSQRT_A_MINUS_D = 54469307008909316920995813868745141605393597292927456921205312896311721017578n;
