import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { importNistBallotDefinition } from '../../../core/election/nist';
import { toBallotManifest } from '../../../core/election/manifest';
import { sampleElectionDefinition } from '../../../core/election/sample';
import { deletePath, setPath, type Json } from './json-edit';
import { testSampleKeys } from './sample-keys';

const fixture = path.join(import.meta.dirname, '../../fixtures/nist/ballot-definition.json');
const made = sampleElectionDefinition(testSampleKeys('sample'));
if (!made.ok) throw new Error('sample invalid');
const settings = made.value;

function nist(): Json {
  return JSON.parse(readFileSync(fixture, 'utf8')) as Json;
}

describe('import of a NIST SP 1500-20 ballot definition', () => {
  it('brings over contests, candidates, precincts and ballot styles, keeping the trust settings', () => {
    const imported = importNistBallotDefinition(nist(), settings);
    if (!imported.ok) throw new Error(imported.error.map((e) => e.message.en).join('\n'));
    const def = imported.value;
    // The election is the NIST file's (its scope and date name it), not the settings file's; only the trust settings are kept.
    expect(def.electionId).toBe('ru-prirechny-2026-09-20');
    expect(def.electionId).not.toBe(settings.electionId);
    expect(def.validators).toEqual(settings.validators);
    expect(def.title.ru).toBe('Выборы в Собрание депутатов Приречного района');
    expect(def.date).toBe('2026-09-20');
    expect(def.jurisdiction.id).toBe('ru-prirechny');
    expect(def.precincts.map((p) => p.id)).toEqual(['pct-0301', 'pct-0302']);
    expect(def.candidates.map((c) => [c.id, c.affiliation.en])).toEqual([
      ['can-orlova', 'River Towns Party'],
      ['can-petrov', 'River Towns Party'],
      ['can-rudneva', 'Civic Union'],
      ['can-titov', 'Independent'],
    ]);
    const [measure, race] = def.contests;
    expect(measure).toMatchObject({
      type: 'yes-no',
      id: 'bm-budget',
      yes: { id: 'bm-budget-yes', label: { ru: 'Да' } },
    });
    expect(race).toMatchObject({
      type: 'candidate',
      voteFor: 2,
      writeInLines: 1,
      subtitle: { en: 'Two-seat electoral district No. 2' },
    });
    // Contests under a header keep their place in ballot order.
    expect(def.ballotStyles.map((s) => [s.id, s.precinctIds, s.contestIds])).toEqual([
      ['style-1', ['pct-0301'], ['bm-budget', 'cc-okrug-2']],
      ['style-2', ['pct-0302'], ['bm-budget']],
    ]);
    const manifest = toBallotManifest(def, 'style-1');
    expect(manifest.ok && manifest.value.contests[1]?.selections).toEqual([
      'can-orlova',
      'can-petrov',
      'can-rudneva',
      'can-titov',
      'write-in-1',
    ]);
  });

  it("takes the election id from the file's external identifier, or the one given", () => {
    const doc = nist();
    setPath(doc, 'Election[0].ExternalIdentifier', [
      { '@type': 'BallotDefinition.ExternalIdentifier', Type: 'local', Value: 'Prirechny 2026' },
    ]);
    const fromFile = importNistBallotDefinition(doc, settings);
    expect(fromFile.ok && fromFile.value.electionId).toBe('prirechny-2026');
    const given = importNistBallotDefinition(doc, settings, 'prirechny-assembly-2026');
    expect(given.ok && given.value.electionId).toBe('prirechny-assembly-2026');
    const bad = importNistBallotDefinition(doc, settings, 'Not An Id');
    expect(bad.ok ? [] : bad.error.map((e) => e.path)).toEqual(['electionId']);
  });

  it('names the NIST field that lacks a Russian or English text', () => {
    const doc = nist();
    deletePath(doc, 'Election[0].Candidate[1].BallotName.Text[0]'); // the Russian text
    const imported = importNistBallotDefinition(doc, settings);
    expect(imported.ok ? [] : imported.error.map((e) => [e.path, e.code])).toEqual([
      ['Election[0].Candidate[1].BallotName', 'nist-missing-language'],
    ]);
  });

  it('refuses contest kinds Urna does not run, and malformed contests, by path', () => {
    const doc = nist();
    setPath(doc, 'Election[0].Contest[2]', {
      '@type': 'BallotDefinition.RetentionContest',
      '@id': 'rc-judge',
      CandidateId: 'can-titov',
    });
    deletePath(doc, 'Election[0].Contest[1].VotesAllowed');
    const imported = importNistBallotDefinition(doc, settings);
    expect(imported.ok ? [] : imported.error.map((e) => [e.path, e.code])).toEqual([
      ['Election[0].Contest[1].VotesAllowed', 'required'],
      ['Election[0].Contest[2].@type', 'nist-unsupported'],
    ]);
  });

  it('checks the imported definition like any other: vote-for beyond the choices is refused', () => {
    const doc = nist();
    setPath(doc, 'Election[0].Contest[1].VotesAllowed', 9);
    const imported = importNistBallotDefinition(doc, settings);
    expect(imported.ok ? [] : imported.error.map((e) => [e.path, e.code])).toEqual([
      ['contests[1].voteFor', 'vote-for-exceeds-choices'],
    ]);
  });

  it('refuses a file that is not a NIST ballot definition', () => {
    const imported = importNistBallotDefinition({ Election: [] }, settings);
    expect(imported.ok ? [] : imported.error.map((e) => e.path)).toEqual(['@type', 'Election']);
  });
});
