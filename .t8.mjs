import puppeteer from 'puppeteer-core';
import { browserArgs } from './build/src/browser.js';
const variants = {
  base: [],
  inproc: ['--in-process-gpu'],
  nozygote: ['--no-zygote'],
  both: ['--in-process-gpu', '--no-zygote'],
  more: ['--in-process-gpu', '--no-zygote', '--disable-features=Translate,MediaRouter,OptimizationHints,AutofillServerCommunication,CertificateTransparencyComponentUpdater', '--disable-software-rasterizer'],
};
const res = {};
for (let r = 0; r < 5; r++) for (const [name, extra] of Object.entries(variants)) {
  const t = performance.now();
  const cpu0 = process.cpuUsage();
  const b = await puppeteer.launch({ executablePath: '/usr/bin/chromium', args: [...browserArgs, ...extra], headless: true, pipe: true });
  const t1 = performance.now();
  const p = await b.newPage();
  await p.setContent('<p>Hello <b>world</b></p>');
  await p.pdf();
  const t2 = performance.now();
  const proc = b.process();
  await b.close();
  (res[name] ??= []).push([t1 - t, t2 - t1]);
}
const med = (a) => a.sort((x, y) => x - y)[a.length >> 1];
for (const [n, v] of Object.entries(res)) console.log(n.padEnd(10), 'launch', med(v.map((x) => x[0])).toFixed(0), 'page+pdf', med(v.map((x) => x[1])).toFixed(0));
