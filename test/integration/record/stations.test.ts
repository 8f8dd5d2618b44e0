/**
 * Every station of the authority's signed station list is in the record. A real run
 * (three stations, real ceremony, three validator processes), exported and tallied,
 * then:
 *
 *   a station's folder removed → `urna verify` fails naming it (station-missing),
 *     and `urna tally share` refuses the record the same way;
 *   the authority's signed not-operated statement put in its place, the tally redone
 *     → the record verifies;
 *   a manifest that does not list a station whose logs are in the record → station-not-listed;
 *   an earlier, non-final list that did not list a station yet, with that station left
 *     out of the record → tally and verify refuse it (station-manifest);
 *   `urna record export` with a manifest listing a station no source holds → names it,
 *     and with the statement for it → a complete record;
 *   a validator given the manifest refuses an enrolled but unlisted station's push;
 *   `urna simulate --station-voters 3,12,12` (sample election, minimum 10): the station
 *     of 3 ballots has no total of its own; it is decrypted only together with its
 *     precinct, and the results match what the voters meant at that level.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrollStation } from '../../../core/election/enrollment';
import type { PrecinctId, StationId } from '../../../core/ids';
import { stationKeyName } from '../../../core/ledger/checkpoint';
import { ed25519NoteSigner, formatVerifierKey, SIGNATURE_TYPE_ED25519 } from '../../../core/ledger/note';
import type { SimulationSummary } from '../../../cli/simulate/run';
import type { ElectionResults } from '../../../core/record/results';
import { MemoryEventLogger } from '../../../main/logging';
import { socatAvailable } from '../../../main/station/demo-devices';
import { readValidatorConfig } from '../../../validator/config';
import { prepareValidator } from '../../../validator/run';
import { buildValidatorServer } from '../../../validator/server';
import { urnaAsync } from '../../support/guardian-machines';
import { BallotWriter, entriesRequest, makeTestElection, seedFor } from '../validator/fixture';
import { runElection, type RecordRun } from './fixture';

let run: RecordRun;
let tallied: string;
let untallied: string;
let copies = 0;

const electionFile = () => run.election.packageFile;
const authorityKey = () => run.election.authoritySignerKeyFile;

function copyOf(record: string): string {
  const dir = path.join(run.dir, `stations-copy-${copies++}`);
  cpSync(record, dir, { recursive: true });
  return dir;
}

const verify = (record: string) => urnaAsync(['verify', record, '--threads', '0', '--quiet']);

/** Guardians 1–3 share and combine: the officials' tally on `record`, in place. */
async function tally(record: string): Promise<void> {
  const shares: string[] = [];
  for (const [i, key] of run.guardianFiles.slice(0, 3).entries()) {
    const out = path.join(record, '..', `${path.basename(record)}-share-${i + 1}.json`);
    const shared = await urnaAsync([
      'tally',
      'share',
      '--record',
      record,
      '--key',
      key,
      '--out',
      out,
      '--threads',
      '0',
    ]);
    expect(shared.status, shared.stderr).toBe(0);
    shares.push(out);
  }
  const combined = await urnaAsync(['tally', 'combine', '--record', record, '--threads', '0', ...shares]);
  expect(combined.status, combined.stderr).toBe(0);
}

beforeAll(async () => {
  run = await runElection('stations');
  untallied = path.join(run.dir, 'record-untallied');
  const exported = await urnaAsync([
    'record',
    'export',
    '--out',
    untallied,
    '--election',
    electionFile(),
    '--guardians',
    run.ceremonyDir,
    '--enrollments',
    path.join(run.dir, 'enrollments'),
    '--station-manifest',
    run.election.stationManifestFile,
    '--from',
    ...run.urls,
  ]);
  expect(exported.stderr).toBe('');
  expect(exported.status).toBe(0);
  tallied = copyOf(untallied);
  await tally(tallied);
}, 300_000);

afterAll(async () => {
  await run.stop();
  run.election.cleanup();
});

describe('the record holds every station of the signed station list', () => {
  it('verifies with every listed station, and says which manifest it checked against', async () => {
    const verified = await urnaAsync(['verify', tallied, '--threads', '0', '--quiet']);
    expect(verified.stdout).toContain('station manifest version 1: every listed station is in the record');
    expect(verified.status).toBe(0);
  });

  it('a station folder removed: verify fails naming the station; tally share refuses the record the same way', async () => {
    const dir = copyOf(tallied);
    rmSync(path.join(dir, 'stations', 'station-3'), { recursive: true });
    const result = await verify(dir);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('station station-3, stations/station-3/: V6 check station-missing failed');

    const bare = copyOf(untallied);
    rmSync(path.join(bare, 'stations', 'station-3'), { recursive: true });
    const share = await urnaAsync([
      'tally',
      'share',
      '--record',
      bare,
      '--key',
      run.guardianFiles[0] as string,
      '--out',
      path.join(run.dir, 'refused-share.json'),
      '--threads',
      '0',
    ]);
    expect(share.status).toBe(1);
    expect(share.stderr).toContain('V6 check station-missing failed');
  });

  it("the authority's signed not-operated statement in its place, and the tally redone: the record verifies", async () => {
    const statement = path.join(run.dir, 'station-3.not-operated.json');
    const signed = await urnaAsync([
      'station',
      'not-operated',
      '--key',
      authorityKey(),
      '--election',
      electionFile(),
      '--station',
      'station-3',
      '--station-manifest',
      run.election.stationManifestFile,
      '--out',
      statement,
    ]);
    expect(signed.stderr).toBe('');
    expect(signed.status).toBe(0);

    const dir = copyOf(untallied);
    rmSync(path.join(dir, 'stations', 'station-3'), { recursive: true });
    mkdirSync(path.join(dir, 'stations', 'station-3'));
    cpSync(statement, path.join(dir, 'stations', 'station-3', 'not-operated.json'));
    await tally(dir);
    const result = await verify(dir);
    expect(result.stdout).toContain("did not operate (the authority's statement): station-3");
    expect(result.status).toBe(0);
    const results = JSON.parse(readFileSync(path.join(dir, 'results.json'), 'utf8')) as {
      overall: { ballotsCast: number };
    };
    expect(results.overall.ballotsCast).toBe(13);

    // The statement beside the station's own logs is a contradiction, not a pass.
    const both = copyOf(tallied);
    cpSync(statement, path.join(both, 'stations', 'station-3', 'not-operated.json'));
    const contradiction = await verify(both);
    expect(contradiction.status).toBe(1);
    expect(contradiction.stderr).toContain(
      'station station-3, stations/station-3/not-operated.json: V6 check station-not-operated failed',
    );

    // A statement not signed by the authority counts for nothing.
    const forged = copyOf(dir);
    const file = path.join(forged, 'stations', 'station-3', 'not-operated.json');
    const json = JSON.parse(readFileSync(file, 'utf8')) as { note: string };
    writeFileSync(file, JSON.stringify({ ...json, note: json.note.replace('station station-3', 'station station-2') }));
    const refused = await verify(forged);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('V6 check station-not-operated failed: not signed by the election authority');
  });

  it('a station whose logs are in the record but that the manifest does not list: station-not-listed', async () => {
    const manifest = path.join(run.dir, 'manifest-without-station-3.json');
    const enrollments = ['station-1', 'station-2'].map((id) => path.join(run.dir, 'enrollments', `${id}.json`));
    const signed = await urnaAsync([
      'station',
      'manifest',
      '--key',
      authorityKey(),
      '--election',
      electionFile(),
      '--manifest-version',
      '2',
      '--final',
      '--enrollments',
      ...enrollments,
      '--out',
      manifest,
    ]);
    expect(signed.stdout).toContain('station manifest version 2');
    expect(signed.status).toBe(0);
    const dir = copyOf(tallied);
    cpSync(manifest, path.join(dir, 'station-manifest.json'));
    const result = await verify(dir);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('station station-3, stations/station-3/: V6 check station-not-listed failed');

    // No manifest at all is no way out.
    const none = copyOf(tallied);
    rmSync(path.join(none, 'station-manifest.json'));
    const missing = await verify(none);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('station-manifest.json: V5 check station-manifest failed: missing');
  });

  it('an earlier, non-final list that did not list a station yet, with the station left out: tally and verify refuse it', async () => {
    // The authority's first list, before station-3 was enrolled: validly signed, not final.
    const early = path.join(run.dir, 'manifest-v1-early.json');
    const enrollments = ['station-1', 'station-2'].map((id) => path.join(run.dir, 'enrollments', `${id}.json`));
    const signed = await urnaAsync([
      'station',
      'manifest',
      '--key',
      authorityKey(),
      '--election',
      electionFile(),
      '--manifest-version',
      '1',
      '--enrollments',
      ...enrollments,
      '--out',
      early,
    ]);
    expect(signed.stdout).toContain(
      '(not final: records verify only against the list signed with --final when the polls open)',
    );
    expect(signed.status).toBe(0);
    const notFinal = "V5 check station-manifest failed: version 1 is not the authority's final station list (final no)";

    // Whoever assembles the record drops station-3 and swaps in the early list.
    const dir = copyOf(untallied);
    rmSync(path.join(dir, 'stations', 'station-3'), { recursive: true });
    cpSync(early, path.join(dir, 'station-manifest.json'));
    const share = await urnaAsync([
      'tally',
      'share',
      '--record',
      dir,
      '--key',
      run.guardianFiles[0] as string,
      '--out',
      path.join(run.dir, 'early-share.json'),
      '--threads',
      '0',
    ]);
    expect(share.stderr).toContain(notFinal);
    expect(share.status).toBe(1);

    const swapped = copyOf(tallied);
    rmSync(path.join(swapped, 'stations', 'station-3'), { recursive: true });
    cpSync(early, path.join(swapped, 'station-manifest.json'));
    const result = await verify(swapped);
    expect(result.stderr).toContain(notFinal);
    expect(result.status).toBe(1);

    const exported = await urnaAsync([
      'record',
      'export',
      '--out',
      path.join(run.dir, 'export-early'),
      '--election',
      electionFile(),
      '--guardians',
      run.ceremonyDir,
      '--enrollments',
      path.join(run.dir, 'enrollments'),
      '--station-manifest',
      early,
      '--from',
      ...run.urls,
    ]);
    expect(exported.stderr).toContain("version 1 is not the authority's final station list");
    expect(exported.status).toBe(1);
  });

  it('`urna record export` asking fewer validators than a checkpoint needs says that once, not "submit the station\'s logs" per log', async () => {
    const exported = await urnaAsync([
      'record',
      'export',
      '--out',
      path.join(run.dir, 'export-one-validator'),
      '--election',
      electionFile(),
      '--guardians',
      run.ceremonyDir,
      '--enrollments',
      path.join(run.dir, 'enrollments'),
      '--station-manifest',
      run.election.stationManifestFile,
      '--from',
      run.urls[0] ?? '',
    ]);
    expect(exported.stderr).not.toContain("submit the station's logs");
    const warnings = exported.stderr.split('\n').filter((line) => line.startsWith('urna: warning:'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(
      "only 1 validator was asked (--from), and a checkpoint needs the cosignatures of 2 of the package's 3",
    );
    expect(warnings[0]).toContain("Give every validator's URL with --from (");
  });

  it('`urna record export` names a listed station no source holds, and completes the record with its statement', async () => {
    // Version 2 of the list adds station-4, enrolled but never run.
    const authority = ed25519NoteSigner('svetlogorye-commission', seedFor('stations/authority'));
    const station4 = ed25519NoteSigner(
      stationKeyName(run.election.definition.electionId, 'station-4' as StationId),
      seedFor('stations/station/station-4'),
    );
    const enrollment = enrollStation(
      {
        electionId: run.election.definition.electionId,
        stationId: 'station-4' as StationId,
        precinctId: 'uik-1202' as PrecinctId,
        stationVerifierKey: formatVerifierKey(station4.name, SIGNATURE_TYPE_ED25519, station4.publicKey),
      },
      authority,
      run.election.definition,
    );
    if (!enrollment.ok) throw new Error(JSON.stringify(enrollment.error));
    const enrollments = path.join(run.dir, 'enrollments-v2');
    cpSync(path.join(run.dir, 'enrollments'), enrollments, { recursive: true });
    writeFileSync(path.join(enrollments, 'station-4.json'), JSON.stringify(enrollment.value));
    const manifest = path.join(run.dir, 'manifest-v2.json');
    const signed = await urnaAsync([
      'station',
      'manifest',
      '--key',
      authorityKey(),
      '--election',
      electionFile(),
      '--manifest-version',
      '2',
      '--final',
      '--enrollments',
      enrollments,
      '--out',
      manifest,
    ]);
    expect(signed.stdout).toContain('4 station(s): station-1, station-2, station-3, station-4');

    const exportArgs = (out: string, ...extra: string[]) => [
      'record',
      'export',
      '--out',
      out,
      '--election',
      electionFile(),
      '--guardians',
      run.ceremonyDir,
      '--enrollments',
      enrollments,
      '--station-manifest',
      manifest,
      '--from',
      ...run.urls,
      ...extra,
    ];
    const incomplete = await urnaAsync(exportArgs(path.join(run.dir, 'export-incomplete')));
    expect(incomplete.status).toBe(1);
    expect(incomplete.stderr).toContain(
      'the record is incomplete: station(s) station-4 of the station manifest have no logs at any source and no not-operated statement',
    );
    const refused = await verify(path.join(run.dir, 'export-incomplete'));
    expect(refused.stderr).toContain('station station-4, stations/station-4/: V6 check station-missing failed');

    const statement = path.join(run.dir, 'station-4.not-operated.json');
    expect(
      (
        await urnaAsync([
          'station',
          'not-operated',
          '--key',
          authorityKey(),
          '--election',
          electionFile(),
          '--station',
          'station-4',
          '--out',
          statement,
        ])
      ).status,
    ).toBe(0);
    const complete = path.join(run.dir, 'export-complete');
    const exported = await urnaAsync(exportArgs(complete, '--not-operated', statement));
    expect(exported.stderr).toBe('');
    expect(exported.stdout).toContain('3 station(s)');
    expect(exported.stdout).toContain('did not operate: station-4');
    expect(exported.status).toBe(0);
    await tally(complete);
    const verified = await verify(complete);
    expect(verified.stdout).toContain('station manifest version 2');
    expect(verified.status).toBe(0);
  });
});

describe('a validator given the station manifest', () => {
  it('refuses the push of an enrolled station the manifest does not list, and cosigns a listed one', async () => {
    const election = makeTestElection({ validators: 3, label: 'stations-validator' });
    try {
      const manifest = path.join(election.dir, 'only-station-1.json');
      const signed = await urnaAsync([
        'station',
        'manifest',
        '--key',
        election.authoritySignerKeyFile,
        '--election',
        election.packageFile,
        '--manifest-version',
        '1',
        '--enrollments',
        path.join(election.dir, 'enrollments', 'station-1.json'),
        '--out',
        manifest,
      ]);
      expect(signed.status).toBe(0);
      const validator = election.validators[0];
      if (validator === undefined) throw new Error('validator');
      const configFile = election.writeConfig(validator, 0);
      writeFileSync(
        configFile,
        JSON.stringify({ ...(JSON.parse(readFileSync(configFile, 'utf8')) as object), stationManifest: manifest }),
      );
      const config = readValidatorConfig(configFile);
      if (!config.ok) throw new Error(config.error);
      const logger = new MemoryEventLogger();
      const prepared = await prepareValidator(config.value, logger);
      if (!prepared.ok) throw new Error(prepared.error);
      const server = buildValidatorServer(prepared.value.service, logger, config.value.httpLimits);
      try {
        const push = async (index: number) => {
          const spec = election.stations[index];
          if (spec === undefined) throw new Error('station');
          const writer = BallotWriter.open(election, spec, path.join(election.dir, 'stations', spec.stationId));
          writer.openPolls();
          writer.castBallot();
          const response = await server.inject({
            method: 'POST',
            url: '/urna/v1/entries',
            payload: entriesRequest(writer.ledger, 'ballots', 0) as unknown as Record<string, unknown>,
          });
          writer.close();
          return { status: response.statusCode, json: response.json<{ error?: { code: string; message: string } }>() };
        };
        const listed = await push(0);
        expect(listed.json.error).toBeUndefined();
        expect(listed.status).toBe(200);
        const unlisted = await push(1);
        expect(unlisted.status).toBe(403);
        expect(unlisted.json.error?.code).toBe('station-not-listed');
        expect(unlisted.json.error?.message).toContain('station station-2 is enrolled but not in the authority');
      } finally {
        await server.close();
        await prepared.value.service.store.close();
      }
    } finally {
      election.cleanup();
    }
  });
});

describe.skipIf(!socatAvailable())('a simulated election with a station of 3 ballots (minimum 10)', () => {
  it('publishes no total for that station; it is decrypted with its precinct, and the results match what the voters meant there', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'urna-stations-sim-'));
    try {
      const out = path.join(dir, 'record');
      const args = [
        'simulate',
        '--station-voters',
        '3,12,12',
        '--validators',
        '3',
        '--cosign',
        '2',
        '--guardians',
        '3',
        '--threshold',
        '2',
        '--seed',
        'small-1',
        '--out',
        out,
        '--quiet',
        '--threads',
        '1',
      ];
      const ran = await urnaAsync(args);
      expect(ran.status, ran.stderr.slice(-3000)).toBe(0);
      const summary = JSON.parse(ran.stdout) as SimulationSummary;
      expect(summary.match).toBe(true);
      expect(summary.verified).toBe(true);
      expect(summary.decrypted).toEqual(summary.intended);
      // station-01 (3 ballots) and station-03 (12) serve uik-1201, station-02 (12) uik-1202.
      expect(Object.keys(summary.decrypted?.stations ?? {}).sort()).toEqual(['precinct:uik-1201', 'station-02']);
      expect(summary.decrypted?.stations['precinct:uik-1201']?.ballotsCast).toBe(15);

      const results = JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8')) as ElectionResults;
      expect(results.v).toBe(2);
      expect(results.minimumPublishedCount).toBe(10);
      expect(results.stations.map((s) => s.stationId)).toEqual(['station-02']);
      expect(results.merged.map((m) => [m.unitId, m.stations.map((s) => `${s.stationId}:${s.ballotsCast}`)])).toEqual([
        ['precinct:uik-1201', ['station-01:3', 'station-03:12']],
      ]);
      expect(results.overall.ballotsCast).toBe(27);
      // No guardian decrypted station-01 alone: every share is per unit, and no unit is station-01.
      const shares = JSON.parse(
        readFileSync(path.join(out, 'tally', 'shares', `${summary.guardiansDecrypting[0] ?? ''}.json`), 'utf8'),
      ) as { units: { unitId: string }[] };
      expect(shares.units.map((u) => u.unitId)).toEqual(['station-02', 'precinct:uik-1201']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 600_000);
});
