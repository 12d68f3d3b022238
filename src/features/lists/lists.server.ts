/**
 * The public lists: 红榜 (demonstration units and honors) and 曝光台 (exposures). Only what is
 * public on `today` (YYYY-MM-DD, Asia/Shanghai): honors not withdrawn and within their validity
 * (`isHonorPublic`), exposures published and not withdrawn, and an exposure resting on a penalty
 * decision only while that penalty is within its disclosure period.
 */
import { and, count, desc, eq, gte, isNull, lte, or, gt, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { divisions, exposures, honors, parties, penalties, type Exposure, type Honor, type Party } from '../../db/schema.ts';
import { isPenaltyPublic } from '../workshops/disclosure.ts';
import { isExposurePublic } from '../workshops/workshop.server.ts';

/** A page of a list. */
export interface ListPage<T> {
  items: T[];
  total: number;
  page: number;
  totalPages: number;
}

/** An honor with its party and place names. */
export type ExampleItem = Honor & { party: Party; countyName: string | null; cityName: string | null };

/** An exposure with its county name and (for registered parties) the party. */
export type ExposureItem = Exposure & { party: Party | null; countyName: string | null };

/** Honors, newest year first; `filter.city`/`county` are division codes. */
export function listExamples(db: Db, today: string, options: { page: number; pageSize: number; city?: string; county?: string; year?: number }): ListPage<ExampleItem> {
  const where = and(
    or(isNull(honors.withdrawnOn), gt(honors.withdrawnOn, today)),
    // valid through `validUntil` (a month-only date through its last day): as `isHonorPublic`
    or(isNull(honors.validUntil), gte(honors.validUntil, today), and(sql`length(${honors.validUntil}) = 7`, gte(honors.validUntil, today.slice(0, 7)))),
    options.county ? eq(parties.countyCode, options.county) : undefined,
    options.city ? eq(parties.cityCode, options.city) : undefined,
    options.year ? eq(honors.year, options.year) : undefined,
  );
  const total = db.select({ n: count() }).from(honors).innerJoin(parties, eq(parties.id, honors.partyId)).where(where).get()?.n ?? 0;
  const rows = db
    .select()
    .from(honors)
    .innerJoin(parties, eq(parties.id, honors.partyId))
    .where(where)
    .orderBy(desc(honors.year), desc(honors.id))
    .limit(options.pageSize)
    .offset((options.page - 1) * options.pageSize)
    .all();
  const names = new Map(db.select().from(divisions).all().map((d) => [d.code, d.name]));
  return {
    items: rows.map((r) => ({
      ...r.honors,
      party: r.parties,
      countyName: r.parties.countyCode ? (names.get(r.parties.countyCode) ?? null) : null,
      cityName: r.parties.cityCode ? (names.get(r.parties.cityCode) ?? null) : null,
    })),
    total,
    page: options.page,
    totalPages: Math.max(1, Math.ceil(total / options.pageSize)),
  };
}

/** Public exposures, newest first. */
export function listExposures(db: Db, today: string, options: { page: number; pageSize: number }): ListPage<ExposureItem> {
  const candidates = db
    .select()
    .from(exposures)
    .where(and(lte(exposures.publishedOn, today), or(isNull(exposures.withdrawnOn), gt(exposures.withdrawnOn, today))))
    .orderBy(desc(exposures.publishedOn), desc(exposures.id))
    .all();
  const partyIds = [...new Set(candidates.map((e) => e.partyId).filter((id): id is number => id !== null))];
  const pens = partyIds.length ? db.select().from(penalties).where(inArray(penalties.partyId, partyIds)).all() : [];
  const publicNos = new Map<number, Set<string>>();
  for (const p of pens) {
    if (!p.decisionNo || !isPenaltyPublic(p, today)) continue;
    const set = publicNos.get(p.partyId) ?? new Set<string>();
    set.add(p.decisionNo);
    publicNos.set(p.partyId, set);
  }
  const visible = candidates.filter((e) => isExposurePublic(e, today, e.partyId === null ? null : (publicNos.get(e.partyId) ?? new Set())));
  const pageItems = visible.slice((options.page - 1) * options.pageSize, options.page * options.pageSize);
  const ids = pageItems.map((e) => e.partyId).filter((id): id is number => id !== null);
  const partyMap = new Map((ids.length ? db.select().from(parties).where(inArray(parties.id, ids)).all() : []).map((p) => [p.id, p]));
  const names = new Map(db.select().from(divisions).all().map((d) => [d.code, d.name]));
  return {
    items: pageItems.map((e) => {
      const party = e.partyId ? (partyMap.get(e.partyId) ?? null) : null;
      const county = e.countyCode ?? party?.countyCode ?? null;
      return { ...e, party, countyName: county ? (names.get(county) ?? null) : null };
    }),
    total: visible.length,
    page: options.page,
    totalPages: Math.max(1, Math.ceil(visible.length / options.pageSize)),
  };
}
