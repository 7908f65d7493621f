/** CSL-JSON as the `cite` stage needs it: an id, a type, anything else. */
export interface CslItem {
  id: string;
  type: string;
  language?: string;
  [field: string]: unknown;
}

/** A style as the registry resolves it (`src/load/styles.ts`). */
export interface StyleInput {
  id: string;
  title: string;
  class: 'note' | 'in-text';
  hasBibliography: boolean;
  xml: string;
}
