/**
 * Every JSON value one change away from a given one, at every node: each member
 * removed, renamed, retyped, an extra member; each array shortened and lengthened;
 * each 43-character base64url text respelled (spare bits set, outside the alphabet,
 * a point that is no point, a scalar above the group order, the identity, …). The
 * tests that compare a hand-written reader with the schema it replaces run both on
 * these.
 */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export const clone = (value: Json): Json => JSON.parse(JSON.stringify(value)) as Json;

/** A base64url text changed so that it still has 43 characters: spare bits set, a char outside the alphabet, … */
const RESPELLINGS: ((text: string) => Json)[] = [
  (t) => `${t.slice(0, 42)}${t.endsWith('B') ? 'C' : 'B'}`, // spare bits: not canonical
  (t) => `${t.slice(0, 42)}A`,
  (t) => `A${t.slice(1)}`, // low bit of s set for points: not canonical / another scalar
  (t) => `${t.slice(0, 41)}_8`, // top byte 0xff…: not a point, scalar above L
  () => `7${'_'.repeat(41)}8`, // s ≥ p
  () => 'A'.repeat(43), // zero: the identity, scalar 0
  (t) => `${t.slice(0, 10)}+${t.slice(11)}`, // standard alphabet
  (t) => `${t.slice(0, 10)}=${t.slice(11)}`,
  (t) => `${t.slice(0, 20)}é${t.slice(21)}`,
  (t) => t.slice(1),
  (t) => `${t}A`,
  (t) => `${t}=`,
  (t) => `${t.slice(0, 42)}\n`,
];
const RETYPINGS: Json[] = [null, 1, 1.5, true, 'x', [], {}, ['a'], { a: 1 }];

/** Every record one change away from `record`, at every node. */
export function mutations(record: Json): Json[] {
  const out: Json[] = [];
  const visit = (node: Json, replace: (value: Json | undefined) => Json): void => {
    for (const v of RETYPINGS) out.push(replace(v));
    if (typeof node === 'string') {
      if (node.length === 43) for (const respell of RESPELLINGS) out.push(replace(respell(node)));
      out.push(replace(`${node}-`), replace(node.toUpperCase()), replace(''));
      return;
    }
    if (Array.isArray(node)) {
      out.push(replace([...node, node[0] ?? null]), replace(node.slice(1)));
      node.forEach((child, i) =>
        visit(child, (value) => replace(node.map((c, j) => (j === i ? value : c)).filter((c) => c !== undefined))),
      );
      return;
    }
    if (node !== null && typeof node === 'object') {
      out.push(replace({ ...node, extra: 1 }), replace({ ...node, __proto__: 1 }));
      for (const key of Object.keys(node)) {
        const { [key]: removed, ...rest } = node;
        out.push(replace(rest), replace({ ...rest, [`${key}X`]: removed ?? null }));
        visit(node[key] as Json, (value) => replace(value === undefined ? rest : { ...node, [key]: value }));
      }
    }
  };
  visit(record, (value) => (value === undefined ? null : clone(value)));
  return out;
}
