/**
 * Failures of a build that are not problems in a manuscript's text: the
 * command line asked for something unsafe (exit 2), or the machine failed
 * the build (exit 3). The CLI prints `colophon: message` and exits with
 * `exitCode`.
 */
export class BuildUsageError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'BuildUsageError';
  }
}

export class BuildEnvironmentError extends Error {
  readonly exitCode = 3;
  constructor(message: string) {
    super(message);
    this.name = 'BuildEnvironmentError';
  }
}
