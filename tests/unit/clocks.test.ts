import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import chineseDays from 'chinese-days';
import { describe, expect, it } from 'vitest';
import { addDays, compareDays } from '../../src/lib/dates.ts';
import {
  addCalendarDays,
  addWorkingDays,
  calendarYears,
  isCalendarYearKnown,
  isWorkingDay,
  statutoryPeriods,
  tipClocks,
  workingDaysBetween,
} from '../../src/features/tips/clocks.ts';

// Calendar facts below were printed from chinese-days 1.5.7 before being written here
// (getHolidaysInRange / getWorkdaysInRange / getDayDetail / findWorkday), not typed from memory:
// 国庆节 2025: days off 2025-10-01…10-08; 调休 working days Sunday 2025-09-28 and Saturday 2025-10-11.
// 春节 2026: days off 2026-02-15…02-23; 调休 working days Saturday 2026-02-14 and Saturday 2026-02-28.
// March 2025 and December 2026 have no public holiday.

// The package's isWorkday() / findWorkday() build their tables in the host's local time, which
// shifts every listed day west of UTC; vitest.config.ts runs the tests in Asia/Shanghai.

describe('the holiday calendar of the pinned chinese-days 1.5.7 covers 2004–2026', () => {
  it('knows exactly the years it ships a yearly data file for', () => {
    const pkgDir = dirname(createRequire(import.meta.url).resolve('chinese-days/package.json'));
    const shipped = readdirSync(join(pkgDir, 'dist', 'years'))
      .filter((f) => /^\d{4}\.json$/.test(f))
      .map((f) => Number(f.slice(0, 4)))
      .sort((a, b) => a - b);
    expect(calendarYears).toEqual(shipped);
  });

  it.each([
    ['2025 is published', 2025, true],
    ['2026 is published', 2026, true],
    ['2004, the first year of the package, is published', 2004, true],
    ['2003 is before the package', 2003, false],
    ['2027 is not published yet (package 1.5.7)', 2027, false],
    ['2031 is not published', 2031, false],
  ])('%s', (_rule, year, known) => {
    expect(isCalendarYearKnown(year)).toBe(known);
  });
});

describe('isWorkingDay: 调休 working days work, public holidays do not, else Monday–Friday', () => {
  it.each([
    ['a plain Monday works', '2025-03-03', true, true],
    ['a plain Friday works', '2025-03-07', true, true],
    ['a plain Saturday is off', '2025-03-08', false, true],
    ['a plain Sunday is off', '2025-03-09', false, true],
    ['国庆 2025: Saturday 09-27 before the 调休 day is off', '2025-09-27', false, true],
    ['国庆 2025: Sunday 09-28 is a 调休 working day', '2025-09-28', true, true],
    ['国庆 2025: Tuesday 09-30 works', '2025-09-30', true, true],
    ['国庆 2025: 10-01 is off', '2025-10-01', false, true],
    ['国庆 2025: Monday 10-06 (中秋) is off', '2025-10-06', false, true],
    ['国庆 2025: Wednesday 10-08 is the last day off', '2025-10-08', false, true],
    ['国庆 2025: Thursday 10-09 works again', '2025-10-09', true, true],
    ['国庆 2025: Saturday 10-11 is a 调休 working day', '2025-10-11', true, true],
    ['国庆 2025: Sunday 10-12 is off', '2025-10-12', false, true],
    ['春节 2026: Saturday 02-14 is a 调休 working day', '2026-02-14', true, true],
    ['春节 2026: Sunday 02-15 is the first day off', '2026-02-15', false, true],
    ['春节 2026: Monday 02-23 is the last day off', '2026-02-23', false, true],
    ['春节 2026: Tuesday 02-24 works again', '2026-02-24', true, true],
    ['春节 2026: Saturday 02-28 is a 调休 working day', '2026-02-28', true, true],
    ['unknown year 2031: Wednesday 01-01 counts as working (Monday–Friday only)', '2031-01-01', true, false],
    ['unknown year 2031: Saturday 01-04 is off', '2031-01-04', false, false],
    ['unknown year 2031: Monday 01-06 works', '2031-01-06', true, false],
  ])('%s', (_rule, day, working, known) => {
    expect(isWorkingDay(day)).toEqual({ working, known });
  });

  it.each([['2025-02-30'], ['2025-9-28'], [''], ['tomorrow']])('refuses %j with a RangeError', (day) => {
    expect(() => isWorkingDay(day)).toThrow(RangeError);
  });

  it(
    'agrees with chinese-days isWorkday() on every day of every known year',
    () => {
      const first = calendarYears[0];
      const last = calendarYears.at(-1);
      expect(first).toBeDefined();
      expect(last).toBeDefined();
      const mismatches: string[] = [];
      for (let day = `${first}-01-01`; compareDays(day, `${last}-12-31`) <= 0; day = addDays(day, 1)) {
        if (isWorkingDay(day).working !== chineseDays.isWorkday(day)) mismatches.push(day);
      }
      expect(mismatches).toEqual([]);
    },
  );
});

describe('addWorkingDays: counted from the day after receipt (民法典第二百零一条), holidays skipped', () => {
  it.each([
    ['plain week: Monday + 5 is next Monday (receipt day not counted)', '2025-03-03', 5, '2025-03-10', false],
    ['plain week: Friday + 1 skips the weekend', '2025-03-07', 1, '2025-03-10', false],
    ['plain week: received on a Saturday, + 1 is Monday', '2025-03-08', 1, '2025-03-10', false],
    ['plain weeks: 15 working days from Monday 03-03', '2025-03-03', 15, '2025-03-24', false],
    ['zero working days is the start day itself', '2025-03-03', 0, '2025-03-03', false],
    ['国庆 2025: Friday 09-26 + 1 is the 调休 Sunday 09-28', '2025-09-26', 1, '2025-09-28', false],
    ['国庆 2025: Tuesday 09-30 + 1 jumps the holiday to 10-09', '2025-09-30', 1, '2025-10-09', false],
    ['国庆 2025: Friday 10-10 + 1 is the 调休 Saturday 10-11', '2025-10-10', 1, '2025-10-11', false],
    ['国庆 2025: 15 working days from 09-26 count both 调休 days', '2025-09-26', 15, '2025-10-23', false],
    ['春节 2026: Friday 02-13 + 1 is the 调休 Saturday 02-14', '2026-02-13', 1, '2026-02-14', false],
    ['春节 2026: Friday 02-13 + 2 jumps the holiday to 02-24', '2026-02-13', 2, '2026-02-24', false],
    ['春节 2026: 15 working days from 02-13 count both 调休 Saturdays', '2026-02-13', 15, '2026-03-12', false],
    ['last known year, no crossing: 15 from 2026-12-10', '2026-12-10', 15, '2026-12-31', false],
    ['crossing into unknown 2027 is provisional (2027-01-01 counted as a Friday)', '2026-12-24', 15, '2027-01-14', true],
    ['unknown year 2031: Friday + 1 is Monday, provisional', '2031-01-03', 1, '2031-01-06', true],
    ['unknown year 2031: 15 Monday–Friday days from 03-03, provisional', '2031-03-03', 15, '2031-03-24', true],
  ])('%s', (_rule, start, n, day, provisional) => {
    expect(addWorkingDays(start, n)).toEqual({ day, provisional });
  });

  it.each([
    ['国庆 2025', '2025-09-26', 15],
    ['春节 2026', '2026-02-13', 15],
    ['春节 2026, extended', '2026-02-13', 30],
  ])('agrees with chinese-days findWorkday() across %s', (_rule, start, n) => {
    expect(addWorkingDays(start, n).day).toBe(chineseDays.findWorkday(n, start));
  });

  it.each([[-1], [1.5], [Number.NaN]])('refuses %s working days with a RangeError', (n) => {
    expect(() => addWorkingDays('2025-03-03', n)).toThrow(RangeError);
  });
});

describe('workingDaysBetween: working days in (from, to], signed', () => {
  it.each([
    ['same day is 0', '2025-03-03', '2025-03-03', 0, false],
    ['Friday to Monday is 1', '2025-03-07', '2025-03-10', 1, false],
    ['backwards is negative', '2025-03-10', '2025-03-07', -1, false],
    ['国庆 2025: 09-30 to 10-09 is 1', '2025-09-30', '2025-10-09', 1, false],
    ['into unknown 2027 is provisional', '2026-12-30', '2027-01-04', 3, true],
  ])('%s', (_rule, from, to, days, provisional) => {
    expect(workingDaysBetween(from, to)).toEqual({ days, provisional });
  });
});

describe('addCalendarDays: the 90/120-day case clock counts every day', () => {
  it.each([
    ['90 days from 立案 09-30 run through 国庆 regardless', '2025-09-30', 90, '2025-12-29'],
    ['120 days when extended cross the year end', '2025-09-30', 120, '2026-01-28'],
    ['90 days through 春节 2026', '2026-02-10', 90, '2026-05-11'],
    ['0 days is the start day', '2026-02-10', 0, '2026-02-10'],
  ])('%s', (_rule, start, n, expected) => {
    expect(addCalendarDays(start, n)).toBe(expected);
  });

  it('refuses a negative count', () => {
    expect(() => addCalendarDays('2025-09-30', -1)).toThrow(RangeError);
  });
});

describe('statutoryPeriods: 立案 15 (+15) working days, case 90 (+30) calendar days, with sources', () => {
  it('holds the periods of 市场监督管理行政处罚程序规定', () => {
    expect(statutoryPeriods.acceptance).toMatchObject({ unit: 'workingDays', days: 15, extendedDays: 30, startsFrom: 'receivedOn' });
    expect(statutoryPeriods.case).toMatchObject({ unit: 'calendarDays', days: 90, extendedDays: 120, startsFrom: 'caseOpenedOn' });
    expect(statutoryPeriods.acceptance.source).toContain('第十八条');
    expect(statutoryPeriods.case.source).toContain('九十日');
  });
});

describe('tipClocks: the 立案 and case clocks of a tip', () => {
  it.each([
    ['15 working days, not extended', false, '2025-10-23'],
    ['extension from 15 to 30 working days', true, '2025-11-13'],
  ])('立案 clock across 国庆 2025: %s', (_rule, acceptance, day) => {
    const { acceptanceDue } = tipClocks({ receivedOn: '2025-09-26', extended: { acceptance }, today: '2025-09-26' });
    expect(acceptanceDue.day).toBe(day);
    expect(acceptanceDue.periodDays).toBe(acceptance ? 30 : 15);
    expect(acceptanceDue.extended).toBe(acceptance);
    expect(acceptanceDue.workingDaysLeft).toBe(acceptance ? 30 : 15);
    expect(acceptanceDue.provisional).toBe(false);
    expect(acceptanceDue.overdue).toBe(false);
  });

  it.each([
    ['on receipt day all 15 working days are left', '2025-09-26', 15, false],
    ['during 国庆 the holiday days do not count down', '2025-10-05', 12, false],
    ['on the due day 0 are left and it is not overdue', '2025-10-23', 0, false],
    ['the day after the due day is overdue by 1 working day', '2025-10-24', -1, true],
    ['the weekend after is overdue, still by 1 working day', '2025-10-26', -1, true],
    ['the Monday after is overdue by 2 working days', '2025-10-27', -2, true],
  ])('立案 clock countdown: %s', (_rule, today, workingDaysLeft, overdue) => {
    const { acceptanceDue } = tipClocks({ receivedOn: '2025-09-26', today });
    expect(acceptanceDue).toMatchObject({ day: '2025-10-23', workingDaysLeft, overdue, provisional: false });
  });

  it('春节 2026: 立案 due 03-12, 30 working days when extended: 04-02', () => {
    expect(tipClocks({ receivedOn: '2026-02-13', today: '2026-02-13' }).acceptanceDue.day).toBe('2026-03-12');
    expect(tipClocks({ receivedOn: '2026-02-13', extended: { acceptance: true }, today: '2026-02-13' }).acceptanceDue.day).toBe(
      '2026-04-02',
    );
  });

  it('no case opened: no case clock', () => {
    expect(tipClocks({ receivedOn: '2025-09-26', today: '2025-09-26' }).caseDue).toBeNull();
    expect(tipClocks({ receivedOn: '2025-09-26', caseOpenedOn: null, today: '2025-09-26' }).caseDue).toBeNull();
  });

  it.each([
    ['90 calendar days from 立案', false, '2025-10-20', '2026-01-18', 90, false],
    ['120 calendar days when extended', true, '2025-10-20', '2026-02-17', 120, false],
    ['on the due day 0 days are left', false, '2026-01-18', '2026-01-18', 0, false],
    ['a day after the due day is overdue', false, '2026-01-19', '2026-01-18', -1, true],
    ['the extended clock is not overdue then', true, '2026-01-19', '2026-02-17', 29, false],
  ])('case clock: %s', (_rule, extendedCase, today, day, daysLeft, overdue) => {
    const { caseDue } = tipClocks({ receivedOn: '2025-09-26', caseOpenedOn: '2025-10-20', extended: { case: extendedCase }, today });
    expect(caseDue).toEqual({ day, daysLeft, overdue, extended: extendedCase, periodDays: extendedCase ? 120 : 90 });
  });

  it('a year unknown to the library: counted Monday–Friday and marked provisional', () => {
    const { acceptanceDue } = tipClocks({ receivedOn: '2031-03-03', today: '2031-03-04' });
    expect(acceptanceDue).toMatchObject({ day: '2031-03-24', provisional: true, workingDaysLeft: 14, overdue: false });
  });

  it('a known due day is provisional when the countdown from today runs through an unknown year', () => {
    const { acceptanceDue } = tipClocks({ receivedOn: '2026-12-10', today: '2027-01-05' });
    expect(acceptanceDue).toMatchObject({ day: '2026-12-31', provisional: true, workingDaysLeft: -3, overdue: true });
  });

  it('refuses an invalid today', () => {
    expect(() => tipClocks({ receivedOn: '2025-09-26', today: '2025-13-01' })).toThrow(RangeError);
  });
});
