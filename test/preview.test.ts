/**
 * `colophon preview`: the page as served, its live reload, build errors
 * over the last good version, the files it will and will not serve, and
 * the addresses it answers.
 */
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { networkInterfaces } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startPreview, type Preview } from '../src/preview/server.js';
import { findBrowser } from '../src/browser.js';
import { manuscript, references } from './helpers/manuscript.js';

let preview: Preview | undefined;
afterEach(async () => {
  await preview?.close();
  preview = undefined;
});

function get(url: string, options: { host?: string; path?: string; localAddress?: string } = {}): Promise<{ status: number; body: string; type: string }> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: target.hostname, port: target.port, path: options.path ?? target.pathname, headers: options.host ? { host: options.host } : {}, localAddress: options.localAddress },
      (res) => {
        let body = '';
        res.setEncoding('latin1');
        res.on('data', (chunk) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, type: String(res.headers['content-type'] ?? '') }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** The server-sent events of the preview, as they come. */
function events(url: string) {
  const received: Array<{ event: string; data: { generation: number; ok: boolean; problems: string[] } }> = [];
  let buffer = '';
  const req = request(new URL('/__colophon/events', url), (res) => {
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      buffer += chunk;
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1] ?? 'message';
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (data) received.push({ event, data: JSON.parse(data) });
      }
    });
  });
  req.on('error', () => undefined);
  req.end();
  const waitFor = async (test: (e: (typeof received)[number]) => boolean) => {
    for (let i = 0; i < 400; i++) {
      const found = received.find(test);
      if (found) return found;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`no such event; got ${JSON.stringify(received)}`);
  };
  return { received, waitFor, close: () => req.destroy() };
}

const front = 'title: Preview\nbibliography: refs.json\ncsl: chicago-note-bibliography';

describe('colophon preview', () => {
  it('serves the page with its live-reload script, and rebuilds on a save', async () => {
    const input = manuscript(front, 'First words [@morehouse2011, p. 4].');
    preview = await startPreview({ input, log: () => undefined, cache: false });
    expect(preview.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const page = await get(preview.url);
    expect(page.status).toBe(200);
    expect(page.body).toContain('First words');
    expect(page.body).toContain('Irregular Migration in Europe');
    expect(page.body).toContain('<script id="colophon-preview">');
    expect(page.body).toContain('new EventSource("/__colophon/events")');

    const stream = events(preview.url);
    await stream.waitFor((e) => e.data.generation === 1);
    writeFileSync(input, readFileSync(input, 'utf8').replace('First words', 'Second words'));
    const next = await stream.waitFor((e) => e.data.generation === 2);
    expect(next.data.ok).toBe(true);
    expect((await get(preview.url)).body).toContain('Second words');

    // The bibliography is watched too.
    writeFileSync(path.join(path.dirname(input), 'refs.json'), JSON.stringify(references.map((r) => (r.id === 'morehouse2011' ? { ...r, title: 'A Retitled Report' } : r))));
    await stream.waitFor((e) => e.data.generation === 3);
    expect((await get(preview.url)).body).toContain('A Retitled Report');
    stream.close();
  });

  it('shows a build error with its place and keeps the last good version up', async () => {
    const input = manuscript(front, 'Good text [@morehouse2011].');
    preview = await startPreview({ input, log: () => undefined, cache: false });
    const stream = events(preview.url);
    await stream.waitFor((e) => e.data.generation === 1);
    writeFileSync(input, readFileSync(input, 'utf8').replace('Good text [@morehouse2011]', 'Bad text [@nobody]'));
    const failed = await stream.waitFor((e) => e.data.ok === false);
    expect(failed.data.generation).toBe(1);
    expect(failed.data.problems.join('\n')).toMatch(/input\.md:7:11 {2}citation key `@nobody` is not in the bibliography {2}citation-unknown-key/);
    const page = await get(preview.url);
    expect(page.body).toContain('Good text');
    expect(page.body).not.toContain('Bad text');
    // The page's script shows the problems it is sent over the page.
    expect(page.body).toContain("'Build failed; this is the last good version.");

    writeFileSync(input, readFileSync(input, 'utf8').replace('Bad text [@nobody]', 'Mended text [@morehouse2011]'));
    await stream.waitFor((e) => e.data.generation === 2 && e.data.ok);
    expect((await get(preview.url)).body).toContain('Mended text');
    stream.close();
  });

  it('serves nothing outside the manuscript folder and the build', async () => {
    const input = manuscript(front, 'Text with a figure.\n\n![A figure](figure.png)');
    const dir = path.dirname(input);
    writeFileSync(path.join(dir, 'figure.png'), Buffer.from('89504e470d0a1a0a', 'hex'));
    mkdirSync(path.join(dir, 'sub'));
    writeFileSync(path.join(dir, 'sub', 'note.txt'), 'inside');
    symlinkSync('/etc/passwd', path.join(dir, 'passwd-link'));
    preview = await startPreview({ input, log: () => undefined, cache: false });
    expect((await get(preview.url, { path: '/sub/note.txt' })).body).toBe('inside');
    expect((await get(preview.url, { path: '/refs.json' })).status).toBe(200);
    const css = await get(preview.url, { path: '/input_files/screen.css' });
    expect(css.status).toBe(200);
    expect(css.type).toMatch(/^text\/css/);
    for (const escape of ['/../../../../etc/passwd', '/%2e%2e/%2e%2e/%2e%2e/etc/passwd', '/..%2f..%2f..%2fetc%2fpasswd', '/passwd-link', '/%00', '//etc/passwd']) {
      const answer = await get(preview.url, { path: escape });
      expect(answer.status, escape).not.toBe(200);
      expect(answer.body).not.toContain('root:');
    }
  });

  it('builds with the options a build takes: --toc, --sandbox, --resource-path, --limit', async () => {
    const input = manuscript(front, '# One\n\nText.\n\n# Two\n\nMore text.\n\n![A figure](shared.png)');
    const dir = path.dirname(input);
    const shared = path.join(dir, '..', `${path.basename(dir)}-shared`);
    mkdirSync(shared);
    writeFileSync(path.join(shared, 'shared.png'), Buffer.from('89504e470d0a1a0a', 'hex'));
    preview = await startPreview({ input, log: () => undefined, cache: false, toc: true, resourcePath: [shared] });
    let page = (await get(preview.url)).body;
    expect(page).toMatch(/<nav[^>]*role="doc-toc"/);
    expect(page).toContain('Two');
    // The image from the resource path travels with the page.
    expect(page).toMatch(/src="input_files\/images\/shared\.png"/);
    await preview.close();
    // Under --sandbox the same resource path is not read, as in a build.
    preview = await startPreview({ input, log: () => undefined, cache: false, sandbox: true, resourcePath: [shared] });
    page = (await get(preview.url)).body;
    expect(page).toMatch(/<img[^>]*src="shared\.png"/);
    expect(page).not.toContain('images/shared.png');
    await preview.close();
    preview = await startPreview({ input, log: () => undefined, cache: false, limits: { 'input-size': 10 } });
    page = (await get(preview.url)).body;
    expect(preview.state.ok).toBe(false);
    expect(preview.state.problems.join('\n')).toMatch(/input-size/);
  });

  it('answers only loopback requests that name it as the host', async () => {
    const input = manuscript(front, 'Text.');
    preview = await startPreview({ input, log: () => undefined, cache: false });
    const port = new URL(preview.url).port;
    expect((await get(preview.url, { host: `localhost:${port}` })).status).toBe(200);
    expect((await get(preview.url, { host: 'attacker.example' })).status).toBe(403);
    expect((await get(preview.url, { host: `attacker.example:${port}` })).status).toBe(403);
    // It listens on 127.0.0.1 alone: another address of this machine gets no answer.
    const other = Object.values(networkInterfaces())
      .flat()
      .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;
    if (other) await expect(get(`http://${other}:${port}/`)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('prints the PDF on request from one warm browser', async () => {
    const found = await findBrowser();
    if (!found) {
      if (process.env.CI === 'true') throw new Error('no browser for the preview PDF');
      console.warn('skipped: no Chromium for the preview PDF');
      return;
    }
    const input = manuscript(front, '# A heading\n\nPrinted text [@morehouse2011].');
    preview = await startPreview({ input, log: () => undefined, cache: false });
    const first = await get(preview.url, { path: '/input.pdf' });
    expect(first.status).toBe(200);
    expect(first.type).toBe('application/pdf');
    expect(first.body.startsWith('%PDF-')).toBe(true);
    expect(first.body).toContain('/Type /Page');
    writeFileSync(input, readFileSync(input, 'utf8').replace('Printed text', 'Printed again'));
    await preview.rebuild();
    const second = await get(preview.url, { path: '/input.pdf' });
    expect(second.status).toBe(200);
    expect(second.body).not.toBe(first.body);
  });
});
