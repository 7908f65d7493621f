/**
 * The editor who is also the translator, named once: "(K. P. Bland, Ed. &
 * Trans.)", "Edited and translated by Kalman P. Bland", as CSL 1.0.2 and
 * Pandoc have it whenever a `cs:names` element holds both variables.
 *
 * citeproc-js looks for the combined term (`editortranslator`) only when
 * the element names exactly those two variables; a style that lists a third
 * (APA's `translator editor container-author`) gets both lists in full:
 * "(K. P. Bland, Trans., K. P. Bland, Ed.)". Colophon asks citeproc-js
 * about the variables the item has: when those are the editor and the
 * translator, and the first one listed is one of them (citeproc-js renders
 * the first variable under the combined term), the combined term is
 * looked for as if the element named those two alone.
 */

interface NameOutput {
  variables: string[];
  Item: Record<string, unknown>;
  common_term?: string | false;
}

export interface NameOutputGlobals {
  NameOutput: { prototype: { setCommonTerm: (this: NameOutput, requireMatch?: boolean) => void } };
}

export function nameEditorTranslatorOnce(CSL: NameOutputGlobals): void {
  const setCommonTerm = CSL.NameOutput.prototype.setCommonTerm;
  CSL.NameOutput.prototype.setCommonTerm = function (requireMatch) {
    const listed = this.variables;
    const present = listed.filter((variable) => Array.isArray(this.Item[variable]) && (this.Item[variable] as unknown[]).length > 0);
    const pair = present.length === 2 && present.includes('editor') && present.includes('translator');
    if (!pair || present.length === listed.length || !present.includes(listed[0])) {
      setCommonTerm.call(this, requireMatch);
      return;
    }
    this.variables = present;
    try {
      setCommonTerm.call(this, requireMatch);
    } finally {
      this.variables = listed;
    }
  };
}

interface NumberState {
  tmp: { shadow_numbers: Record<string, { plural?: number; numeric?: boolean; values?: Array<{ plural?: number; numeric?: boolean }> } | undefined> };
}

export interface NumberGlobals {
  Engine: { prototype: { processNumber: (this: NumberState, node: unknown, item: Record<string, unknown> | undefined, variable: string, type?: string) => unknown } };
}

/**
 * A locator or number joined by a word or an ampersand ("6 and 7", "6 &
 * 7", "6 und 7") keeps a singular label, as in Pandoc ("no. 6 and 7"):
 * only a range or a list (comma, semicolon) makes it plural. citeproc-js
 * counts "and" and "&" as a list too ("nos. 6 and 7").
 *
 * And a decimal number ("2.5", a series' part 2, volume 5) is a number, as
 * in Pandoc, for `is-numeric`: "Handbuch der Altertumswissenschaft 2.5",
 * where citeproc-js takes the style's branch for words ("…, 2.5").
 */
export function singularLabelForWordLists(CSL: NumberGlobals): void {
  const processNumber = CSL.Engine.prototype.processNumber;
  CSL.Engine.prototype.processNumber = function (node, item, variable, type) {
    const result = processNumber.call(this, node, item, variable, type);
    const value = item?.[variable];
    const shadow = this.tmp.shadow_numbers[variable];
    if (shadow && typeof value === 'string' && /\s\p{L}+\s|&/u.test(value) && !/[-\u2013,;]/.test(value)) {
      shadow.plural = 0;
      for (const part of shadow.values ?? []) part.plural = 0;
    }
    if (shadow && !shadow.numeric && (typeof value === 'string' || typeof value === 'number') && /^\d+(?:\.\d+)+$/.test(String(value).trim())) {
      shadow.numeric = true;
      for (const part of shadow.values ?? []) part.numeric = true;
    }
    return result;
  };
}
