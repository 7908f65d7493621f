/**
 * `colophon preview [FILE.md]` on the command line: start the server,
 * print its address, run until Ctrl-C.
 */
import { startPreview, type PreviewOptions } from './server.js';

export async function runPreview(options: PreviewOptions & { quiet?: boolean }): Promise<number> {
  const preview = await startPreview({
    ...options,
    log: (line) => {
      if (options.quiet && !/ {2}|failed/.test(line)) return;
      process.stderr.write(`${line}\n`);
    },
  });
  process.stdout.write(`preview of ${options.input} at ${preview.url} (PDF: ${preview.url}${encodeURIComponent(preview.name)}.pdf); Ctrl-C stops it\n`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    process.once('SIGHUP', stop);
  });
  await preview.close();
  return 0;
}
