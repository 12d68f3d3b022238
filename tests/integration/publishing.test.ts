/**
 * Publishing from the back office (issue #5 point 6) on a real SQLite database and the real
 * Meilisearch: exposures, honors and replies appear on the public lists, profile and search at
 * once, and leave them on withdrawal or when their period ends; every write is audited and checked
 * against the actor's jurisdiction. Names are fictitious.
 */
import { eq } from 'drizzle-orm';
import type { Meilisearch } from 'meilisearch';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/client.ts';
import { auditLog, parties, penalties, staffUsers, type Party } from '../../src/db/schema.ts';
import { listExamples, listExposures } from '../../src/features/lists/lists.server.ts';
import { exposureFormSchema, honorFormSchema, replyDecisionSchema, replyFormSchema } from '../../src/features/publishing/publishing.ts';
import {
  decideReply,
  findPartiesForStaff,
  listExposuresForStaff,
  PublishingError,
  recordReply,
  refreshSearch,
  saveExposure,
  saveHonor,
  withdrawExposure,
  withdrawHonor,
} from '../../src/features/publishing/publishing.server.ts';
import { isIndexStale, rebuildIndex, searchWorkshops } from '../../src/features/search/search.server.ts';
import { INDEX_UID, type WorkshopDocument } from '../../src/features/search/search.ts';
import type { Actor } from '../../src/features/staff/authz.ts';
import { actorOf } from '../../src/features/staff/sessions.server.ts';
import type { StaffRole } from '../../src/features/staff/staff.ts';
import { getPartyProfile } from '../../src/features/workshops/workshop.server.ts';
import { TODAY, seededDb, testClient } from './helpers.ts';

let db: Db;
let client: Meilisearch;
let nanchang: Actor;
let ganzhou: Actor;
let officer: Actor;
let workshop: Party;

function staffActor(username: string, role: StaffRole, divisionCode: string): Actor {
  const user = db.insert(staffUsers).values({ username, displayName: username, role, divisionCode, passwordHash: 'x', passwordChangedAt: new Date().toISOString() }).returning().get();
  return actorOf(db, user);
}

const exposureForm = (over: Record<string, string>) => exposureFormSchema.parse({ id: '', partyId: '', subjectName: '', place: '', countyCode: '', findings: '使用非食品原料生产湿米粉', outcome: '责令停产，移送公安机关', basisKind: 'announcement', basisRef: '南昌县市场监督管理局通告2026年第3号', publishedOn: TODAY, withdrawnOn: '', ...over });
const honorForm = (over: Record<string, string>) => honorFormSchema.parse({ id: '', partyId: '', kind: 'demonstrationUnit', title: '食品小作坊示范单位', year: '2026', authority: '南昌市市场监督管理局', documentNo: '洪市监食生〔2026〕5号', validUntil: '', withdrawnOn: '', ...over });

async function doc(id: number): Promise<WorkshopDocument> {
  return client.index<WorkshopDocument>(INDEX_UID).getDocument(id);
}

beforeAll(async () => {
  db = seededDb({ demoCount: 60 });
  client = testClient();
  await rebuildIndex(db, client, { today: TODAY });
  nanchang = staffActor('nc-super', 'citySupervisor', '360100');
  ganzhou = staffActor('gz-super', 'citySupervisor', '360700');
  officer = staffActor('dh-officer', 'countyOfficer', '360102');
  // a fictitious registered workshop of 南昌县, valid, with one inspection-free record: 待检查
  const now = new Date().toISOString();
  workshop = db
    .insert(parties)
    .values({ kind: 'workshop', name: '鑫测湿米粉作坊', registrationNo: 'XZF36012199901', countyCode: '360121', cityCode: '360100', registrationStatus: 'valid', registeredOn: '2025-01-01', validUntil: '2028-01-01', products: ['湿米粉'], source: 'official', updatedAt: now })
    .returning()
    .get();
  await refreshSearch(db, client, [workshop.id], TODAY);
});

describe('an exposure going live and being withdrawn', () => {
  it('is listed on /exposures, on the profile and flagged in search at once; withdrawn, it is gone from all three', async () => {
    const saved = saveExposure(db, nanchang, exposureForm({ partyId: String(workshop.id) }), TODAY);
    if (!saved.ok) throw new Error(JSON.stringify(saved.fields));
    expect(saved.item).toMatchObject({ subjectName: workshop.name, countyCode: '360121', createdBy: nanchang.id, source: 'official' });
    expect(await refreshSearch(db, client, saved.partyIds, TODAY)).toBe(true);

    expect(listExposures(db, TODAY, { page: 1, pageSize: 100 }).items.map((e) => e.id)).toContain(saved.item.id);
    expect(getPartyProfile(db, workshop.id, TODAY)?.exposures.map((e) => e.id)).toEqual([saved.item.id]);
    expect((await doc(workshop.id)).exposed).toBe(true);
    const hit = (await searchWorkshops(db, client, { q: '鑫测湿米粉', page: 1 })).hits.find((h) => h.id === workshop.id);
    expect(hit?.exposed).toBe(true);
    expect(listExposuresForStaff(db, nanchang, TODAY).items.find((e) => e.id === saved.item.id)?.state).toBe('live');

    const withdrawn = withdrawExposure(db, nanchang, saved.item.id, TODAY);
    expect(withdrawn.item.withdrawnOn).toBe(TODAY);
    await refreshSearch(db, client, withdrawn.partyIds, TODAY);
    expect(listExposures(db, TODAY, { page: 1, pageSize: 100 }).items.map((e) => e.id)).not.toContain(saved.item.id);
    expect(getPartyProfile(db, workshop.id, TODAY)?.exposures).toEqual([]);
    expect((await doc(workshop.id)).exposed).toBe(false);
    expect(listExposuresForStaff(db, nanchang, TODAY).items.find((e) => e.id === saved.item.id)?.state).toBe('withdrawn');

    const actions = db.select().from(auditLog).where(eq(auditLog.target, `exposure:${saved.item.id}`)).all().map((a) => [a.action, a.userId, a.divisionCode]);
    expect(actions).toEqual([
      ['exposureCreated', nanchang.id, '360121'],
      ['exposureWithdrawn', nanchang.id, '360121'],
    ]);
  });

  it('an unregistered black workshop is listed with its place and county; the index stays fresh (no full rebuild follows)', async () => {
    await rebuildIndex(db, client, { today: TODAY });
    const saved = saveExposure(db, nanchang, exposureForm({ subjectName: '无名米粉加工点', place: '某某镇某某村', countyCode: '360124' }), TODAY);
    if (!saved.ok) throw new Error(JSON.stringify(saved.fields));
    const item = listExposures(db, TODAY, { page: 1, pageSize: 100 }).items.find((e) => e.id === saved.item.id);
    expect(item).toMatchObject({ party: null, subjectName: '无名米粉加工点', place: '某某镇某某村', countyName: '进贤县' });
    expect(saved.partyIds).toEqual([]);
    expect(await isIndexStale(db, client, TODAY)).toBe(true);
    expect(await refreshSearch(db, client, saved.partyIds, TODAY)).toBe(true);
    expect(await isIndexStale(db, client, TODAY)).toBe(false);
  });

  it('one published ahead appears on its day, not before', () => {
    const saved = saveExposure(db, nanchang, exposureForm({ subjectName: '预告米粉加工点', place: '某村', countyCode: '360124', publishedOn: '2026-12-05' }), TODAY);
    if (!saved.ok) throw new Error(JSON.stringify(saved.fields));
    expect(listExposures(db, TODAY, { page: 1, pageSize: 100 }).items.map((e) => e.id)).not.toContain(saved.item.id);
    expect(listExposures(db, '2026-12-05', { page: 1, pageSize: 100 }).items.map((e) => e.id)).toContain(saved.item.id);
  });

  it('jurisdiction: another city’s county or party is a field error; a county officer is refused', () => {
    const outside = saveExposure(db, nanchang, exposureForm({ subjectName: '赣州某加工点', place: '某村', countyCode: '360702' }), TODAY);
    expect(outside).toEqual({ ok: false, fields: { countyCode: ['这个县（市、区）不在您的管辖范围内'] } });
    expect(saveExposure(db, ganzhou, exposureForm({ partyId: String(workshop.id) }), TODAY)).toEqual({ ok: false, fields: { partyId: ['该主体不在您的管辖范围内'] } });
    expect(() => saveExposure(db, officer, exposureForm({ subjectName: '东湖某点', place: '某街', countyCode: '360102' }), TODAY)).toThrow(PublishingError);
    // nor can another city withdraw 南昌's
    const mine = listExposuresForStaff(db, nanchang, TODAY).items[0];
    expect(() => withdrawExposure(db, ganzhou, mine?.id ?? 0, TODAY)).toThrow(/不存在或不在您的管辖范围内/u);
  });

  it('an exposure resting on a decision needs that decision in its disclosure period', () => {
    const refused = saveExposure(db, nanchang, exposureForm({ partyId: String(workshop.id), basisKind: 'decision', basisRef: '洪南市监罚〔2026〕999号' }), TODAY);
    expect(refused).toMatchObject({ ok: false, fields: { basisRef: [expect.stringContaining('没有公示期内的这份行政处罚决定书')] } });
    db.insert(penalties).values({ partyId: workshop.id, decisionNo: '洪南市监罚〔2026〕999号', penaltyKinds: ['罚款'], fineYuan: 20_000, decidedOn: '2026-10-01', disclosureStart: '2026-10-01', source: 'official' }).run();
    expect(saveExposure(db, nanchang, exposureForm({ partyId: String(workshop.id), basisKind: 'decision', basisRef: '洪南市监罚〔2026〕999号' }), TODAY).ok).toBe(true);
  });

  it('a black workshop resting on a decision needs that decision on file: a made-up decision no. is refused', () => {
    const black = { subjectName: '无名腊肉加工点', place: '某某镇后山', countyCode: '360124', basisKind: 'decision' };
    expect(saveExposure(db, nanchang, exposureForm({ ...black, basisRef: '随便写的不存在文号' }), TODAY)).toEqual({ ok: false, fields: { basisRef: ['库中没有这份行政处罚决定书：请先导入该处罚，或改为依据官方通告'] } });
    expect(saveExposure(db, nanchang, exposureForm({ ...black, basisRef: '洪南市监罚〔2026〕999号' }), TODAY).ok).toBe(true);
  });
});

describe('honors', () => {
  it('an honor is on 红榜 and the profile at once, and leaves them on withdrawal', async () => {
    const saved = saveHonor(db, nanchang, honorForm({ partyId: String(workshop.id) }));
    if (!saved.ok) throw new Error(JSON.stringify(saved.fields));
    await refreshSearch(db, client, saved.partyIds, TODAY);
    expect(listExamples(db, TODAY, { page: 1, pageSize: 500 }).items.map((h) => h.id)).toContain(saved.item.id);
    expect(getPartyProfile(db, workshop.id, TODAY)?.honors.map((h) => h.id)).toContain(saved.item.id);
    withdrawHonor(db, nanchang, saved.item.id, TODAY);
    expect(listExamples(db, TODAY, { page: 1, pageSize: 500 }).items.map((h) => h.id)).not.toContain(saved.item.id);
    expect(getPartyProfile(db, workshop.id, TODAY)?.honors.map((h) => h.id)).not.toContain(saved.item.id);
  });

  it('an honor past its validity is not shown', () => {
    const saved = saveHonor(db, nanchang, honorForm({ partyId: String(workshop.id), year: '2020', title: '特色品牌', kind: 'specialBrand', validUntil: '2023-12-31' }));
    if (!saved.ok) throw new Error(JSON.stringify(saved.fields));
    expect(listExamples(db, TODAY, { page: 1, pageSize: 500 }).items.map((h) => h.id)).not.toContain(saved.item.id);
    expect(listExamples(db, '2023-12-31', { page: 1, pageSize: 500 }).items.map((h) => h.id)).toContain(saved.item.id);
    expect(getPartyProfile(db, workshop.id, TODAY)?.honors.map((h) => h.id)).not.toContain(saved.item.id);
  });

  it('another city cannot give it', () => {
    expect(saveHonor(db, ganzhou, honorForm({ partyId: String(workshop.id) }))).toEqual({ ok: false, fields: { partyId: ['该主体不在您的管辖范围内'] } });
  });
});

describe('replies', () => {
  it('a reply is shown with its record, then with the decision', () => {
    const penalty = getPartyProfile(db, workshop.id, TODAY)?.penalties[0];
    expect(penalty).toBeDefined();
    const recorded = recordReply(db, nanchang, replyFormSchema.parse({ partyId: String(workshop.id), record: `penalty:${penalty?.id}`, receivedOn: TODAY, body: '<b>已整改</b>，请核实。' }), TODAY);
    if (!recorded.ok) throw new Error(JSON.stringify(recorded.fields));
    expect(getPartyProfile(db, workshop.id, TODAY)?.replies).toMatchObject([{ recordKind: 'penalty', recordId: penalty?.id, status: 'pending', body: '<b>已整改</b>，请核实。' }]);
    const decided = decideReply(db, nanchang, replyDecisionSchema.parse({ id: String(recorded.item.id), status: 'upheld', note: '经核查，处罚事实清楚，维持原记录。' }), TODAY);
    expect(decided.ok).toBe(true);
    expect(getPartyProfile(db, workshop.id, TODAY)?.replies[0]).toMatchObject({ status: 'upheld', decisionNote: '经核查，处罚事实清楚，维持原记录。', decidedOn: TODAY, decidedBy: nanchang.id });
    expect(db.select().from(auditLog).where(eq(auditLog.target, `reply:${recorded.item.id}`)).all().map((a) => a.action)).toEqual(['replyRecorded', 'replyDecided']);
    // the operator's words are not copied into the audit log
    expect(JSON.stringify(db.select().from(auditLog).all())).not.toContain('已整改');
  });

  it('a reply must be about one of the party’s public records, in the jurisdiction', () => {
    expect(recordReply(db, nanchang, replyFormSchema.parse({ partyId: String(workshop.id), record: 'penalty:999999', receivedOn: TODAY, body: '异议' }), TODAY)).toEqual({ ok: false, fields: { record: ['该主体没有这条记录'] } });
    const penalty = getPartyProfile(db, workshop.id, TODAY)?.penalties[0];
    expect(recordReply(db, ganzhou, replyFormSchema.parse({ partyId: String(workshop.id), record: `penalty:${penalty?.id}`, receivedOn: TODAY, body: '异议' }), TODAY)).toEqual({ ok: false, fields: { partyId: ['该主体不在您的管辖范围内'] } });
  });
});

describe('the staff party search', () => {
  it('finds by name, registration no. or id, only inside the jurisdiction', () => {
    expect(findPartiesForStaff(db, nanchang, '鑫测湿米粉').map((p) => p.id)).toEqual([workshop.id]);
    expect(findPartiesForStaff(db, nanchang, 'XZF36012199901').map((p) => p.id)).toEqual([workshop.id]);
    expect(findPartiesForStaff(db, nanchang, String(workshop.id)).map((p) => p.id)).toContain(workshop.id);
    expect(findPartiesForStaff(db, ganzhou, '鑫测湿米粉')).toEqual([]);
    // LIKE wildcards are text
    expect(findPartiesForStaff(db, nanchang, '%')).toEqual([]);
  });
});
