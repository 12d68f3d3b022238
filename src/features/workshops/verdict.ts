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
import { addDays, addMonths, compareDays, firstDayOf, isDay, lastDayOf } from '../../lib/dates.ts';
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
 * What the verdict reads. Dates are `YYYY-MM-DD`; `announcementDate` may be `YYYY-MM`.
 * `party.registrationStatus` null on a workshop is read as `valid` (an imported registration whose
 * status column was blank); its `validUntil` still applies.
 */
export interface VerdictInput {
  party: Pick<Party, 'kind' | 'registrationStatus' | 'validUntil' | 'seriousListUntil'>;
  inspections: Pick<Inspection, 'id' | 'inspectedOn' | 'result' | 'rectification' | 'rectifiedOn'>[];
  samplingTests: Pick<
    SamplingTest,
    'id' | 'sampledOn' | 'announcementDate' | 'result' | 'disposal' | 'disposalDoneOn'
  >[];
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
 * window, a list, honor or registration end.
 */
export interface VerdictReason {
  code: VerdictReasonCode;
  recordKind: VerdictRecordKind;
  recordId: number | null;
  date: string | null;
  until: string | null;
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

/** Reference day of a sampling test: sampling day, else announcement day (a month = its first day). */
function samplingDay(t: SamplingRow): string | null {
  return firstDayOf(t.sampledOn) ?? firstDayOf(t.announcementDate);
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

function samplingReason(code: VerdictReasonCode, t: SamplingRow, months: number | null): VerdictReason {
  const day = samplingDay(t);
  return {
    code,
    recordKind: 'samplingTest',
    recordId: t.id,
    date: day,
    until: day !== null && months !== null ? windowEnd(day, months) : null,
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
 *    `partlyCompliant`;
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
  const samplingTests = input.samplingTests.filter((t) => {
    const day = samplingDay(t);
    return day === null || isOnOrBefore(day, today);
  });
  const publicPenalties = input.penalties.filter((p) => isPenaltyPublic(p, today));
  const latestInspection = latest(inspections, (i) => firstDayOf(i.inspectedOn));
  const failedSampling = (months: number): SamplingRow[] =>
    samplingTests.filter((t) => {
      const day = samplingDay(t);
      return t.result === 'fail' && day !== null && inWindow(day, months, today);
    });

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
    ...failedSampling(SAMPLING_WARNING_MONTHS)
      .filter((t) => !isDisposed(t, today))
      .map((t) => samplingReason('samplingFailedUndisposed', t, SAMPLING_WARNING_MONTHS))
      .sort(byDateDesc),
  ];
  if (latestInspection?.result === 'nonCompliant' && !isRectified(latestInspection, today)) {
    warning.push(inspectionReason('inspectionNonCompliantUnrectified', latestInspection));
  }
  if (warning.length > 0) return { status: 'warning', reasons: warning };

  // 3. 关注
  const attention: VerdictReason[] = failedSampling(SAMPLING_ATTENTION_MONTHS)
    .map((t) => samplingReason('samplingFailedRecent', t, SAMPLING_ATTENTION_MONTHS))
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
    const latestSampling = latest(samplingTests, samplingDay) ?? samplingTests.at(-1) ?? null;
    if (latestSampling !== null) {
      // a failure within the attention window was caught above
      const code = latestSampling.result === 'pass' ? 'latestSamplingPassed' : 'latestSamplingFailedBeyondWindow';
      good.push(samplingReason(code, latestSampling, null));
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
