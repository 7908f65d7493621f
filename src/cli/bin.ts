#!/usr/bin/env node
/**
 * The `colophon` command.
 *
 *   colophon build [FILE.md ...] [--style ID|PATH.csl] [--locale xx-XX]
 *                  [--format html,epub,pdf] [--out DIR] [--bibliography FILE]
 *   colophon styles
 *
 * Exit status: 0 built; 1 a problem in the input (messages say where);
 * 2 a usage error; 3 the environment (no browser, an output folder that
 * cannot be written, an invalid SOURCE_DATE_EPOCH). No exception reaches
 * the user as a stack trace: an unexpected one is reported as an internal
 * error, with its stack under --debug.
 */
import './quiet-warnings.js';
import { madeStreams } from './streams.js';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { build, editionFormats, EnvironmentError, isError, type EditionFormat } from '../build.js';
import { limitNames, parseLimitSettings } from '../limits.js';
import { paperSizes, type PaperSize } from '../load/schema.js';
import { listAllStyles, listStyles } from '../load/styles.js';
import { BuildUsageError } from '../output/errors.js';
import { distinctManuscripts } from '../output/guard.js';
import { isLanguageTag, languageTagProblem } from '../shared/lang.js';
import { packageVersion } from '../shared/package.js';
import { optimiserFor } from '../shared/optimiser.js';
import { workBeforeExit } from '../shared/before-exit.js';
import { report } from './report.js';
import { progressLine } from '../progress/line.js';
import { timing } from '../progress/timings.js';
import { availableParallelism } from 'node:os';
import type { VFileMessage } from 'vfile-message';

const usage = `Usage:
  colophon build [FILE.md ...] [options]   build editions (default: every manuscript/*.md)
  colophon preview [FILE.md] [options]     live preview on 127.0.0.1 (default: the first manuscript/*.md)
  colophon styles [--all]                  list the bundled citation styles (--all: also the user's and the system's)

Options for build:
  --style ID|PATH.csl     citation style (overrides the front matter's csl)
  --locale xx-XX          citation locale (overrides lang/locale)
  --format LIST           editions to write: html,epub,pdf (default: all three)
  --out DIR               output folder (default: dist)
  --bibliography FILE     bibliography file: CSL-JSON, CSL YAML, BibTeX or RIS (repeatable)
  --papersize a4|letter   paper of the print edition (overrides the front matter)
  --unsafe-html           keep raw HTML as written (trusted manuscripts only)
  --toc                   a contents list in the HTML and PDF (as front matter toc: true)
  --lenient               unknown citation keys are warnings, not errors
  --no-cache              format every citation and read the whole text afresh (no caches)
  --port N                preview: port on 127.0.0.1 (default: a free one)
  -j, --jobs N            manuscripts built at once (default: the number of cores)
  --browser PATH          Chromium or Chrome to print with
  --resource-path DIR     another folder images and files may come from (repeatable)
  --sandbox               read files from the manuscript's folder only, whatever is asked
  --limit NAME=N          raise or lower a limit (repeatable); NAME is one of
                          ${limitNames.join(', ')}
  --debug                 print the stack of an internal error
  -q, --quiet             print errors only
  -h, --help              this help
  -v, --version           the version`;

class UsageError extends Error {}

async function main(argv: string[]): Promise<number> {
  timing('modules initialised');
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        style: { type: 'string' },
        locale: { type: 'string' },
        format: { type: 'string' },
        out: { type: 'string' },
        bibliography: { type: 'string', multiple: true },
        papersize: { type: 'string' },
        'unsafe-html': { type: 'boolean' },
        toc: { type: 'boolean' },
        lenient: { type: 'boolean' },
        'no-cache': { type: 'boolean' },
        browser: { type: 'string' },
        'resource-path': { type: 'string', multiple: true },
        sandbox: { type: 'boolean' },
        limit: { type: 'string', multiple: true },
        debug: { type: 'boolean' },
        port: { type: 'string' },
        jobs: { type: 'string', short: 'j' },
        quiet: { type: 'boolean', short: 'q' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
        all: { type: 'boolean' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  debug = values.debug ?? false;
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  if (values.version) {
    process.stdout.write(`${packageVersion()}\n`);
    return 0;
  }
  const [command, ...files] = positionals;
  if (command === 'styles') {
    if (files.length > 0) throw new UsageError('`styles` takes no arguments');
    if (values.all) {
      // id, class, where from (and the parent of a dependent style), title.
      for (const style of await listAllStyles()) {
        const from = style.parent ? `${style.source}, uses ${style.parent}` : style.source;
        process.stdout.write(`${style.id.padEnd(40)} ${style.class.padEnd(8)} ${from.padEnd(24)} ${style.title}\n`);
      }
      return 0;
    }
    for (const style of await listStyles()) process.stdout.write(`${style.id.padEnd(40)} ${style.class.padEnd(8)} ${style.title}\n`);
    return 0;
  }
  let limits;
  try {
    limits = parseLimitSettings(values.limit ?? []);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (command === 'preview') {
    if (files.length > 1) throw new UsageError('`preview` takes one manuscript');
    const input = files[0] ?? (await defaultManuscripts())[0];
    if (!input) throw new UsageError('no manuscript given and none in manuscript/');
    const port = values.port === undefined ? 0 : Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port wants a port number, not \`${values.port}\``);
    const { runPreview } = await import('../preview/cli.js');
    return runPreview({
      input,
      port,
      style: values.style,
      locale: values.locale,
      bibliography: values.bibliography,
      unsafeHtml: values['unsafe-html'],
      toc: values.toc,
      resourcePath: values['resource-path'],
      sandbox: values.sandbox,
      limits,
      lenient: values.lenient,
      browserPath: values.browser,
      cache: !values['no-cache'],
      quiet: values.quiet,
    });
  }
  if (command !== 'build') throw new UsageError(command ? `unknown command \`${command}\`` : 'no command given');

  const formats = (values.format ?? editionFormats.join(','))
    .split(',')
    .map((f) => f.trim().toLowerCase())
    .filter(Boolean);
  if (formats.length === 0) throw new UsageError(`\`--format\` names no edition (use ${editionFormats.join(', ')})`);
  for (const format of formats) {
    if (!(editionFormats as readonly string[]).includes(format)) throw new UsageError(`unknown format \`${format}\` (use ${editionFormats.join(', ')})`);
  }
  const named = files.length > 0 ? files : await defaultManuscripts();
  if (named.length === 0) throw new UsageError('no manuscript given and none in manuscript/');
  // Each manuscript once; two of one name would write the same editions (exit 2).
  const inputs = distinctManuscripts(named, path.resolve(values.out ?? 'dist'), (input) => path.basename(input, path.extname(input)));
  optimiserFor(inputs);

  if (values.locale !== undefined && !isLanguageTag(values.locale)) throw new UsageError(`--locale: ${languageTagProblem(values.locale)}`);
  const papersize = values.papersize?.toLowerCase();
  if (papersize !== undefined && !(paperSizes as readonly string[]).includes(papersize)) {
    throw new UsageError(`unknown paper size \`${values.papersize}\` (use ${paperSizes.join(' or ')})`);
  }
  const quiet = values.quiet ?? false;
  const lenient = values.lenient ?? false;
  const jobs = values.jobs === undefined ? Math.max(1, availableParallelism()) : Number(values.jobs);
  if (!Number.isInteger(jobs) || jobs < 1) throw new UsageError(`--jobs wants a whole number of 1 or more, not \`${values.jobs}\``);
  const progress = progressLine({ enabled: !quiet, total: inputs.length });
  const show = (lines: string[], outputs: string[]) => {
    for (const line of lines) {
      if (quiet && line.includes('  warning: ')) continue;
      progress.print(process.stderr, `${line}\n`);
    }
    if (!quiet) for (const output of outputs) progress.print(process.stdout, `wrote ${path.relative(process.cwd(), output) || output}\n`);
  };
  const common = {
    inputs,
    formats: formats as EditionFormat[],
    outDir: values.out,
    style: values.style,
    locale: values.locale,
    bibliography: values.bibliography,
    papersize: papersize as PaperSize | undefined,
    unsafeHtml: values['unsafe-html'],
    toc: values.toc,
    lenient,
    cache: !values['no-cache'],
    browserPath: values.browser,
    onWait(message: string) {
      if (!quiet) process.stderr.write(`colophon: ${message}\n`);
    },
    resourcePath: values['resource-path'],
    sandbox: values.sandbox,
    limits,
  };
  let result: { ok: boolean; environmentError?: boolean };
  const shown = quiet ? (m: VFileMessage) => isError(m, lenient) : () => true;
  try {
    result =
      inputs.length > 1 && jobs > 1
        ? await (await import('../series/index.js')).buildSeries({ ...common, jobs, onProgress: progress.update, onReport: (_input, lines, outputs) => show(lines, outputs) })
        : await build({
            ...common,
            onProgress: progress.update,
            onDocument: (file, outputs) => {
              show(report(file, (m) => isError(m, lenient), shown), outputs);
              if (debug) {
                for (const message of file.messages) {
                  if (message.cause instanceof Error && message.cause.stack) process.stderr.write(`${message.cause.stack}\n`);
                }
              }
            },
          });
  } finally {
    progress.stop();
  }
  return result.environmentError ? 3 : result.ok ? 0 : 1;
}

let debug = process.argv.includes('--debug');

/** The last resort: an exception no stage turned into a message. */
function internalError(error: unknown): void {
  const text = error instanceof Error ? error.message.split('\n')[0] : String(error);
  process.stderr.write(
    `colophon: internal error: ${text} (this is a bug in Colophon: please report it with the command and the input${debug ? '' : '; --debug shows the stack'})  internal-error\n`,
  );
  if (debug && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  process.exitCode = 1;
}

process.on('uncaughtException', (error) => {
  internalError(error);
  process.exit(1);
});
process.on('unhandledRejection', (error) => {
  internalError(error);
  process.exit(1);
});

async function defaultManuscripts(): Promise<string[]> {
  try {
    return (await fsp.readdir('manuscript'))
      .filter((name) => name.endsWith('.md'))
      .sort()
      .map((name) => path.join('manuscript', name));
  } catch {
    return [];
  }
}

/**
 * A command that is done ends the process at once. Left to drain, Node
 * would first finish the garbage collection the heap had begun (about
 * 12 ms of a cold web build, and more CPU time on other threads), which a
 * process about to end has no use for. What must still happen happens
 * first: the browser's clean-up, the launcher's end-of-build work (its code
 * caches, on `beforeExit`), and stdout and stderr flushed.
 */
async function endNow(code: number): Promise<void> {
  await workBeforeExit();
  process.emit('beforeExit', code);
  // What that work queued (a warning, a write) gets its turn.
  await new Promise((resolve) => setImmediate(resolve));
  // A write to a full pipe waits in the stream: the streams written to are
  // flushed (a quiet build that said nothing never made them).
  await Promise.all(
    [...madeStreams].map(
      (stream) =>
        new Promise<void>((resolve) => {
          try {
            stream.write('', () => resolve());
          } catch {
            resolve();
          }
        }),
    ),
  );
  process.exit(code);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    return endNow(code);
  },
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`colophon: ${error.message}\n\n${usage}\n`);
      process.exitCode = 2;
    } else if (error instanceof BuildUsageError) {
      process.stderr.write(`colophon: ${error.message}\n`);
      process.exitCode = 2;
    } else if (error instanceof EnvironmentError) {
      process.stderr.write(`colophon: ${error.message}  ${error.ruleId}\n`);
      if (debug && error.stack) process.stderr.write(`${error.stack}\n`);
      process.exitCode = 3;
    } else {
      internalError(error);
    }
  },
);
