/**
 * Which of stdout and stderr the process has made. Node makes each stream
 * on first use; a command that is done flushes those it made before it
 * ends the process (`bin.ts`), and a quiet build that said nothing makes
 * neither. Imported by the bin before any module that could write.
 */
/** stdout and stderr, once made: Node makes each on first use. */
export const madeStreams = new Set<NodeJS.WriteStream>();

/**
 * A reader that went away (`colophon styles | head -1`) is no failure of
 * the command: what is left to say is dropped, and the command ends as it
 * would have (a build still puts its editions in place). Any other error
 * of the stream is thrown, as before.
 */
function readerGone(error: NodeJS.ErrnoException): void {
  if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') return;
  throw error;
}

for (const name of ['stdout', 'stderr'] as const) {
  const descriptor = Object.getOwnPropertyDescriptor(process, name);
  const get = descriptor?.get;
  if (!get || !descriptor.configurable) continue;
  Object.defineProperty(process, name, {
    ...descriptor,
    get() {
      const stream = get.call(process) as NodeJS.WriteStream;
      if (!madeStreams.has(stream)) {
        madeStreams.add(stream);
        stream.on('error', readerGone);
      }
      return stream;
    },
  });
}

