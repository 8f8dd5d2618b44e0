/**
 * Edits a JSON document by field path (`contests[2].voteFor`), the same notation
 * the election errors use, so a test reads "set this field, expect that error".
 */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function segments(path: string): (string | number)[] {
  return [...path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)].map((m) => (m[2] === undefined ? (m[1] ?? '') : Number(m[2])));
}

function container(doc: Json, path: string): { parent: Json; key: string | number } {
  const keys = segments(path);
  let node: Json = doc;
  for (const key of keys.slice(0, -1)) {
    const next: Json | undefined = Array.isArray(node)
      ? node[key as number]
      : node !== null && typeof node === 'object'
        ? node[key as string]
        : undefined;
    if (next === undefined) throw new Error(`no field ${path}`);
    node = next;
  }
  const key = keys.at(-1);
  if (key === undefined) throw new Error('empty path');
  return { parent: node, key };
}

export function getPath(doc: Json, path: string): Json {
  const { parent, key } = container(doc, path);
  const value = Array.isArray(parent)
    ? parent[key as number]
    : parent !== null && typeof parent === 'object'
      ? parent[key as string]
      : undefined;
  if (value === undefined) throw new Error(`no field ${path}`);
  return value;
}

export function setPath(doc: Json, path: string, value: Json): void {
  const { parent, key } = container(doc, path);
  if (Array.isArray(parent)) parent[key as number] = value;
  else if (parent !== null && typeof parent === 'object') parent[key as string] = value;
  else throw new Error(`${path} is inside a scalar`);
}

export function deletePath(doc: Json, path: string): void {
  const { parent, key } = container(doc, path);
  if (Array.isArray(parent)) parent.splice(key as number, 1);
  else if (parent !== null && typeof parent === 'object') delete parent[key as string];
}

/** A deep copy of any JSON-compatible value, typed for editing. */
export function jsonCopy(value: unknown): Json {
  return JSON.parse(JSON.stringify(value)) as Json;
}
