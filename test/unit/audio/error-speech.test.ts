import { describe, expect, it } from 'vitest';
import { LANGUAGES } from '../../../core/api/station-api';
import { clipLookupKey } from '../../../core/audio/manifest';
import { translate } from '../../../core/i18n/messages';
import { errorSpeech, VOTER_ERRORS } from '../../../renderer/src/audio/speech';
import { sampleAudioManifest } from '../../support/election';

describe('the audio ballot says every refusal the voter screens show', () => {
  const clips = new Map(sampleAudioManifest().clips.map((c) => [clipLookupKey(c.phrase, c.language), c]));

  for (const language of LANGUAGES)
    for (const error of VOTER_ERRORS)
      it(`${error} in ${language}: the screen's own words, every clip in the sample package`, () => {
        const phrases = errorSpeech(error, language);
        expect(phrases).toEqual([`msg:${error}`]);
        const said = phrases.map((phrase) => clips.get(clipLookupKey(phrase, language))?.text);
        expect(said.join(' ')).toBe(translate(language, error));
      });
});
