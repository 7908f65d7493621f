/** Stage `load`: front matter validated by one schema and normalised for the later stages. */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { load } from '../src/load/index.js';
import { manuscript } from './helpers/manuscript.js';

describe('front matter', () => {
  it('is normalised: authors, keywords, paths, nocite, series designation', async () => {
    const file = manuscript(
      [
        'title: On Return',
        'author:',
        '  - Ada Lovelace',
        '  - name: Charles Babbage',
        '    affiliation: Analytical Society',
        'date: 2013-02-15',
        'lang: en-GB',
        'bibliography: [refs.json, ../other.bib]',
        'csl: styles/house.csl',
        'nocite: "@a, @{b:c}"',
        'keywords: readmission, return; Azerbaijan',
        'series: {name: CARIM-East, type: Explanatory Note, number: 13, module: Socio-Political Module}',
      ].join('\n'),
      'Text.',
    );
    const { metadata, file: vfile } = await load(file);
    const dir = path.dirname(file);
    expect(vfile.messages).toEqual([]);
    expect(metadata).toMatchObject({
      title: 'On Return',
      authors: [{ name: 'Ada Lovelace' }, { name: 'Charles Babbage', affiliation: 'Analytical Society' }],
      date: '2013-02-15',
      lang: 'en-GB',
      locale: 'en-GB',
      bibliography: [path.join(dir, 'refs.json'), path.resolve(dir, '../other.bib')],
      csl: path.join(dir, 'styles/house.csl'),
      nocite: ['a', 'b:c'],
      keywords: ['readmission', 'return', 'Azerbaijan'],
      series: { name: 'CARIM-East', number: '13', designation: 'CARIM-East Explanatory Note 13', module: 'Socio-Political Module' },
      linkCitations: false,
      suppressBibliography: false,
    });
  });

  it('takes command-line overrides over the front matter', async () => {
    const file = manuscript('title: T\nlang: de-DE\ncsl: apa\nbibliography: refs.json', 'Text.');
    const { metadata } = await load(file, { style: 'chicago-author-date', locale: 'fr-FR', bibliography: ['x.json'] });
    expect(metadata).toMatchObject({ csl: 'chicago-author-date', lang: 'de-DE', locale: 'fr-FR', bibliography: [path.resolve('x.json')] });
  });

  it('reports an unknown key and a YAML error at their lines', async () => {
    const unknown = await load(manuscript('title: T\nbibliograpy: refs.json', 'Text.'));
    expect(unknown.metadata).toBeNull();
    expect(unknown.file.messages.map((m) => [m.line, m.column, m.reason, m.ruleId])).toEqual([
      [3, 1, 'front matter: unknown key `bibliograpy`', 'front-matter-invalid'],
    ]);
    const broken = await load(manuscript('title: T\nkeywords: [a, b\nlang: en', 'Text.'));
    expect(broken.file.messages[0]).toMatchObject({ line: 4, ruleId: 'yaml-syntax', fatal: true });
  });

  it('reports a manuscript that cannot be read', async () => {
    const { file, metadata } = await load('/nonexistent/paper.md');
    expect(metadata).toBeNull();
    expect(file.messages[0]).toMatchObject({ ruleId: 'file-unreadable', fatal: true });
  });
});
