/**
 * Links to sources (来源网址) that the site shows: only `http:` and `https:` addresses are links.
 * Anything else (`javascript:`, `data:`, `vbscript:`, relative paths…) would run in, or leave the
 * reader on, a page of this site; it is refused on import and never rendered as a link.
 */

/** Whether `value` is an absolute http(s) URL. */
export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value.trim());
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/** `value` as an href when it is an http(s) URL, else null (show the text without a link). */
export function safeHref(value: string | null | undefined): string | null {
  return value && isHttpUrl(value) ? new URL(value.trim()).href : null;
}

/** The Chinese message for a source address that is not an http(s) URL. */
export const HTTP_URL_MESSAGE = '来源网址须是以 http:// 或 https:// 开头的网址';
