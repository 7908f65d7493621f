/**
 * Which of stdout and stderr the process has made. Node makes each stream
 * on first use; a command that is done flushes those it made before it
 * ends the process (`bin.ts`), and a quiet build that said nothing makes
 * neither. Imported by the bin before any module that could write.
 */
/** stdout and stderr, once made: Node makes each on first use. */
export const madeStreams = new Set<NodeJS.WriteStream>();
for (const name of ['stdout', 'stderr'] as const) {
  const descriptor = Object.getOwnPropertyDescriptor(process, name);
  const get = descriptor?.get;
  if (!get || !descriptor.configurable) continue;
  Object.defineProperty(process, name, {
    ...descriptor,
    get() {
      const stream = get.call(process) as NodeJS.WriteStream;
      madeStreams.add(stream);
      return stream;
    },
  });
}

