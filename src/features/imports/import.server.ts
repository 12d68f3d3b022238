/**
 * Writing imported records into SQLite: the divisions, the official tables (one code path for the
 * seed, `npm run import` and the staff upload at /admin/import: `planImport` then `commitImport`)
 * and the demo dataset. Each import runs in one transaction: it is stored whole or not at all.
 * Parties are matched by credit code, then registration no., then exact name and county
 * (./matching.ts; a masked name such as 广昌县[人名]早点店 by code only); an unmatched party is
 * created as what it is (企业 / 经营户) when the caller says so (seed, command line) or staff
 * decide so (upload).
 *
 * better-sqlite3 transactions are synchronous: nothing here awaits inside one.
 */
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { and, count, eq, inArray, isNull } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import type { Db } from '../../db/client.ts';
import {
  divisions,
  exposures,
  honors,
  inspections,
  meta,
  parties,
  penalties,
  samplingFailedItems,
  samplingTests,
  tips,
  type Division,
  type NewParty,
} from '../../db/schema.ts';
import { firstDayOf } from '../../lib/dates.ts';
import { generateDemo, type DemoDataset } from '../../../seeds/demo/generate.ts';
import {
  announcementSchema,
  parsePenaltyTable,
  parseSamplingTable,
  partyKindFromName,
  type Announcement,
  type ParseResult,
  type PenaltyRow,
  type RowError,
  type SamplingRow,
} from './official.ts';
import { combinedLookup, isMaskedName, listLookup, matchParty, type CandidateLookup, type MatchMethod, type PartyCandidate, type PartyMatch } from './matching.ts';
import { placeResolver, type Place } from './places.ts';
import { can, type Actor } from '../staff/authz.ts';
import { appendAudit } from '../staff/audit.server.ts';
import { PROVINCE_CODE } from '../staff/staff.ts';
import { parseFailedItemsCell } from './sampling-cell.ts';

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/** Counts of what an import wrote. */
export interface ImportSummary {
  parties: number;
  records: number;
  skipped: number;
  errors: RowError[];
  /** the parties whose records changed: their search documents need an update */
  partyIds: number[];
}

/** Imports `code,name,level,parent_code` rows (GB/T 2260); `prefecture` is stored as `city`. */
export function importDivisions(db: Db, csvText: string): number {
  const rows = parse(csvText.replace(/^\uFEFF/u, ''), { columns: true, skip_empty_lines: true }) as Record<string, string>[];
  const values = rows.map((r) => {
    const level = r.level === 'prefecture' ? 'city' : r.level;
    if (level !== 'province' && level !== 'city' && level !== 'county') throw new Error(`unknown division level ${r.level}`);
    if (!/^\d{6}$/u.test(r.code ?? '')) throw new Error(`bad division code ${r.code}`);
    return { code: r.code ?? '', name: r.name ?? '', level, parentCode: r.parent_code || null } as const;
  });
  db.transaction((tx) => {
    for (const v of values) tx.insert(divisions).values(v).onConflictDoUpdate({ target: divisions.code, set: v }).run();
  });
  return values.length;
}

function nowIso(): string {
  return new Date().toISOString();
}

/** Which official table: the 不合格 sampling table or the 双公示 penalty table. */
export type ImportKind = 'sampling' | 'penalties';

/**
 * A staff choice for one row (issue #5 point 5): `auto` takes the match found (and, when
 * `createUnmatched`, creates the party of an unmatched row); `create` makes a new party (placed in
 * `countyCode` when given, else where the row's texts place it); `pick` files the row under an
 * existing party; `skip` leaves the row out (a bad row is "excluded" this way).
 */
export type RowDecision = { action: 'auto' } | { action: 'create'; countyCode?: string | null } | { action: 'pick'; partyId: number } | { action: 'skip' };

/** Where a row's record goes. `sameAsRow`: the party created for that earlier row of the same file. */
export type RowTarget =
  | { kind: 'existing'; partyId: number; name: string; countyCode: string | null; cityCode: string | null }
  | { kind: 'new'; sameAsRow: number | null; countyCode: string | null; cityCode: string | null };

/**
 * One row of a planned import:
 * - `write`: the record will be written under `target`;
 * - `duplicate`: the same record is already on file (or earlier in the file): left out;
 * - `skipped`: staff chose to leave it out;
 * - `undecided`: no party matched and no decision was made (uploads must decide);
 * - `error`: `errors` say why (bad cells, a party outside the actor's jurisdiction, a picked
 *   party that does not exist); such a row blocks the commit until fixed or skipped.
 */
export interface PlannedRow {
  row: number;
  outcome: 'write' | 'duplicate' | 'skipped' | 'undecided' | 'error';
  errors: RowError[];
  /** the parsed row, when its cells are valid */
  data: SamplingRow | PenaltyRow | null;
  /** the party the row names (producer, else sampled unit; or 行政相对人) */
  partyName: string | null;
  /** where the row's texts place that party */
  place: Place;
  /** the match found on file (or among the parties this file creates), before any decision */
  match: PartyMatch;
  /** the name of the matched party (for the preview) */
  matchName: string | null;
  /**
   * why the row was not matched by name when nothing matched it: `maskedName` = its party's name
   * hides part of itself (./matching.ts `isMaskedName`), so only a code may match it; null otherwise
   */
  noNameMatch: 'maskedName' | null;
  decision: RowDecision;
  target: RowTarget | null;
  /** the division the row belongs to (its party's county, else city, else the province) */
  divisionCode: string | null;
}

/** Counts of a plan, for the preview and the audit log. */
export interface PlanCounts {
  rows: number;
  write: number;
  newParties: number;
  matched: Record<MatchMethod, number>;
  duplicate: number;
  skipped: number;
  undecided: number;
  error: number;
}

/** A planned import: what each row would do. `committable` when no row is in error or undecided and some row is written. */
export interface ImportPlan {
  kind: ImportKind;
  rows: PlannedRow[];
  counts: PlanCounts;
  committable: boolean;
}

/** Options of `planImport`. */
export interface PlanOptions {
  /** staff choices by row number */
  decisions?: Readonly<Record<number, RowDecision>>;
  /** the signed-in user: rows outside their jurisdiction (`runImport`) are errors; null = no check (seed, command line) */
  actor?: Actor | null;
  /** create the party of an unmatched row without asking (seed, command line) */
  createUnmatched?: boolean;
  /** the announcement of a sampling table (its title tells duplicates apart) */
  announcement?: Announcement | null;
}

type Reader = Db | Tx;

function dbLookup(db: Reader): CandidateLookup {
  const cols = { id: parties.id, name: parties.name, uscc: parties.uscc, registrationNo: parties.registrationNo, countyCode: parties.countyCode };
  return {
    byUscc: (v) => db.select(cols).from(parties).where(eq(parties.uscc, v)).all(),
    byRegistrationNo: (v) => db.select(cols).from(parties).where(eq(parties.registrationNo, v)).all(),
    byName: (v) => db.select(cols).from(parties).where(eq(parties.name, v)).all(),
  };
}

/** The party a parsed row names, with the texts that place it. */
function hintOf(kind: ImportKind, data: SamplingRow | PenaltyRow): { name: string; partyKind: 'enterprise' | 'business'; uscc: string | null; registrationNo: string | null; address: string | null; texts: (string | null)[] } {
  if (kind === 'sampling') {
    const r = data as SamplingRow;
    const name = r.producerName ?? r.sampledUnitName ?? '';
    return { name, partyKind: partyKindFromName(name), uscc: null, registrationNo: r.registrationNo, address: r.producerName ? r.producerAddress : r.sampledUnitAddress, texts: [] };
  }
  const r = data as PenaltyRow;
  return { name: r.partyName, partyKind: r.partyKind, uscc: r.uscc, registrationNo: r.registrationNo, address: null, texts: [r.authority, r.decisionNo] };
}

/**
 * The party of the same published row already on file, for a row whose masked name matched nobody
 * (./matching.ts `isMaskedName`): the same file imported again must not create the party and its
 * record twice. A row is the same when its announcement (sampling: title, names, product, batch;
 * penalty: decision no., or without one the dates, kinds and amounts) and its party's name are the
 * same: one published record, not two businesses that read alike. Null when there is none.
 */
function samePublishedRow(db: Reader, kind: ImportKind, data: SamplingRow | PenaltyRow, name: string, announcement: Announcement | null): number | null {
  const same = (column: SQLiteColumn, value: string | number | null) => (value === null ? isNull(column) : eq(column, value));
  if (kind === 'sampling') {
    const r = data as SamplingRow;
    if (!announcement) return null;
    const found = db
      .select({ partyId: samplingTests.partyId })
      .from(samplingTests)
      .where(
        and(
          eq(samplingTests.announcementTitle, announcement.title),
          eq(samplingTests.productName, r.productName),
          same(samplingTests.batch, r.batch),
          same(samplingTests.producerName, r.producerName),
          same(samplingTests.sampledUnitName, r.sampledUnitName),
        ),
      )
      .get();
    return found?.partyId ?? null;
  }
  const p = data as PenaltyRow;
  const rows = db
    .select({ partyId: penalties.partyId, kinds: penalties.penaltyKinds })
    .from(penalties)
    .innerJoin(parties, eq(parties.id, penalties.partyId))
    .where(
      p.decisionNo
        ? and(eq(parties.name, name), eq(penalties.decisionNo, p.decisionNo))
        : and(eq(parties.name, name), isNull(penalties.decisionNo), same(penalties.decidedOn, p.decidedOn), same(penalties.announcementDate, p.announcementDate), same(penalties.fineYuan, p.fineYuan), same(penalties.confiscationYuan, p.confiscationYuan)),
    )
    .all();
  const kinds = JSON.stringify([...p.penaltyKinds].sort());
  return rows.find((r) => p.decisionNo || JSON.stringify([...r.kinds].sort()) === kinds)?.partyId ?? null;
}

/** The name of the column that names a row's party, for errors about the party. */
function partyColumn(kind: ImportKind): string {
  return kind === 'sampling' ? '标称生产企业名称' : '行政相对人名称';
}

function divisionOf(countyCode: string | null, cityCode: string | null): string {
  return countyCode ?? cityCode ?? PROVINCE_CODE;
}

/**
 * Plans an import of parsed rows (`parsed.rows` valid, `parsed.errors` the others): matches every
 * valid row (`matchParty`: credit code, registration no., name + county), applies the staff
 * decisions, finds records already on file, and checks each row against the actor's jurisdiction.
 * Reads only; `db` may be a transaction (`commitImport` plans again inside its own).
 */
export function planImport(db: Reader, kind: ImportKind, parsed: ParseResult<SamplingRow | PenaltyRow>, options: PlanOptions = {}): ImportPlan {
  const allDivisions = db.select().from(divisions).all();
  const resolve = placeResolver(allDivisions);
  const byCode = new Map(allDivisions.map((d) => [d.code, d]));
  const onFile = dbLookup(db);
  const creating: PartyCandidate[] = [];
  const lookup = combinedLookup(onFile, listLookup(creating));
  const errorsByRow = new Map<number, RowError[]>();
  for (const e of parsed.errors) errorsByRow.set(e.row, [...(errorsByRow.get(e.row) ?? []), e]);
  const dataByRow = new Map(parsed.rows.map((r) => [r.row, r]));
  const numbers = [...new Set([...errorsByRow.keys(), ...dataByRow.keys()])].sort((a, b) => a - b);
  const seenDecisionNos = new Set<string>();
  const seenPenaltyKeys = new Set<string>();
  const seenSampling = new Set<string>();
  const nameOf = (id: number) => db.select({ id: parties.id, name: parties.name, countyCode: parties.countyCode, cityCode: parties.cityCode }).from(parties).where(eq(parties.id, id)).get();

  const rows: PlannedRow[] = numbers.map((row) => {
    const decision = options.decisions?.[row] ?? { action: 'auto' };
    const data = dataByRow.get(row) ?? null;
    const base = { row, data, decision, errors: errorsByRow.get(row) ?? [], partyName: null, place: { countyCode: null, cityCode: null }, match: null, matchName: null, noNameMatch: null, target: null, divisionCode: null };
    if (!data) return { ...base, outcome: decision.action === 'skip' ? 'skipped' : 'error' };
    const hint = hintOf(kind, data);
    const place = resolve(hint.address, hint.name, ...hint.texts);
    const match = matchParty({ name: hint.name, uscc: hint.uscc, registrationNo: hint.registrationNo, countyCode: place.countyCode }, lookup);
    const matched = match && match.partyId > 0 ? nameOf(match.partyId) : undefined;
    const noNameMatch = match === null && isMaskedName(hint.name) ? 'maskedName' : null;
    const planned: PlannedRow = { ...base, partyName: hint.name, place, match, matchName: matched?.name ?? (match ? hint.name : null), noNameMatch, outcome: 'write' };
    if (decision.action === 'skip') return { ...planned, outcome: 'skipped' };

    // the target party
    const newParty = (countyCode: string | null): RowTarget => {
      const cityCode = countyCode ? (byCode.get(countyCode)?.parentCode ?? null) : place.cityCode;
      // a party named twice in one file is created once: join an earlier row's new party
      const earlier = matchParty({ name: hint.name, uscc: hint.uscc, registrationNo: hint.registrationNo, countyCode }, listLookup(creating));
      if (earlier) {
        const first = creating.find((c) => c.id === earlier.partyId);
        return { kind: 'new', sameAsRow: -earlier.partyId, countyCode: first?.countyCode ?? countyCode, cityCode: first?.countyCode ? (byCode.get(first.countyCode)?.parentCode ?? null) : cityCode };
      }
      creating.push({ id: -row, name: hint.name, uscc: hint.uscc, registrationNo: hint.registrationNo, countyCode });
      return { kind: 'new', sameAsRow: null, countyCode, cityCode };
    };
    const sameRow = noNameMatch && decision.action === 'auto' ? samePublishedRow(db, kind, data, hint.name, options.announcement ?? null) : null;
    const sameParty = sameRow === null ? undefined : nameOf(sameRow);
    let target: RowTarget | null = null;
    if (decision.action === 'pick') {
      const p = nameOf(decision.partyId);
      if (!p) return { ...planned, outcome: 'error', errors: [{ row, column: partyColumn(kind), message: `所选主体（编号${decision.partyId}）不存在` }] };
      target = { kind: 'existing', partyId: p.id, name: p.name, countyCode: p.countyCode, cityCode: p.cityCode };
    } else if (decision.action === 'create') {
      target = newParty(decision.countyCode ?? place.countyCode);
    } else if (match && matched) {
      target = { kind: 'existing', partyId: matched.id, name: matched.name, countyCode: matched.countyCode, cityCode: matched.cityCode };
    } else if (match && match.partyId < 0) {
      target = newParty(creating.find((c) => c.id === match.partyId)?.countyCode ?? place.countyCode);
    } else if (sameParty) {
      // found again below as a record on file: a duplicate, not a second party
      target = { kind: 'existing', partyId: sameParty.id, name: sameParty.name, countyCode: sameParty.countyCode, cityCode: sameParty.cityCode };
    } else if (options.createUnmatched) {
      target = newParty(place.countyCode);
    }
    if (!target) return { ...planned, outcome: 'undecided' };
    const divisionCode = divisionOf(target.countyCode, target.cityCode);
    const result: PlannedRow = { ...planned, target, divisionCode };

    // records already on file, or earlier in this file
    if (kind === 'penalties') {
      const p = data as PenaltyRow;
      const no = p.decisionNo;
      if (no) {
        const dup = seenDecisionNos.has(no) || db.select({ id: penalties.id }).from(penalties).where(eq(penalties.decisionNo, no)).get() !== undefined;
        seenDecisionNos.add(no);
        if (dup) return { ...result, outcome: 'duplicate' };
      } else {
        // no decision no. (some published rows have none): the same party, dates, kinds and amounts are the same penalty
        const key = JSON.stringify([target.kind === 'existing' ? target.partyId : `new:${target.sameAsRow ?? row}`, p.decidedOn, p.announcementDate, [...p.penaltyKinds].sort(), p.fineYuan, p.confiscationYuan]);
        const same = (column: typeof penalties.decidedOn | typeof penalties.announcementDate | typeof penalties.fineYuan | typeof penalties.confiscationYuan, value: string | number | null) =>
          value === null ? isNull(column) : eq(column, value);
        const onFile =
          target.kind === 'existing' &&
          db
            .select({ kinds: penalties.penaltyKinds })
            .from(penalties)
            .where(
              and(
                eq(penalties.partyId, target.partyId),
                isNull(penalties.decisionNo),
                same(penalties.decidedOn, p.decidedOn),
                same(penalties.announcementDate, p.announcementDate),
                same(penalties.fineYuan, p.fineYuan),
                same(penalties.confiscationYuan, p.confiscationYuan),
              ),
            )
            .all()
            .some((r) => JSON.stringify([...r.kinds].sort()) === JSON.stringify([...p.penaltyKinds].sort()));
        const dup = seenPenaltyKeys.has(key) || onFile;
        seenPenaltyKeys.add(key);
        if (dup) return { ...result, outcome: 'duplicate' };
      }
    } else {
      const r = data as SamplingRow;
      const title = options.announcement?.title ?? '';
      const key = JSON.stringify([target.kind === 'existing' ? target.partyId : `new:${target.sameAsRow ?? row}`, r.productName, r.batch]);
      const dup =
        seenSampling.has(key) ||
        (target.kind === 'existing' &&
          db
            .select({ id: samplingTests.id })
            .from(samplingTests)
            .where(and(eq(samplingTests.partyId, target.partyId), eq(samplingTests.productName, r.productName), r.batch === null ? isNull(samplingTests.batch) : eq(samplingTests.batch, r.batch), eq(samplingTests.announcementTitle, title)))
            .get() !== undefined);
      seenSampling.add(key);
      if (dup) return { ...result, outcome: 'duplicate' };
    }

    if (options.actor && !can(options.actor, 'runImport', { divisionCode })) {
      const where = byCode.get(divisionCode);
      const message =
        divisionCode === PROVINCE_CODE && target.kind === 'new'
          ? '无法从名称和地址确定该主体所在的县（市、区）：请选用已有主体，或新建主体并选择所在县（市、区）'
          : `该主体所在地（${where?.name ?? divisionCode}）不在您的管辖范围内`;
      return { ...result, outcome: 'error', errors: [{ row, column: partyColumn(kind), message }] };
    }
    return result;
  });

  const counts: PlanCounts = { rows: rows.length, write: 0, newParties: 0, matched: { uscc: 0, registrationNo: 0, nameCounty: 0 }, duplicate: 0, skipped: 0, undecided: 0, error: 0 };
  for (const r of rows) {
    if (r.outcome === 'write') {
      counts.write++;
      if (r.target?.kind === 'new' && r.target.sameAsRow === null) counts.newParties++;
      if (r.target?.kind === 'existing' && r.decision.action === 'auto' && r.match) counts.matched[r.match.method]++;
    } else counts[r.outcome]++;
  }
  return { kind, rows, counts, committable: counts.error === 0 && counts.undecided === 0 && counts.write > 0 };
}

/** Raised by `commitImport` when the plan made inside its transaction cannot be committed (nothing is written). */
export class ImportBlockedError extends Error {
  readonly plan: ImportPlan;
  constructor(plan: ImportPlan) {
    super(`import blocked: ${plan.counts.error} rows in error, ${plan.counts.undecided} undecided, ${plan.counts.write} to write`);
    this.plan = plan;
  }
}

/** What `commitImport` records in the audit log, inside its transaction. */
export interface ImportAudit {
  userId: number;
  divisionCode: string;
  fileName: string;
  importId: string;
}

function insertParty(tx: Tx, kind: ImportKind, data: SamplingRow | PenaltyRow, target: Extract<RowTarget, { kind: 'new' }>): number {
  const hint = hintOf(kind, data);
  const row: NewParty = {
    kind: hint.partyKind,
    name: hint.name,
    uscc: hint.uscc,
    address: hint.address,
    countyCode: target.countyCode,
    cityCode: target.cityCode,
    source: 'official',
    updatedAt: nowIso(),
  };
  return tx.insert(parties).values(row).returning({ id: parties.id }).get().id;
}

function writeSampling(tx: Tx, partyId: number, r: SamplingRow, announcement: Announcement): void {
  const test = tx
    .insert(samplingTests)
    .values({
      partyId,
      producerName: r.producerName,
      producerAddress: r.producerAddress,
      sampledUnitName: r.sampledUnitName,
      sampledUnitAddress: r.sampledUnitAddress,
      productName: r.productName,
      spec: r.spec,
      brand: r.brand,
      batch: r.batch,
      foodCategory: announcement.category ?? null,
      result: r.failedItems.length > 0 ? 'fail' : announcement.result,
      testingAgency: r.testingAgency,
      announcementTitle: announcement.title,
      announcementNo: announcement.announcementNo ?? null,
      announcementDate: announcement.announcementDate,
      authority: announcement.authority,
      remarks: r.remarks,
      sourceUrl: r.sourceUrl ?? announcement.sourceUrl ?? null,
      sourceNote: r.sourceNote,
      source: 'official',
    })
    .returning({ id: samplingTests.id })
    .get();
  r.failedItems.forEach((item, position) => {
    tx.insert(samplingFailedItems)
      .values({
        samplingTestId: test.id,
        position,
        item: item.item,
        unit: item.unit,
        measuredText: item.measuredText || null,
        measuredValues: item.measured.map((m) => m.value),
        limitText: item.limitText || null,
        limit: item.limit,
        standard: null,
      })
      .run();
  });
  // a party named only in notices is known by what it was sampled for
  const current = tx.select({ products: parties.products, foodCategories: parties.foodCategories }).from(parties).where(eq(parties.id, partyId)).get();
  const products = current?.products.includes(r.productName) ? current.products : [...(current?.products ?? []), r.productName];
  const category = announcement.category;
  const foodCategories = category && !(current?.foodCategories ?? []).includes(category) ? [...(current?.foodCategories ?? []), category] : (current?.foodCategories ?? []);
  tx.update(parties).set({ updatedAt: nowIso(), products, foodCategories }).where(eq(parties.id, partyId)).run();
}

function writePenalty(tx: Tx, partyId: number, r: PenaltyRow): void {
  // publicity starts on the decision day, else the announcement day; a month is read as its first
  // day (disclosure.ts `startOf` explains why); the parser refuses a start without year and month
  const start = r.decidedOn ?? r.announcementDate;
  tx.insert(penalties)
    .values({
      partyId,
      decisionNo: r.decisionNo,
      caseName: null,
      violationType: r.violationType,
      facts: r.facts,
      legalBasis: r.legalBasis,
      penaltyKinds: r.penaltyKinds,
      penaltyContent: r.penaltyContent,
      fineYuan: r.fineYuan,
      confiscationYuan: r.confiscationYuan,
      decidedOn: r.decidedOn,
      authority: r.authority,
      disclosureStart: firstDayOf(start),
      publishedDisclosureEnd: r.publishedDisclosureEnd,
      transferredToPolice: r.transferredToPolice,
      announcementTitle: r.announcementTitle,
      announcementDate: r.announcementDate,
      sourceUrl: r.sourceUrl,
      sourceNote: [r.sourceNote, r.remarks].filter(Boolean).join('；') || null,
      source: 'official',
    })
    .run();
  const current = tx.select({ uscc: parties.uscc }).from(parties).where(eq(parties.id, partyId)).get();
  // a party matched by name learns its credit code from the decision
  tx.update(parties)
    .set({ updatedAt: nowIso(), ...(r.uscc && !current?.uscc ? { uscc: r.uscc } : {}) })
    .where(eq(parties.id, partyId))
    .run();
}

/**
 * Writes an official table in ONE transaction: plans it again inside the transaction (so that what
 * is written matches the data at that moment), refuses with `ImportBlockedError` unless the plan
 * is committable, then writes every `write` row (creating new parties once per file), and appends
 * the audit entry when `audit` is given. All rows or none: any error rolls everything back.
 * A sampling table needs its `announcement`. Returns counts and the parties touched (their search
 * documents need `reindexParties`).
 */
export function commitImport(
  db: Db,
  kind: ImportKind,
  parsed: ParseResult<SamplingRow | PenaltyRow>,
  options: PlanOptions & { audit?: ImportAudit | null } = {},
): ImportSummary & { plan: ImportPlan } {
  const announcement = options.announcement ?? null;
  if (kind === 'sampling' && !announcement) throw new Error('a sampling table needs its announcement');
  return db.transaction((tx) => {
    const plan = planImport(tx, kind, parsed, options);
    if (!plan.committable) throw new ImportBlockedError(plan);
    const created = new Map<number, number>();
    const summary: ImportSummary = { parties: 0, records: 0, skipped: plan.counts.duplicate + plan.counts.skipped, errors: [], partyIds: [] };
    for (const r of plan.rows) {
      if (r.outcome !== 'write' || !r.data || !r.target) continue;
      let partyId: number;
      if (r.target.kind === 'existing') {
        partyId = r.target.partyId;
      } else {
        const key = r.target.sameAsRow ?? r.row;
        const known = created.get(key);
        if (known === undefined) {
          partyId = insertParty(tx, kind, r.data, r.target);
          created.set(key, partyId);
          summary.parties++;
        } else partyId = known;
      }
      if (kind === 'sampling') writeSampling(tx, partyId, r.data as SamplingRow, announcement as Announcement);
      else writePenalty(tx, partyId, r.data as PenaltyRow);
      summary.records++;
      summary.partyIds.push(partyId);
    }
    if (options.audit) {
      appendAudit(tx, {
        userId: options.audit.userId,
        action: 'importCommitted',
        divisionCode: options.audit.divisionCode,
        target: `import:${options.audit.importId}`,
        details: { fileName: options.audit.fileName, kind, records: summary.records, newParties: summary.parties, matched: plan.counts.matched, duplicate: plan.counts.duplicate, skipped: plan.counts.skipped },
      });
    }
    return { ...summary, plan };
  });
}

/**
 * Imports parsed sampling rows of one announcement (seed and command line): the named producer is
 * the party, else the sampled unit; unmatched parties are created; a row already imported (same
 * party, product, batch and announcement) is skipped. One transaction.
 */
export function commitSampling(db: Db, rows: SamplingRow[], announcement: Announcement): ImportSummary {
  return summaryOf(commitEvenIfEmpty(db, 'sampling', rows, announcement));
}

/** Imports parsed penalty rows (seed and command line); a decision no. already on file is skipped. One transaction. */
export function commitPenalties(db: Db, rows: PenaltyRow[]): ImportSummary {
  return summaryOf(commitEvenIfEmpty(db, 'penalties', rows, null));
}

function summaryOf(s: ImportSummary): ImportSummary {
  return { parties: s.parties, records: s.records, skipped: s.skipped, errors: s.errors, partyIds: s.partyIds };
}

/** `commitImport` for the seed and command line: a table whose rows are all on file already writes nothing, without an error. */
function commitEvenIfEmpty(db: Db, kind: ImportKind, rows: (SamplingRow | PenaltyRow)[], announcement: Announcement | null): ImportSummary & { plan: ImportPlan | null } {
  try {
    return commitImport(db, kind, { rows, errors: [] }, { createUnmatched: true, announcement });
  } catch (e) {
    if (e instanceof ImportBlockedError && e.plan.counts.error === 0 && e.plan.counts.undecided === 0) {
      return { parties: 0, records: 0, skipped: e.plan.counts.duplicate + e.plan.counts.skipped, errors: [], partyIds: [], plan: e.plan };
    }
    throw e;
  }
}

const CHUNK = 400;

function insertChunked<T>(items: T[], insert: (chunk: T[]) => void): void {
  for (let i = 0; i < items.length; i += CHUNK) insert(items.slice(i, i + CHUNK));
}

/** Imports a generated demo dataset (all records flagged `demo`) in one transaction. */
export function importDemo(db: Db, data: DemoDataset): { workshops: number; records: number } {
  let records = 0;
  db.transaction((tx) => {
    const ids = new Map<string, number>();
    insertChunked(data.workshops, (chunk) => {
      const rows = tx
        .insert(parties)
        .values(chunk.map((w) => ({ ...w.party, source: 'demo' as const })))
        .returning({ id: parties.id })
        .all();
      chunk.forEach((w, i) => ids.set(w.key, rows[i]?.id ?? 0));
    });
    const idOf = (key: string) => {
      const id = ids.get(key);
      if (!id) throw new Error(`demo workshop ${key} missing`);
      return id;
    };
    const ins = data.workshops.flatMap((w) => w.inspections.map((r) => ({ ...r, partyId: idOf(w.key), source: 'demo' as const })));
    insertChunked(ins, (c) => tx.insert(inspections).values(c).run());
    const pen = data.workshops.flatMap((w) => w.penalties.map((r) => ({ ...r, partyId: idOf(w.key), source: 'demo' as const })));
    insertChunked(pen, (c) => tx.insert(penalties).values(c).run());
    const hon = data.workshops.flatMap((w) => w.honors.map((r) => ({ ...r, partyId: idOf(w.key), source: 'demo' as const })));
    insertChunked(hon, (c) => tx.insert(honors).values(c).run());
    const tests = data.workshops.flatMap((w) => w.samplingTests.map((s) => ({ ...s, partyId: idOf(w.key) })));
    insertChunked(tests, (chunk) => {
      const rows = tx
        .insert(samplingTests)
        .values(chunk.map((s) => ({ ...s.test, partyId: s.partyId, source: 'demo' as const })))
        .returning({ id: samplingTests.id })
        .all();
      const items = chunk.flatMap((s, i) =>
        s.failedItems.map((f, position) => {
          const parsed = parseFailedItemsCell(`${f.item}║${f.measuredText}║${f.limitText}`)[0];
          return {
            samplingTestId: rows[i]?.id ?? 0,
            position,
            item: f.item,
            unit: f.unit ?? parsed?.unit ?? null,
            measuredText: f.measuredText,
            measuredValues: parsed?.measured.map((m) => m.value) ?? [],
            limitText: f.limitText,
            limit: parsed?.limit ?? null,
            standard: f.standard,
          };
        }),
      );
      if (items.length) insertChunked(items, (c) => tx.insert(samplingFailedItems).values(c).run());
    });
    const exp = data.exposures.map(({ workshopKey, ...e }) => ({ ...e, partyId: workshopKey ? idOf(workshopKey) : null, source: 'demo' as const }));
    insertChunked(exp, (c) => tx.insert(exposures).values(c).run());
    records = ins.length + pen.length + hon.length + tests.length + exp.length;
  });
  return { workshops: data.workshops.length, records };
}

/** Seed of the demo generator used by the first start and `npm run seed:demo` (without --seed). */
export const DEMO_SEED = 20261129;

/**
 * Replaces every demo record with a freshly generated set of `count` workshops, in one transaction
 * (official records are untouched). Returns what was imported.
 */
export function replaceDemo(db: Db, options: { count: number; seed?: number; today: string }): { workshops: number; records: number } {
  const data = generateDemo({ count: options.count, seed: options.seed ?? DEMO_SEED, today: options.today, counties: countiesForDemo(db.select().from(divisions).all()) });
  return db.transaction((tx) => {
    const demoParties = tx.select({ id: parties.id }).from(parties).where(eq(parties.source, 'demo'));
    const demoTests = tx.select({ id: samplingTests.id }).from(samplingTests).where(inArray(samplingTests.partyId, demoParties));
    tx.delete(samplingFailedItems).where(inArray(samplingFailedItems.samplingTestId, demoTests)).run();
    tx.delete(samplingTests).where(inArray(samplingTests.partyId, demoParties)).run();
    tx.delete(inspections).where(inArray(inspections.partyId, demoParties)).run();
    tx.delete(penalties).where(inArray(penalties.partyId, demoParties)).run();
    tx.delete(honors).where(inArray(honors.partyId, demoParties)).run();
    tx.delete(exposures).where(eq(exposures.source, 'demo')).run();
    tx.update(tips).set({ partyId: null }).where(inArray(tips.partyId, demoParties)).run();
    tx.delete(parties).where(eq(parties.source, 'demo')).run();
    return importDemo(tx as unknown as Db, data);
  });
}

/** The seed files of the repository: `seeds/divisions.csv` and `seeds/official/`. */
export const seedsDir = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../../seeds');

/**
 * Imports every official table under `dir`: `sampling/*.csv` (each with its `*.meta.json`
 * announcement) and `penalties/*.csv`. Throws on a layout or row error: seeds must be clean.
 */
export function importOfficialDir(db: Db, dir: string): ImportSummary {
  const total: ImportSummary = { parties: 0, records: 0, skipped: 0, errors: [], partyIds: [] };
  const add = (s: ImportSummary) => {
    total.parties += s.parties;
    total.records += s.records;
    total.skipped += s.skipped;
    total.partyIds.push(...s.partyIds);
  };
  const samplingDir = path.join(dir, 'sampling');
  if (existsSync(samplingDir)) {
    for (const file of readdirSync(samplingDir).filter((f) => f.endsWith('.csv')).sort()) {
      const announcement = announcementSchema.parse(JSON.parse(readFileSync(path.join(samplingDir, file.replace(/\.csv$/u, '.meta.json')), 'utf8')));
      const parsed = parseSamplingTable(readFileSync(path.join(samplingDir, file), 'utf8'));
      if (parsed.errors.length) throw new Error(`${file}: ${JSON.stringify(parsed.errors)}`);
      add(commitSampling(db, parsed.rows, announcement));
    }
  }
  const penaltyDir = path.join(dir, 'penalties');
  if (existsSync(penaltyDir)) {
    for (const file of readdirSync(penaltyDir).filter((f) => f.endsWith('.csv')).sort()) {
      const parsed = parsePenaltyTable(readFileSync(path.join(penaltyDir, file), 'utf8'));
      if (parsed.errors.length) throw new Error(`${file}: ${JSON.stringify(parsed.errors)}`);
      add(commitPenalties(db, parsed.rows));
    }
  }
  return total;
}

/** Counties with their city, for the demo generator. */
export function countiesForDemo(all: Division[]): { code: string; name: string; cityCode: string; cityName: string }[] {
  const byCode = new Map(all.map((d) => [d.code, d]));
  return all
    .filter((d) => d.level === 'county')
    .map((d) => ({ code: d.code, name: d.name, cityCode: d.parentCode ?? '', cityName: byCode.get(d.parentCode ?? '')?.name ?? '' }));
}

/**
 * First start: when the database holds no divisions, imports the divisions, the official tables
 * and `demoCount` generated demo workshops (seed 20261129), all under one write lock so that a
 * second process starting at the same time waits and then finds the data. Returns false when the
 * database was already seeded.
 */
export function seedIfEmpty(db: Db, options: { demoCount: number; today: string; dir?: string; log?: (line: string) => void }): boolean {
  const dir = options.dir ?? seedsDir;
  const log = options.log ?? (() => {});
  const client = db.$client;
  client.exec('BEGIN IMMEDIATE');
  try {
    const n = db.select({ n: count() }).from(divisions).get()?.n ?? 0;
    if (n > 0) {
      client.exec('COMMIT');
      return false;
    }
    // nested db.transaction() calls become savepoints inside this transaction
    const d = importDivisions(db, readFileSync(path.join(dir, 'divisions.csv'), 'utf8'));
    log(`divisions: ${d}`);
    const official = importOfficialDir(db, path.join(dir, 'official'));
    log(`official records: ${official.records} (${official.parties} parties)`);
    if (options.demoCount > 0) {
      const demo = generateDemo({ count: options.demoCount, seed: DEMO_SEED, today: options.today, counties: countiesForDemo(db.select().from(divisions).all()) });
      const r = importDemo(db, demo);
      log(`demo workshops: ${r.workshops} (${r.records} records)`);
    }
    db.insert(meta).values({ key: 'seededAt', value: nowIso() }).run();
    client.exec('COMMIT');
    return true;
  } catch (e) {
    if (client.inTransaction) client.exec('ROLLBACK');
    throw e;
  }
}
