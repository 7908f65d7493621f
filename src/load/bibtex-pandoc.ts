/**
 * BibTeX entries as Pandoc converts them, after citation-js has read them:
 *
 * - the entry's language is its `langid` (with `langidopts` `variant=`) as
 *   a BCP 47 tag (`english` + `american` → `en-US`, `german` → `de-DE`);
 *   a BibLaTeX `language` list (`langlatin and langgerman`) names the
 *   languages of the work, not the entry's, and is not CSL's `language`;
 * - titles of English entries are in sentence case (citation-js's
 *   `sentenceCase: 'english'`, set where the parser is made), with
 *   `{Protected}` words kept.
 *
 * And, for a file that does not parse, where an unclosed brace starts.
 */

/** Babel and polyglossia language names → BCP 47, as Pandoc maps them. */
const babelLanguages: Record<string, string> = {
  american: 'en-US', usenglish: 'en-US', english: 'en-US', british: 'en-GB', ukenglish: 'en-GB', canadian: 'en-CA',
  australian: 'en-AU', newzealand: 'en-NZ', german: 'de-DE', ngerman: 'de-DE', austrian: 'de-AT', naustrian: 'de-AT',
  swissgerman: 'de-CH', nswissgerman: 'de-CH', french: 'fr-FR', francais: 'fr-FR', acadian: 'fr-CA', canadien: 'fr-CA',
  italian: 'it-IT', spanish: 'es-ES', portuguese: 'pt-PT', portuges: 'pt-PT', brazilian: 'pt-BR', brazil: 'pt-BR',
  dutch: 'nl-NL', russian: 'ru-RU', ukrainian: 'uk-UA', polish: 'pl-PL', czech: 'cs-CZ', slovak: 'sk-SK',
  swedish: 'sv-SE', danish: 'da-DK', norwegian: 'nb-NO', norsk: 'nb-NO', nynorsk: 'nn-NO', finnish: 'fi-FI',
  icelandic: 'is-IS', greek: 'el-GR', latin: 'la', turkish: 'tr-TR', hungarian: 'hu-HU', magyar: 'hu-HU',
  romanian: 'ro-RO', bulgarian: 'bg-BG', croatian: 'hr-HR', serbian: 'sr-RS', slovene: 'sl-SI', slovenian: 'sl-SI',
  estonian: 'et-EE', latvian: 'lv-LV', lithuanian: 'lt-LT', catalan: 'ca-AD', basque: 'eu', galician: 'gl-ES',
  hebrew: 'he-IL', arabic: 'ar', persian: 'fa-IR', farsi: 'fa-IR', japanese: 'ja-JP', chinese: 'zh-CN', korean: 'ko-KR',
  vietnamese: 'vi-VN', thai: 'th-TH', indonesian: 'id-ID', afrikaans: 'af-ZA', welsh: 'cy-GB', irish: 'ga-IE',
  mongolian: 'mn-MN', hindi: 'hi-IN',
};

const variants: Record<string, string> = {
  american: 'en-US', usenglish: 'en-US', us: 'en-US', british: 'en-GB', ukenglish: 'en-GB', uk: 'en-GB',
  australian: 'en-AU', canadian: 'en-CA', newzealand: 'en-NZ', german: 'de-DE', austrian: 'de-AT', swiss: 'de-CH',
  brazilian: 'pt-BR', portuguese: 'pt-PT',
};

/** A field's value in an entry's text (`langid = {german}`), braces or quotes stripped. */
function fieldValue(entryText: string, field: string): string | undefined {
  const match = new RegExp(String.raw`(?:^|[,\s])${field}\s*=\s*(?:\{([^{}]*)\}|"([^"]*)"|([A-Za-z0-9_-]+))`, 'i').exec(entryText);
  const value = match?.[1] ?? match?.[2] ?? match?.[3];
  return value?.trim();
}

/** The BCP 47 tag of a babel language name, or the name when it already looks like one. */
export function babelToBcp47(name: string, variant?: string): string | undefined {
  const key = name.trim().toLowerCase();
  if (variant) {
    const tag = variants[variant.trim().toLowerCase()];
    if (tag && tag.split('-')[0] === (babelLanguages[key] ?? key).split('-')[0]) return tag;
  }
  if (babelLanguages[key]) return babelLanguages[key];
  if (/^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$/i.test(key)) return name.trim();
  return undefined;
}

/** One citation-js item, its entry's text beside it, as Pandoc would have it. */
export function bibtexAsPandoc(raw: unknown, entryText: string): unknown {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return raw;
  const item = { ...(raw as Record<string, unknown>) };
  const langid = fieldValue(entryText, 'langid');
  const variant = /variant\s*=\s*([A-Za-z]+)/i.exec(fieldValue(entryText, 'langidopts') ?? '')?.[1];
  const fromLangid = langid ? babelToBcp47(langid, variant) : undefined;
  if (fromLangid) item.language = fromLangid;
  else if (Array.isArray(item.language)) delete item.language;
  else if (typeof item.language === 'string') {
    const tag = babelToBcp47(item.language.replace(/^lang/i, ''));
    if (tag) item.language = tag;
  }
  return item;
}

/**
 * Where a value's brace is never closed in one entry's text: the field whose
 * `{` is still open when the next `field =` line (or the end) comes. Offsets
 * are in `entryText`.
 */
export function unclosedBrace(entryText: string): { field: string; offset: number } | undefined {
  let depth = 0;
  let current: { field: string; offset: number; depth: number } | undefined;
  const fieldStart = /^[ \t]*([A-Za-z][\w:-]*)[ \t]*=[ \t]*/;
  for (let i = 0; i < entryText.length; i++) {
    const c = entryText[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (i === 0 || entryText[i - 1] === '\n') {
      const start = fieldStart.exec(entryText.slice(i));
      if (start) {
        if (current && depth > current.depth) return { field: current.field, offset: current.offset };
        const valueAt = i + start[0].length;
        current = entryText[valueAt] === '{' ? { field: start[1], offset: valueAt, depth } : undefined;
      }
    }
    if (c === '{') depth++;
    else if (c === '}') depth--;
  }
  if (current && depth > current.depth) return { field: current.field, offset: current.offset };
  return undefined;
}
