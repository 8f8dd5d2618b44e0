/**
 * A tiny emitter for WebAssembly binary modules (WebAssembly Core Specification 1.0,
 * §5 "Binary Format"): enough for numeric functions over a linear memory — i32/i64
 * locals and arithmetic, loads and stores, calls, loop/br_if and if/else. No toolchain is
 * involved: the module's bytes are built here, at run time, by our own code.
 */

/** Value types (§5.3.1). */
export const I32 = 0x7f;
export const I64 = 0x7e;
export type ValType = typeof I32 | typeof I64;

/** Opcodes used by the emitters (§5.4). */
export const Op = {
  block: 0x02,
  loop: 0x03,
  if: 0x04,
  else: 0x05,
  end: 0x0b,
  br: 0x0c,
  brIf: 0x0d,
  call: 0x10,
  select: 0x1b,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  i32Load: 0x28,
  i64Load: 0x29,
  i32Store: 0x36,
  i64Store: 0x37,
  i32Const: 0x41,
  i64Const: 0x42,
  i32Eqz: 0x45,
  i32LtS: 0x48,
  i32LtU: 0x49,
  i64Eqz: 0x50,
  i64Eq: 0x51,
  i32Add: 0x6a,
  i32Sub: 0x6b,
  i32Mul: 0x6c,
  i32And: 0x71,
  i32Or: 0x72,
  i64Add: 0x7c,
  i64Sub: 0x7d,
  i64Mul: 0x7e,
  i64And: 0x83,
  i64Or: 0x84,
  i64Shl: 0x86,
  i64ShrS: 0x87,
  i64ShrU: 0x88,
  i32WrapI64: 0xa7,
} as const;

/** The empty block type (a block or loop that takes and leaves nothing on the stack). */
const BLOCK_EMPTY = 0x40;

/** Unsigned LEB128 of a non-negative integer below 2^32 (indices, sizes, counts). */
export function uleb(n: number): number[] {
  if (!Number.isInteger(n) || n < 0 || n > 0xffff_ffff) throw new Error(`invariant failed: uleb ${n}`);
  const out: number[] = [];
  let v = n;
  do {
    const byte = v & 0x7f;
    v = Math.floor(v / 128);
    out.push(v === 0 ? byte : byte | 0x80);
  } while (v !== 0);
  return out;
}

/** Signed LEB128 of an integer (constants of i32.const and i64.const). */
export function sleb(n: bigint): number[] {
  const out: number[] = [];
  let v = n;
  for (;;) {
    const byte = Number(v & 0x7fn);
    v >>= 7n; // arithmetic shift: rounds towards −∞, as the encoding requires
    const done = (v === 0n && (byte & 0x40) === 0) || (v === -1n && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

function vec(items: readonly (readonly number[])[]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

/** A name (§5.2.4); ASCII only, which is all the export names here need. */
function asciiName(text: string): number[] {
  const bytes = Array.from(text, (ch) => ch.charCodeAt(0));
  if (bytes.some((b) => b > 0x7f)) throw new Error(`invariant failed: non-ASCII name ${text}`);
  return [...uleb(bytes.length), ...bytes];
}

function section(id: number, content: readonly number[]): number[] {
  return [id, ...uleb(content.length), ...content];
}

/** The body of one function: its extra locals (after the parameters) and its instructions. */
export class FunctionBody {
  readonly #code: number[] = [];
  readonly #locals: ValType[] = [];
  readonly #paramCount: number;

  constructor(paramCount: number) {
    this.#paramCount = paramCount;
  }

  /** A new local of this type; returns its index. */
  local(type: ValType): number {
    this.#locals.push(type);
    return this.#paramCount + this.#locals.length - 1;
  }

  op(...bytes: number[]): this {
    this.#code.push(...bytes);
    return this;
  }

  get(local: number): this {
    return this.op(Op.localGet, ...uleb(local));
  }

  set(local: number): this {
    return this.op(Op.localSet, ...uleb(local));
  }

  tee(local: number): this {
    return this.op(Op.localTee, ...uleb(local));
  }

  i32(value: number): this {
    return this.op(Op.i32Const, ...sleb(BigInt(value)));
  }

  i64(value: bigint | number): this {
    return this.op(Op.i64Const, ...sleb(BigInt(value)));
  }

  /** i32.load from the address on the stack plus a constant offset (4-byte aligned). */
  load32(offset: number): this {
    return this.op(Op.i32Load, 2, ...uleb(offset));
  }

  /** i32.store of (address, value) on the stack at address + a constant offset. */
  store32(offset: number): this {
    return this.op(Op.i32Store, 2, ...uleb(offset));
  }

  /** i64.load from the address on the stack plus a constant offset (8-byte aligned). */
  load64(offset: number): this {
    return this.op(Op.i64Load, 3, ...uleb(offset));
  }

  /** i64.store of (address, value) on the stack at address + a constant offset. */
  store64(offset: number): this {
    return this.op(Op.i64Store, 3, ...uleb(offset));
  }

  call(func: number): this {
    return this.op(Op.call, ...uleb(func));
  }

  /** `loop … end` around the body; a `br_if 0` inside it jumps back to the start. */
  loop(body: () => void): this {
    this.op(Op.loop, BLOCK_EMPTY);
    body();
    return this.op(Op.end);
  }

  /** `if … end` around the body, taken when the i32 on the stack is non-zero. */
  ifThen(body: () => void): this {
    this.op(Op.if, BLOCK_EMPTY);
    body();
    return this.op(Op.end);
  }

  /** `if … else … end`, the first branch taken when the i32 on the stack is non-zero. */
  ifElse(then: () => void, otherwise: () => void): this {
    this.op(Op.if, BLOCK_EMPTY);
    then();
    this.op(Op.else);
    otherwise();
    return this.op(Op.end);
  }

  /** The encoded body (§5.5.13: locals, expression, end). */
  encode(): number[] {
    const groups: number[][] = [];
    for (const type of this.#locals) {
      const last = groups[groups.length - 1];
      if (last !== undefined && last[1] === type) last[0] = (last[0] as number) + 1;
      else groups.push([1, type]);
    }
    const body = [
      ...vec(groups.map(([count, type]) => [...uleb(count as number), type as number])),
      ...this.#code,
      Op.end,
    ];
    return [...uleb(body.length), ...body];
  }
}

export type FunctionDef = {
  readonly params: readonly ValType[];
  readonly results: readonly ValType[];
  readonly body: FunctionBody;
  /** Exported under this name, if any. */
  readonly export?: string;
};

/**
 * A module of these functions (indexed in order, no imports) and one linear memory of
 * `memoryPages` 64 KiB pages, exported as `memory`.
 */
export function emitModule(functions: readonly FunctionDef[], memoryPages: number): Uint8Array {
  const signatures: FunctionDef[] = [];
  const sameSignature = (a: FunctionDef, b: FunctionDef): boolean =>
    a.params.join() === b.params.join() && a.results.join() === b.results.join();
  const typeIndex = functions.map((f) => {
    const i = signatures.findIndex((s) => sameSignature(s, f));
    return i >= 0 ? i : signatures.push(f) - 1;
  });
  const types = signatures.map((f) => [0x60, ...vec(f.params.map((t) => [t])), ...vec(f.results.map((t) => [t]))]);
  const exports: number[][] = [[...asciiName('memory'), 0x02, 0]];
  functions.forEach((f, i) => {
    if (f.export !== undefined) exports.push([...asciiName(f.export), 0x00, ...uleb(i)]);
  });
  const bytes = [
    ...[0x00, 0x61, 0x73, 0x6d], // "\0asm"
    ...[0x01, 0x00, 0x00, 0x00], // version 1
    ...section(1, vec(types)),
    ...section(3, vec(typeIndex.map((i) => uleb(i)))),
    ...section(5, vec([[0x00, ...uleb(memoryPages)]])), // limits: min only
    ...section(7, vec(exports)),
    ...section(10, vec(functions.map((f) => f.body.encode()))),
  ];
  return Uint8Array.from(bytes);
}
