/**
 * The verdict (信用提示): one pure function of a party's records and "today" (Asia/Shanghai) that
 * returns a status and the dated reasons behind it, each pointing at its record (DESIGN.md,
 * "The verdict"). Published on `/about/method`; UI labels for the codes live in `src/i18n/`.
 *
 * Precedence, first match wins: seriousDishonesty (严重失信) → warning (警示) → attention (关注) →
 * demonstration (示范) → good (良好) → pendingInspection (待检查) → expired (已过期) / cancelled
 * (已注销) → noRecentAdverse (无近期不良记录). Records dated after `today` are ignored.
 */
import type { Honor, Inspection, Party, Penalty, SamplingTest } from '../../db/schema.ts';
import { addDays, addMonths, compareDays, firstDayOf, isDay, lastDayOf, minDay, normalizePartialDate, possibleDays, precisionOf, type DaySpan } from '../../lib/dates.ts';
import type { PenaltyForDisclosure } from './disclosure.ts';
import { disclosureOf, isPenaltyPublic, isTransferredToPolice, revokesRegistration } from './disclosure.ts';

/**
 * A failed sampling test (监督抽检不合格) whose disposal (后处理) is not complete is a warning for this
 * many months after its reference date (DESIGN.md verdict table, 警示).
 */
export const SAMPLING_WARNING_MONTHS = 12;

/** A failed sampling test is a cause for attention for this many months (DESIGN.md verdict table, 关注). */
export const SAMPLING_ATTENTION_MONTHS = 24;

/**
 * What the verdict reads. Dates are `YYYY-MM-DD`; a sampling test's `announcementDate` is stored
 * as published (`YYYY-MM`, `YYYY` or `--MM-DD` too, src/lib/dates.ts `DatePrecision`), and its
 * `batch` (生产日期/批号) and `createdAt` (the instant it was entered) bound what that date can
 * mean (`samplingSpan`); without `createdAt`, today bounds it.
 * `party.registrationStatus` null on a workshop is read as `valid` (an imported registration whose
 * status column was blank); its `validUntil` still applies.
 */
export interface VerdictInput {
  party: Pick<Party, 'kind' | 'registrationStatus' | 'validUntil' | 'seriousListUntil'>;
  inspections: Pick<Inspection, 'id' | 'inspectedOn' | 'result' | 'rectification' | 'rectifiedOn'>[];
  samplingTests: (Pick<SamplingTest, 'id' | 'sampledOn' | 'announcementDate' | 'result' | 'disposal' | 'disposalDoneOn'> &
    Partial<Pick<SamplingTest, 'batch' | 'createdAt'>>)[];
  penalties: (PenaltyForDisclosure & Pick<Penalty, 'id' | 'decisionNo'>)[];
  honors: Pick<Honor, 'id' | 'kind' | 'year' | 'validUntil' | 'withdrawnOn'>[];
}

/** The verdict statuses, in precedence order (first match wins). */
export const verdictStatuses = [
  'seriousDishonesty',
  'warning',
  'attention',
  'demonstration',
  'good',
  'pendingInspection',
  'expired',
  'cancelled',
  'noRecentAdverse',
] as const;

/**
 * 严重失信 / 警示 / 关注 / 示范 / 良好 / 待检查 / 已过期 / 已注销 / 无近期不良记录
 * (see `verdictStatuses` for the precedence).
 */
export type VerdictStatus = (typeof verdictStatuses)[number];

/**
 * Why a status was given; each code belongs to one status:
 * - seriousDishonesty: `registrationRevoked` (registration status 吊销), `penaltyTransferredToPolice`
 *   and `penaltyRevokesRegistration` (a public penalty), `seriousList` (严重失信主体名单 until `until`);
 * - warning: `penaltyInPeriod` (a public penalty, shown until `until`), `samplingFailedUndisposed`
 *   (failed in the last 12 months, disposal not complete), `inspectionNonCompliantUnrectified`
 *   (latest inspection 不符合, not rectified);
 * - attention: `samplingFailedRecent` (failed in the last 24 months), `inspectionPartlyCompliant`
 *   (latest inspection 基本符合);
 * - demonstration: `demonstrationUnit` (a current 示范单位 honor) and `registeredValid`;
 * - good: `registeredValid`, `latestInspectionCompliant`, `latestInspectionRectified` (不符合 but
 *   rectified), `latestSamplingPassed`, `latestSamplingFailedBeyondWindow` (failed more than 24
 *   months ago);
 * - pendingInspection: `registeredValid` and `noInspectionYet`;
 * - expired: `registrationExpired`; cancelled: `registrationCancelled`;
 * - noRecentAdverse: `notAWorkshop` and `noAdverseRecord`.
 */
export type VerdictReasonCode =
  | 'registrationRevoked'
  | 'penaltyTransferredToPolice'
  | 'penaltyRevokesRegistration'
  | 'seriousList'
  | 'penaltyInPeriod'
  | 'samplingFailedUndisposed'
  | 'inspectionNonCompliantUnrectified'
  | 'samplingFailedRecent'
  | 'inspectionPartlyCompliant'
  | 'demonstrationUnit'
  | 'registeredValid'
  | 'latestInspectionCompliant'
  | 'latestInspectionRectified'
  | 'latestSamplingPassed'
  | 'latestSamplingFailedBeyondWindow'
  | 'noInspectionYet'
  | 'registrationExpired'
  | 'registrationCancelled'
  | 'notAWorkshop'
  | 'noAdverseRecord';

/** The kind of record a reason points at; `registration` and `party` are the party row itself. */
export type VerdictRecordKind = 'penalty' | 'samplingTest' | 'inspection' | 'honor' | 'registration' | 'party';

/**
 * One reason: `recordKind` + `recordId` (null for the party's own row) locate the record;
 * `date` = the record's day (`YYYY-MM-DD`: decision or publicity start of a penalty, reference day
 * of a sampling test, inspection day; null for honors and the party row); `until` = last day
 * (inclusive) the fact counts, when known: a penalty's disclosure end, the end of a sampling
 * window, a list, honor or registration end. `published` = the date as published when it is not a
 * whole day (`2019-03`, `--02-04`): `date` is then the day the rule read it as (`samplingSpan`),
 * and pages show `published`.
 */
export interface VerdictReason {
  code: VerdictReasonCode;
  recordKind: VerdictRecordKind;
  recordId: number | null;
  date: string | null;
  until: string | null;
  published?: string;
}

/** The verdict: a status and its reasons (never empty), most serious facts first. */
export interface Verdict {
  status: VerdictStatus;
  reasons: VerdictReason[];
}

type SamplingRow = VerdictInput['samplingTests'][number];
type InspectionRow = VerdictInput['inspections'][number];
type PenaltyRow = VerdictInput['penalties'][number];

const isOnOrBefore = (day: string, today: string): boolean => compareDays(day, today) <= 0;

/** A production or purchase date written in 生产日期/批号 (`2017-4-12`, `购进日期:2018-08-08`), as its first day; null for a batch code. */
function producedOn(batch: string | null | undefined): string | null {
  const m = /(\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?|\d{4}[-/.年]\d{1,2}月?|(?<!\d)\d{8}(?!\d))/u.exec((batch ?? '').normalize('NFKC'));
  return m ? firstDayOf(normalizePartialDate(m[1])) : null;
}

/** The days a sampling test can be dated to (`samplingSpan`), with its date as published when not a whole day. */
type SamplingSpan = (DaySpan & { published: string | null }) | null;

/** Asia/Shanghai is UTC+8 all year (no daylight saving since 1991). */
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;

/**
 * The days a sampling test can be dated to, for the windows of the verdict: its sampling day when
 * recorded; else what its announcement date, as published, can mean (`possibleDays`): not before the
 * production date of the batch (a product is announced after it was made and sampled), not after
 * the day the record was entered (`createdAt`, Asia/Shanghai) nor today. `published` is set when
 * that date is not a whole day. Null when the test has no usable date.
 */
function samplingSpan(t: SamplingRow, today: string): SamplingSpan {
  const sampled = firstDayOf(t.sampledOn);
  if (sampled !== null) return { earliest: sampled, latest: sampled, published: null };
  const instant = t.createdAt ? Date.parse(t.createdAt) : Number.NaN;
  const entered = Number.isNaN(instant) ? null : new Date(instant + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
  const span = possibleDays(t.announcementDate, { notBefore: producedOn(t.batch), notAfter: minDay(entered, today) ?? today });
  if (span === null) return null;
  const precision = precisionOf(t.announcementDate);
  return { ...span, published: precision === 'day' ? null : t.announcementDate };
}

/**
 * Reading a sampling date that is not a whole day (a month, a year, a day without a year) in the
 * 12- and 24-month windows of DESIGN.md "The verdict" (警示 and 关注 rows). These windows are
 * Fangxin's own rule, not a legal publicity period like a penalty's (disclosure.ts reads a partial
 * start its own way): the authority's announcement stays published. The two risks are weighed per rule:
 * - 警示 (12 months) is given only when EVERY day the date can mean is in the window: it reads the
 *   earliest day (`certainlyWithin`). A warning never rests on an announcement that may be older
 *   than 12 months (showing an expired warning against a named business is the worse error: the
 *   verdict is shown next to its name);
 * - 关注 (24 months) is given when ANY such day is in the window: it reads the latest day
 *   (`possiblyWithin`), so a failure that may still be recent is never hidden; a failure that is
 *   possibly but not certainly within 12 months (and not disposed) lands here too, as 关注;
 * - a date without a year and nothing before it (no production date) has no earliest day: it is
 *   never 警示, and 关注 until 24 months after the latest day it can mean (the last such day on or
 *   before the day it was entered), then no longer counted. The page shows it as published
 *   (2月4日（年份未公布）).
 * For a whole day both readings are the day itself.
 */
function certainlyWithin(span: DaySpan | null, months: number, today: string): boolean {
  return span !== null && span.earliest !== null && inWindow(span.earliest, months, today) && isOnOrBefore(span.latest, today);
}

/** See `certainlyWithin`: some day the date can mean is in the window. */
function possiblyWithin(span: DaySpan | null, months: number, today: string): boolean {
  return span !== null && compareDays(addMonths(today, -months), span.latest) < 0 && (span.earliest === null || isOnOrBefore(span.earliest, today));
}

/** True when `day` is in the window of `months` ending today: today − months < day ≤ today. */
function inWindow(day: string, months: number, today: string): boolean {
  return compareDays(addMonths(today, -months), day) < 0 && isOnOrBefore(day, today);
}

/** Last day on which `inWindow(day, months, ·)` holds (the window is evaluated with clamped months). */
function windowEnd(day: string, months: number): string {
  let end = addDays(addMonths(day, months), -1);
  while (compareDays(addMonths(addDays(end, 1), -months), day) < 0) end = addDays(end, 1);
  while (compareDays(addMonths(end, -months), day) >= 0) end = addDays(end, -1);
  return end;
}

function isDisposed(t: SamplingRow, today: string): boolean {
  const done = firstDayOf(t.disposalDoneOn);
  return t.disposal !== 'none' && done !== null && isOnOrBefore(done, today);
}

function isRectified(i: InspectionRow, today: string): boolean {
  if (i.rectification !== 'done') return false;
  const on = firstDayOf(i.rectifiedOn);
  return on === null || isOnOrBefore(on, today);
}

/** Latest of the rows by day; on the same day the highest id (the record entered last). */
function latest<T extends { id: number }>(rows: readonly T[], dayOf: (row: T) => string | null): T | null {
  let best: T | null = null;
  let bestDay: string | null = null;
  for (const row of rows) {
    const day = dayOf(row);
    if (day === null) continue;
    const order = bestDay === null ? 1 : compareDays(day, bestDay);
    if (best === null || order > 0 || (order === 0 && row.id > best.id)) {
      best = row;
      bestDay = day;
    }
  }
  return best;
}

/** Newest first, then highest id first. */
function byDateDesc(a: VerdictReason, b: VerdictReason): number {
  if (a.date !== b.date) {
    if (a.date === null) return 1;
    if (b.date === null) return -1;
    return compareDays(b.date, a.date);
  }
  return (b.recordId ?? 0) - (a.recordId ?? 0);
}

function penaltyReason(code: VerdictReasonCode, p: PenaltyRow): VerdictReason {
  const { start, end } = disclosureOf(p);
  return { code, recordKind: 'penalty', recordId: p.id, date: firstDayOf(p.decidedOn) ?? start, until: end };
}

/** A reason on a sampling test; `reading` says which end of its span the rule read (`certainlyWithin`). */
function samplingReason(code: VerdictReasonCode, t: SamplingRow, span: SamplingSpan, months: number | null, reading: 'earliest' | 'latest'): VerdictReason {
  const day = span === null ? null : reading === 'earliest' ? (span.earliest ?? span.latest) : span.latest;
  return {
    code,
    recordKind: 'samplingTest',
    recordId: t.id,
    date: day,
    until: day !== null && months !== null ? windowEnd(day, months) : null,
    ...(span?.published ? { published: span.published } : {}),
  };
}

function inspectionReason(code: VerdictReasonCode, i: InspectionRow): VerdictReason {
  return { code, recordKind: 'inspection', recordId: i.id, date: firstDayOf(i.inspectedOn), until: null };
}

/**
 * Computes the verdict of a party on `today` (`YYYY-MM-DD`, Asia/Shanghai; see `todayInShanghai`).
 * The reasons are every matching fact of the winning status (all public penalties, all failed
 * sampling tests in the window), each group newest first. Rules (DESIGN.md, "The verdict"; penalty
 * publicity per `disclosure.ts`; sampling windows `SAMPLING_WARNING_MONTHS`/`SAMPLING_ATTENTION_MONTHS`):
 * 1. seriousDishonesty: registration status `revoked`; a public penalty transferred to the police or
 *    revoking the registration; `seriousListUntil` ≥ today;
 * 2. warning: a public penalty; a failed sampling test dated in (today − 12 months, today] whose
 *    disposal is not complete (`disposal` 'none', or `disposalDoneOn` null or after today); the latest
 *    inspection `nonCompliant` and not rectified (`rectification` ≠ 'done', or `rectifiedOn` after today);
 * 3. attention: a failed sampling test dated in (today − 24 months, today]; the latest inspection
 *    `partlyCompliant`. A sampling date published without its day, month or year is in a window
 *    for 警示 only when all its possible days are, for 关注 when any is (`certainlyWithin`);
 * 4. demonstration: a workshop with a valid registration and a `demonstrationUnit` honor not withdrawn
 *    (`withdrawnOn` null or after today) and current (`validUntil` null or ≥ today);
 * 5. good: a workshop, registration `valid` (or null) and `validUntil` null or ≥ today, with at least
 *    one inspection or sampling test;
 * 6. pendingInspection: the same workshop with no inspection or sampling test yet;
 * 7. expired: a workshop whose status is `expired`, or `valid`/null with `validUntil` < today;
 *    cancelled: a workshop whose status is `cancelled`;
 * 8. noRecentAdverse: a party that is not a workshop.
 *
 * An inspection with an unreadable day is ignored; a sampling test with neither day still counts as
 * "sampled" for step 5. Throws a `RangeError` when `today` is not a `YYYY-MM-DD` day.
 */
export function computeVerdict(input: VerdictInput, today: string): Verdict {
  if (!isDay(today)) throw new RangeError(`today is not a calendar day (YYYY-MM-DD): ${JSON.stringify(today)}`);
  const { party } = input;
  const inspections = input.inspections.filter((i) => {
    const day = firstDayOf(i.inspectedOn);
    return day !== null && isOnOrBefore(day, today);
  });
  const spans = new Map(input.samplingTests.map((t) => [t, samplingSpan(t, today)]));
  const spanOf = (t: SamplingRow): SamplingSpan => spans.get(t) ?? null;
  // a record is ignored only when every day it can mean is after today
  const samplingTests = input.samplingTests.filter((t) => {
    const span = spanOf(t);
    return span === null || isOnOrBefore(span.earliest ?? span.latest, today);
  });
  const publicPenalties = input.penalties.filter((p) => isPenaltyPublic(p, today));
  const latestInspection = latest(inspections, (i) => firstDayOf(i.inspectedOn));
  const failedSampling = (months: number, within: typeof certainlyWithin): SamplingRow[] =>
    samplingTests.filter((t) => t.result === 'fail' && within(spanOf(t), months, today));

  // 1. 严重失信
  const serious: VerdictReason[] = [];
  if (party.registrationStatus === 'revoked') {
    serious.push({ code: 'registrationRevoked', recordKind: 'registration', recordId: null, date: null, until: null });
  }
  const seriousPenalties: VerdictReason[] = [];
  for (const p of publicPenalties) {
    if (isTransferredToPolice(p)) seriousPenalties.push(penaltyReason('penaltyTransferredToPolice', p));
    if (revokesRegistration(p)) seriousPenalties.push(penaltyReason('penaltyRevokesRegistration', p));
  }
  serious.push(...seriousPenalties.sort(byDateDesc));
  const seriousListUntil = lastDayOf(party.seriousListUntil);
  if (seriousListUntil !== null && isOnOrBefore(today, seriousListUntil)) {
    serious.push({ code: 'seriousList', recordKind: 'party', recordId: null, date: null, until: seriousListUntil });
  }
  if (serious.length > 0) return { status: 'seriousDishonesty', reasons: serious };

  // 2. 警示
  const warning: VerdictReason[] = [
    ...publicPenalties.map((p) => penaltyReason('penaltyInPeriod', p)).sort(byDateDesc),
    ...failedSampling(SAMPLING_WARNING_MONTHS, certainlyWithin)
      .filter((t) => !isDisposed(t, today))
      .map((t) => samplingReason('samplingFailedUndisposed', t, spanOf(t), SAMPLING_WARNING_MONTHS, 'earliest'))
      .sort(byDateDesc),
  ];
  if (latestInspection?.result === 'nonCompliant' && !isRectified(latestInspection, today)) {
    warning.push(inspectionReason('inspectionNonCompliantUnrectified', latestInspection));
  }
  if (warning.length > 0) return { status: 'warning', reasons: warning };

  // 3. 关注
  const attention: VerdictReason[] = failedSampling(SAMPLING_ATTENTION_MONTHS, possiblyWithin)
    .map((t) => samplingReason('samplingFailedRecent', t, spanOf(t), SAMPLING_ATTENTION_MONTHS, 'latest'))
    .sort(byDateDesc);
  if (latestInspection?.result === 'partlyCompliant') {
    attention.push(inspectionReason('inspectionPartlyCompliant', latestInspection));
  }
  if (attention.length > 0) return { status: 'attention', reasons: attention };

  // 4. 示范 — from here on only a workshop with a valid registration qualifies, until step 7
  const isWorkshop = party.kind === 'workshop';
  const registrationStatus = party.registrationStatus ?? 'valid';
  const validUntil = lastDayOf(party.validUntil);
  const registeredValid =
    isWorkshop && registrationStatus === 'valid' && (validUntil === null || isOnOrBefore(today, validUntil));
  const registration = (code: VerdictReasonCode): VerdictReason => ({
    code,
    recordKind: 'registration',
    recordId: null,
    date: null,
    until: validUntil,
  });
  const demonstration: VerdictReason[] = registeredValid
    ? input.honors
        .filter((h) => {
          const withdrawn = firstDayOf(h.withdrawnOn);
          const honorUntil = lastDayOf(h.validUntil);
          return (
            h.kind === 'demonstrationUnit' &&
            h.year <= Number(today.slice(0, 4)) &&
            (withdrawn === null || compareDays(today, withdrawn) < 0) &&
            (honorUntil === null || isOnOrBefore(today, honorUntil))
          );
        })
        .sort((a, b) => b.year - a.year || b.id - a.id)
        .map((h) => ({
          code: 'demonstrationUnit',
          recordKind: 'honor',
          recordId: h.id,
          date: null,
          until: lastDayOf(h.validUntil),
        }))
    : [];
  if (demonstration.length > 0) {
    return { status: 'demonstration', reasons: [...demonstration, registration('registeredValid')] };
  }

  // 5. 良好 / 6. 待检查
  if (registeredValid) {
    if (inspections.length === 0 && samplingTests.length === 0) {
      return {
        status: 'pendingInspection',
        reasons: [
          registration('registeredValid'),
          { code: 'noInspectionYet', recordKind: 'registration', recordId: null, date: null, until: null },
        ],
      };
    }
    const good: VerdictReason[] = [registration('registeredValid')];
    if (latestInspection !== null) {
      // a partly compliant or unrectified latest inspection was caught above
      const code = latestInspection.result === 'compliant' ? 'latestInspectionCompliant' : 'latestInspectionRectified';
      good.push(inspectionReason(code, latestInspection));
    }
    // the latest by the latest day each can mean: a test that may be the newest is the one shown
    const latestSampling = latest(samplingTests, (t) => spanOf(t)?.latest ?? null) ?? samplingTests.at(-1) ?? null;
    if (latestSampling !== null) {
      // a failure within the attention window was caught above
      const code = latestSampling.result === 'pass' ? 'latestSamplingPassed' : 'latestSamplingFailedBeyondWindow';
      good.push(samplingReason(code, latestSampling, spanOf(latestSampling), null, 'latest'));
    }
    return { status: 'good', reasons: good };
  }

  // 7. 已注销 / 已过期 (an explicit cancellation wins over a past validUntil)
  if (isWorkshop && registrationStatus === 'cancelled') {
    return { status: 'cancelled', reasons: [registration('registrationCancelled')] };
  }
  if (isWorkshop) return { status: 'expired', reasons: [registration('registrationExpired')] };

  // 8. 无近期不良记录
  return {
    status: 'noRecentAdverse',
    reasons: [
      { code: 'notAWorkshop', recordKind: 'party', recordId: null, date: null, until: null },
      { code: 'noAdverseRecord', recordKind: 'party', recordId: null, date: null, until: null },
    ],
  };
}
