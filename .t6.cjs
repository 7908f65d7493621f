const fs = require('fs'), vm = require('vm'), Module = require('module');
const src = fs.readFileSync('build/colophon.cjs', 'utf8');
const cd = process.argv[2] ? fs.readFileSync('build/colophon-v20.20.2-x64.v8cache') : undefined;
let t = performance.now();
const s = new vm.Script(Module.wrap(src), { filename: '/work/wt-speed/build/colophon.cjs', cachedData: cd });
console.log('script', (performance.now() - t).toFixed(1), 'rejected', s.cachedDataRejected);
