/**
 * The one text normalisation of search, used for documents and queries alike (DESIGN.md "Search"):
 * NFKC (full-width letters and digits become half-width), traditional to simplified Chinese (OpenCC,
 * the maintained converter), lower case, and brackets, quotes and other punctuation turned into
 * separators. `normalizeWithMap` keeps, for every character of the result, the index of the
 * character of the input it came from, so that matches can be highlighted in the original text.
 */
import { Converter } from 'opencc-js/t2cn';

const toSimplified = Converter({ from: 't', to: 'cn' });

/** CJK unified ideographs (all blocks) and the compatibility ideographs. */
export const HAN = /\p{Script=Han}/u;

/** Characters that separate words: punctuation, symbols and white space (not letters, digits, Han). */
const SEPARATOR = /[^\p{L}\p{N}\p{M}]/u;

/** A normalised text and, per character of it, the index (UTF-16) of its source character. */
export interface MappedText {
  text: string;
  map: number[];
}

function normalizeChar(ch: string): string {
  const nfkc = ch.normalize('NFKC').toLowerCase();
  let out = '';
  for (const c of nfkc) out += SEPARATOR.test(c) ? ' ' : c;
  return out;
}

/**
 * Normalises `input` and maps every output character back to its input position. Runs of
 * separators become one space; leading and trailing separators are dropped.
 */
export function normalizeWithMap(input: string): MappedText {
  const chars: string[] = [];
  const starts: number[] = [];
  let i = 0;
  for (const ch of input) {
    chars.push(ch);
    starts.push(i);
    i += ch.length;
  }
  // OpenCC converts phrases, so convert the whole text; it is one-to-one by code point for
  // nearly every text, and per character otherwise (the map must stay exact).
  const whole = [...toSimplified(chars.join(''))];
  const simplified = whole.length === chars.length ? whole : chars.map((c) => toSimplified(c));
  let text = '';
  const map: number[] = [];
  simplified.forEach((ch, k) => {
    for (const c of normalizeChar(ch)) {
      if (c === ' ' && (text === '' || text.endsWith(' '))) continue;
      text += c;
      map.push(starts[k] ?? 0);
    }
  });
  if (text.endsWith(' ')) {
    text = text.slice(0, -1);
    map.pop();
  }
  return { text, map };
}

/** Normalises a text (see the module comment). */
export function normalizeText(input: string): string {
  return normalizeWithMap(input).text;
}

/**
 * Splits normalised text into index tokens: every Han character on its own, runs of letters and
 * digits kept whole. `鸿运 东湖 食品abc12` → `鸿 运 东 湖 食 品 abc12`. Indexed this way, a phrase of
 * characters matches any run of characters inside a longer word (食品 in 食品加工坊).
 */
export function charTokens(normalized: string): string[] {
  const tokens: string[] = [];
  let word = '';
  for (const c of normalized) {
    if (HAN.test(c) || c === ' ') {
      if (word) tokens.push(word);
      word = '';
      if (c !== ' ') tokens.push(c);
    } else word += c;
  }
  if (word) tokens.push(word);
  return tokens;
}

/** `charTokens` of a raw text, joined by spaces: the value stored in a `*Chars` index field. */
export function indexChars(raw: string): string {
  return charTokens(normalizeText(raw)).join(' ');
}

/**
 * Normalises a code (registration no., credit code): NFKC, upper case, no spaces or dashes.
 * Leading zeros are kept.
 */
export function normalizeCode(raw: string): string {
  return raw.normalize('NFKC').toUpperCase().replace(/[\s\-_/]/gu, '');
}
