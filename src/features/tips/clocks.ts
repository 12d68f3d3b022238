/**
 * Statutory clocks of a tip-off (举报): the deadline to decide whether to open a case (立案), counted
 * in working days (工作日) on the Chinese public-holiday calendar, and the deadline to decide the case
 * once opened, counted in calendar days (日). Pure functions over `YYYY-MM-DD` days (Asia/Shanghai
 * calendar days, see `src/lib/dates.ts`); "today" is always passed in.
 *
 * The rules (DESIGN.md, "Tip-offs"; issue #4 point 6) live in one table, `statutoryPeriods`:
 * - 立案 decision: 15 working days from receipt, +15 with the department head's approval
 *   (《市场监督管理行政处罚程序规定》第十八条, applied to tip-offs by 《市场监督管理投诉举报处理暂行办法》
 *   第三十一条: 举报 are handled under the market-regulation administrative-penalty rules);
 * - case decision (普通程序): 90 days from 立案, +30 with approval (《市场监督管理行政处罚程序规定》,
 *   普通程序办案期限; 《中华人民共和国行政处罚法》(2021) 第六十条 for the 90 days).
 * Periods are counted from the day after the starting day: the day of receipt or of 立案 does not
 * count (《中华人民共和国民法典》第二百零一条: 按照年、月、日计算期间的，开始的当日不计入，自下一日开始计算).
 * Not modelled: time that the rules leave out of a period (检测、检验、检疫、鉴定, 中止, 听证, 公告…)
 * and a further extension beyond 120 days decided collectively (集体讨论决定继续延期).
 *
 * Holiday calendar: the npm package `chinese-days` (maintained, MIT; pinned in package.json), read
 * from its published data file `dist/chinese-days.json` (documented in its README for non-JS use).
 * Its `isWorkday()` function is not used: the package builds its day tables in the host's local
 * time zone, so on a host west of UTC every holiday and 调休 working day shifts one day earlier.
 * The data file has fixed `YYYY-MM-DD` keys; the rule applied to it is the package's own
 * (`workdays` first, then `holidays`, else Monday–Friday), checked against `isWorkday()` day by day
 * in `tests/unit/clocks.test.ts`. The State Council publishes the calendar one year at a time
 * (国务院办公厅关于某年部分节假日安排的通知): a year the package does not know yet is counted
 * Monday–Friday and every deadline that depends on it is marked provisional (DESIGN.md).
 */
import calendarData from 'chinese-days/dist/chinese-days.json' with { type: 'json' };
import { addDays, compareDays, daysBetween, isDay } from '../../lib/dates.ts';

/** `YYYY-MM-DD` → holiday label, e.g. `'2025-10-01'` → `'National Day,国庆节,3'` (days off, weekends included). */
const HOLIDAYS: Readonly<Record<string, string>> = calendarData.holidays;
/** `YYYY-MM-DD` → holiday label of a 调休 working day on a weekend (补班), e.g. `'2025-09-28'`. */
const WORKDAYS: Readonly<Record<string, string>> = calendarData.workdays;

/** A Monday, to compute weekdays with `daysBetween` (no local-time `Date` involved). */
const REFERENCE_MONDAY = '2024-01-01';

function yearOf(day: string): number {
  return Number(day.slice(0, 4));
}

function assertDay(day: string): void {
  if (!isDay(day)) throw new RangeError(`not a calendar day (YYYY-MM-DD): ${JSON.stringify(day)}`);
}

/**
 * A year counts as known when the package lists at least one public holiday in it between 1 February
 * and 30 November: every annual notice has 春节 or 清明 … 国庆 in that range, while a neighbouring
 * year's notice reaches at most into late December or early January (2017's 元旦 began 2016-12-31).
 */
function knownYearsOf(holidays: Readonly<Record<string, string>>): number[] {
  const years = new Set<number>();
  for (const day of Object.keys(holidays)) {
    const monthDay = day.slice(5);
    if (monthDay >= '02-01' && monthDay <= '11-30') years.add(yearOf(day));
  }
  return [...years].sort((a, b) => a - b);
}

/**
 * The years whose holiday calendar the `chinese-days` package knows, ascending (with the pinned
 * 1.5.7: 2004–2026). A day in any other year is counted Monday–Friday and marked provisional.
 */
export const calendarYears: readonly number[] = Object.freeze(knownYearsOf(HOLIDAYS));

const KNOWN_YEARS: ReadonlySet<number> = new Set(calendarYears);

/** True when the holiday calendar of `year` (e.g. 2026) is known to the package. */
export function isCalendarYearKnown(year: number): boolean {
  return KNOWN_YEARS.has(year);
}

/**
 * Whether `day` (`YYYY-MM-DD`) is a working day (工作日) in mainland China:
 * - `known` true (its year is in `calendarYears`): a 调休 weekend working day (补班, e.g. Sunday
 *   2025-09-28) is working; a public holiday or its bridging days (e.g. 2025-10-01…10-08) is not;
 *   any other day is working Monday–Friday;
 * - `known` false: Monday–Friday only, since the year's calendar is not published in the package.
 * Throws a `RangeError` when `day` is not a real `YYYY-MM-DD` day. Source: `chinese-days` data
 * (国务院办公厅 annual holiday notices).
 */
export function isWorkingDay(day: string): { working: boolean; known: boolean } {
  assertDay(day);
  const weekday = (((daysBetween(REFERENCE_MONDAY, day) % 7) + 7) % 7) + 1; // 1 = Monday … 7 = Sunday
  const mondayToFriday = weekday <= 5;
  if (!isCalendarYearKnown(yearOf(day))) return { working: mondayToFriday, known: false };
  if (Object.hasOwn(WORKDAYS, day)) return { working: true, known: true };
  if (Object.hasOwn(HOLIDAYS, day)) return { working: false, known: true };
  return { working: mondayToFriday, known: true };
}

function assertCount(n: number, what: string): void {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`${what} must be a whole number ≥ 0: ${n}`);
}

/**
 * The `n`th working day after `start` (`YYYY-MM-DD`, `n` ≥ 0 whole working days): the count begins
 * the day after `start`, so the day of receipt never counts, even when it is a working day
 * (民法典第二百零一条; 《市场监督管理行政处罚程序规定》第十八条 "自…收到材料之日起十五个工作日内").
 * `addWorkingDays('2025-03-07', 1)` (a Friday) = `'2025-03-10'`; `n` = 0 gives `start` itself.
 * `provisional` is true when any day from the day after `start` through the result lies in a year the
 * package does not know (that stretch was counted Monday–Friday, see `isWorkingDay`).
 * Throws a `RangeError` for an invalid day or a negative / fractional `n`.
 */
export function addWorkingDays(start: string, n: number): { day: string; provisional: boolean } {
  assertDay(start);
  assertCount(n, 'working days');
  let day = start;
  let counted = 0;
  let provisional = false;
  while (counted < n) {
    day = addDays(day, 1);
    const { working, known } = isWorkingDay(day);
    if (!known) provisional = true;
    if (working) counted += 1;
  }
  return { day, provisional };
}

/**
 * `start` (`YYYY-MM-DD`) plus `n` ≥ 0 calendar days (日, holidays included): the day after `start` is
 * day 1 (民法典第二百零一条), so `addCalendarDays('2025-09-30', 90)` = `'2025-12-29'`. Throws a
 * `RangeError` for an invalid day or a negative / fractional `n`.
 */
export function addCalendarDays(start: string, n: number): string {
  assertDay(start);
  assertCount(n, 'calendar days');
  return addDays(start, n);
}

/**
 * Working days from `from` to `to` (`YYYY-MM-DD`), signed: when `from` ≤ `to`, the number of working
 * days in (`from`, `to`]; when `from` > `to`, minus the number in (`to`, `from`]. `provisional` as in
 * `addWorkingDays`: some day of the span lies in a year the package does not know.
 */
export function workingDaysBetween(from: string, to: string): { days: number; provisional: boolean } {
  assertDay(from);
  assertDay(to);
  const sign = compareDays(from, to) <= 0 ? 1 : -1;
  const [first, last] = sign > 0 ? [from, to] : [to, from];
  let days = 0;
  let provisional = false;
  for (let day = addDays(first, 1); compareDays(day, last) <= 0; day = addDays(day, 1)) {
    const { working, known } = isWorkingDay(day);
    if (!known) provisional = true;
    if (working) days += 1;
  }
  return { days: sign * days, provisional };
}

/** Identifier of a row of `statutoryPeriods`. */
export type StatutoryPeriodId = 'acceptance' | 'case';

/**
 * One statutory period: `days` in `unit` (working days 工作日 or calendar days 日), `extendedDays`
 * in total after the approved extension (the extension is `extendedDays - days`), counted from the
 * day after `startsFrom`. `source` names the regulation and article.
 */
export interface StatutoryPeriod {
  readonly id: StatutoryPeriodId;
  readonly label: string;
  readonly unit: 'workingDays' | 'calendarDays';
  readonly days: number;
  readonly extendedDays: number;
  readonly startsFrom: 'receivedOn' | 'caseOpenedOn';
  readonly source: string;
}

const PENALTY_PROCEDURE = '《市场监督管理行政处罚程序规定》(国家市场监督管理总局令)';
const TIP_MEASURES = '《市场监督管理投诉举报处理暂行办法》(国家市场监督管理总局令第20号, 2022年修正)';
const DAY_AFTER_RULE = '《中华人民共和国民法典》第二百零一条 (开始的当日不计入, 自下一日开始计算)';

/**
 * The statutory periods of a tip-off, by id:
 * - `acceptance` (决定是否立案): 15 working days from receipt of the tip, 30 with approval;
 * - `case` (作出处理决定): 90 calendar days from 立案, 120 with approval.
 */
export const statutoryPeriods: Readonly<Record<StatutoryPeriodId, StatutoryPeriod>> = {
  acceptance: {
    id: 'acceptance',
    label: '决定是否立案',
    unit: 'workingDays',
    days: 15,
    extendedDays: 30,
    startsFrom: 'receivedOn',
    source: `${PENALTY_PROCEDURE} 第十八条 (自发现线索或者收到材料之日起十五个工作日内予以核查, 决定是否立案; 特殊情况下经负责人批准可以延长十五个工作日); ${TIP_MEASURES} 第三十一条 (举报按市场监督管理行政处罚等有关规定处理); ${DAY_AFTER_RULE}`,
  },
  case: {
    id: 'case',
    label: '作出处理决定',
    unit: 'calendarDays',
    days: 90,
    extendedDays: 120,
    startsFrom: 'caseOpenedOn',
    source: `${PENALTY_PROCEDURE} 普通程序办案期限 (自立案之日起九十日内作出处理决定; 经负责人批准可以延长三十日); 《中华人民共和国行政处罚法》(2021) 第六十条; ${DAY_AFTER_RULE}`,
  },
};

/**
 * The 立案 clock: due `day` (`YYYY-MM-DD`, last day allowed, inclusive) after `periodDays` working
 * days; `workingDaysLeft` = working days after today up to the due day (0 on the due day itself;
 * negative = working days overdue); `overdue` = today is after the due day; `provisional` = the due day
 * or the count relies on a year the holiday calendar does not know (say so on the page).
 */
export interface WorkingDayClock {
  day: string;
  provisional: boolean;
  workingDaysLeft: number;
  overdue: boolean;
  extended: boolean;
  periodDays: number;
}

/**
 * The case clock: due `day` (`YYYY-MM-DD`, inclusive) after `periodDays` calendar days; `daysLeft` =
 * calendar days from today to the due day (0 on the due day; negative = days overdue); `overdue` =
 * today is after the due day. Never provisional: calendar days do not depend on the holiday calendar.
 */
export interface CalendarDayClock {
  day: string;
  daysLeft: number;
  overdue: boolean;
  extended: boolean;
  periodDays: number;
}

/**
 * Input of `tipClocks`, all days `YYYY-MM-DD`: `receivedOn` = day the tip was received; `caseOpenedOn`
 * = day of 立案 (null / absent while no case is open); `extended` = which periods were extended with
 * approval; `today` = today in Asia/Shanghai (`todayInShanghai()`).
 */
export interface TipClocksInput {
  receivedOn: string;
  caseOpenedOn?: string | null;
  extended?: { acceptance?: boolean; case?: boolean };
  today: string;
}

/** Both clocks of a tip; `caseDue` is null while no case is opened (立案). */
export interface TipClocks {
  acceptanceDue: WorkingDayClock;
  caseDue: CalendarDayClock | null;
}

/**
 * The statutory clocks of a tip (`statutoryPeriods`): 立案 decision within 15 (extended: 30)
 * working days after `receivedOn`, case decision within 90 (extended: 120) calendar days after
 * `caseOpenedOn`. The caller decides which clock to show for the tip's status (the 立案 clock is moot
 * once 立案 or 不予立案 is decided). Throws a `RangeError` for an invalid day.
 */
export function tipClocks(input: TipClocksInput): TipClocks {
  const { receivedOn, caseOpenedOn = null, extended = {}, today } = input;
  assertDay(today);

  const acceptance = statutoryPeriods.acceptance;
  const acceptanceExtended = extended.acceptance === true;
  const acceptanceDays = acceptanceExtended ? acceptance.extendedDays : acceptance.days;
  const due = addWorkingDays(receivedOn, acceptanceDays);
  const left = workingDaysBetween(today, due.day);
  const acceptanceDue: WorkingDayClock = {
    day: due.day,
    provisional: due.provisional || left.provisional,
    workingDaysLeft: left.days,
    overdue: compareDays(today, due.day) > 0,
    extended: acceptanceExtended,
    periodDays: acceptanceDays,
  };

  let caseDue: CalendarDayClock | null = null;
  if (caseOpenedOn !== null) {
    const period = statutoryPeriods.case;
    const caseExtended = extended.case === true;
    const caseDays = caseExtended ? period.extendedDays : period.days;
    const day = addCalendarDays(caseOpenedOn, caseDays);
    caseDue = {
      day,
      daysLeft: daysBetween(today, day),
      overdue: compareDays(today, day) > 0,
      extended: caseExtended,
      periodDays: caseDays,
    };
  }

  return { acceptanceDue, caseDue };
}
