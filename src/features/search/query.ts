/**
 * From what a shopper typed to a Meilisearch query, and from a hit back to highlighted text.
 * Pure code; the rules are DESIGN.md "Search" and issue #3:
 *
 * - the query is normalised like the documents (./normalize.ts);
 * - a run of Chinese characters becomes a phrase of single characters (`"东 湖 食 品"`), matched
 *   against the `*Chars` fields where every character is its own token: any run inside a longer
 *   word is found (加工坊 in 食品加工坊), and every hit literally contains the run;
 * - letters and digits stay whole words: codes (registration no., credit code, their tails) and
 *   pinyin (full syllable runs and initials) are searched only for queries without Chinese
 *   characters, so a Chinese query never brings up a homophone;
 * - every word must match (`matchingStrategy: 'all'`), typo tolerance is off.
 */
import { pinyin } from 'pinyin-pro';
import { HAN, normalizeCode, normalizeWithMap, normalizeText } from './normalize.ts';
import { escapeHtml } from '../../lib/html.ts';
import { PLACE_NAMES } from './place-names.ts';

/** Searchable attributes, in ranking order: a code match first, pinyin last. */
export const SEARCHABLE = ['codes', 'nameChars', 'productChars', 'decisionChars', 'placeChars', 'pinyin', 'initials'] as const;

/** Attributes searched for a query with Chinese characters: literal fields only. */
export const LITERAL_ATTRIBUTES = ['codes', 'nameChars', 'productChars', 'decisionChars', 'placeChars'] as const;

/** A prepared query. `runs` are the normalised literal runs, for highlighting. */
export interface PreparedQuery {
  /** the `q` sent to Meilisearch ('' for an empty query) */
  q: string;
  /** `attributesToSearchOn` */
  attributes: string[];
  hasHan: boolean;
  runs: string[];
  /** whether the query was longer than Meilisearch reads and was cut (see `fitWords`) */
  cut: boolean;
}

/** Splits a normalised word into runs of Han characters and runs of anything else. */
function segments(word: string): string[] {
  return word.match(/\p{Script=Han}+|[^\p{Script=Han}]+/gu) ?? [];
}

/** Meilisearch reads at most ten query words; every Han character of a phrase counts as one. */
export const MAX_QUERY_WORDS = 10;

/** The shortest a Han run is cut to when a query is over MAX_QUERY_WORDS. */
const MIN_CUT_RUN = 2;

/**
 * A Han run that starts with a place name (./place-names.ts) and goes on with at least two more
 * characters is split there: 南昌米粉 → 南昌 + 米粉, 南昌县米粉 → 南昌县 + 米粉, so that the
 * place can match the address and the product the products (people do not type a space). Every
 * part is a piece of the run, so whatever contains the run still matches, and every hit still
 * contains a literal run of the query. Longest place first.
 */
function splitPlace(run: string, places: readonly string[]): string[] {
  for (const place of places) {
    if (run.startsWith(place) && [...run].length - [...place].length >= 2) return [place, run.slice(place.length)];
  }
  return [run];
}

/**
 * Cuts the runs of a query to what Meilisearch reads (MAX_QUERY_WORDS: a Han run counts one word
 * per character, any other run one): the longest Han run loses its last character until the query
 * fits (not below MIN_CUT_RUN characters), then trailing runs are dropped. A full official name of
 * 12 characters is searched by its first 10: every hit still contains that literal run.
 */
function fitWords(runs: string[]): string[] {
  const words = (run: string) => (HAN.test(run) ? [...run].length : 1);
  const out = runs.map((run) => [...run]);
  let total = runs.reduce((n, run) => n + words(run), 0);
  while (total > MAX_QUERY_WORDS) {
    let longest = -1;
    out.forEach((chars, i) => {
      if (HAN.test(chars.join('')) && chars.length > MIN_CUT_RUN && (longest === -1 || chars.length > (out[longest]?.length ?? 0))) longest = i;
    });
    if (longest === -1) break;
    out[longest]?.pop();
    total--;
  }
  const fitted = out.map((chars) => chars.join(''));
  while (fitted.reduce((n, run) => n + words(run), 0) > MAX_QUERY_WORDS) fitted.pop();
  return fitted;
}

/**
 * Pinyin as the index holds it (`pinyinTokens`): ü (with or without a tone) as v, other tone marks
 * dropped — lü and lǚ find 绿 (lv), not 芦 (lu). Letters without marks are unchanged.
 */
function toneless(seg: string): string {
  return seg
    .normalize('NFD')
    .replace(/u\u0308/gu, 'v')
    .replace(/\p{M}/gu, '')
    .normalize('NFC');
}

/** The literal runs of a query, normalised, codes typed in groups joined, places split off. */
function rawRuns(raw: string, places: readonly string[] = PLACE_NAMES): string[] {
  let normalized = normalizeText(raw);
  // a code typed in groups ("XZF 3601 2100 001") is one code
  const compact = normalized.replace(/ /gu, '');
  if (normalized.includes(' ') && /^[a-z0-9 ]+$/u.test(normalized) && /\d/u.test(compact) && compact.length >= 8) normalized = compact;
  const runs: string[] = [];
  for (const word of normalized.split(' ').filter(Boolean)) {
    for (const seg of segments(word)) runs.push(...(HAN.test(seg) ? splitPlace(seg, places) : [toneless(seg)]));
  }
  return runs;
}

/**
 * Prepares what a user typed (any case, width, script, punctuation) for Meilisearch: normalised
 * runs, a place name at the head of a Han run split off (`splitPlace`), cut to what Meilisearch
 * reads (`fitWords`; `cut` tells whether anything was left out), each Han run a phrase of single
 * characters. `places` defaults to Jiangxi's division names.
 */
export function prepareQuery(raw: string, places: readonly string[] = PLACE_NAMES): PreparedQuery {
  const all = rawRuns(raw, places);
  const runs = fitWords(all);
  const parts: string[] = [];
  let hasHan = false;
  for (const seg of runs) {
    if (HAN.test(seg)) {
      hasHan = true;
      const chars = [...seg];
      parts.push(chars.length === 1 ? seg : `"${chars.join(' ')}"`);
    } else parts.push(seg);
  }
  return { q: parts.join(' '), attributes: [...(hasHan ? LITERAL_ATTRIBUTES : SEARCHABLE)], hasHan, runs, cut: runs.join('') !== all.join('') };
}

const MAX_PINYIN_RUN = 6;

/**
 * Pinyin tokens of a name: every run of up to six consecutive syllables joined (`lao`, `laoli`,
 * `laolimi` …), and the runs of their initials of two letters or more (`ll`, `llm`, `llmf` …).
 * Runs stop at non-Chinese characters. Polyphones take the reading pinyin-pro gives in context.
 */
export function pinyinTokens(name: string): { full: string[]; initials: string[] } {
  const full = new Set<string>();
  const initials = new Set<string>();
  for (const run of normalizeText(name).match(/\p{Script=Han}+/gu) ?? []) {
    // surname readings for the first character (曾 → zeng, 单 → shan): names start with one
    const syllables = pinyin(run, { toneType: 'none', type: 'array', surname: 'head' }).map((s) => s.toLowerCase().replace(/ü/gu, 'v'));
    for (let i = 0; i < syllables.length; i++) {
      for (let j = i + 1; j <= Math.min(syllables.length, i + MAX_PINYIN_RUN); j++) {
        const part = syllables.slice(i, j);
        full.add(part.join(''));
        if (j - i >= 2) initials.add(part.map((s) => s[0] ?? '').join(''));
      }
    }
  }
  return { full: [...full], initials: [...initials] };
}

/** The sort key of a name: its full pinyin, syllables separated by spaces (阿香 → "a xiang"). */
export function pinyinSortKey(name: string): string {
  return pinyin(normalizeText(name), { toneType: 'none', type: 'array', nonZh: 'consecutive', surname: 'head' }).join(' ').toLowerCase();
}

/**
 * Code tokens of a party: the registration no. and credit code in full (normalised), and every
 * tail of four characters or more of the registration no. (its serial: `…00012` → `0012`).
 */
export function codeTokens(registrationNo: string | null, uscc: string | null): string[] {
  const out = new Set<string>();
  if (registrationNo) {
    const code = normalizeCode(registrationNo);
    out.add(code);
    for (let i = 1; i <= code.length - 4; i++) out.add(code.slice(i));
  }
  if (uscc) out.add(normalizeCode(uscc));
  return [...out];
}

/**
 * Highlights `runs` (normalised) in `text` (original): every occurrence, ignoring separators and
 * case, width and script differences. Returns escaped HTML with `<mark>`; the data is never
 * interpreted as HTML.
 */
export function highlightRuns(text: string, runs: string[]): string {
  const { text: norm, map } = normalizeWithMap(text);
  const compact: string[] = [];
  const compactMap: number[] = [];
  [...norm].forEach((c, i) => {
    if (c === ' ') return;
    compact.push(c);
    compactMap.push(map[i] ?? 0);
  });
  const marked = new Set<number>();
  for (const run of runs) {
    const needle = run.replace(/ /gu, '');
    if (!needle) continue;
    const len = [...needle].length;
    const chars = compact;
    for (let start = 0; start + len <= chars.length; start++) {
      if (chars.slice(start, start + len).join('') !== needle) continue;
      for (let k = start; k < start + len; k++) marked.add(compactMap[k] ?? -1);
    }
  }
  let out = '';
  let open = false;
  let i = 0;
  for (const ch of text) {
    const on = marked.has(i);
    if (on && !open) out += '<mark>';
    if (!on && open) out += '</mark>';
    open = on;
    out += escapeHtml(ch);
    i += ch.length;
  }
  return open ? `${out}</mark>` : out;
}

/**
 * Crops `text` to about `size` characters around its first match (`…` where cut), then
 * highlights it (escaped HTML).
 */
export function cropAndHighlight(text: string, runs: string[], size = 30): string {
  const chars = [...text];
  if (chars.length <= size) return highlightRuns(text, runs);
  const html = highlightRuns(text, runs);
  const firstMark = html.indexOf('<mark>');
  if (firstMark < 0) return highlightRuns(chars.slice(0, size).join(''), runs) + '…';
  // position of the first marked character in the original text
  const before = html.slice(0, firstMark).replace(/&(amp|lt|gt|quot|#39);/gu, 'x');
  const at = [...before].length;
  const start = Math.max(0, Math.min(at - Math.floor(size / 3), chars.length - size));
  const piece = chars.slice(start, start + size).join('');
  return `${start > 0 ? '…' : ''}${highlightRuns(piece, runs)}${start + size < chars.length ? '…' : ''}`;
}
