/**
 * Publishing in the back office (issue #5 point 6; DESIGN.md "Staff back office", data model
 * `exposures`, `honors`, `replies`): the form schemas (zod, Chinese field messages) and the pure
 * rules of what the public sees. Exposures rest on a penalty decision or an official announcement
 * (DESIGN.md "Who uses it": media cite them); an unregistered black workshop (黑作坊) is named by
 * its place and county. Honors name their designating authority, document and year. A reply is
 * the operator's words, shown beside its record with the staff decision.
 *
 * Dates are `YYYY-MM-DD` calendar days in Asia/Shanghai. Public visibility:
 * - an exposure from `publishedOn` until the day before `withdrawnOn` (`isExposurePublic` in
 *   src/features/workshops/workshop.server.ts, which also hides one whose penalty left publicity);
 * - an honor until the day before `withdrawnOn`, and through `validUntil` (`isHonorPublic`).
 */
import { z } from '../../lib/zod.ts';
import { firstDayOf, isDay, lastDayOf, normalizePartialDate, todayInShanghai } from '../../lib/dates.ts';
import { pub as t } from '../../i18n/admin-publishing.zh-CN.ts';

// Astro's form parser sends `null` for an empty field: every field accepts it as ''.
const field = () =>
  z
    .string()
    .nullish()
    .transform((v) => (v ?? '').normalize('NFC').replace(/\p{Cf}/gu, '').trim());

const length = (v: string) => [...v].length;

/** A required text of `min`–`max` characters. */
const text = (label: string, min: number, max: number) =>
  field()
    .refine((v) => v !== '', t.validation.required(label))
    .refine((v) => v === '' || (length(v) >= min && length(v) <= max), t.validation.text(label, min, max));

/** An optional text of at most `max` characters; null when empty. */
const optionalText = (label: string, max: number) =>
  field()
    .refine((v) => length(v) <= max, t.validation.text(label, 1, max))
    .transform((v) => (v === '' ? null : v));

/** A calendar day, typed as `2026-11-29` (also `2026/11/29`, `2026年11月29日`); '' when empty. */
const dayText = (label: string) =>
  field()
    .transform((v) => (v === '' ? '' : (normalizePartialDate(v) ?? `invalid:${v}`)))
    .refine((v) => v === '' || isDay(v), t.validation.day(label));

const requiredDay = (label: string) => dayText(label).refine((v) => v !== '', t.validation.required(label));
const optionalDay = (label: string) => dayText(label).transform((v) => (v === '' ? null : v));

/** A positive record id from a form (hidden field or typed number); null when empty. */
const optionalId = (label: string) =>
  field()
    .transform((v) => v.normalize('NFKC'))
    .refine((v) => v === '' || /^[1-9]\d{0,15}$/u.test(v), `${label}须为正整数`)
    .transform((v) => (v === '' ? null : Number(v)));

const requiredId = (label: string) => optionalId(label).refine((v) => v !== null, t.validation.required(label)).transform((v) => v as number);

/** A county code from a <select>; null when none chosen. */
const optionalCode = () =>
  field()
    .refine((v) => v === '' || /^\d{6}$/u.test(v), t.validation.countyInvalid)
    .transform((v) => (v === '' ? null : v));

/** The kinds an exposure rests on (`exposures.basisKind`). */
export const BASIS_KINDS = ['decision', 'announcement'] as const;
/** The kinds of honor (`honors.kind`). */
export const HONOR_KINDS = ['demonstrationUnit', 'specialBrand', 'heritage'] as const;
/** The records a reply can be about (`replies.recordKind`). */
export const REPLY_RECORD_KINDS = ['penalty', 'samplingTest', 'inspection', 'exposure', 'honor'] as const;
export type ReplyRecordKind = (typeof REPLY_RECORD_KINDS)[number];
/** Staff decisions on a reply. */
export const REPLY_DECISIONS = ['upheld', 'corrected'] as const;

/**
 * Creating (no `id`) or editing an exposure. With `partyId` it names a registered party (its name
 * and county are used when left empty); without, an unregistered black workshop, which needs
 * `subjectName`, `place` and `countyCode`. `withdrawnOn` (optional) is not before `publishedOn`.
 */
export const exposureFormSchema = z
  .object({
    id: optionalId('记录编号'),
    partyId: optionalId(t.exposures.registered),
    subjectName: optionalText(t.exposures.subjectName, 60),
    place: optionalText(t.exposures.place, 100),
    countyCode: optionalCode(),
    findings: text(t.exposures.findings, 4, 1000),
    outcome: text(t.exposures.outcome, 2, 500),
    basisKind: field()
      .refine((v) => (BASIS_KINDS as readonly string[]).includes(v), t.validation.basisKindRequired)
      .transform((v) => v as (typeof BASIS_KINDS)[number]),
    basisRef: text(t.exposures.basisRef, 4, 120),
    publishedOn: requiredDay(t.exposures.publishedOn),
    withdrawnOn: optionalDay(t.exposures.withdrawnOn),
  })
  .superRefine((v, ctx) => {
    if (v.partyId === null) {
      if (!v.subjectName) ctx.addIssue({ code: 'custom', path: ['subjectName'], message: t.validation.required(t.exposures.subjectName) });
      if (!v.place) ctx.addIssue({ code: 'custom', path: ['place'], message: t.validation.placeRequired });
      if (!v.countyCode) ctx.addIssue({ code: 'custom', path: ['countyCode'], message: t.validation.countyRequired });
    }
    if (v.withdrawnOn && v.publishedOn && isDay(v.publishedOn) && v.withdrawnOn < v.publishedOn) {
      ctx.addIssue({ code: 'custom', path: ['withdrawnOn'], message: t.validation.withdrawnBeforePublished });
    }
  });
export type ExposureForm = z.infer<typeof exposureFormSchema>;

/** Creating (no `id`) or editing an honor of party `partyId`. */
export const honorFormSchema = z
  .object({
    id: optionalId('记录编号'),
    partyId: requiredId(t.common.partyId),
    kind: field()
      .refine((v) => (HONOR_KINDS as readonly string[]).includes(v), t.validation.kindRequired)
      .transform((v) => v as (typeof HONOR_KINDS)[number]),
    title: text(t.honors.titleField, 2, 60),
    year: field()
      .transform((v) => v.normalize('NFKC'))
      .refine((v) => /^\d{4}$/u.test(v) && Number(v) >= 2000 && Number(v) <= Number(todayInShanghai().slice(0, 4)), t.validation.year)
      .transform(Number),
    authority: text(t.honors.authority, 2, 60),
    documentNo: text(t.honors.documentNo, 2, 80),
    validUntil: optionalDay(t.honors.validUntil),
    withdrawnOn: optionalDay(t.honors.withdrawnOn),
  })
  .superRefine((v, ctx) => {
    if (v.validUntil && Number.isInteger(v.year) && Number(v.validUntil.slice(0, 4)) < v.year) {
      ctx.addIssue({ code: 'custom', path: ['validUntil'], message: t.validation.validUntilBeforeYear });
    }
  });
export type HonorForm = z.infer<typeof honorFormSchema>;

/** Withdrawing an exposure or honor (from today). */
export const withdrawSchema = z.object({ id: requiredId('记录编号') });

/**
 * Recording an operator's reply to one of its records: `record` is `kind:id` (e.g. `penalty:12`),
 * `receivedOn` not after today.
 */
export const replyFormSchema = z.object({
  partyId: requiredId(t.common.partyId),
  record: field()
    .refine((v) => /^(penalty|samplingTest|inspection|exposure|honor):[1-9]\d{0,15}$/u.test(v), t.validation.recordRequired)
    .transform((v) => {
      const [kind, id] = v.split(':');
      return { kind: kind as ReplyRecordKind, id: Number(id) };
    }),
  receivedOn: requiredDay(t.replies.receivedOn).refine((v) => v === '' || !isDay(v) || v <= todayInShanghai(), t.validation.notAfterToday(t.replies.receivedOn)),
  body: text(t.replies.body, 2, 2000),
});
export type ReplyForm = z.infer<typeof replyFormSchema>;

/** The staff decision on a reply, with a note shown beside it. */
export const replyDecisionSchema = z.object({
  id: requiredId('记录编号'),
  status: field()
    .refine((v) => (REPLY_DECISIONS as readonly string[]).includes(v), t.validation.decisionRequired)
    .transform((v) => v as (typeof REPLY_DECISIONS)[number]),
  note: text(t.replies.note, 2, 1000),
});
export type ReplyDecisionForm = z.infer<typeof replyDecisionSchema>;

/** Where an exposure stands on `today` for the back office's list. */
export type ExposureState = 'live' | 'scheduled' | 'withdrawn' | 'basisExpired';

/**
 * The state of an exposure on `today`: withdrawn (from `withdrawnOn` on), scheduled (before
 * `publishedOn`), basisExpired (it rests on a penalty of a registered party that is no longer in
 * its disclosure period: `basisPublic` false), else live.
 */
export function exposureState(e: { publishedOn: string; withdrawnOn: string | null }, today: string, basisPublic: boolean): ExposureState {
  if (e.withdrawnOn && e.withdrawnOn <= today) return 'withdrawn';
  if (e.publishedOn > today) return 'scheduled';
  return basisPublic ? 'live' : 'basisExpired';
}

/** The state of an honor on `today`: withdrawn from `withdrawnOn` on, expired after `validUntil`, else live. */
export function honorState(h: { withdrawnOn: string | null; validUntil: string | null }, today: string): 'live' | 'withdrawn' | 'expired' {
  // a date known only to the month: withdrawn from its first day, valid through its last (as the verdict reads them)
  const withdrawn = firstDayOf(h.withdrawnOn);
  const until = lastDayOf(h.validUntil);
  if (withdrawn && withdrawn <= today) return 'withdrawn';
  if (until && until < today) return 'expired';
  return 'live';
}

/** Whether an honor is on the public pages on `today` (红榜, profile): `honorState` is live. */
export function isHonorPublic(h: { withdrawnOn: string | null; validUntil: string | null }, today: string): boolean {
  return honorState(h, today) === 'live';
}
