#!/usr/bin/env node
/**
 * Makes the fast cold CLI: `build/colophon.cjs`, one file with the CLI and
 * the libraries every build runs; the parts that only some builds run
 * (`build/colophon-<part>.cjs`: the print and ebook editions, the preview
 * server, the series builder, Puppeteer, citeproc-js, ...), loaded on
 * demand; the series worker (`build/colophon-worker.cjs`, all in one);
 * and, with `--warm-up`, V8 code caches of them for the running Node,
 * written after warm-up builds of the default manuscript (so the functions
 * a build runs are compiled in them), each part's in a file of its own.
 *
 *   node scripts/bundle.mjs [--warm-up]
 *
 * `bin/colophon.cjs` runs the bundle from its code cache, compiles it
 * afresh when the cache is missing or stale, and runs the compiled modules
 * (`build/src/cli/bin.js`) when there is no bundle.
 *
 * Inside the bundle each module keeps the `import.meta.url` of its compiled
 * file under `build/src/`, so the package's templates, fonts and package
 * data are found as before. Edition modules stay lazy: they are in parts,
 * read and run only when a build asks for them.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync, renameSync } from 'node:fs';
import Module from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const buildDir = path.join(root, 'build');
const outFile = path.join(buildDir, 'colophon.cjs');
const warmUp = process.argv.includes('--warm-up');

let esbuild;
try {
  esbuild = await import('esbuild');
} catch {
  // Installed without dev dependencies: the compiled modules serve.
  process.stderr.write('colophon: esbuild is not installed; the CLI runs unbundled\n');
  process.exit(0);
}

/** Sources whose `createRequire` line gives way to the bundle's own `require`. */
const lazyRequirers = [path.join('cite', 'engine.ts'), path.join('parse', 'math.ts'), path.join('shared', 'math-font.ts'), path.join('load', 'zod.ts'), path.join('cache', 'citations.ts')];

/**
 * Sources whose `import * as NAME from 'PACKAGE'` lines become a namespace
 * that requires the package on first use: the package is bundled, and set
 * up only when a build calls into it.
 */
const lazyImporters = [path.join('shared', 'html-parser.ts'), path.join('load', 'json.ts'), path.join('load', 'index.ts'), path.join('load', 'metadata-blocks.ts'), path.join('load', 'bibliography.ts')];
const namespaceImport = /^import \* as (\w+) from (['"])([^'"]+)\2;$/gm;

/**
 * Package code changed in the bundle, where it costs a build time for
 * nothing it gives. Mostly package data set up when a build first uses
 * it, not at every start: a module that only some builds read (a table of
 * entities, the SVG schema) is reached with `require` in the file that
 * uses it, which esbuild makes a module set up on first require; the rest
 * of the package is as written.
 *
 * Each edit replaces an exact text, found exactly once, of the package
 * version named (`checks` only have to be there: what the edits rely on).
 * A file without that text (another version of the package), or one no
 * bundle holds any more, stops the bundle with a message: the edit must be
 * looked at again.
 *
 * `globalThis.__colophonSetUp?.(name)` tells a probe (the tests) which
 * data a build set up; nothing is called when there is none.
 */
const setUp = (name, expression) => `(globalThis.__colophonSetUp?.(${JSON.stringify(name)}), ${expression})`;
/**
 * property-information's SVG schema (`name` to a probe) as `make` makes it, but with
 * its `normal` and `property` (own, in `order`, as the Schema constructor
 * sets them) made on first use: the same object from the start, with its
 * `space` at once.
 */
const lazySvg = (name, make, order) => `export const svg = lazySchema('svg', () => ${setUp(name, make)})

function lazySchema(space, make) {
  const schema = Object.create(Schema.prototype)
  const made = () => {
    const parts = make()
    for (const key of ${JSON.stringify(order)}) {
      Object.defineProperty(schema, key, {value: parts[key], writable: true, enumerable: true, configurable: true})
    }
  }
  for (const key of ${JSON.stringify(order)}) {
    Object.defineProperty(schema, key, {
      get() {
        made()
        return schema[key]
      },
      set(value) {
        made()
        schema[key] = value
      },
      enumerable: true,
      configurable: true
    })
  }
  schema.space = space
  return schema
}
`;
const packageEdits = [
  {
    // Every node visited names its visit function after the node, for
    // stack traces, with a property write and a coloured string: about
    // 2 ms of a rebuild of a short note, in every tree walk. The walk
    // itself is untouched.
    name: 'visit-function-names',
    package: 'unist-util-visit-parents',
    version: '6.1.0',
    edits: {
      'lib/index.js': [
        [
          `      Object.defineProperty(visit, 'name', {
        value:
          'node (' + color(node.type + (name ? '<' + name + '>' : '')) + ')'
      })
`,
          '',
        ],
      ],
    },
  },
  {
    // micromark asks it only of a named reference (`&eacute;`) in the text.
    name: 'character-entities',
    package: 'decode-named-character-reference',
    version: '1.3.0',
    edits: {
      'index.js': [
        ["import {characterEntities} from 'character-entities'\n", '/** @type {Record<string, string> | undefined} */\nlet characterEntities\n'],
        [
          'export function decodeNamedCharacterReference(value) {\n  return own.call(characterEntities, value)',
          `export function decodeNamedCharacterReference(value) {\n  if (characterEntities === undefined) characterEntities = ${setUp('character-entities', "require('character-entities').characterEntities")}\n  return own.call(characterEntities, value)`,
        ],
      ],
    },
  },
  {
    // The HTML schema serves every build; the SVG one only a tree with an
    // `<svg>` element (`svg.space` is there at once, as hast-util-to-html
    // and hastscript read it of every element).
    name: 'svg',
    package: 'property-information',
    version: '7.2.0',
    edits: {
      'index.js': [
        ["import {svg as svgBase} from './lib/svg.js'\n", "import {Schema} from './lib/util/schema.js'\n"],
        [
          "export const svg = merge([aria, svgBase, xlink, xmlns, xml], 'svg')\n",
          lazySvg('svg', "merge([aria, require('./lib/svg.js').svg, xlink, xmlns, xml], 'svg')", ['normal', 'property']),
        ],
      ],
    },
    // What the lazy schema stands for: a Schema with own `normal`, `property`, `space`, in that order.
    checks: {
      'lib/util/schema.js': ['  constructor(property, normal, space) {\n    this.normal = normal\n    this.property = property\n\n    if (space) {\n      this.space = space\n    }\n  }\n'],
      'lib/util/merge.js': ['  return new Schema(property, normal, space)\n'],
    },
  },
  {
    // The same, in the older copy the ebook's XHTML writer (hast-util-to-xast) has.
    name: 'svg-ebook',
    package: 'hast-util-to-xast/node_modules/property-information',
    version: '6.5.0',
    edits: {
      'index.js': [
        ["import {svg as svgBase} from './lib/svg.js'\n", "import {Schema} from './lib/util/schema.js'\n"],
        ["export const svg = merge([xml, xlink, xmlns, aria, svgBase], 'svg')\n", lazySvg('svg-ebook', "merge([xml, xlink, xmlns, aria, require('./lib/svg.js').svg], 'svg')", ['property', 'normal'])],
      ],
    },
    checks: {
      'lib/util/schema.js': ['  constructor(property, normal, space) {\n    this.property = property\n    this.normal = normal\n    if (space) {\n      this.space = space\n    }\n  }\n'],
      'lib/util/merge.js': ['  return new Schema(property, normal, space)\n'],
    },
  },
  {
    // Named references are written only when asked for (the web page asks for none).
    name: 'character-entities-html4',
    package: 'stringify-entities',
    version: '4.0.4',
    edits: {
      'lib/util/format-smart.js': [
        [
          "import {toNamed} from './to-named.js'\n",
          `/** @type {typeof import('./to-named.js').toNamed | undefined} */\nlet toNamedNow\n/** @type {typeof import('./to-named.js').toNamed} */\nconst toNamed = (code, next, omit, attribute) => {\n  if (toNamedNow === undefined) toNamedNow = ${setUp('character-entities-html4', "require('./to-named.js').toNamed")}\n  return toNamedNow(code, next, omit, attribute)\n}\n`,
        ],
      ],
    },
    checks: { 'lib/util/to-named.js': ['export function toNamed(code, next, omit, attribute) {\n'] },
  },
];

const countOf = (text, part) => text.split(part).length - 1;
/** The files to rewrite (by real path): their edits, and the data they set up lazily. */
const editedFiles = new Map();
for (const entry of packageEdits) {
  const directory = path.join(root, 'node_modules', entry.package);
  let installed;
  try {
    installed = JSON.parse(readFileSync(path.join(directory, 'package.json'), 'utf8')).version;
  } catch {
    installed = undefined;
  }
  const problems = [];
  const files = new Map();
  if (installed === undefined) problems.push(`${entry.package} is not installed in node_modules`);
  else {
    for (const file of new Set([...Object.keys(entry.edits), ...Object.keys(entry.checks ?? {})])) {
      let text;
      try {
        text = readFileSync(path.join(directory, file), 'utf8');
      } catch {
        problems.push(`${file} is missing`);
        continue;
      }
      for (const [from] of entry.edits[file] ?? []) if (countOf(text, from) !== 1) problems.push(`${file} does not hold, once, the text ${JSON.stringify(from.slice(0, 70))}`);
      for (const part of entry.checks?.[file] ?? []) if (!text.includes(part)) problems.push(`${file} does not hold the text ${JSON.stringify(part.slice(0, 70))}`);
      if (entry.edits[file]) files.set(realpathSync(path.join(directory, file)), { entry, file, edits: entry.edits[file] });
    }
  }
  if (problems.length > 0) {
    process.stderr.write(
      `colophon: the package edit ${entry.name} (packageEdits in scripts/bundle.mjs) is written for ${entry.package}@${entry.version} (installed: ${installed ?? 'none'}), and ${problems.join('; ')}: look at the edit again for this version\n`,
    );
    process.exit(1);
  }
  for (const [real, edit] of files) editedFiles.set(real, edit);
}
/** A package file's text with its edits made (each text is there once: checked above). */
function editedSource(file, code) {
  const edit = editedFiles.get(file);
  if (edit === undefined) return code;
  let rewritten = code;
  for (const [from, to] of edit.edits) {
    if (countOf(rewritten, from) !== 1) {
      process.stderr.write(`colophon: ${edit.entry.package}/${edit.file} changed while it was bundled; bundle again\n`);
      process.exit(1);
    }
    rewritten = rewritten.replace(from, () => to);
  }
  return rewritten;
}

/**
 * `import.meta.url` of a source file, as the compiled file under build/ has
 * it; and in `bundle` (the main one or a part), `import()` of a module
 * another bundle holds.
 */
function sourcePlugin(bundle) {
  return {
    name: 'colophon-meta-url',
    setup(build) {
      build.onLoad({ filter: /\.[cm]?[jt]s$/, namespace: 'file' }, async (args) => {
        const inPackageSource = args.path.startsWith(path.join(root, 'src') + path.sep);
        const source = readFileSync(args.path, 'utf8');
        const loader = /\.ts$/.test(args.path) ? 'ts' : 'js';
        let code = editedSource(args.path, source);
        // citeproc-js, Temml, the font subsetter and zod are loaded with
        // createRequire, when first needed: in the bundle, the bundle's own
        // require loads them (from a part of their own, or bundled in the
        // series worker), still only then.
        if (inPackageSource && lazyRequirers.some((file) => args.path.endsWith(file))) {
          code = code.replace(/const require = createRequire\(import\.meta\.url\);/, '');
        }
        if (inPackageSource && lazyImporters.some((file) => args.path.endsWith(file))) {
          code = code.replace(namespaceImport, (_all, name, _quote, id) => `const ${name} = new Proxy({}, { get: (_target, key) => require(${JSON.stringify(id)})[key] });`);
        }
        let relative;
        if (inPackageSource) relative = path.relative(root, args.path).replace(/\.ts$/, '.js');
        else relative = path.join('..', path.relative(root, args.path));
        // The bundle runs as a vm script from its code cache, where import()
        // has no loader: packages left outside the bundle are required.
        code = code.replace(/(?<!typeof\s*)\bimport\((['"])(esbuild|puppeteer-core|@puppeteer\/browsers)\1\)/g, 'Promise.resolve().then(() => require($1$2$1))');
        // A module of another bundle, imported with import(): the registry's
        // import (`linker` below), which sets it up only then, as import() does.
        if (bundle && inPackageSource) code = code.replace(/(?<!typeof\s*)\bimport\((['"])(\.\.?\/[^'"]+)\1\)/g, (all, _quote, specifier) => crossImport(bundle, args.path, specifier) ?? all);
        if (!code.includes('import.meta')) return { contents: code, loader };
        let contents = code.replace(/\bimport\.meta\.url\b/g, `__colophonUrl(${JSON.stringify(relative.split(path.sep).join('/'))})`);
        contents = contents.replace(/\bimport\.meta\.dirname\b/g, `__colophonDir(${JSON.stringify(path.dirname(relative).split(path.sep).join('/'))})`);
        return { contents, loader };
      });
    },
  };
}
const metaUrlPlugin = sourcePlugin(undefined);

const banner = [
  '"use strict";',
  // The bundle lives in build/; compiled modules in build/src/.
  'const __colophonUrl = (file) => require("node:url").pathToFileURL(require("node:path").join(__dirname, file)).href;',
  'const __colophonDir = (dir) => require("node:path").join(__dirname, dir);',
  // Tells the code it runs bundled (the series build starts the bundled worker).
  'const __colophonBundle = __filename;',
].join('\n');

/**
 * The bundle in ASCII, which the launcher reads as Latin-1 (no UTF-8 to
 * decode). esbuild escapes strings and templates; what it leaves (regular
 * expression literals) takes `\\uXXXX` escapes, which mean the same there.
 * A raw template would change: one with a non-ASCII character stops the build.
 */
function asciiOnly(text) {
  const raw = /String\.raw`(?:[^`\\]|\\.)*`/gs;
  for (const match of text.matchAll(raw)) {
    if (/[^\x00-\x7f]/.test(match[0])) {
      process.stderr.write(`colophon: a String.raw template holds a non-ASCII character (write it as \\u escape): ${match[0].slice(0, 80)}\n`);
      process.exit(1);
    }
  }
  return text.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

// What both bundles are built with.
const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  // ESM builds first: some packages' CommonJS entry is a UMD wrapper that
  // requires its parts at run time (jsonc-parser), which a bundle cannot follow.
  mainFields: ['module', 'main'],
  banner: { js: banner },
  plugins: [metaUrlPlugin],
  logLevel: 'warning',
  // The font subsetter finds its WebAssembly file with require.resolve at
  // run time, from node_modules, which is what it should do in a bundle too.
  logOverride: { 'require-resolve-not-external': 'silent' },
  legalComments: 'none',
  // No comments and no indentation: a third of the size to read at each
  // start. (Local names are shortened in the CLI's own bundles only; see
  // `ownCode` below.)
  minifyWhitespace: true,
  // Non-ASCII characters escaped where they can be (not in String.raw):
  // the launcher reads an ASCII bundle as Latin-1, three times faster than
  // decoding UTF-8 and the same text.
  charset: 'ascii',
  metafile: true,
};

/**
 * What only some builds run goes into parts, bundles of their own
 * (`build/colophon-<part>.cjs`), which the launcher loads, each with a V8
 * code cache of its own, when the code is first asked for
 * (bin/colophon.cjs): packages (Puppeteer for the editions that need the
 * browser, citeproc-js when the citation cache has no answer, Temml and the
 * font subsetter for formulas, zod for input the quick checks cannot vouch
 * for, the HTML parser for raw HTML) and the package's own edition code
 * (the print edition with the browser's set-up, the ebook, the preview
 * server, the series builder), which the main bundle imports with
 * `import()`. An HTML build reads and compiles none of it.
 *
 * Every module is in one bundle only: a part takes what the main bundle or
 * an earlier part already holds from there, through
 * `globalThis.__colophonModule(id)` (a module id is its path in the
 * package), so a module's state (the messages' classes, the timings, the
 * work left before exit, the caches) is the one the rest of the CLI sees.
 * Ids under `src/` are modules of the package's own; other entries are the
 * packages a part holds. Parts that take modules from elsewhere, or give
 * them, are "linked": the launcher checks at start that they are all there,
 * at the size the main bundle knows, and runs the compiled modules when one
 * is not. A part of packages only falls back to node_modules alone.
 */
const parts = {
  browser: ['puppeteer-core', '@puppeteer/browsers'],
  citeproc: ['citeproc'],
  math: ['temml'],
  'math-font': ['subset-font'],
  checks: ['zod'],
  html: ['hast-util-from-html', 'rehype-raw'],
  print: ['src/pdf/index.ts', 'src/pdf/layout-report.ts', 'src/browser.ts'],
  epub: ['src/epub/index.ts'],
  preview: ['src/preview/cli.ts'],
  series: ['src/series/index.ts'],
};
const isOwnModule = (entry) => entry.startsWith('src/');
const partPackages = Object.values(parts).flat().filter((entry) => !isOwnModule(entry));
/** A module's id: its path in the package, with forward slashes. */
const idOf = (file) => path.relative(root, file).split(path.sep).join('/');
const escape = (name) => name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** Which bundle holds each module ('main' or a part's name). */
const owner = new Map();
for (const [part, entries] of Object.entries(parts)) for (const entry of entries.filter(isOwnModule)) owner.set(entry, part);
/** The main bundle's ES modules that every start sets up (static imports from the CLI's entry). */
const atStart = new Set();
/** For each bundle, the ids of its modules that other bundles take from it. */
const wanted = new Map([['main', new Set()], ...Object.keys(parts).map((part) => [part, new Set()])]);

/** The main bundle's modules a part imports with import(), which it sets up only then. */
const importedLater = new Set();
/**
 * `import(specifier)` in `file` of `bundle`, of a module another bundle
 * holds: `globalThis.__colophonImport(id)` (a promise of its exports);
 * undefined for a module of this bundle, or one not placed yet.
 */
function crossImport(bundle, file, specifier) {
  const target = path.resolve(path.dirname(file), specifier);
  const id = idOf(existsSync(target.replace(/\.js$/, '.ts')) ? target.replace(/\.js$/, '.ts') : target);
  const home = owner.get(id);
  if (home === undefined || home === bundle) return undefined;
  if (home === 'main') importedLater.add(id);
  else wanted.get(home).add(id);
  return `globalThis.__colophonImport(${JSON.stringify(id)})`;
}

/** The parts' packages, exactly (not their package.json), left to the launcher, but in their own part. */
function partsOutside(own = []) {
  const names = partPackages.filter((name) => !own.includes(name));
  const pattern = new RegExp(`^(?:${names.map(escape).join('|')})$`);
  return {
    name: 'colophon-parts',
    setup(build) {
      build.onResolve({ filter: pattern }, (args) => ({ path: args.path, external: true }));
    },
  };
}

/**
 * A module another bundle holds becomes `globalThis.__colophonModule(id)`
 * (its exports, initialised on first use); every other one is bundled.
 * The main bundle may reach a part's module only with `import()`: a static
 * import would load the part at every start.
 */
function linker(bundle, registry) {
  return {
    name: 'colophon-linker',
    setup(build) {
      build.onResolve({ filter: /^colophon-registry$/ }, () => ({ path: bundle, namespace: 'colophon-registry' }));
      build.onLoad({ filter: /.*/, namespace: 'colophon-registry' }, () => ({ contents: registry(), resolveDir: root, loader: 'js' }));
      build.onResolve({ filter: /.*/ }, async (args) => {
        if (args.pluginData?.colophonLinker || args.kind === 'entry-point' || args.namespace === 'colophon-module') return undefined;
        const found = await build.resolve(args.path, {
          kind: args.kind,
          importer: args.importer,
          namespace: args.namespace === 'colophon-registry' ? 'file' : args.namespace,
          resolveDir: args.resolveDir,
          pluginData: { colophonLinker: true },
        });
        // esbuild words what it cannot resolve (or leaves it, in a try block).
        if (found.errors.length > 0) return undefined;
        const resolved = { path: found.path, namespace: found.namespace, external: found.external, sideEffects: found.sideEffects, suffix: found.suffix, pluginData: found.pluginData };
        if (found.external || found.namespace !== 'file') return resolved;
        const id = idOf(found.path);
        const home = owner.get(id);
        if (home === undefined || home === bundle) return resolved;
        if (bundle === 'main' && home !== 'main' && args.kind !== 'dynamic-import') {
          return { errors: [{ text: `${id} is in the ${home} part, which the main bundle loads on demand: import it with import() (imported from ${idOf(args.importer)})` }] };
        }
        wanted.get(home).add(id);
        return { path: id, namespace: 'colophon-module' };
      });
      build.onLoad({ filter: /.*/, namespace: 'colophon-module' }, (args) => ({
        contents: `module.exports = globalThis.__colophonModule(${JSON.stringify(args.path)});`,
        loader: 'js',
      }));
    },
  };
}

/** The bundle's files, by id (not its entry nor the virtual modules). */
const inputsOf = (metafile) => Object.keys(metafile.inputs).filter((key) => !/^[\w-]+:/.test(key) && !/^colophon[\w-]*\.cjs$/.test(key));

/** How a registry names a module: by its path from the package, a package by its name. */
const specifier = (id) => (isOwnModule(id) || id.startsWith('node_modules/') ? `./${id}` : id);
/** Source of a registry: module id → its exports, loaded once, on first use. */
const loaders = (ids) => [...ids].sort().map((id) => `${JSON.stringify(id)}: () => require(${JSON.stringify(specifier(id))})`).join(',\n');

/**
 * The CLI's own bundles (the main one, the series worker, and the parts of
 * its own code and of what the main bundle held before: the HTML parser)
 * also have their local names shortened: a third less source to read and
 * 6 % less code cache at each start (about 3 ms of a cached rebuild).
 * Exported names, property names and text stay; functions sent to the
 * print page as source text only use their own names. A stack trace names
 * the shortened functions, so `--debug` runs the compiled modules instead
 * (bin/colophon.cjs). The parts of packages stay as their packages wrote
 * them (some send their functions to the browser as text).
 */
const ownCode = { minifyIdentifiers: true };
const packagesAsWritten = ['browser', 'citeproc', 'math', 'math-font', 'checks'];

const mainOptions = () => ({
  ...common,
  ...ownCode,
  absWorkingDir: root,
  plugins: [partsOutside(), linker('main', mainRegistry), sourcePlugin('main')],
  // The registry after the CLI's modules, which keep their order; it is
  // set up before any part can ask for it (parts load in promises).
  stdin: { contents: 'import "./src/cli/bin.ts";\nimport "colophon-registry";\n', resolveDir: root, sourcefile: 'colophon.cjs', loader: 'js' },
  external: ['esbuild'],
  write: false,
  outfile: path.join(buildDir, 'colophon.cjs'),
});

/**
 * The main bundle's registry, `globalThis.__colophonModule`: the modules the
 * parts take from it; a part's module comes from the launcher, which loads
 * its part (`require` here is the launcher's). The ES modules every start
 * sets up anyway (imported by the CLI's modules, in their order) are taken
 * as they are, and stay as esbuild bundles them, in place; the others are
 * set up when first asked for.
 */
function mainRegistry() {
  // Taken at once (a static import in a part), or set up at start anyway.
  const ids = [...new Set([...wanted.get('main'), ...[...importedLater].filter((id) => atStart.has(id))])].sort();
  const eager = ids.filter((id) => atStart.has(id));
  // Imported with import() only, and set up then.
  const later = [...importedLater].filter((id) => !atStart.has(id)).sort();
  const entry = (id) => (eager.includes(id) ? `() => view(m${eager.indexOf(id)})` : `() => require(${JSON.stringify(specifier(id))})`);
  return `${eager.map((id, i) => `import * as m${i} from ${JSON.stringify(specifier(id))};`).join('\n')}
const registry = {
  modules: {
${ids.map((id) => `${JSON.stringify(id)}: ${entry(id)}`).join(',\n')}
  },
  later: {
${later.map((id) => `${JSON.stringify(id)}: () => import(${JSON.stringify(specifier(id))})`).join(',\n')}
  },
  loaded: new Map(),
};
/** An ES module's exports as CommonJS sees them: live, its default export as \`default\`. */
function view(namespace) {
  const exports = Object.defineProperty({}, '__esModule', { value: true });
  for (const key of Object.keys(namespace)) Object.defineProperty(exports, key, { enumerable: true, get: () => namespace[key] });
  return exports;
}
globalThis.__colophonModule = (id) => {
  const { modules, loaded } = registry;
  if (!loaded.has(id)) loaded.set(id, Object.hasOwn(modules, id) ? modules[id]() : require(id));
  return loaded.get(id);
};
globalThis.__colophonImportNow = (id) => (Object.hasOwn(registry.later, id) ? registry.later[id]() : globalThis.__colophonModule(id));
`;
}

/** A part's entry: its packages and the modules others take from it, loaded on first use; the stamp of the build it belongs to. */
function partRegistry(part, stamp) {
  const ids = new Set([...parts[part], ...wanted.get(part)]);
  return `const modules = {\n${loaders(ids)}\n};
const loaded = new Map();
module.exports = {
  stamp: ${JSON.stringify(stamp)},
  has: (id) => Object.hasOwn(modules, id),
  load(id) {
    if (!loaded.has(id)) loaded.set(id, modules[id]());
    return loaded.get(id);
  },
};
`;
}

const partOptions = (part, stamp) => ({
  ...common,
  ...(packagesAsWritten.includes(part) ? {} : ownCode),
  absWorkingDir: root,
  plugins: [partsOutside(parts[part]), linker(part, () => partRegistry(part, stamp)), sourcePlugin(part)],
  stdin: { contents: 'module.exports = require("colophon-registry");\n', resolveDir: root, sourcefile: `colophon-${part}.cjs`, loader: 'js' },
  external: ['esbuild'],
  write: false,
  outfile: path.join(buildDir, `colophon-${part}.cjs`),
});

const built = async (options) => {
  const made = await esbuild.build(options);
  if (made.errors.length > 0) process.exit(1);
  return made;
};

// First pass: which bundle holds which module. The main bundle holds what
// it runs; a part what it alone runs beside that; a module two parts run,
// and the main bundle not, is in the main bundle (set up only when asked
// for), so that no part loads another for a module of it.
{
  const main = await built(mainOptions());
  for (const id of inputsOf(main.metafile)) if (!owner.has(id)) owner.set(id, 'main');
  const { inputs } = main.metafile;
  const visit = (id) => {
    if (atStart.has(id) || !inputs[id] || inputs[id].format !== 'esm') return;
    atStart.add(id);
    for (const imported of inputs[id].imports) if (imported.kind === 'import-statement' && !imported.external) visit(imported.path);
  };
  visit('src/cli/bin.ts');
  const reached = new Map();
  const bundledFiles = new Set(inputsOf(main.metafile).map((id) => path.resolve(root, id)));
  for (const part of Object.keys(parts)) {
    const made = await built(partOptions(part, ''));
    for (const id of inputsOf(made.metafile)) bundledFiles.add(path.resolve(root, id));
    for (const id of inputsOf(made.metafile)) if (!owner.has(id)) reached.set(id, [...(reached.get(id) ?? []), part]);
  }
  for (const [id, holders] of reached) owner.set(id, holders.length === 1 ? holders[0] : 'main');
  for (const ids of wanted.values()) ids.clear();
  importedLater.clear();
  // An edited package file no bundle holds any more (its package moved or
  // stopped using it): said, not silently dropped.
  for (const [file, { entry, file: name }] of editedFiles) {
    if (!bundledFiles.has(file)) {
      process.stderr.write(`colophon: ${entry.package}/${name} is not bundled any more (packageEdits in scripts/bundle.mjs): look at the edit of ${entry.name} again\n`);
      process.exit(1);
    }
  }
}
/**
 * A bundle as the launcher compiles it: inside Node's module wrapper
 * already. Wrapped at each start, the text would be joined to the wrapper
 * and copied whole before V8 reads it (0.9 ms of the main bundle's 5 ms
 * compile). The same text, so the code caches are the same.
 */
const [wrapperHead, wrapperTail] = Module.wrap('\0').split('\0');
/**
 * The text is stamped with a hash of itself, first thing inside the
 * wrapper: V8 checks a code cache against the length of the source only,
 * and the launcher keeps a cache for the stamp it was made for
 * (bin/colophon.cjs, `textStamp`).
 */
const wrapped = (code) => `${wrapperHead}/*colophon-text:${createHash('sha256').update(code).digest('hex').slice(0, 16)}*/${code}${wrapperTail}`;

// The stamp that tells the launcher a part belongs to this main bundle.
const stamp = (() => {
  const hash = createHash('sha256');
  for (const id of [...owner.keys()].sort()) hash.update(`${id}\n${owner.get(id)}\n`).update(readFileSync(path.join(root, id)));
  return hash.digest('hex').slice(0, 16);
})();

// Second pass: the same bundles with their registries.
const bundles = {};
const registered = new Map();
const linked = {};
const partSizes = [];
for (const part of Object.keys(parts)) {
  const made = await built(partOptions(part, stamp));
  bundles[part] = inputsOf(made.metafile);
  const partCode = wrapped(asciiOnly(made.outputFiles[0].text));
  writeFileSync(path.join(buildDir, `colophon-${part}.cjs`), partCode);
  partSizes.push(`${part} ${partCode.length < 100_000 ? `${Math.round(partCode.length / 1024)} kB` : `${(partCode.length / 1024 / 1024).toFixed(1)} MB`}`);
  registered.set(part, new Set([...parts[part], ...wanted.get(part)]));
  const takes = /globalThis\.__colophon(?:Module|Import)\(/.test(partCode);
  if (takes || wanted.get(part).size > 0 || parts[part].some(isOwnModule)) linked[part] = Buffer.byteLength(partCode);
}
// The launcher learns from the main bundle which part holds which package
// or module, which parts must all be there (at which size), and the stamp.
const partOf = {};
for (const [part, entries] of Object.entries(parts)) for (const id of [...entries, ...wanted.get(part)]) partOf[id] = part;
const result = await built({
  ...mainOptions(),
  banner: {
    js: [
      banner,
      `globalThis.__colophonLinkedParts = ${JSON.stringify({ stamp, sizes: linked })};`,
      `globalThis.__colophonParts = ${JSON.stringify(partOf)};`,
      // import() of another bundle's module, from the first line: the
      // registry is set up after the CLI's modules, whose first run may
      // import a part at once (a series build); a promise waits for it.
      'globalThis.__colophonImport = (id) => Promise.resolve().then(() => globalThis.__colophonImportNow(id));',
    ].join('\n'),
  },
});
bundles.main = inputsOf(result.metafile);
// A part takes from another only what that one gives (its entries: a
// module two parts run is in the main bundle).
for (const [part, ids] of registered) {
  for (const id of wanted.get(part)) {
    if (!ids.has(id)) {
      process.stderr.write(`colophon: ${id} of the ${part} part is taken by a part built after it: list it among the ${part} part's entries\n`);
      process.exit(1);
    }
  }
}
// Each module in one bundle only, and in the one the first pass chose.
for (const [bundle, ids] of Object.entries(bundles)) {
  for (const id of ids) {
    if (owner.get(id) !== bundle) {
      process.stderr.write(`colophon: ${id} is in the ${bundle} bundle, but belongs to ${owner.get(id) ?? 'none'}\n`);
      process.exit(1);
    }
  }
}
// Which modules each bundle holds, and which parts are linked (the tests read it).
writeFileSync(path.join(buildDir, 'colophon-bundles.json'), `${JSON.stringify({ linked: Object.keys(linked), bundles }, null, 1)}\n`);
// The series worker runs citeproc-js in every build: it keeps it, and
// Puppeteer stays outside (it finds its own files at run time).
const workerResult = await esbuild.build({
  ...common,
  ...ownCode,
  entryPoints: { 'colophon-worker': path.join(root, 'src', 'series', 'worker.ts') },
  outdir: path.join(buildDir, '.bundle-tmp'),
  outExtension: { '.js': '.cjs' },
  external: ['puppeteer-core', '@puppeteer/browsers', 'esbuild'],
});
if (workerResult.errors.length > 0) process.exit(1);
// The shebang line of bin.ts, if esbuild kept one: vm.Script takes none.
const code = wrapped(asciiOnly(result.outputFiles[0].text.replace(/^#!.*\n/, '')));
writeFileSync(path.join(buildDir, '.bundle-tmp', 'colophon.cjs'), code);

writeFileSync(path.join(buildDir, '.bundle-tmp', 'colophon-worker.cjs'), wrapped(readFileSync(path.join(buildDir, '.bundle-tmp', 'colophon-worker.cjs'), 'utf8')));
renameSync(path.join(buildDir, '.bundle-tmp', 'colophon-worker.cjs'), path.join(buildDir, 'colophon-worker.cjs'));
renameSync(path.join(buildDir, '.bundle-tmp', 'colophon.cjs'), outFile);
rmSync(path.join(buildDir, '.bundle-tmp'), { recursive: true, force: true });
const inputs = bundles.main.length;
process.stdout.write(`bundled ${inputs} modules into ${path.relative(process.cwd(), outFile)} (${(code.length / 1024 / 1024).toFixed(1)} MB)\n`);
process.stdout.write(`bundled the parts loaded on demand: ${partSizes.join(', ')}\n`);

// The print page's paginator, bundled now with the options a print would
// bundle it with at run time (src/pdf/bundle.ts), which then only reads it.
{
  const { paginatorBuildOptions } = await import(path.join(buildDir, 'src', 'pdf', 'bundle.js'));
  const entry = path.join(buildDir, 'src', 'pdf', 'paginator', 'index.js');
  const paginator = await esbuild.build({ ...paginatorBuildOptions(entry), write: false });
  if (paginator.errors.length > 0) process.exit(1);
  const temporary = path.join(buildDir, `.paginator.js.${process.pid}.tmp`);
  writeFileSync(temporary, paginator.outputFiles[0].text);
  renameSync(temporary, path.join(buildDir, 'paginator.js'));
  process.stdout.write(`bundled the print paginator into ${path.relative(process.cwd(), path.join(buildDir, 'paginator.js'))}\n`);
}

if (warmUp) {
  // The launcher writes the code caches when asked, after the build: all
  // three editions where a browser is found (so the print path is in them),
  // else the web page and the ebook.
  const manuscript = path.join(root, 'manuscript', 'readmission-azerbaijan.md');
  const out = mkdtempSync(path.join(tmpdir(), 'colophon-warm-up-'));
  const common = ['build', manuscript, '--out', out, '--no-cache', '-q'];
  const attempts = existsSync(manuscript)
    ? [common, [...common, '--format', 'html,epub', '--browser', path.join(out, 'no-browser')]]
    : [['--help']];
  if (existsSync(manuscript)) {
    // A series of two manuscripts (the series builder's part and the
    // worker), first: the main bundle's cache is written again below, by
    // the build that runs all of its work in this process.
    const series = path.join(out, 'series');
    const copies = ['a.md', 'b.md'].map((name) => path.join(out, name));
    for (const copy of copies) writeFileSync(copy, readFileSync(manuscript));
    const bibliography = path.join(root, 'bibliography', 'readmission-azerbaijan.json');
    spawnSync(process.execPath, [path.join(root, 'bin', 'colophon.cjs'), 'build', ...copies, '--bibliography', bibliography, '--out', series, '--format', 'html', '--jobs', '2', '--no-cache', '-q'], {
      cwd: root,
      env: { ...process.env, COLOPHON_WRITE_CODE_CACHE: '1' },
      encoding: 'utf8',
      timeout: 120_000,
    });
  }
  let run;
  for (const args of attempts) {
    run = spawnSync(process.execPath, [path.join(root, 'bin', 'colophon.cjs'), ...args], {
      cwd: root,
      env: { ...process.env, COLOPHON_WRITE_CODE_CACHE: '1' },
      encoding: 'utf8',
      timeout: 120_000,
    });
    if (run.status === 0) break;
  }
  if (run.status === 0 && existsSync(manuscript)) {
    // A manuscript with errors in its front matter and its references: the
    // checks that word them are a part of their own (zod), which a good
    // build never loads; the failed build writes that part's cache alone.
    const faulty = path.join(out, 'faulty.md');
    writeFileSync(faulty, '---\ntitle: [1, 2]\ntoc: maybe\nreferences:\n  - id: x\n    type: not-a-type\n    issued: {date-parts: [[x]]}\n---\n\nText [@x].\n');
    spawnSync(process.execPath, [path.join(root, 'bin', 'colophon.cjs'), 'build', faulty, '--out', path.join(out, 'faulty'), '--format', 'html', '--no-cache', '-q'], {
      cwd: root,
      env: { ...process.env, COLOPHON_WRITE_CODE_CACHE: '1' },
      encoding: 'utf8',
      timeout: 120_000,
    });
  }
  rmSync(out, { recursive: true, force: true });
  if (run.status !== 0) process.stderr.write(`colophon: the warm-up build failed (the CLI still works, without a code cache):\n${run.stderr}\n`);
  else process.stdout.write(`wrote the V8 code cache for Node ${process.version}\n`);
}
