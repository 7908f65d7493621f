/** What a build tells a progress line. */
export type ProgressEvent =
  | { kind: 'stage'; name: string; stage: string }
  | { kind: 'pages'; name: string; pages: number }
  | { kind: 'written'; name: string; file: string }
  | { kind: 'done'; name: string; ok: boolean; done: number; total: number };
