/**
 * Calendar-day helpers on ISO date strings.
 *
 * A day is a `YYYY-MM-DD` string (a calendar day in Asia/Shanghai, see `src/db/schema.ts`). A date
 * published with less than a day is stored in the ISO 8601 form of what was published
 * (`DatePrecision`): `YYYY-MM` (no day), `YYYY` (only the year) or `--MM-DD` (no year). All
 * arithmetic is done on UTC midnights, so the host's time zone and daylight-saving changes never
 * shift a day. Functions that take a day expect a valid one (see `isDay`) and throw a `RangeError`
 * otherwise; the parsers (`normalizePublishedDate`, `normalizePartialDate`, `firstDayOf`,
 * `lastDayOf`, `possibleDays`) return null instead.
 */

const DAY_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MONTH_RE = /^(\d{4})-(\d{2})$/;
const YEAR_RE = /^(\d{4})$/;
const MONTH_DAY_RE = /^--(\d{2})-(\d{2})$/;
const MS_PER_DAY = 86_400_000;

interface YearMonthDay {
  year: number;
  /** 1–12 */
  month: number;
  /** 1–31 */
  day: number;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function format({ year, month, day }: YearMonthDay): string {
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
}

/** Number of days in `month` (1–12) of `year`, Gregorian calendar. */
function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function isValidParts(year: number, month: number, day: number): boolean {
  return year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

function parseDay(day: string): YearMonthDay {
  const m = DAY_RE.exec(day);
  if (m) {
    const parts = { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
    if (isValidParts(parts.year, parts.month, parts.day)) return parts;
  }
  throw new RangeError(`not a calendar day (YYYY-MM-DD): ${JSON.stringify(day)}`);
}

function toUtcMs(day: string): number {
  const { year, month, day: d } = parseDay(day);
  // setUTCFullYear, unlike Date.UTC, does not map years 0–99 to 1900–1999
  return new Date(0).setUTCFullYear(year, month - 1, d);
}

function fromUtcMs(ms: number): string {
  const date = new Date(ms);
  return format({ year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() });
}

/** True when `text` is a real calendar day written `YYYY-MM-DD` (`2023-02-30` is not). */
export function isDay(text: string): boolean {
  const m = DAY_RE.exec(text);
  return m !== null && isValidParts(Number(m[1]), Number(m[2]), Number(m[3]));
}

/** True when `text` is a real month written `YYYY-MM` (month 01–12). */
export function isMonth(text: string): boolean {
  const m = MONTH_RE.exec(text);
  return m !== null && Number(m[1]) >= 1 && Number(m[2]) >= 1 && Number(m[2]) <= 12;
}

/**
 * Today's calendar day in Asia/Shanghai (UTC+8, no daylight saving), as `YYYY-MM-DD`.
 * `now` defaults to the current instant; 2024-12-31T16:00:00Z is already 2025-01-01 in Shanghai.
 */
export function todayInShanghai(now: Date = new Date()): string {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: 'Asia/Shanghai',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).formatToParts(now);
  const get = (type: Intl.DateTimeFormatPartTypes): number => Number(parts.find((p) => p.type === type)?.value);
  return format({ year: get('year'), month: get('month'), day: get('day') });
}

/** `day` plus `days` calendar days (negative goes back): `addDays('2024-02-28', 1)` = `'2024-02-29'`. */
export function addDays(day: string, days: number): string {
  return fromUtcMs(toUtcMs(day) + days * MS_PER_DAY);
}

/**
 * `day` plus `months` calendar months (negative goes back), clamped to the end of the target month:
 * `addMonths('2024-01-31', 1)` = `'2024-02-29'`, `addMonths('2024-03-31', -1)` = `'2024-02-29'`.
 */
export function addMonths(day: string, months: number): string {
  const { year, month, day: d } = parseDay(day);
  const index = year * 12 + (month - 1) + months;
  const targetYear = Math.floor(index / 12);
  const targetMonth = index - targetYear * 12 + 1;
  return format({ year: targetYear, month: targetMonth, day: Math.min(d, daysInMonth(targetYear, targetMonth)) });
}

/** `day` plus `years` years, clamped like `addMonths`: `addYears('2024-02-29', 1)` = `'2025-02-28'`. */
export function addYears(day: string, years: number): string {
  return addMonths(day, years * 12);
}

/**
 * Orders two days: negative when `a` is earlier than `b`, 0 when equal, positive when later
 * (-1 / 0 / 1). Usable as an `Array.prototype.sort` comparator.
 */
export function compareDays(a: string, b: string): number {
  const diff = toUtcMs(a) - toUtcMs(b);
  return diff < 0 ? -1 : diff > 0 ? 1 : 0;
}

/** Number of calendar days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((toUtcMs(to) - toUtcMs(from)) / MS_PER_DAY);
}

/**
 * Whole calendar months from `from` to `to`: the largest n ≥ 0 with `addMonths(from, n) ≤ to`
 * (or, when `to` is earlier, minus the largest n with `addMonths(from, -n) ≥ to`).
 * `monthsBetween('2024-01-31', '2024-02-29')` = 1; `monthsBetween('2024-01-15', '2024-02-14')` = 0.
 */
export function monthsBetween(from: string, to: string): number {
  const a = parseDay(from);
  const b = parseDay(to);
  const sign = compareDays(from, to) <= 0 ? 1 : -1;
  let n = (b.year - a.year) * 12 + (b.month - a.month);
  // the month difference may overshoot by one; step back until addMonths stays on the right side
  while (n !== 0 && compareDays(addMonths(from, n), to) * sign > 0) n -= sign;
  return n;
}

/**
 * How much of a published date is known, by the form it is stored in:
 * - `day`: `YYYY-MM-DD`;
 * - `month`: `YYYY-MM`, no day published (`2019年3月`);
 * - `year`: `YYYY`, only the year (`2022年`; reposts that show no more);
 * - `monthDay`: `--MM-DD`, no year published (reposts that say `2月4日`): the ISO 8601 form of a
 *   day of an unstated year (ISO 8601:2000 §5.2.1.3 d, XML Schema `gMonthDay`).
 * In text order `--` comes before every year, so a date without a year is listed last when the
 * newest come first: it is never presented as the latest record.
 */
export type DatePrecision = 'day' | 'month' | 'year' | 'monthDay';

/** The precision of a stored date (`DatePrecision`), or null when `text` is none of the four forms. */
export function precisionOf(text: string | null | undefined): DatePrecision | null {
  if (text == null) return null;
  if (isDay(text)) return 'day';
  if (isMonth(text)) return 'month';
  if (YEAR_RE.test(text)) return 'year';
  const m = MONTH_DAY_RE.exec(text);
  // 29 February exists (in leap years): check against one
  return m !== null && isValidParts(2000, Number(m[1]), Number(m[2])) ? 'monthDay' : null;
}

/** Years a year-only date may name: earlier or later four-digit numbers are not read as years. */
const YEAR_MIN = 1900;
const YEAR_MAX = 2999;

/**
 * Normalizes a date as published in the official tables and reprint pages to its stored form
 * (`DatePrecision`): `YYYY-MM-DD`, `YYYY-MM` when only the month is given, `YYYY` when only the
 * year, `--MM-DD` when the year is not given; null when it is not a real date.
 *
 * Accepted: `2023-04-14`, `2017-4-12`, `2017/07/01`, `2017.07.01`, `2017年7月1日`, `20170720`,
 * `2018-04`, `2018/4`, `2018年4月`, `201804`, `2022`, `2022年`, `2月4日`, `--02-04`, full-width
 * digits, and any of these followed by a parenthesised note, which is dropped:
 * `2018-04(转载页日期)` → `2018-04`, `9月6日(年份页面未显示)` → `--09-06`,
 * `2020-11(报道日期2020-11-18)` → `2020-11` (the leading date is the one published in the field).
 * A day without a year is read only in the Chinese `M月D日` form (or `--MM-DD`): `7-8` is too
 * often a piece of a list of dates to be read as one.
 * Rejected (null): `2023-02-30`, `2023-13`, `2月30日`, `2016-7-6/7-8`, `0001`, empty or null input.
 */
export function normalizePublishedDate(text: string | null | undefined): string | null {
  if (text == null) return null;
  const cleaned = text
    .normalize('NFKC')
    .trim()
    .replace(/\s*\([^()]*\)\s*$/, '')
    .trim();
  let m = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/.exec(cleaned) ?? /^(\d{4})(\d{2})(\d{2})$/.exec(cleaned);
  if (m) {
    const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
    return isValidParts(year, month, day) ? format({ year, month, day }) : null;
  }
  m = /^(\d{4})[-/.年](\d{1,2})月?$/.exec(cleaned) ?? /^(\d{4})(\d{2})$/.exec(cleaned);
  if (m) {
    const [year, month] = [Number(m[1]), Number(m[2])];
    return year >= 1 && month >= 1 && month <= 12 ? `${pad(year, 4)}-${pad(month, 2)}` : null;
  }
  m = /^(\d{4})年?$/.exec(cleaned);
  if (m) {
    const year = Number(m[1]);
    return year >= YEAR_MIN && year <= YEAR_MAX ? pad(year, 4) : null;
  }
  m = /^(\d{1,2})月(\d{1,2})日$/.exec(cleaned) ?? /^--(\d{2})-(\d{2})$/.exec(cleaned);
  if (m) {
    const [month, day] = [Number(m[1]), Number(m[2])];
    return isValidParts(2000, month, day) ? `--${pad(month, 2)}-${pad(day, 2)}` : null;
  }
  return null;
}

/**
 * `normalizePublishedDate` limited to a day or a month (`YYYY-MM-DD` / `YYYY-MM`), for fields
 * whose rules need at least the month (a decision date, a published end of publicity); null for
 * anything else, a year alone or a day without a year included.
 */
export function normalizePartialDate(text: string | null | undefined): string | null {
  const normalized = normalizePublishedDate(text);
  return normalized !== null && (isDay(normalized) || isMonth(normalized)) ? normalized : null;
}

/**
 * The first calendar day a published date can mean, as `YYYY-MM-DD`: a month (`2020-09`) gives its
 * first day (`2020-09-01`), a year (`2022`) its 1 January, a day gives itself. Input goes through
 * `normalizePublishedDate` first, so `2020-9(转载页日期)` works too; null when it is not a date or
 * has no year (`--02-04`: see `possibleDays`).
 */
export function firstDayOf(partial: string | null | undefined): string | null {
  const normalized = normalizePublishedDate(partial);
  if (normalized === null) return null;
  if (isMonth(normalized)) return `${normalized}-01`;
  if (YEAR_RE.test(normalized)) return `${normalized}-01-01`;
  return isDay(normalized) ? normalized : null;
}

/**
 * The last calendar day a published date can mean, as `YYYY-MM-DD`: a month (`2024-02`) gives its
 * last day (`2024-02-29`), a year its 31 December, a day gives itself. Same input rules as
 * `firstDayOf`; null when not a date or without a year.
 */
export function lastDayOf(partial: string | null | undefined): string | null {
  const normalized = normalizePublishedDate(partial);
  if (normalized === null) return null;
  if (YEAR_RE.test(normalized)) return `${normalized}-12-31`;
  if (!isMonth(normalized)) return isDay(normalized) ? normalized : null;
  const [year, month] = normalized.split('-').map(Number) as [number, number];
  return `${normalized}-${pad(daysInMonth(year, month), 2)}`;
}

/**
 * The days a published date can mean: `earliest` to `latest`, inclusive (`YYYY-MM-DD`). `earliest`
 * null means nothing bounds it in the past (a date without a year and no `notBefore`).
 */
export interface DaySpan {
  earliest: string | null;
  latest: string;
}

/**
 * The span of days a published date (any `DatePrecision`, as `normalizePublishedDate` reads it)
 * can mean, narrowed by what else the record says: it is not before `notBefore` (e.g. the
 * production date of the sampled batch) and not after `notAfter` (the day the record was entered,
 * or today). Null when `published` is not a date.
 * - a day is itself (the bounds do not move a published day);
 * - a month or a year spans its days, cut to the bounds where they fall inside it;
 * - a day without a year (`--02-04`) is the last such day on or before `notAfter`, back to the
 *   first on or after `notBefore`; without `notBefore`, `earliest` is null. 29 February falls
 *   only in leap years.
 * A bound that leaves no day (it contradicts the published date) is ignored: what was published wins.
 * `notAfter` must be a day (`RangeError` otherwise), `notBefore` a day or null.
 */
export function possibleDays(published: string | null | undefined, bounds: { notBefore?: string | null; notAfter: string }): DaySpan | null {
  const normalized = normalizePublishedDate(published);
  if (normalized === null) return null;
  const { notAfter } = bounds;
  const notBefore = bounds.notBefore ?? null;
  if (isDay(normalized)) return { earliest: normalized, latest: normalized };
  const first = firstDayOf(normalized);
  const last = lastDayOf(normalized);
  if (first !== null && last !== null) {
    const earliest = notBefore !== null && compareDays(notBefore, first) > 0 && compareDays(notBefore, last) <= 0 ? notBefore : first;
    const latest = compareDays(notAfter, last) < 0 && compareDays(notAfter, earliest) >= 0 ? notAfter : last;
    return { earliest, latest };
  }
  const m = MONTH_DAY_RE.exec(normalized);
  if (!m) return null;
  const [month, day] = [Number(m[1]), Number(m[2])];
  const on = (year: number): string | null => (isValidParts(year, month, day) ? format({ year, month, day }) : null);
  let year = parseDay(notAfter).year;
  // at most 8 years back to a 29 February (1900 and 2100 are not leap years)
  while (on(year) === null || compareDays(on(year) as string, notAfter) > 0) year--;
  const latest = on(year) as string;
  if (notBefore === null) return { earliest: null, latest };
  year = parseDay(notBefore).year;
  while (on(year) === null || compareDays(on(year) as string, notBefore) < 0) year++;
  const earliest = on(year) as string;
  return compareDays(earliest, latest) <= 0 ? { earliest, latest } : { earliest: null, latest };
}

/** The earlier of two days (either may be null; null only when both are). */
export function minDay(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return compareDays(a, b) <= 0 ? a : b;
}
