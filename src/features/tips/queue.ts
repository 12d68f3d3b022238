/**
 * The tip queue of the back office (/admin/tips; issue #5 point 3): its query (filters, sort,
 * page) and which statutory clock runs for a tip in each status, with how urgent it is. Pure code;
 * the clocks themselves are ./clocks.ts.
 *
 * Which clock runs: while 立案 is undecided (`submitted`, `accepted`) the 立案 decision clock
 * (15 working days from receipt); while a case is open (`caseOpened`) the case clock (90 days from
 * 立案); none otherwise. The schema records no approved extension (延长), so every clock is counted
 * over the base period.
 */
import { z } from '../../lib/zod.ts';
import { isDay } from '../../lib/dates.ts';
import { tipCategories } from './tip.ts';
import { tipClocks } from './clocks.ts';
import { TIP_STATUSES, type TipStatus } from './workflow.ts';

/** How urgent a tip's clock is: past due, due soon, within its period, or no clock running. */
export const CLOCK_STATES = ['overdue', 'soon', 'onTrack', 'none'] as const;
export type ClockState = (typeof CLOCK_STATES)[number];

/**
 * "Due soon" thresholds (ours, not statutory): the 立案 clock with at most 3 working days left, the
 * case clock with at most 10 days left.
 */
export const DUE_SOON = { workingDays: 3, calendarDays: 10 } as const;

/** Sort orders of the queue: by due day (default; no clock last), newest or oldest first. */
export const QUEUE_SORTS = ['due', 'newest', 'oldest'] as const;
export type QueueSort = (typeof QUEUE_SORTS)[number];

/** Tips per page. */
export const QUEUE_PAGE_SIZE = 20;

/**
 * The clock a tip shows in the queue:
 * - `clock`: `acceptance` (决定是否立案, working days) or `case` (作出处理决定, calendar days), or null;
 * - `day`: the last day allowed (`YYYY-MM-DD`, inclusive), null without a clock;
 * - `left`: working days (acceptance) or days (case) from today to `day`; negative = overdue by that many;
 * - `periodDays`: the period's length in its unit; `provisional`: counted Monday–Friday for a year
 *   whose holiday calendar is not published yet (clocks.ts).
 */
export interface TipDue {
  clock: 'acceptance' | 'case' | null;
  day: string | null;
  left: number | null;
  periodDays: number | null;
  provisional: boolean;
  state: ClockState;
}

/**
 * The running clock of a tip in `status`, received on `receivedOn`, with 立案 on `caseOpenedOn`
 * (null when no case), on `today` (all `YYYY-MM-DD`, Asia/Shanghai). Throws RangeError for an
 * invalid day (clocks.ts).
 */
export function dueOf(status: TipStatus, receivedOn: string, caseOpenedOn: string | null, today: string): TipDue {
  if (status === 'submitted' || status === 'accepted') {
    const c = tipClocks({ receivedOn, today }).acceptanceDue;
    const state: ClockState = c.overdue ? 'overdue' : c.workingDaysLeft <= DUE_SOON.workingDays ? 'soon' : 'onTrack';
    return { clock: 'acceptance', day: c.day, left: c.workingDaysLeft, periodDays: c.periodDays, provisional: c.provisional, state };
  }
  if (status === 'caseOpened' && caseOpenedOn) {
    const c = tipClocks({ receivedOn, caseOpenedOn, today }).caseDue;
    if (c) {
      const state: ClockState = c.overdue ? 'overdue' : c.daysLeft <= DUE_SOON.calendarDays ? 'soon' : 'onTrack';
      return { clock: 'case', day: c.day, left: c.daysLeft, periodDays: c.periodDays, provisional: false, state };
    }
  }
  return { clock: null, day: null, left: null, periodDays: null, provisional: false, state: 'none' };
}

/** A query-string value, or undefined when absent or empty. */
const param = () =>
  z
    .string()
    .optional()
    .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

/**
 * The queue's query string, every parameter optional; a malformed value is ignored (treated as
 * absent), never an error: `status` (a tip status), `county` (a 6-digit division code: a county,
 * a city with its counties, or 360000 for province-level tips), `category`, `due` (a
 * `ClockState`), `dueBy` (`YYYY-MM-DD`: clocks due on or before it), `sort` (default `due`),
 * `page` (1–10000, default 1).
 */
export const queueQuerySchema = z.object({
  status: param().pipe(z.enum(TIP_STATUSES).optional()).catch(undefined),
  county: param()
    .pipe(z.string().regex(/^\d{6}$/u).optional())
    .catch(undefined),
  category: param().pipe(z.enum(tipCategories).optional()).catch(undefined),
  due: param().pipe(z.enum(CLOCK_STATES).optional()).catch(undefined),
  dueBy: param()
    .pipe(z.string().refine(isDay).optional())
    .catch(undefined),
  sort: param().pipe(z.enum(QUEUE_SORTS).optional()).catch(undefined).transform((v) => v ?? 'due'),
  page: param()
    .pipe(
      z
        .string()
        .regex(/^\d{1,5}$/u)
        .transform(Number)
        .pipe(z.number().int().min(1).max(10_000))
        .optional(),
    )
    .catch(undefined)
    .transform((v) => v ?? 1),
});
export type QueueQuery = z.infer<typeof queueQuerySchema>;

/** Reads the queue's query from a URL's search parameters (see `queueQuerySchema`). */
export function parseQueueQuery(params: URLSearchParams): QueueQuery {
  const get = (name: string) => params.get(name) ?? undefined;
  return queueQuerySchema.parse({ status: get('status'), county: get('county'), category: get('category'), due: get('due'), dueBy: get('dueBy'), sort: get('sort'), page: get('page') });
}

/** What `compareForQueue` reads of a row. */
export interface Sortable {
  id: number;
  submittedAt: string;
  due: Pick<TipDue, 'day'>;
}

/**
 * Order of the queue for `sort`: `due` = earliest due day first, tips without a clock after all
 * others, ties by receipt time (oldest first); `newest` / `oldest` by receipt time. Ties end on the id.
 */
export function compareForQueue(sort: QueueSort, a: Sortable, b: Sortable): number {
  if (sort === 'due') {
    const da = a.due.day;
    const db = b.due.day;
    if (da !== db) {
      if (da === null) return 1;
      if (db === null) return -1;
      return da < db ? -1 : 1;
    }
  }
  const bySubmitted = a.submittedAt === b.submittedAt ? 0 : a.submittedAt < b.submittedAt ? -1 : 1;
  const byId = a.id - b.id;
  if (sort === 'newest') return -bySubmitted || -byId;
  return bySubmitted || byId;
}
