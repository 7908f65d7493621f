/**
 * Punctuation that citeproc-js moves inside a closing quotation mark (in
 * locales with `punctuation-in-quote`, American English) is dropped where
 * the quoted words already end a sentence: `“Works!”` and `“The earliest
 * stage.”`, not `“Works!,”` and `“stage.,”`. That is what Pandoc's citeproc
 * prints and what the Chicago Manual asks (a comma or full stop does not
 * follow a question mark or exclamation point, nor another full stop).
 * citeproc-js's own table of punctuation merges keeps both marks.
 */
import { localeStyleOption } from '../shared/csl-xml.js';

/** Closing quotation marks of the CSL locales (`close-quote`, `close-inner-quote`). */
const closingQuotes = '”’"»›」』';

// The sentence's own mark, any closing tags or inner closing quotation
// marks (‘stop.’), the moved comma or full stop, then (after any closing
// tags) a closing quotation mark.
const doubled = new RegExp(`([.!?])((?:</[a-z]+>|[${closingQuotes}])*)[.,](?=(?:</[a-z]+>)*[${closingQuotes}])`, 'g');

/** `html` with a comma or full stop after `.`, `!` or `?` inside closing quotation marks dropped. */
export function absorbPunctuationInQuotes(html: string): string {
  return html.replace(doubled, '$1$2');
}

/** Whether citeproc-js moves punctuation inside quotation marks for this document: the locale's (or the style's) `punctuation-in-quote`. */
export function movesPunctuationIntoQuotes(styleXml: string, lang: string, locales: Map<string, string>): boolean {
  const locale = locales.get(lang) ?? locales.get(lang.split('-')[0]) ?? '';
  if (/<style-options\b[^>]*\bpunctuation-in-quote="true"/.test(styleXml)) return true;
  return localeStyleOption(locale, 'punctuation-in-quote') === 'true';
}
