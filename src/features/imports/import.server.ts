/**
 * Writing imported records into SQLite. Each import runs in one transaction: it is stored whole or
 * not at all. Parties are matched by credit code, then registration no., then exact name (and
 * county, when both sides know it); an unmatched party is created as what it is (企业 / 经营户).
 *
 * better-sqlite3 transactions are synchronous: nothing here awaits inside one.
 */
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { and, count, eq, inArray, isNull } from 'drizzle-orm';
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
  type PenaltyRow,
  type RowError,
  type SamplingRow,
} from './official.ts';
import { placeResolver } from './places.ts';
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

interface PartyHint {
  name: string;
  kind: 'enterprise' | 'business';
  uscc?: string | null;
  address?: string | null;
  texts: (string | null | undefined)[];
}

function findOrCreateParty(tx: Tx, resolve: ReturnType<typeof placeResolver>, hint: PartyHint): { id: number; created: boolean } {
  if (hint.uscc) {
    const byCode = tx.select({ id: parties.id }).from(parties).where(eq(parties.uscc, hint.uscc)).get();
    if (byCode) return { id: byCode.id, created: false };
  }
  const place = resolve(hint.address, hint.name, ...hint.texts);
  const sameName = tx.select().from(parties).where(eq(parties.name, hint.name)).all();
  const match = sameName.find((p) => !p.countyCode || !place.countyCode || p.countyCode === place.countyCode);
  if (match) {
    if (hint.uscc && !match.uscc) tx.update(parties).set({ uscc: hint.uscc }).where(eq(parties.id, match.id)).run();
    return { id: match.id, created: false };
  }
  const row: NewParty = {
    kind: hint.kind,
    name: hint.name,
    uscc: hint.uscc ?? null,
    address: hint.address ?? null,
    countyCode: place.countyCode,
    cityCode: place.cityCode,
    source: 'official',
    updatedAt: nowIso(),
  };
  const inserted = tx.insert(parties).values(row).returning({ id: parties.id }).get();
  return { id: inserted.id, created: true };
}

/**
 * Imports parsed sampling rows of one announcement. The named producer is the party; when the
 * producer is absent, the sampled unit is. A row already imported (same party, product, batch and
 * announcement) is skipped.
 */
export function commitSampling(db: Db, rows: SamplingRow[], announcement: Announcement): ImportSummary {
  const resolve = placeResolver(db.select().from(divisions).all());
  const summary: ImportSummary = { parties: 0, records: 0, skipped: 0, errors: [], partyIds: [] };
  db.transaction((tx) => {
    for (const r of rows) {
      const name = r.producerName ?? r.sampledUnitName ?? '';
      const address = r.producerName ? r.producerAddress : r.sampledUnitAddress;
      const party = findOrCreateParty(tx, resolve, { name, kind: partyKindFromName(name), address, texts: [] });
      if (party.created) summary.parties++;
      const dup = tx
        .select({ id: samplingTests.id })
        .from(samplingTests)
        .where(
          and(
            eq(samplingTests.partyId, party.id),
            eq(samplingTests.productName, r.productName),
            r.batch === null ? isNull(samplingTests.batch) : eq(samplingTests.batch, r.batch),
            eq(samplingTests.announcementTitle, announcement.title),
          ),
        )
        .get();
      if (dup) {
        summary.skipped++;
        continue;
      }
      const test = tx
        .insert(samplingTests)
        .values({
          partyId: party.id,
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
      const current = tx.select({ products: parties.products, foodCategories: parties.foodCategories }).from(parties).where(eq(parties.id, party.id)).get();
      const products = current?.products.includes(r.productName) ? current.products : [...(current?.products ?? []), r.productName];
      const category = announcement.category;
      const foodCategories =
        category && !(current?.foodCategories ?? []).includes(category) ? [...(current?.foodCategories ?? []), category] : (current?.foodCategories ?? []);
      tx.update(parties).set({ updatedAt: nowIso(), products, foodCategories }).where(eq(parties.id, party.id)).run();
      summary.records++;
      summary.partyIds.push(party.id);
    }
  });
  return summary;
}

/** Imports parsed penalty rows; a decision no. already on file is skipped. */
export function commitPenalties(db: Db, rows: PenaltyRow[]): ImportSummary {
  const resolve = placeResolver(db.select().from(divisions).all());
  const summary: ImportSummary = { parties: 0, records: 0, skipped: 0, errors: [], partyIds: [] };
  db.transaction((tx) => {
    for (const r of rows) {
      if (r.decisionNo && tx.select({ id: penalties.id }).from(penalties).where(eq(penalties.decisionNo, r.decisionNo)).get()) {
        summary.skipped++;
        continue;
      }
      const party = findOrCreateParty(tx, resolve, {
        name: r.partyName,
        kind: r.partyKind,
        uscc: r.uscc,
        texts: [r.authority, r.decisionNo],
      });
      if (party.created) summary.parties++;
      const start = r.decidedOn ?? r.announcementDate;
      tx.insert(penalties)
        .values({
          partyId: party.id,
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
          disclosureStart: start && start.length === 7 ? firstDayOf(start) : start,
          publishedDisclosureEnd: r.publishedDisclosureEnd,
          transferredToPolice: r.transferredToPolice,
          announcementTitle: r.announcementTitle,
          announcementDate: r.announcementDate,
          sourceUrl: r.sourceUrl,
          sourceNote: [r.sourceNote, r.remarks].filter(Boolean).join('；') || null,
          source: 'official',
        })
        .run();
      tx.update(parties).set({ updatedAt: nowIso() }).where(eq(parties.id, party.id)).run();
      summary.records++;
      summary.partyIds.push(party.id);
    }
  });
  return summary;
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
