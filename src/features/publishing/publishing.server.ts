/**
 * Publishing from the back office (issue #5 point 6): exposures (曝光台), honors (红榜) and the
 * staff decisions on operators' replies, each checked against the actor's role and jurisdiction
 * (src/features/staff/authz.ts: `publishExposure`, `publishHonor`, `decideReply`), written with its
 * audit entry in one transaction. The public pages read SQLite, so a change shows at once; callers
 * then update the search documents of the parties returned (`refreshSearch`).
 *
 * A record's division (what jurisdiction is checked against): an exposure's county, else its
 * party's; a party's county, else its city, else the province (360000).
 *
 * Results: `{ ok: true, … }`, or `{ ok: false, fields }` with Chinese messages per form field.
 * Throws `PublishingError` `notFound` for a record that does not exist or lies outside the actor's
 * jurisdiction (the two are not told apart), `forbidden` when the role may not do it at all.
 */
import { randomBytes } from 'node:crypto';
import type { Meilisearch } from 'meilisearch';
import { and, count, desc, eq, inArray, isNull, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { divisions, exposures, honors, parties, penalties, replies, type Exposure, type Honor, type Party, type Reply } from '../../db/schema.ts';
import { pub as t } from '../../i18n/admin-publishing.zh-CN.ts';
import { zh } from '../../i18n/zh-CN.ts';
import { reindexParties } from '../search/search.server.ts';
import { appendAudit } from '../staff/audit.server.ts';
import { can, RULES, type Actor, type StaffAction } from '../staff/authz.ts';
import { PROVINCE_CODE } from '../staff/staff.ts';
import { getPartyProfile, publicPenalties } from '../workshops/workshop.server.ts';
import { exposureState, honorState, type ExposureForm, type ExposureState, type HonorForm, type ReplyDecisionForm, type ReplyForm, type ReplyRecordKind } from './publishing.ts';

/** A refusal that is not about a form field. */
export class PublishingError extends Error {
  readonly code: 'forbidden' | 'notFound';
  constructor(code: 'forbidden' | 'notFound', message: string) {
    super(message);
    this.code = code;
  }
}

/** Field → Chinese messages. */
export type FieldProblems = Record<string, string[]>;

/** The outcome of a save: the record and the parties whose search documents changed, or field problems. */
export type SaveResult<T> = { ok: true; item: T; partyIds: number[] } | { ok: false; fields: FieldProblems };

/** A page of a back-office list. */
export interface StaffPage<T> {
  items: T[];
  total: number;
  page: number;
  totalPages: number;
}

/** The division a party belongs to: its county, else its city, else the province. */
export function partyDivision(p: Pick<Party, 'countyCode' | 'cityCode'>): string {
  return p.countyCode ?? p.cityCode ?? PROVINCE_CODE;
}

function requireRole(actor: Actor, action: StaffAction): void {
  if (RULES[action][actor.role] === 'none') throw new PublishingError('forbidden', t.common.forbidden);
}

/** SQL: the party lies in the actor's jurisdiction (`partyDivision` in it). */
function partyInReach(actor: Actor): SQL | undefined {
  if (actor.jurisdiction.has(PROVINCE_CODE)) return undefined;
  const codes = [...actor.jurisdiction];
  return or(inArray(parties.countyCode, codes), and(isNull(parties.countyCode), inArray(parties.cityCode, codes)));
}

/** A party found by the back office's party search. */
export interface StaffPartyHit {
  id: number;
  name: string;
  kind: Party['kind'];
  registrationNo: string | null;
  uscc: string | null;
  countyCode: string | null;
  cityCode: string | null;
}

/**
 * Parties of the actor's jurisdiction whose name contains `q`, or whose registration no., credit
 * code or id is `q` (at most `limit`, exact codes first, then by name). SQLite only: the back office
 * must work while the search engine is being rebuilt.
 */
export function findPartiesForStaff(db: Db, actor: Actor, q: string, limit = 20): StaffPartyHit[] {
  const term = q.normalize('NFKC').trim().slice(0, 60);
  if (term === '') return [];
  const escaped = `%${term.replace(/[\\%_]/gu, (c) => `\\${c}`)}%`;
  const exact = or(eq(parties.registrationNo, term), eq(parties.uscc, term.toUpperCase()), /^\d{1,15}$/u.test(term) ? eq(parties.id, Number(term)) : undefined);
  return db
    .select({ id: parties.id, name: parties.name, kind: parties.kind, registrationNo: parties.registrationNo, uscc: parties.uscc, countyCode: parties.countyCode, cityCode: parties.cityCode })
    .from(parties)
    .where(and(or(exact, sql`${parties.name} like ${escaped} escape '\\'`), partyInReach(actor)))
    .orderBy(sql`case when ${exact} then 0 when ${parties.name} = ${term} then 1 else 2 end`, parties.name, parties.id)
    .limit(limit)
    .all();
}

function partyById(db: Db, id: number): Party | undefined {
  return db.select().from(parties).where(eq(parties.id, id)).get();
}

/**
 * Updates the search documents of `partyIds` (`reindexParties`); false when the search engine did
 * not take it (the data stands; the next start rebuilds the stale index).
 */
export async function refreshSearch(db: Db, client: Meilisearch, partyIds: number[], today?: string): Promise<boolean> {
  try {
    await reindexParties(db, client, partyIds, today);
    return true;
  } catch {
    return false;
  }
}

// ——— exposures ———

/** An exposure as the back office lists it. */
export type StaffExposure = Exposure & { partyName: string | null; countyName: string | null; state: ExposureState; divisionCode: string };

function exposureDivision(e: Pick<Exposure, 'countyCode'>, party: Pick<Party, 'countyCode' | 'cityCode'> | null | undefined): string {
  return e.countyCode ?? (party ? partyDivision(party) : PROVINCE_CODE);
}

/** Whether the penalty decision an exposure of a registered party rests on is public on `today`. */
function basisPublic(db: Db, e: Pick<Exposure, 'basisKind' | 'basisRef' | 'partyId'>, today: string): boolean {
  if (e.basisKind !== 'decision' || e.partyId === null) return true;
  const list = db.select().from(penalties).where(eq(penalties.partyId, e.partyId)).all();
  return publicPenalties(list, today).some((p) => p.decisionNo === e.basisRef);
}

/** Exposures of the actor's jurisdiction, newest published first, 50 a page, with their state on `today`. */
export function listExposuresForStaff(db: Db, actor: Actor, today: string, page = 1, pageSize = 50): StaffPage<StaffExposure> {
  requireRole(actor, 'publishExposure');
  const codes = [...actor.jurisdiction];
  const where = actor.jurisdiction.has(PROVINCE_CODE)
    ? undefined
    : or(inArray(exposures.countyCode, codes), and(isNull(exposures.countyCode), or(inArray(parties.countyCode, codes), and(isNull(parties.countyCode), inArray(parties.cityCode, codes)))));
  const total = db.select({ n: count() }).from(exposures).leftJoin(parties, eq(parties.id, exposures.partyId)).where(where).get()?.n ?? 0;
  const rows = db
    .select()
    .from(exposures)
    .leftJoin(parties, eq(parties.id, exposures.partyId))
    .where(where)
    .orderBy(desc(exposures.publishedOn), desc(exposures.id))
    .limit(pageSize)
    .offset((page - 1) * pageSize)
    .all();
  const names = new Map(db.select({ code: divisions.code, name: divisions.name }).from(divisions).all().map((d) => [d.code, d.name]));
  return {
    items: rows.map(({ exposures: e, parties: p }) => {
      const county = e.countyCode ?? p?.countyCode ?? null;
      return { ...e, partyName: p?.name ?? null, countyName: county ? (names.get(county) ?? null) : null, state: exposureState(e, today, basisPublic(db, e, today)), divisionCode: exposureDivision(e, p) };
    }),
    total,
    page,
    totalPages: Math.max(1, Math.ceil(total / pageSize)),
  };
}

/** Exposure `id` when it lies in the actor's jurisdiction, else null. */
export function getExposureForStaff(db: Db, actor: Actor, id: number): Exposure | null {
  requireRole(actor, 'publishExposure');
  const e = db.select().from(exposures).where(eq(exposures.id, id)).get();
  if (!e) return null;
  const party = e.partyId === null ? null : partyById(db, e.partyId);
  return can(actor, 'publishExposure', { divisionCode: exposureDivision(e, party) }) ? e : null;
}

/**
 * Creates (`form.id` null) or edits an exposure (see the module comment for the checks). An
 * exposure resting on a decision of a registered party must name one of that party's penalties in
 * its disclosure period on `today` (else the public pages would not show it); one of a black
 * workshop must name a decision no. on file (imported with its penalty). New exposures get a
 * slug `YYYYMMDD-xxxxxxxx`.
 */
export function saveExposure(db: Db, actor: Actor, form: ExposureForm, today: string, now: Date = new Date()): SaveResult<Exposure> {
  requireRole(actor, 'publishExposure');
  const existing = form.id === null ? null : getExposureForStaff(db, actor, form.id);
  if (form.id !== null && !existing) throw new PublishingError('notFound', t.common.notFound);
  const fields: FieldProblems = {};
  let party: Party | null = null;
  if (form.partyId !== null) {
    party = partyById(db, form.partyId) ?? null;
    if (!party) fields.partyId = [t.validation.partyNotFound];
    else if (!can(actor, 'publishExposure', { divisionCode: partyDivision(party) })) fields.partyId = [t.validation.partyOutside];
  }
  const countyCode = form.countyCode ?? party?.countyCode ?? null;
  if (form.countyCode) {
    const d = db.select().from(divisions).where(eq(divisions.code, form.countyCode)).get();
    if (!d || d.level !== 'county') fields.countyCode = [t.validation.countyInvalid];
    else if (!can(actor, 'publishExposure', { divisionCode: d.code })) fields.countyCode = [t.validation.countyOutside];
  }
  if (party && !fields.partyId && form.basisKind === 'decision' && !basisPublic(db, { basisKind: 'decision', basisRef: form.basisRef, partyId: party.id }, today)) {
    fields.basisRef = [t.validation.decisionNotPublic];
  }
  // an unregistered black workshop: the decision must be on file too (imported with its penalty), so that the entry is traceable
  if (!party && form.basisKind === 'decision' && db.select({ id: penalties.id }).from(penalties).where(eq(penalties.decisionNo, form.basisRef.trim())).get() === undefined) {
    fields.basisRef = [t.validation.decisionUnknown];
  }
  if (Object.keys(fields).length > 0) return { ok: false, fields };
  const values = {
    partyId: party?.id ?? null,
    subjectName: form.subjectName ?? party?.name ?? '',
    place: form.place,
    countyCode,
    findings: form.findings,
    outcome: form.outcome,
    basisKind: form.basisKind,
    basisRef: form.basisRef,
    publishedOn: form.publishedOn,
    withdrawnOn: form.withdrawnOn,
  };
  const division = exposureDivision({ countyCode }, party);
  const item = db.transaction((tx) => {
    const saved = existing
      ? tx.update(exposures).set(values).where(eq(exposures.id, existing.id)).returning().get()
      : tx
          .insert(exposures)
          .values({ ...values, slug: `${form.publishedOn.replaceAll('-', '')}-${randomBytes(4).toString('hex')}`, source: 'official', createdBy: actor.id })
          .returning()
          .get();
    appendAudit(
      tx,
      { userId: actor.id, action: existing ? 'exposureUpdated' : 'exposureCreated', divisionCode: division, target: `exposure:${saved.id}`, details: { partyId: saved.partyId, basisKind: saved.basisKind, basisRef: saved.basisRef, publishedOn: saved.publishedOn, withdrawnOn: saved.withdrawnOn } },
      now,
    );
    return saved;
  });
  const partyIds = [item.partyId, existing?.partyId].filter((id): id is number => id !== null && id !== undefined);
  return { ok: true, item, partyIds };
}

/** Withdraws exposure `id` from `today` (it leaves the public pages at once); an earlier withdrawal day is kept. */
export function withdrawExposure(db: Db, actor: Actor, id: number, today: string, now: Date = new Date()): { item: Exposure; partyIds: number[] } {
  const existing = getExposureForStaff(db, actor, id);
  if (!existing) throw new PublishingError('notFound', t.common.notFound);
  const withdrawnOn = existing.withdrawnOn && existing.withdrawnOn <= today ? existing.withdrawnOn : today;
  const party = existing.partyId === null ? null : partyById(db, existing.partyId);
  const item = db.transaction((tx) => {
    const saved = tx.update(exposures).set({ withdrawnOn }).where(eq(exposures.id, id)).returning().get();
    appendAudit(tx, { userId: actor.id, action: 'exposureWithdrawn', divisionCode: exposureDivision(existing, party), target: `exposure:${id}`, details: { withdrawnOn } }, now);
    return saved;
  });
  return { item, partyIds: item.partyId === null ? [] : [item.partyId] };
}

// ——— honors ———

/** An honor as the back office lists it. */
export type StaffHonor = Honor & { partyName: string; countyName: string | null; state: 'live' | 'withdrawn' | 'expired' };

/** Honors of parties in the actor's jurisdiction, newest year first, 50 a page. */
export function listHonorsForStaff(db: Db, actor: Actor, today: string, page = 1, pageSize = 50): StaffPage<StaffHonor> {
  requireRole(actor, 'publishHonor');
  const where = partyInReach(actor);
  const total = db.select({ n: count() }).from(honors).innerJoin(parties, eq(parties.id, honors.partyId)).where(where).get()?.n ?? 0;
  const rows = db
    .select()
    .from(honors)
    .innerJoin(parties, eq(parties.id, honors.partyId))
    .where(where)
    .orderBy(desc(honors.id))
    .limit(pageSize)
    .offset((page - 1) * pageSize)
    .all();
  const names = new Map(db.select({ code: divisions.code, name: divisions.name }).from(divisions).all().map((d) => [d.code, d.name]));
  return {
    items: rows.map(({ honors: h, parties: p }) => ({ ...h, partyName: p.name, countyName: p.countyCode ? (names.get(p.countyCode) ?? null) : null, state: honorState(h, today) })),
    total,
    page,
    totalPages: Math.max(1, Math.ceil(total / pageSize)),
  };
}

/** Honor `id` when its party lies in the actor's jurisdiction, else null. */
export function getHonorForStaff(db: Db, actor: Actor, id: number): Honor | null {
  requireRole(actor, 'publishHonor');
  const h = db.select().from(honors).where(eq(honors.id, id)).get();
  if (!h) return null;
  const party = partyById(db, h.partyId);
  return party && can(actor, 'publishHonor', { divisionCode: partyDivision(party) }) ? h : null;
}

/** Creates (`form.id` null) or edits an honor of a party in the actor's jurisdiction. */
export function saveHonor(db: Db, actor: Actor, form: HonorForm, now: Date = new Date()): SaveResult<Honor> {
  requireRole(actor, 'publishHonor');
  const existing = form.id === null ? null : getHonorForStaff(db, actor, form.id);
  if (form.id !== null && !existing) throw new PublishingError('notFound', t.common.notFound);
  const party = partyById(db, form.partyId);
  if (!party) return { ok: false, fields: { partyId: [t.validation.partyNotFound] } };
  if (!can(actor, 'publishHonor', { divisionCode: partyDivision(party) })) return { ok: false, fields: { partyId: [t.validation.partyOutside] } };
  const values = { partyId: party.id, kind: form.kind, title: form.title, year: form.year, authority: form.authority, documentNo: form.documentNo, validUntil: form.validUntil, withdrawnOn: form.withdrawnOn };
  const item = db.transaction((tx) => {
    const saved = existing
      ? tx.update(honors).set(values).where(eq(honors.id, existing.id)).returning().get()
      : tx
          .insert(honors)
          .values({ ...values, source: 'official', createdBy: actor.id })
          .returning()
          .get();
    appendAudit(
      tx,
      { userId: actor.id, action: existing ? 'honorUpdated' : 'honorCreated', divisionCode: partyDivision(party), target: `honor:${saved.id}`, details: { partyId: party.id, kind: saved.kind, year: saved.year, documentNo: saved.documentNo } },
      now,
    );
    return saved;
  });
  return { ok: true, item, partyIds: [...new Set([party.id, existing?.partyId ?? party.id])] };
}

/** Withdraws honor `id` from `today` (it leaves 红榜 and the profile at once, and the verdict's 示范). */
export function withdrawHonor(db: Db, actor: Actor, id: number, today: string, now: Date = new Date()): { item: Honor; partyIds: number[] } {
  const existing = getHonorForStaff(db, actor, id);
  if (!existing) throw new PublishingError('notFound', t.common.notFound);
  const party = partyById(db, existing.partyId);
  const withdrawnOn = existing.withdrawnOn && existing.withdrawnOn <= today ? existing.withdrawnOn : today;
  const item = db.transaction((tx) => {
    const saved = tx.update(honors).set({ withdrawnOn }).where(eq(honors.id, id)).returning().get();
    appendAudit(tx, { userId: actor.id, action: 'honorWithdrawn', divisionCode: party ? partyDivision(party) : PROVINCE_CODE, target: `honor:${id}`, details: { withdrawnOn } }, now);
    return saved;
  });
  return { item, partyIds: [item.partyId] };
}

// ——— replies ———

/** A public record of a party that a reply can be about. */
export interface ReplyableRecord {
  kind: ReplyRecordKind;
  id: number;
  /** a short description: product, decision no., date… */
  label: string;
}

/** The records of party `partyId` on the public pages on `today` (a reply is about what the public sees). */
export function replyableRecords(db: Db, partyId: number, today: string): ReplyableRecord[] {
  const profile = getPartyProfile(db, partyId, today);
  if (!profile) return [];
  const kinds = t.replies.recordKinds;
  return [
    ...profile.penalties.map((p) => ({ kind: 'penalty' as const, id: p.id, label: `${kinds.penalty}：${p.decisionNo ?? p.violationType ?? ''}（${p.decidedOn ?? p.disclosureStart ?? ''}）` })),
    ...profile.samplingTests.map((s) => ({ kind: 'samplingTest' as const, id: s.id, label: `${kinds.samplingTest}：${s.productName}（${zh.publishedDate(s.announcementDate)}）` })),
    ...profile.inspections.map((i) => ({ kind: 'inspection' as const, id: i.id, label: `${kinds.inspection}：${i.inspectedOn}` })),
    ...profile.exposures.map((e) => ({ kind: 'exposure' as const, id: e.id, label: `${kinds.exposure}：${e.basisRef}（${e.publishedOn}）` })),
    ...profile.honors.map((h) => ({ kind: 'honor' as const, id: h.id, label: `${kinds.honor}：${h.title}（${h.year}）` })),
  ];
}

/** A reply as the back office lists it. */
export type StaffReply = Reply & { partyName: string };

/** Replies about parties of the actor's jurisdiction: pending first, then newest. */
export function listRepliesForStaff(db: Db, actor: Actor, page = 1, pageSize = 50): StaffPage<StaffReply> {
  requireRole(actor, 'decideReply');
  const where = partyInReach(actor);
  const total = db.select({ n: count() }).from(replies).innerJoin(parties, eq(parties.id, replies.partyId)).where(where).get()?.n ?? 0;
  const rows = db
    .select()
    .from(replies)
    .innerJoin(parties, eq(parties.id, replies.partyId))
    .where(where)
    .orderBy(sql`case when ${replies.status} = 'pending' then 0 else 1 end`, desc(replies.receivedOn), desc(replies.id))
    .limit(pageSize)
    .offset((page - 1) * pageSize)
    .all();
  return { items: rows.map(({ replies: r, parties: p }) => ({ ...r, partyName: p.name })), total, page, totalPages: Math.max(1, Math.ceil(total / pageSize)) };
}

/** Records an operator's reply to one of its public records (pending until decided). */
export function recordReply(db: Db, actor: Actor, form: ReplyForm, today: string, now: Date = new Date()): SaveResult<Reply> {
  requireRole(actor, 'decideReply');
  const party = partyById(db, form.partyId);
  if (!party) return { ok: false, fields: { partyId: [t.validation.partyNotFound] } };
  if (!can(actor, 'decideReply', { divisionCode: partyDivision(party) })) return { ok: false, fields: { partyId: [t.validation.partyOutside] } };
  if (!replyableRecords(db, party.id, today).some((r) => r.kind === form.record.kind && r.id === form.record.id)) return { ok: false, fields: { record: [t.validation.recordNotFound] } };
  const item = db.transaction((tx) => {
    const saved = tx
      .insert(replies)
      .values({ partyId: party.id, recordKind: form.record.kind, recordId: form.record.id, receivedOn: form.receivedOn, body: form.body, status: 'pending' })
      .returning()
      .get();
    appendAudit(tx, { userId: actor.id, action: 'replyRecorded', divisionCode: partyDivision(party), target: `reply:${saved.id}`, details: { partyId: party.id, record: `${form.record.kind}:${form.record.id}` } }, now);
    return saved;
  });
  return { ok: true, item, partyIds: [party.id] };
}

/** Decides a reply (upheld / corrected, with a note); a decision may be changed later. */
export function decideReply(db: Db, actor: Actor, form: ReplyDecisionForm, today: string, now: Date = new Date()): SaveResult<Reply> {
  requireRole(actor, 'decideReply');
  const reply = db.select().from(replies).where(eq(replies.id, form.id)).get();
  const party = reply ? partyById(db, reply.partyId) : undefined;
  if (!reply || !party || !can(actor, 'decideReply', { divisionCode: partyDivision(party) })) throw new PublishingError('notFound', t.common.notFound);
  const item = db.transaction((tx) => {
    const saved = tx.update(replies).set({ status: form.status, decisionNote: form.note, decidedOn: today, decidedBy: actor.id }).where(eq(replies.id, reply.id)).returning().get();
    appendAudit(tx, { userId: actor.id, action: 'replyDecided', divisionCode: partyDivision(party), target: `reply:${reply.id}`, details: { status: form.status } }, now);
    return saved;
  });
  return { ok: true, item, partyIds: [party.id] };
}

/** Division options for a county <select>: the counties of the actor's jurisdiction, grouped by city. */
export function countyChoices(db: Db, actor: Actor): { city: string; counties: { code: string; name: string }[] }[] {
  const all = db.select().from(divisions).all();
  const cities = all.filter((d) => d.level === 'city').sort((a, b) => a.code.localeCompare(b.code));
  return cities
    .map((c) => ({ city: c.name, counties: all.filter((d) => d.level === 'county' && d.parentCode === c.code && actor.jurisdiction.has(d.code)).sort((a, b) => a.code.localeCompare(b.code)).map((d) => ({ code: d.code, name: d.name })) }))
    .filter((g) => g.counties.length > 0);
}

