/**
 * A throwaway PostgreSQL cluster for tests, benchmarks and `urna simulate
 * --validator-store postgres`: `initdb` in a temporary
 * folder, `pg_ctl start` on a free loopback port (trust authentication, reachable
 * only from this machine), one database per test setup, and `pg_ctl stop` plus the
 * folder removed at the end. As root (CI), the cluster runs as the `postgres` user,
 * since PostgreSQL refuses to run as root. The binaries come from Debian's packages
 * (/usr/lib/postgresql/N/bin, .ci/run installs them) or from URNA_PG_BIN.
 *
 * Without the binaries `findPostgresBin` returns undefined and the PostgreSQL tests
 * skip with a loud message (`describeWithPostgres`).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { freePort } from './free-port';
import { tmpdir } from 'node:os';
import path from 'node:path';
import postgres from 'postgres';

/** The folder holding initdb, pg_ctl and postgres, if this machine has them. */
export function findPostgresBin(): string | undefined {
  const fromEnv = process.env['URNA_PG_BIN'];
  if (fromEnv !== undefined && existsSync(path.join(fromEnv, 'initdb'))) return fromEnv;
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => /^\d+$/.test(v) && existsSync(path.join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? undefined : path.join(root, versions[0], 'bin');
}

export const POSTGRES_MISSING =
  'PostgreSQL binaries not found (install Debian postgresql-15, or set URNA_PG_BIN): THE POSTGRESQL STORE TESTS ARE SKIPPED';

function postgresUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  return { uid, gid };
}

export type PostgresCluster = {
  readonly dir: string;
  /** The cluster's data folder (postmaster.pid names the server's process). */
  readonly dataDir: string;
  readonly port: number;
  /** The connection string of database `name` on this cluster. */
  url(name: string): string;
  /** Creates an empty database and returns its connection string. */
  createDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
};

export type ClusterOptions = {
  /** fsync and synchronous commit on (benchmarks); off by default: the tests kill validator processes, never the server. */
  readonly durable?: boolean;
  readonly maxConnections?: number;
};

/** Starts a cluster; throws when the binaries are missing (check `findPostgresBin` first). */
export async function startPostgres(options: ClusterOptions = {}): Promise<PostgresCluster> {
  const bin = findPostgresBin();
  if (bin === undefined) throw new Error(POSTGRES_MISSING);
  const dir = mkdtempSync(path.join(tmpdir(), 'urna-pg-'));
  const data = path.join(dir, 'data');
  const owner = postgresUser();
  if (owner !== undefined) {
    chownSync(dir, owner.uid, owner.gid);
    chmodSync(dir, 0o700);
  }
  const run = (command: string, args: string[]) => {
    const result = spawnSync(path.join(bin, command), args, {
      encoding: 'utf8',
      ...(owner === undefined ? {} : { uid: owner.uid, gid: owner.gid }),
      env: { ...process.env, LC_ALL: 'C' },
    });
    if (result.status !== 0)
      throw new Error(`${command} failed (${String(result.status)}): ${result.stderr}${result.stdout}`);
  };
  run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '--locale=C', '--encoding=UTF8']);
  const port = await freePort();
  const durable = options.durable ?? false;
  const settings = [
    `-p ${port}`,
    '-c listen_addresses=127.0.0.1',
    `-c unix_socket_directories=${dir}`,
    `-c max_connections=${options.maxConnections ?? 200}`,
    `-c fsync=${durable ? 'on' : 'off'}`,
    `-c synchronous_commit=${durable ? 'on' : 'off'}`,
    `-c full_page_writes=${durable ? 'on' : 'off'}`,
    '-c shared_buffers=64MB',
  ].join(' ');
  run('pg_ctl', ['-D', data, '-l', path.join(dir, 'server.log'), '-o', settings, '-w', '-t', '60', 'start']);
  const url = (name: string) => `postgres://postgres@127.0.0.1:${port}/${name}`;
  return {
    dir,
    dataDir: data,
    port,
    url,
    async createDatabase(name: string) {
      if (!/^[a-z_][a-z0-9_]*$/.test(name))
        throw new Error(`database name ${name}: lower-case letters, digits and _ only`);
      const admin = postgres(url('postgres'), { max: 1, onnotice: () => undefined });
      try {
        await admin.unsafe(`CREATE DATABASE ${name}`);
      } finally {
        await admin.end({ timeout: 1 });
      }
      return url(name);
    },
    stop() {
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
      return Promise.resolve();
    },
  };
}
