/**
 * Node's own warnings (deprecations in dependencies, experimental
 * features) are for developers, not for the people building a book: they
 * are not printed, unless `--debug` is given or `COLOPHON_DEBUG` is set.
 * Imported first by the bin, before any module that could warn.
 */
if (!process.argv.includes('--debug') && !process.env.COLOPHON_DEBUG) process.removeAllListeners('warning');
