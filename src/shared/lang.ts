/**
 * Language tags as the page can use them.
 *
 * In: a language as a manuscript or a bibliography gives it (`ru`,
 * `en_GB`, `rus`, `Russian`: CSL-JSON's `language` is free text, and
 * reference managers write names as often as codes). Out: a well-formed,
 * registered BCP 47 tag (`ru`, `en-GB`), or null when the value names no
 * language that can be recognised.
 *
 * A `lang` the Nu HTML Checker cannot find in the subtag registry is an
 * error, and a screen reader given one guesses a voice; no `lang` at all
 * lets the passage inherit the page's language, which is the lesser harm.
 */

let names: Map<string, string> | undefined;

/** English language names → two-letter codes, built from the runtime's own locale data (once, when first needed: it takes a while). */
export function languageNames(): Map<string, string> {
  if (names) return names;
  names = new Map();
  const display = new Intl.DisplayNames(['en'], { type: 'language', fallback: 'code' });
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  for (const a of letters)
    for (const b of letters) {
      const code = a + b;
      const name = display.of(code);
      if (name && name !== code) names.set(name.toLowerCase(), code);
    }
  return names;
}

let display: Intl.DisplayNames | undefined;
const known = new Map<string, boolean>();

/**
 * The two-letter codes the runtime's locale data names in English (ISO
 * 639-1 with the deprecated `in`, `iw`, `ji`, `jw`, `mo` and `sh`): asking
 * `Intl.DisplayNames` loads that data, which costs more than a whole page
 * of text takes to parse, so the common case is answered from this list.
 */
const twoLetterCodes = new Set(
  ('aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv cy da de dv dz ee el en eo es et eu fa ' +
    'ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz ia id ie ig ii ik in io is it iu iw ja ji jv jw ka kg ki kj kk kl km ' +
    'kn ko kr ks ku kv kw ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mo mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om or os ' +
    'pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg sh si sk sl sm sn so sq sr ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ' +
    'ug uk ur uz ve vi vo wa wo xh yi yo za zh zu').split(' '),
);

/** Whether the runtime knows `primary` as a language (unknown codes come back unchanged). */
function knownLanguage(primary: string): boolean {
  if (primary === 'und' || primary === 'mul' || primary === 'zxx') return true;
  if (primary.length === 2) return twoLetterCodes.has(primary);
  let answer = known.get(primary);
  if (answer === undefined) {
    try {
      // One reader of names for all: making one loads the runtime's locale data.
      display ??= new Intl.DisplayNames(['en'], { type: 'language', fallback: 'code' });
      answer = display.of(primary) !== primary;
    } catch {
      answer = false;
    }
    known.set(primary, answer);
  }
  return answer;
}

const codeShaped = /^[A-Za-z]{2}(?:-[A-Za-z0-9]{1,8})*$/;

/** A registered BCP 47 tag for `value`, or null. */
export function normaliseLang(value: string): string | null {
  const raw = value.trim().replace(/_/g, '-');
  if (raw === '') return null;
  // A two-letter primary subtag is a code: no language's English name is
  // that short (`ewe`, `ido` and `lao` are the shortest), so the table of
  // names is not built for the common case.
  const byName = codeShaped.test(raw) ? undefined : languageNames().get(raw.toLowerCase());
  if (byName) return byName;
  let canonical: string;
  try {
    [canonical = ''] = Intl.getCanonicalLocales(raw);
  } catch {
    return null;
  }
  const primary = canonical.split('-')[0] ?? '';
  return primary.length >= 2 && primary.length <= 3 && knownLanguage(primary) ? canonical : null;
}

/**
 * Whether `tag` is a well-formed BCP 47 language tag (`en`, `en-GB`,
 * `sr-Latn-RS`, `de-CH-1996`), as `Intl` reads them: what may stand in a
 * `lang` attribute, a PDF's `/Lang` and the citation engine's locale.
 */
export function isLanguageTag(tag: string): boolean {
  if (!/^[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8})*$/.test(tag)) return false;
  try {
    return Intl.getCanonicalLocales(tag).length === 1;
  } catch {
    return false;
  }
}

/** The message for a value that is not a language tag. */
export function languageTagProblem(value: string): string {
  const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value;
  return `${JSON.stringify(shown)} is not a BCP 47 language tag (such as \`en-GB\`, \`fr\` or \`sr-Latn\`)`;
}
