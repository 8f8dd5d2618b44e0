/**
 * Where the cores go during a benchmark run, from Linux's /proc: CPU seconds of the
 * validator processes, of the PostgreSQL server (the postmaster, its live backends
 * and the backends it has already reaped), of this process (the station emulators),
 * and of the whole machine, so that what other programs took shows as the rest.
 * Two samples, before and after, give each party's share in cores over the interval.
 * Elsewhere than Linux `sampleCpu` returns undefined and the suites leave it out.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';

export type CpuParties = {
  /** The validator processes (their worker threads included). */
  readonly validators: readonly number[];
  /** The postmaster's pid, when a PostgreSQL server runs. */
  readonly postgres?: number;
};

export type CpuSample = {
  readonly at: number;
  readonly validators: number;
  readonly postgres: number;
  readonly emulators: number;
  /** CPU seconds the whole machine spent busy, and in all (busy and idle), over all cores. */
  readonly machineBusy: number;
  readonly machineAll: number;
};

/** Each party's CPU over an interval, in cores (CPU seconds per wall second). */
export type CpuUse = {
  readonly validators: number;
  readonly postgres: number;
  readonly emulators: number;
  /** Busy CPU of the machine not taken by the three parties: other programs. */
  readonly other: number;
  /** Cores not used by anyone. */
  readonly idle: number;
};

let ticksPerSecond: number | undefined;

function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

type ProcStat = { readonly ppid: number; readonly own: number; readonly reaped: number };

/** /proc/PID/stat: parent, own CPU ticks (utime + stime) and reaped children's ticks (cutime + cstime). */
function procStat(pid: number): ProcStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name is in parentheses and may hold spaces: the fields start after the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const field = (n: number) => Number(fields[n - 3]);
  return { ppid: field(4), own: field(14) + field(15), reaped: field(16) + field(17) };
}

/** CPU seconds of a process tree: the process, its reaped children and its live descendants. */
function treeSeconds(root: number, parents: ReadonlyMap<number, number[]>): number {
  const rootStat = procStat(root);
  if (rootStat === undefined) return 0;
  let ticks = rootStat.own + rootStat.reaped;
  const stack = [...(parents.get(root) ?? [])];
  while (stack.length > 0) {
    const pid = stack.pop() as number;
    const stat = procStat(pid);
    if (stat !== undefined) ticks += stat.own;
    stack.push(...(parents.get(pid) ?? []));
  }
  return ticks / clockTicks();
}

function childrenByParent(): Map<number, number[]> {
  const parents = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = procStat(Number(name));
    if (stat === undefined) continue;
    const list = parents.get(stat.ppid) ?? [];
    list.push(Number(name));
    parents.set(stat.ppid, list);
  }
  return parents;
}

/** Busy and total CPU seconds of the machine, all cores, from the first line of /proc/stat. */
function machineSeconds(): { busy: number; all: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const ticks = line.trim().split(/\s+/).slice(1).map(Number);
  const at = (i: number) => ticks[i] ?? 0;
  // user nice system idle iowait irq softirq steal
  const busy = at(0) + at(1) + at(2) + at(5) + at(6) + at(7);
  return { busy: busy / clockTicks(), all: (busy + at(3) + at(4)) / clockTicks() };
}

export function sampleCpu(parties: CpuParties): CpuSample | undefined {
  if (!existsSync('/proc/stat')) return undefined;
  const parents = childrenByParent();
  const own = process.cpuUsage();
  const machine = machineSeconds();
  return {
    at: performance.now(),
    validators: parties.validators.reduce((sum, pid) => sum + treeSeconds(pid, parents), 0),
    postgres: parties.postgres === undefined ? 0 : treeSeconds(parties.postgres, parents),
    emulators: (own.user + own.system) / 1e6,
    machineBusy: machine.busy,
    machineAll: machine.all,
  };
}

export function cpuUse(before: CpuSample, after: CpuSample): CpuUse {
  const seconds = (after.at - before.at) / 1000;
  const cores = (a: number, b: number) => Math.max(0, b - a) / seconds;
  const validators = cores(before.validators, after.validators);
  const postgres = cores(before.postgres, after.postgres);
  const emulators = cores(before.emulators, after.emulators);
  const busy = cores(before.machineBusy, after.machineBusy);
  return {
    validators,
    postgres,
    emulators,
    other: Math.max(0, busy - validators - postgres - emulators),
    idle: Math.max(0, cores(before.machineAll, after.machineAll) - busy),
  };
}

/** The postmaster's pid, from the first line of DATA/postmaster.pid. */
export function postmasterPid(dataDir: string): number | undefined {
  try {
    const pid = Number(readFileSync(`${dataDir}/postmaster.pid`, 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}
