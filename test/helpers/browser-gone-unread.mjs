// Launches the build's browser, lets Puppeteer let go of it, and kills it
// with a message of ours unread on its pipe, as a browser that ends while a
// message is on its way does. Prints "went on" when this process outlives
// the reset pipe; an uncaught ECONNRESET would end it first.
import { readdirSync, readFileSync } from 'node:fs';
import { launchBrowser } from '../../build/src/browser.js';

const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The state letter of one thread of a process (R, S, T...); a thread gone counts as stopped. */
function threadState(pid, task) {
  try {
    const stat = readFileSync(`/proc/${pid}/task/${task}/stat`, 'utf8');
    return stat[stat.lastIndexOf(')') + 2];
  } catch {
    return 'T';
  }
}

// The kernel resets the pipe nine times in ten here, not always: three rounds.
for (let round = 0; round < 3; round++) {
  const browser = await launchBrowser();
  const child = browser.process();
  await browser.disconnect();
  // Stopped, it reads nothing written to it from now on. A signal is taken
  // some time after it is sent: wait until every thread has stopped.
  process.kill(child.pid, 'SIGSTOP');
  while (!readdirSync(`/proc/${child.pid}/task`).every((task) => threadState(child.pid, task) === 'T')) await pause(5);
  child.stdio[3].write('{"id":1,"method":"Browser.getVersion"}\0');
  const exited = new Promise((resolve) => child.once('exit', resolve));
  process.kill(-child.pid, 'SIGKILL');
  await exited;
  await pause(300);
}
console.log('went on');
