/**
 * An author's `orcid` as a link: the one rule every edition uses.
 *
 * A bare ORCID iD (`0000-0002-1825-0097`) becomes `https://orcid.org/…`;
 * an http(s) URL is kept, in its parsed, percent-encoded form; anything
 * else (`javascript:…`, a typo) is no link at all.
 */
export function orcidUrl(orcid: string | undefined): string | undefined {
  if (!orcid) return undefined;
  const value = orcid.trim();
  if (/^\d{4}-\d{4}-\d{4}-\d{3}[\dX]$/.test(value)) return `https://orcid.org/${value}`;
  if (!/^https?:\/\//i.test(value)) return undefined;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}
