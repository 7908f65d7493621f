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
