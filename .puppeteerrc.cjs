// Colophon finds a browser itself (see src/pdf/browser.ts): never let
// Puppeteer's install script download one.
module.exports = { skipDownload: true };
