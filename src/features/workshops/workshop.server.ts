/**
 * Reading a party's credit archive from SQLite: the profile page, the search documents and the
 * lists all come through here, so that the disclosure rules are applied in one place.
 *
 * Every function takes `today` (`YYYY-MM-DD`, Asia/Shanghai): a penalty outside its disclosure
 * period is never returned to a public caller (`disclosureOf`, features/workshops/disclosure.ts).
 */
import { and, asc, desc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import {
  divisions,
  exposures,
  honors,
  inspections,
  parties,
  penalties,
  replies,
  samplingFailedItems,
  samplingTests,
  type Division,
  type Exposure,
  type Honor,
  type Inspection,
  type Party,
  type Penalty,
  type Reply,
  type SamplingFailedItem,
  type SamplingTest,
} from '../../db/schema.ts';
import { disclosureOf, isPenaltyPublic } from './disclosure.ts';
import { isHonorPublic } from '../publishing/publishing.ts';
import { computeVerdict, type Verdict } from './verdict.ts';

/** A penalty as shown to the public: with its computed disclosure end (last day shown). */
export type PublicPenalty = Penalty & { disclosureEnd: string | null };

/** A sampling test with its failed items (in cell order). */
export type SamplingWithItems = SamplingTest & { failedItems: SamplingFailedItem[] };

/** Everything the profile page shows. Penalties are only those within their disclosure period. */
export interface PartyProfile {
  party: Party;
  county: Division | null;
  city: Division | null;
  inspections: Inspection[];
  samplingTests: SamplingWithItems[];
  penalties: PublicPenalty[];
  honors: Honor[];
  exposures: Exposure[];
  /** operators' replies to the records shown, oldest first, with the staff decision (shown as text beside the record) */
  replies: Reply[];
  verdict: Verdict;
}

/** The records of several parties, grouped by party id; penalties, honors and exposures unfiltered. */
export interface RecordsByParty {
  inspections: Map<number, Inspection[]>;
  samplingTests: Map<number, SamplingTest[]>;
  penalties: Map<number, Penalty[]>;
  honors: Map<number, Honor[]>;
  /** exposures of registered parties (black workshops have no party) */
  exposures: Map<number, Exposure[]>;
}

function groupBy<T extends { partyId: number }>(rows: T[]): Map<number, T[]> {
  const map = new Map<number, T[]>();
  for (const row of rows) {
    const list = map.get(row.partyId);
    if (list) list.push(row);
    else map.set(row.partyId, [row]);
  }
  return map;
}

/** Loads the records of the given parties (all parties when `ids` is undefined). */
export function loadRecords(db: Db, ids?: number[]): RecordsByParty {
  if (ids && ids.length === 0) {
    return { inspections: new Map(), samplingTests: new Map(), penalties: new Map(), honors: new Map(), exposures: new Map() };
  }
  const ins = ids ? db.select().from(inspections).where(inArray(inspections.partyId, ids)).all() : db.select().from(inspections).all();
  const sam = ids ? db.select().from(samplingTests).where(inArray(samplingTests.partyId, ids)).all() : db.select().from(samplingTests).all();
  const pen = ids ? db.select().from(penalties).where(inArray(penalties.partyId, ids)).all() : db.select().from(penalties).all();
  const hon = ids ? db.select().from(honors).where(inArray(honors.partyId, ids)).all() : db.select().from(honors).all();
  const exp = (ids ? db.select().from(exposures).where(inArray(exposures.partyId, ids)).all() : db.select().from(exposures).all()).filter(
    (e): e is Exposure & { partyId: number } => e.partyId !== null,
  );
  return { inspections: groupBy(ins), samplingTests: groupBy(sam), penalties: groupBy(pen), honors: groupBy(hon), exposures: groupBy(exp) };
}

/** The verdict of one party from its loaded records. */
export function verdictFor(party: Party, records: RecordsByParty, today: string): Verdict {
  return computeVerdict(
    {
      party,
      inspections: records.inspections.get(party.id) ?? [],
      samplingTests: records.samplingTests.get(party.id) ?? [],
      penalties: records.penalties.get(party.id) ?? [],
      honors: records.honors.get(party.id) ?? [],
    },
    today,
  );
}

/** The penalties of a list that are public on `today`, newest first, with their disclosure end. */
export function publicPenalties(list: Penalty[], today: string): PublicPenalty[] {
  return list
    .filter((p) => isPenaltyPublic(p, today))
    .map((p) => ({ ...p, disclosureEnd: disclosureOf(p).end }))
    .sort((a, b) => (b.disclosureStart ?? '').localeCompare(a.disclosureStart ?? ''));
}

/**
 * Whether a party is shown to the public at all on `today`. A registered workshop always is. A
 * company or shop is known here only because a notice named it: it is shown while it has a record
 * that is public (a sampling test, inspection or honor, or a penalty within its disclosure period).
 * A party whose only record is an expired or warning-only penalty disappears with it, so that its
 * name alone does not tell readers it was once penalised.
 */
export function isPartyPublic(party: Party, records: RecordsByParty, today: string): boolean {
  if (party.kind === 'workshop') return true;
  const id = party.id;
  return (
    (records.samplingTests.get(id)?.length ?? 0) > 0 ||
    (records.inspections.get(id)?.length ?? 0) > 0 ||
    (records.honors.get(id)?.length ?? 0) > 0 ||
    (records.penalties.get(id) ?? []).some((p) => isPenaltyPublic(p, today))
  );
}

/** The profile of party `id`, or null when there is none or it is not public (`isPartyPublic`). */
export function getPartyProfile(db: Db, id: number, today: string): PartyProfile | null {
  const party = db.select().from(parties).where(eq(parties.id, id)).get();
  if (!party) return null;
  const records = loadRecords(db, [id]);
  if (!isPartyPublic(party, records, today)) return null;
  const county = party.countyCode ? (db.select().from(divisions).where(eq(divisions.code, party.countyCode)).get() ?? null) : null;
  const city = party.cityCode ? (db.select().from(divisions).where(eq(divisions.code, party.cityCode)).get() ?? null) : null;
  const tests = db
    .select()
    .from(samplingTests)
    .where(eq(samplingTests.partyId, id))
    .orderBy(desc(samplingTests.announcementDate), desc(samplingTests.id))
    .all();
  const items = tests.length
    ? db
        .select()
        .from(samplingFailedItems)
        .where(inArray(samplingFailedItems.samplingTestId, tests.map((t) => t.id)))
        .orderBy(asc(samplingFailedItems.position))
        .all()
    : [];
  const partyPenalties = records.penalties.get(id) ?? [];
  const shown = publicPenalties(partyPenalties, today);
  const shownDecisionNos = new Set(shown.map((p) => p.decisionNo).filter((n): n is string => !!n));
  const partyExposures = db
    .select()
    .from(exposures)
    .where(eq(exposures.partyId, id))
    .orderBy(desc(exposures.publishedOn))
    .all()
    .filter((e) => isExposurePublic(e, today, shownDecisionNos));
  return {
    party,
    county,
    city,
    inspections: [...(records.inspections.get(id) ?? [])].sort((a, b) => b.inspectedOn.localeCompare(a.inspectedOn)),
    samplingTests: tests.map((t) => ({ ...t, failedItems: items.filter((i) => i.samplingTestId === t.id) })),
    penalties: shown,
    honors: [...(records.honors.get(id) ?? [])].filter((h) => isHonorPublic(h, today)).sort((a, b) => b.year - a.year),
    exposures: partyExposures,
    replies: db.select().from(replies).where(eq(replies.partyId, id)).orderBy(asc(replies.receivedOn), asc(replies.id)).all(),
    verdict: verdictFor(party, records, today),
  };
}

/**
 * Whether an exposure is on the public pages on `today`: published, not withdrawn, and, when it
 * rests on a penalty decision of a registered party, that penalty is still within its disclosure
 * period (`publicDecisionNos`: the party's public decision numbers).
 */
export function isExposurePublic(e: Exposure, today: string, publicDecisionNos: Set<string> | null): boolean {
  if (e.publishedOn > today) return false;
  if (e.withdrawnOn && e.withdrawnOn <= today) return false;
  if (e.basisKind === 'decision' && e.partyId !== null && publicDecisionNos) return publicDecisionNos.has(e.basisRef);
  return true;
}

/** Whether party `partyId` has an exposure on the public pages on `today` (`isExposurePublic`). */
export function hasPublicExposure(partyId: number, records: RecordsByParty, today: string): boolean {
  const list = records.exposures.get(partyId) ?? [];
  if (list.length === 0) return false;
  const publicNos = new Set(publicPenalties(records.penalties.get(partyId) ?? [], today).map((p) => p.decisionNo).filter((n): n is string => !!n));
  return list.some((e) => isExposurePublic(e, today, publicNos));
}

/** Division lookup tables: code -> division. */
export function loadDivisions(db: Db): Map<string, Division> {
  return new Map(db.select().from(divisions).all().map((d) => [d.code, d]));
}

/** Counties of a city, by name order of code. */
export function countiesOf(db: Db, cityCode: string): Division[] {
  return db.select().from(divisions).where(and(eq(divisions.level, 'county'), eq(divisions.parentCode, cityCode))).orderBy(asc(divisions.code)).all();
}
