import { describe, expect, it } from 'vitest';
import {
  addDays,
  addMonths,
  addYears,
  compareDays,
  daysBetween,
  firstDayOf,
  isDay,
  isMonth,
  lastDayOf,
  minDay,
  monthsBetween,
  normalizePartialDate,
  normalizePublishedDate,
  possibleDays,
  precisionOf,
  todayInShanghai,
} from '../../src/lib/dates.ts';
import { zh } from '../../src/i18n/zh-CN.ts';

describe('todayInShanghai', () => {
  it.each([
    ['UTC 15:59:59 is still the same day in Shanghai (UTC+8)', '2024-12-31T15:59:59Z', '2024-12-31'],
    ['UTC 16:00 is already the next day in Shanghai', '2024-12-31T16:00:00Z', '2025-01-01'],
    ['leap day', '2024-02-28T16:30:00Z', '2024-02-29'],
  ])('%s', (_rule, instant, expected) => {
    expect(todayInShanghai(new Date(instant))).toBe(expected);
  });

  it('defaults to the current instant and returns a real day', () => {
    expect(isDay(todayInShanghai())).toBe(true);
  });
});

describe('addDays', () => {
  it.each([
    ['crosses into a leap day', '2024-02-28', 1, '2024-02-29'],
    ['skips the missing leap day', '2023-02-28', 1, '2023-03-01'],
    ['crosses a year end', '2025-12-31', 1, '2026-01-01'],
    ['goes back with a negative count', '2026-03-01', -1, '2026-02-28'],
    ['zero is the same day', '2026-04-01', 0, '2026-04-01'],
    ['a long span stays on calendar days', '2020-09-01', 1000, '2023-05-29'],
  ])('%s', (_rule, day, n, expected) => {
    expect(addDays(day, n)).toBe(expected);
  });
});

describe('addMonths / addYears', () => {
  it.each([
    ['clamps to the end of a leap February', '2024-01-31', 1, '2024-02-29'],
    ['clamps to the end of a common February', '2023-01-31', 1, '2023-02-28'],
    ['clamps going back', '2024-03-31', -1, '2024-02-29'],
    ['crosses a year end', '2025-11-15', 3, '2026-02-15'],
    ['goes back a year', '2026-05-15', -12, '2025-05-15'],
    ['goes back two years', '2026-05-15', -24, '2024-05-15'],
    ['keeps a day that exists', '2020-09-01', 3, '2020-12-01'],
  ])('addMonths: %s', (_rule, day, n, expected) => {
    expect(addMonths(day, n)).toBe(expected);
  });

  it.each([
    ['leap day plus one year clamps to 28 February', '2024-02-29', 1, '2025-02-28'],
    ['leap day plus four years stays a leap day', '2024-02-29', 4, '2028-02-29'],
    ['three years from an ordinary day', '2023-03-10', 3, '2026-03-10'],
  ])('addYears: %s', (_rule, day, n, expected) => {
    expect(addYears(day, n)).toBe(expected);
  });
});

describe('compareDays / daysBetween / monthsBetween / minDay', () => {
  it.each([
    ['earlier is negative', '2026-03-31', '2026-04-01', -1],
    ['equal is zero', '2026-04-01', '2026-04-01', 0],
    ['later is positive', '2026-04-02', '2026-04-01', 1],
  ])('compareDays: %s', (_rule, a, b, expected) => {
    expect(compareDays(a, b)).toBe(expected);
  });

  it.each([
    ['a leap year has 366 days', '2024-01-01', '2025-01-01', 366],
    ['backwards is negative', '2026-04-01', '2026-03-31', -1],
  ])('daysBetween: %s', (_rule, a, b, expected) => {
    expect(daysBetween(a, b)).toBe(expected);
  });

  it.each([
    ['a month ending on a clamped day counts', '2024-01-31', '2024-02-29', 1],
    ['one day short of a month is zero', '2024-01-15', '2024-02-14', 0],
    ['the corresponding day is a whole month', '2024-01-15', '2024-02-15', 1],
    ['twelve months', '2025-05-15', '2026-05-15', 12],
    ['backwards counts whole months back', '2026-05-15', '2025-05-16', -11],
    ['same day is zero', '2026-05-15', '2026-05-15', 0],
  ])('monthsBetween: %s', (_rule, a, b, expected) => {
    expect(monthsBetween(a, b)).toBe(expected);
  });

  it.each([
    ['the earlier of two days', '2026-03-31', '2026-04-01', '2026-03-31'],
    ['a null side yields the other', null, '2026-04-01', '2026-04-01'],
    ['both null is null', null, null, null],
  ])('minDay: %s', (_rule, a, b, expected) => {
    expect(minDay(a, b)).toBe(expected);
  });

  it.each([['2023-02-30'], ['2023-2-3'], ['garbage']])('arithmetic rejects a non-day %s with a RangeError', (bad) => {
    expect(() => addDays(bad, 1)).toThrow(RangeError);
    expect(() => compareDays(bad, '2023-01-01')).toThrow(RangeError);
  });
});

describe('isDay / isMonth', () => {
  it.each([
    ['a real day', '2024-02-29', true, false],
    ['30 February is not a day', '2023-02-30', false, false],
    ['29 February of a common year is not a day', '2023-02-29', false, false],
    ['a real month', '2018-04', false, true],
    ['month 13 is not a month', '2018-13', false, false],
    ['unpadded is not canonical', '2018-4', false, false],
  ])('%s', (_rule, text, day, month) => {
    expect(isDay(text)).toBe(day);
    expect(isMonth(text)).toBe(month);
  });
});

describe('normalizePartialDate', () => {
  it.each([
    ['ISO day kept', '2023-04-14', '2023-04-14'],
    ['unpadded dashes padded', '2017-4-12', '2017-04-12'],
    ['slashes', '2017/07/01', '2017-07-01'],
    ['unpadded slashes', '2021/6/15', '2021-06-15'],
    ['dots', '2017.07.01', '2017-07-01'],
    ['eight digits', '20170720', '2017-07-20'],
    ['Chinese 年月日', '2017年7月1日', '2017-07-01'],
    ['full-width digits', '２０２３－０４－１４', '2023-04-14'],
    ['month only', '2018-04', '2018-04'],
    ['unpadded month only', '2018/4', '2018-04'],
    ['Chinese 年月', '2018年4月', '2018-04'],
    ['six digits are a month', '201804', '2018-04'],
    ['a note in brackets is dropped', '2018-04(转载页日期)', '2018-04'],
    ['full-width brackets are dropped', '2018-04（转载页日期）', '2018-04'],
    ['the leading date wins over one in the note', '2020-11(报道日期2020-11-18)', '2020-11'],
    ['a day with a note', '2021-08-13(报道日期)', '2021-08-13'],
    ['surrounding spaces', '  2023-04-14 ', '2023-04-14'],
    ['30 February is rejected', '2023-02-30', null],
    ['29 February of a common year is rejected', '20230229', null],
    ['month 13 is rejected', '2023-13', null],
    ['day 0 is rejected', '2023-04-00', null],
    ['a list of dates is rejected', '2016-7-6/7-8/7-10', null],
    ['text is rejected', '未公开', null],
    ['empty is rejected', '', null],
    ['null is null', null, null],
    ['a year alone is not a day or month', '2022', null],
    ['a day without a year is not a day or month', '2月4日', null],
  ])('%s: %s', (_rule, text, expected) => {
    expect(normalizePartialDate(text)).toBe(expected);
  });
});

describe('normalizePublishedDate: a date stored as published (issue 9 point 7)', () => {
  it.each([
    ['a day', '2017年7月1日', '2017-07-01', 'day'],
    ['a month', '2019年3月', '2019-03', 'month'],
    ['a year alone', '2022', '2022', 'year'],
    ['a year with 年', '2022年', '2022', 'year'],
    ['a year with a note, as on reposts', '2022(转载页未显示具体日期)', '2022', 'year'],
    ['a day without a year', '2月4日', '--02-04', 'monthDay'],
    ['a day without a year, full-width digits', '１２月２１日', '--12-21', 'monthDay'],
    ['a day without a year with the note of the real row', '9月6日(年份页面未显示)', '--09-06', 'monthDay'],
    ['the stored form reads back unchanged', '--03-10', '--03-10', 'monthDay'],
    ['29 February without a year exists (leap years)', '2月29日', '--02-29', 'monthDay'],
  ])('%s: %s', (_rule, text, expected, precision) => {
    expect(normalizePublishedDate(text)).toBe(expected);
    expect(precisionOf(expected)).toBe(precision);
  });

  it.each([
    ['30 February without a year', '2月30日'],
    ['month 13 without a year', '13月1日'],
    ['a dashed day without a year is too easily a piece of a list', '7-8'],
    ['a year before 1900 is not read as one', '0001'],
    ['a five-digit number (an Excel serial) is not a date', '44293'],
    ['text', '年份未公布'],
  ])('rejects %s: %s', (_rule, text) => {
    expect(normalizePublishedDate(text)).toBeNull();
  });

  it('precisionOf rejects what is not a stored form', () => {
    expect(precisionOf('2月4日')).toBeNull();
    expect(precisionOf('--02-30')).toBeNull();
    expect(precisionOf(null)).toBeNull();
  });
});

describe('possibleDays: what a partial date can mean, with bounds from the record', () => {
  const ENTERED = '2026-12-04';
  it.each([
    ['a day is itself, whatever the bounds', '2026-02-04', null, ENTERED, '2026-02-04', '2026-02-04'],
    ['a month spans its days', '2019-03', null, ENTERED, '2019-03-01', '2019-03-31'],
    ['a month is cut at the day it was entered', '2026-12', null, ENTERED, '2026-12-01', '2026-12-04'],
    ['a month is cut at a production date inside it', '2019-03', '2019-03-10', ENTERED, '2019-03-10', '2019-03-31'],
    ['a production date after the month contradicts it: ignored', '2019-03', '2019-05-01', ENTERED, '2019-03-01', '2019-03-31'],
    ['a year spans 1 January to 31 December', '2022', null, ENTERED, '2022-01-01', '2022-12-31'],
    ['without a year and nothing before: only the latest day is known', '--02-04', null, ENTERED, null, '2026-02-04'],
    ['without a year, after the entry day this year: last year', '--12-21', null, ENTERED, null, '2025-12-21'],
    ['without a year, a production date bounds it: one year left', '--02-04', '2025-12-01', ENTERED, '2026-02-04', '2026-02-04'],
    ['without a year, a production date two years back: two possible years', '--02-04', '2024-06-30', ENTERED, '2025-02-04', '2026-02-04'],
    ['29 February without a year: the last leap year', '--02-29', null, ENTERED, null, '2024-02-29'],
    ['a production date after every possible day contradicts it: ignored', '--02-04', '2026-03-01', ENTERED, null, '2026-02-04'],
  ])('%s', (_rule, published, notBefore, notAfter, earliest, latest) => {
    expect(possibleDays(published, { notBefore, notAfter })).toEqual({ earliest, latest });
  });

  it('is null for what is not a date', () => {
    expect(possibleDays('年份未公布', { notAfter: ENTERED })).toBeNull();
    expect(possibleDays(null, { notAfter: ENTERED })).toBeNull();
  });
});

describe('firstDayOf / lastDayOf', () => {
  it.each([
    ['a month starts on its first day', '2020-09', '2020-09-01', '2020-09-30'],
    ['a leap February ends on the 29th', '2024-02', '2024-02-01', '2024-02-29'],
    ['a published month with a note', '2026-02(转载页路径日期)', '2026-02-01', '2026-02-28'],
    ['a day is itself', '2023-04-14', '2023-04-14', '2023-04-14'],
    ['an unnormalized day is normalized', '2017-4-12', '2017-04-12', '2017-04-12'],
    ['a non-date is null', '2023-02-30', null, null],
    ['null is null', null, null, null],
    ['a year spans the whole year', '2022', '2022-01-01', '2022-12-31'],
    ['a day without a year cannot be placed alone', '--02-04', null, null],
  ])('%s', (_rule, text, first, last) => {
    expect(firstDayOf(text)).toBe(first);
    expect(lastDayOf(text)).toBe(last);
  });
});

describe('a stored date is shown as it was published (src/i18n/zh-CN.ts)', () => {
  it.each([
    ['a day as it is', '2026-02-04', '2026-02-04'],
    ['a month says the day was not published', '2019-03', '2019年3月（具体日期未公布）'],
    ['a year alone says the date was not published', '2022', '2022年（具体日期未公布）'],
    ['a day without a year says the year was not published', '--02-04', '2月4日（年份未公布）'],
    ['nothing is empty', null, ''],
  ])('%s', (_rule, stored, shown) => {
    expect(zh.publishedDate(stored)).toBe(shown);
  });
});
