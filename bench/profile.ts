/**
 * Where a validator's CPU goes, from the profiles `URNA_BENCH_SCALE_PROFILE=DIR npm run
 * bench -- validator-scale` writes (`node --cpu-prof`, one per process):
 *
 *   node --import tsx bench/profile.ts DIR [ROWS]
 *
 * Only the samples taken while the emulators pushed count (the interval the bench
 * writes to window.json beside each round's profiles), not start-up or shutdown.
 * Prints the functions of the project (validator/, core/) with the largest share of
 * the processes' CPU time (idle samples left out), inclusive of what they call (a function counted once
 * where it calls itself), and the largest self times of all code, libraries included.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

type ProfileNode = {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
};
type CpuProfile = { nodes: ProfileNode[]; startTime: number; endTime: number; samples: number[]; timeDeltas: number[] };
/** The monotonic-clock interval (µs) a benchmark measured; samples outside it (start-up, shutdown) are left out. */
export type SampleWindow = { readonly from: number; readonly to: number };

export const WINDOW_FILE = 'window.json';

export type ProfileShare = { readonly fn: string; readonly share: number };

function profilesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return profilesUnder(full);
    return name.endsWith('.cpuprofile') ? [full] : [];
  });
}

function label(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const file = url.replace(/^file:\/\//, '');
  const project = /\/(validator|core|cli)\/[^/]+(\/[^/]+)*$/.exec(file);
  const where = project
    ? project[0].slice(1)
    : file.includes('node_modules/')
      ? file.slice(file.lastIndexOf('node_modules/') + 13)
      : file;
  return `${functionName || '(anonymous)'} ${where}${where ? `:${lineNumber + 1}` : ''}`;
}

/** Inclusive and self shares of all sampled time, over every profile given. */
export function profileShares(profiles: readonly { profile: CpuProfile; window?: SampleWindow }[]): {
  inclusive: ProfileShare[];
  self: ProfileShare[];
} {
  const inclusive = new Map<string, number>();
  const self = new Map<string, number>();
  let total = 0;
  for (const { profile, window } of profiles) {
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    const hits = new Map<number, number>();
    let at = profile.startTime;
    for (const [i, id] of profile.samples.entries()) {
      at += profile.timeDeltas[i] ?? 0;
      if (window === undefined || (at >= window.from && at <= window.to)) hits.set(id, (hits.get(id) ?? 0) + 1);
    }
    const root = profile.nodes[0];
    if (root === undefined) continue;
    // Depth first, carrying the functions on the stack so that recursion is counted once.
    const walk = (node: ProfileNode, onStack: ReadonlySet<string>): number => {
      const name = label(node);
      const own = hits.get(node.id) ?? 0;
      self.set(name, (self.get(name) ?? 0) + own);
      const stack = new Set(onStack).add(name);
      let sum = own;
      for (const child of node.children ?? []) {
        const c = byId.get(child);
        if (c !== undefined) sum += walk(c, stack);
      }
      if (!onStack.has(name)) inclusive.set(name, (inclusive.get(name) ?? 0) + sum);
      return sum;
    };
    total += walk(root, new Set());
  }
  // Shares of CPU time: the samples taken while the process was idle are left out.
  const busy = total - [...self].filter(([fn]) => fn.startsWith('(idle)')).reduce((sum, [, n]) => sum + n, 0);
  const shares = (m: Map<string, number>) =>
    [...m].map(([fn, n]) => ({ fn, share: n / Math.max(1, busy) })).sort((a, b) => b.share - a.share);
  // Idle and the program root say nothing about where the work goes.
  const work = (s: ProfileShare) => !/^\((root|idle|program)\)/.test(s.fn);
  return { inclusive: shares(inclusive).filter(work), self: shares(self).filter((s) => !s.fn.startsWith('(idle)')) };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const dir = process.argv[2];
  if (dir === undefined) {
    process.stderr.write('usage: node --import tsx bench/profile.ts DIR [ROWS]\n');
    process.exit(2);
  }
  const rows = Number(process.argv[3] ?? 25);
  const files = profilesUnder(dir);
  const windowOf = (file: string): SampleWindow | undefined => {
    const w = path.join(path.dirname(file), WINDOW_FILE);
    return existsSync(w) ? (JSON.parse(readFileSync(w, 'utf8')) as SampleWindow) : undefined;
  };
  const { inclusive, self } = profileShares(
    files.map((f) => ({ profile: JSON.parse(readFileSync(f, 'utf8')) as CpuProfile, window: windowOf(f) })),
  );
  const pct = (s: ProfileShare) => `${(100 * s.share).toFixed(1).padStart(5)} %  ${s.fn}`;
  process.stdout.write(
    `${files.length} profiles; share of the processes' CPU time (idle samples left out)\n\nproject functions, inclusive:\n`,
  );
  process.stdout.write(
    `${inclusive
      .filter((s) => /(validator|core)\//.test(s.fn))
      .slice(0, rows)
      .map(pct)
      .join('\n')}\n\nself time, all code:\n`,
  );
  process.stdout.write(`${self.slice(0, rows).map(pct).join('\n')}\n`);
}
