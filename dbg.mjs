import { buildDocument } from './build/src/document.js';
import { renderPdf } from './build/src/pdf/index.js';
import { launchBrowser } from './build/src/browser.js';
const model = await buildDocument({ input: '/tmp/sch/t.md' });
const browser = await launchBrowser({ executablePath: '/usr/bin/chromium' });
try {
  const r = await renderPdf(model, { browser, outFile: '/tmp/sch/dbg.pdf', onRequest: (q) => console.log(q.outcome, q.url) });
} finally { await browser.close(); }
