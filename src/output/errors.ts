/**
 * Failures of a build that are not problems in a manuscript's text: the
 * command line asked for something unsafe (exit 2), or the machine failed
 * the build (exit 3, an `EnvironmentError` with its rule id). The CLI prints
 * `colophon: message` (with the rule id for exit 3) and exits with `exitCode`.
 */
import { EnvironmentError } from '../staging.js';

export class BuildUsageError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'BuildUsageError';
  }
}

export class BuildEnvironmentError extends EnvironmentError {
  readonly exitCode = 3;
  constructor(message: string, ruleId: string) {
    super(message, ruleId);
    this.name = 'BuildEnvironmentError';
  }
}
