/**
 * The staff import of official tables (issue #5 point 5) on a real SQLite database (committed
 * migrations, real divisions and seeds) and the real Meilisearch: upload → server-side preview with
 * per-row errors → decisions → one-transaction commit → incremental index update. Party names are
 * fictitious.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { count, eq } from 'drizzle-orm';
import type { Meilisearch } from 'meilisearch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/client.ts';
import { auditLog, parties, penalties, samplingTests, staffUsers } from '../../src/db/schema.ts';
import { planImport, type ImportKind } from '../../src/features/imports/import.server.ts';
import { PENALTY_COLUMNS, SAMPLING_COLUMNS } from '../../src/features/imports/official.ts';
import { commitJob, correctRow, createPreview, decisionsOf, ImportBlockedError, loadPreview, parsedOf, savePreview, startCommit, type StoredPreview } from '../../src/features/imports/previews.server.ts';
import { readTableFile } from '../../src/features/imports/tables.ts';
import { rebuildIndex, searchWorkshops } from '../../src/features/search/search.server.ts';
import type { Actor } from '../../src/features/staff/authz.ts';
import { actorOf } from '../../src/features/staff/sessions.server.ts';
import { usccCheckCharacter } from '../../src/features/workshops/uscc.ts';
import type { StaffRole } from '../../src/features/staff/staff.ts';
import { TODAY, seededDb, testClient } from './helpers.ts';

const dataDir = mkdtempSync(path.join(tmpdir(), 'fangxin-it-import-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

let db: Db;
let client: Meilisearch;
let nanchang: Actor;
let officer: Actor;

function staffActor(username: string, role: StaffRole, divisionCode: string): Actor {
  const user = db
    .insert(staffUsers)
    .values({ username, displayName: username, role, divisionCode, passwordHash: 'x', passwordChangedAt: new Date().toISOString() })
    .returning()
    .get();
  return actorOf(db, user);
}

type Cells = Partial<Record<string, string>>;
const csv = (columns: readonly string[], rows: Cells[]) =>
  [columns.join(','), ...rows.map((r) => columns.map((c) => r[c] ?? '').map((v) => (/[",\n]/u.test(v) ? `"${v.replace(/"/gu, '""')}"` : v)).join(','))].join('\n');
const penaltyCsv = (rows: Cells[], extra: string[] = []) => csv([...PENALTY_COLUMNS, ...extra], rows);

/** Reads `text` as an upload of `actor` and returns the stored preview. */
async function upload(actor: Actor, kind: ImportKind, text: string, fileName: string, announcement: StoredPreview['announcement'] = null): Promise<StoredPreview> {
  const read = await readTableFile(kind, new TextEncoder().encode(text));
  const id = createPreview(dataDir, { userId: actor.id, fileName, fileType: read.fileType, kind, announcement, header: read.table.header, records: read.table.records });
  const preview = loadPreview(dataDir, id, actor.id);
  if (!preview) throw new Error('preview not stored');
  return preview;
}

const planOf = (p: StoredPreview, actor: Actor) => planImport(db, p.kind, parsedOf(p), { decisions: decisionsOf(p), actor, announcement: p.announcement });

async function finished(id: string, actor: Actor) {
  for (let i = 0; i < 200; i++) {
    const job = commitJob(dataDir, id, actor.id);
    if (job?.phase === 'done') return job;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the commit did not finish');
}

const countOf = (table: typeof penalties | typeof parties | typeof samplingTests) => db.select({ n: count() }).from(table).get()?.n ?? 0;

async function search(q: string) {
  const res = await searchWorkshops(db, client, { q, page: 1 });
  expect(res.degraded).toBe(false);
  return res;
}

beforeAll(async () => {
  db = seededDb({ demoCount: 0 });
  client = testClient();
  await rebuildIndex(db, client, { today: TODAY });
  nanchang = staffActor('nc-super', 'citySupervisor', '360100');
  officer = staffActor('dh-officer', 'countyOfficer', '360102');
});

const good = (name: string, decisionNo: string, authority = '南昌县市场监督管理局'): Cells => ({
  行政相对人名称: name,
  行政相对人类别: '法人及非法人组织',
  行政处罚决定书文号: decisionNo,
  违法行为类型: '生产不符合食品安全标准的食品',
  处罚类别: '罚款',
  '罚款金额(万元)': '0.5',
  处罚决定日期: '2026-10-08',
  处罚机关: authority,
});

describe('an upload with a bad row', () => {
  let preview: StoredPreview;

  it('shows the row error (row and column, in Chinese) and cannot be committed: nothing is written', async () => {
    preview = await upload(nanchang, 'penalties', penaltyCsv([good('鑫测米粉加工厂', '洪南市监罚〔2026〕101号'), { ...good('鑫测豆制品厂', '洪南市监罚〔2026〕102号'), '罚款金额(万元)': '五千' }, good('鑫测糕点厂', '洪南市监罚〔2026〕103号')]), '处罚.csv');
    const before = { penalties: countOf(penalties), parties: countOf(parties) };
    const plan = planOf(preview, nanchang);
    expect(plan.committable).toBe(false);
    expect(plan.rows.find((r) => r.row === 2)).toMatchObject({ outcome: 'error', errors: [{ row: 2, column: '罚款金额(万元)', message: '金额“五千”不是有效数字' }] });
    // the other two are new parties waiting for a decision
    expect(plan.rows.filter((r) => r.outcome === 'undecided').map((r) => r.row)).toEqual([1, 3]);
    expect(() => startCommit(db, client, dataDir, preview, nanchang, TODAY)).toThrow(ImportBlockedError);
    expect({ penalties: countOf(penalties), parties: countOf(parties) }).toEqual(before);
    expect(db.select().from(auditLog).where(eq(auditLog.action, 'importCommitted')).all()).toEqual([]);
    expect(commitJob(dataDir, preview.id, nanchang.id)).toBeNull();
  });

  it('after the cell is corrected and the new parties decided, one commit writes every row and the parties become searchable', async () => {
    expect(correctRow(preview, 2, { '罚款金额(万元)': '0.5' })).toEqual([]);
    for (const r of planOf(preview, nanchang).rows) if (r.outcome === 'undecided') preview.decisions[String(r.row)] = { action: 'create', countyCode: null };
    savePreview(dataDir, preview);
    const stored = loadPreview(dataDir, preview.id, nanchang.id) as StoredPreview;
    const plan = planOf(stored, nanchang);
    expect(plan.counts).toMatchObject({ write: 3, newParties: 3, error: 0, undecided: 0 });
    // placed by the authority that decided: 南昌县
    expect(plan.rows.map((r) => r.target?.countyCode)).toEqual(['360121', '360121', '360121']);

    const before = countOf(penalties);
    const job = startCommit(db, client, dataDir, stored, nanchang, TODAY);
    expect(job).toMatchObject({ rowsWritten: 3, newParties: 3 });
    expect(countOf(penalties)).toBe(before + 3);
    // the preview is gone, the result stays readable
    expect(loadPreview(dataDir, preview.id, nanchang.id)).toBeNull();
    const done = await finished(preview.id, nanchang);
    expect(done).toMatchObject({ phase: 'done', indexError: false, batches: { done: 1, total: 1 } });
    for (const name of ['鑫测米粉加工厂', '鑫测豆制品厂', '鑫测糕点厂']) {
      const res = await search(name);
      expect(res.hits[0]?.name).toBe(name);
      expect(res.hits[0]?.status).toBe('warning');
    }
    const entry = db.select().from(auditLog).where(eq(auditLog.action, 'importCommitted')).get();
    expect(entry).toMatchObject({ userId: nanchang.id, divisionCode: '360100', target: `import:${preview.id}`, details: { fileName: '处罚.csv', kind: 'penalties', records: 3, newParties: 3 } });
  });

  it('the same file again: every row is already on file, nothing to commit', async () => {
    const again = await upload(nanchang, 'penalties', penaltyCsv([good('鑫测米粉加工厂', '洪南市监罚〔2026〕101号')]), '处罚.csv');
    const plan = planOf(again, nanchang);
    expect(plan.rows[0]).toMatchObject({ outcome: 'duplicate', match: { method: 'nameCounty' } });
    expect(plan.committable).toBe(false);
  });
});

describe('penalty rows without a decision no.', () => {
  it('the same party, dates, kinds and amounts are one penalty: within a file and again later', async () => {
    const row = { ...good('鑫测无文号米粉坊', ''), 处罚类别: '警告', '罚款金额(万元)': '' };
    const first = await upload(nanchang, 'penalties', penaltyCsv([row, row]), '无文号.csv');
    const plan = planImport(db, first.kind, parsedOf(first), { actor: nanchang, createUnmatched: true });
    expect(plan.rows.map((r) => r.outcome)).toEqual(['write', 'duplicate']);
    // a published row without a decision no. of the seed, uploaded again, is on file already
    const seed = readFileSync(path.join(import.meta.dirname, '../../seeds/official/penalties/jiangxi-shuanggongshi.csv'), 'utf8').split(/\r?\n/u);
    const noNumber = seed.find((line) => line.includes('东湖区兴煌水产批发部'));
    if (!noNumber) throw new Error('the seed row without a decision no. is gone');
    const again = await readTableFile('penalties', new TextEncoder().encode(`${seed[0]}\n${noNumber}\n`));
    const province = staffActor('jx-admin-nodup', 'provincialAdmin', '360000');
    expect(planImport(db, 'penalties', again.parsed, { actor: province }).rows.map((r) => r.outcome)).toEqual(['duplicate']);
  });
});

describe('one transaction: all rows or none', () => {
  it('a failure on the last row leaves no row and no new party behind', async () => {
    const preview = await upload(nanchang, 'penalties', penaltyCsv([good('甲测试食品厂', '洪南市监罚〔2026〕201号'), good('乙测试食品厂', '洪南市监罚〔2026〕202号')]), 'p.csv');
    preview.decisions = { '1': { action: 'create', countyCode: null }, '2': { action: 'create', countyCode: null } };
    const before = { penalties: countOf(penalties), parties: countOf(parties) };
    db.$client.exec(`CREATE TEMP TRIGGER fail_second BEFORE INSERT ON penalties WHEN NEW.decision_no = '洪南市监罚〔2026〕202号' BEGIN SELECT RAISE(ABORT, 'disk full'); END`);
    try {
      expect(() => startCommit(db, client, dataDir, preview, nanchang, TODAY)).toThrow(/disk full/u);
    } finally {
      db.$client.exec('DROP TRIGGER fail_second');
    }
    expect({ penalties: countOf(penalties), parties: countOf(parties) }).toEqual(before);
    expect(db.select().from(parties).where(eq(parties.name, '甲测试食品厂')).all()).toEqual([]);
    // the upload is kept for another try
    expect(loadPreview(dataDir, preview.id, nanchang.id)).not.toBeNull();
  });
});

describe('matching to parties on file', () => {
  const USCC = `91360121MA3ABCDE1${usccCheckCharacter('91360121MA3ABCDE1')}`;
  let byCode: number;
  let byRegistration: number;
  let byName: number;

  beforeAll(() => {
    const now = new Date().toISOString();
    const add = (values: Partial<typeof parties.$inferInsert>) => db.insert(parties).values({ kind: 'enterprise', name: '', source: 'official', updatedAt: now, ...values }).returning({ id: parties.id }).get().id;
    byCode = add({ name: '江西甲乙丙食品有限公司', uscc: USCC, countyCode: '360121', cityCode: '360100' });
    byRegistration = add({ kind: 'workshop', name: '进贤县老周米粉作坊', registrationNo: 'XZF36012499901', countyCode: '360124', cityCode: '360100', registrationStatus: 'valid' });
    byName = add({ name: '丁戊食品厂', countyCode: '360123', cityCode: '360100' });
  });

  it('credit code, then registration no., then name + county; another county’s namesake is no match', async () => {
    const preview = await upload(
      nanchang,
      'penalties',
      penaltyCsv(
        [
          // renamed since: found by its credit code (checked with GB 32100's check character)
          { ...good('江西甲乙丙食品公司（更名后）', '洪南市监罚〔2026〕301号'), '行政相对人代码_1(统一社会信用代码)': USCC },
          { ...good('老周米粉店', '进市监罚〔2026〕302号', '进贤县市场监督管理局'), 登记证编号: 'XZF36012499901' },
          // placed in 安义县 by the authority that decided
          good('丁戊食品厂', '安市监罚〔2026〕303号', '安义县市场监督管理局'),
          // a city authority: no county known
          good('丁戊食品厂', '洪市监罚〔2026〕304号', '南昌市市场监督管理局'),
          good('丁戊食品厂', '东市监罚〔2026〕305号', '南昌市东湖区市场监督管理局'),
        ],
        ['登记证编号'],
      ),
      'match.csv',
    );
    const plan = planOf(preview, nanchang);
    const rows = new Map(plan.rows.map((r) => [r.row, r]));
    expect(rows.get(1)).toMatchObject({ outcome: 'write', match: { method: 'uscc', partyId: byCode } });
    expect(rows.get(2)).toMatchObject({ outcome: 'write', match: { method: 'registrationNo', partyId: byRegistration } });
    expect(rows.get(3)).toMatchObject({ outcome: 'write', match: { method: 'nameCounty', partyId: byName } });
    // no county known from the text: the namesake on file is taken
    expect(rows.get(4)).toMatchObject({ outcome: 'write', match: { method: 'nameCounty', partyId: byName } });
    // placed in 东湖区 by its authority: not the 安义县 party
    expect(rows.get(5)).toMatchObject({ outcome: 'undecided', match: null });
    preview.decisions['5'] = { action: 'skip' };
    const job = startCommit(db, client, dataDir, preview, nanchang, TODAY);
    expect(job.rowsWritten).toBe(4);
    const of = (no: string) => db.select({ partyId: penalties.partyId }).from(penalties).where(eq(penalties.decisionNo, no)).get()?.partyId;
    expect(of('洪南市监罚〔2026〕301号')).toBe(byCode);
    expect(of('进市监罚〔2026〕302号')).toBe(byRegistration);
    expect(of('安市监罚〔2026〕303号')).toBe(byName);
    expect(of('东市监罚〔2026〕305号')).toBeUndefined();
    await finished(preview.id, nanchang);
  });

  it('a staff pick files an unmatched row under the chosen party', async () => {
    const preview = await upload(nanchang, 'penalties', penaltyCsv([good('丁戊食品厂（简称）', '安市监罚〔2026〕401号', '安义县市场监督管理局')]), 'pick.csv');
    expect(planOf(preview, nanchang).rows[0]?.outcome).toBe('undecided');
    preview.decisions['1'] = { action: 'pick', partyId: byName };
    expect(planOf(preview, nanchang).rows[0]).toMatchObject({ outcome: 'write', target: { kind: 'existing', partyId: byName } });
  });
});

describe('jurisdiction', () => {
  it('a row for a county outside the supervisor’s city is an error naming the place', async () => {
    const preview = await upload(nanchang, 'penalties', penaltyCsv([good('章贡区某食品店', '章市监罚〔2026〕501号', '赣州市章贡区市场监督管理局')]), 'g.csv');
    preview.decisions['1'] = { action: 'create', countyCode: null };
    const row = planOf(preview, nanchang).rows[0];
    expect(row).toMatchObject({ outcome: 'error', divisionCode: '360702' });
    expect(row?.errors[0]?.message).toBe('该主体所在地（章贡区）不在您的管辖范围内');
    // moving it into the city (a county the supervisor chose) makes it importable
    preview.decisions['1'] = { action: 'create', countyCode: '360121' };
    expect(planOf(preview, nanchang).rows[0]?.outcome).toBe('write');
  });

  it('a county officer may not import at all', async () => {
    const preview = await upload(officer, 'penalties', penaltyCsv([good('东湖区某食品店', '东市监罚〔2026〕601号', '南昌市东湖区市场监督管理局')]), 'o.csv');
    preview.decisions['1'] = { action: 'create', countyCode: null };
    expect(planOf(preview, officer).rows[0]?.outcome).toBe('error');
    expect(() => startCommit(db, client, dataDir, preview, officer, TODAY)).toThrow(ImportBlockedError);
  });

  it('a preview belongs to its uploader', async () => {
    const preview = await upload(nanchang, 'penalties', penaltyCsv([good('某店', '某罚〔2026〕1号')]), 'x.csv');
    expect(loadPreview(dataDir, preview.id, officer.id)).toBeNull();
    expect(loadPreview(dataDir, '../../etc/passwd', nanchang.id)).toBeNull();
  });
});

describe('a sampling table with its announcement', () => {
  it('a producer named on two rows is created once; the records carry the announcement', async () => {
    const announcement = { title: '南昌市市场监督管理局食品安全监督抽检信息通告（2026年第9期）', announcementDate: '2026-11-20', authority: '南昌市市场监督管理局', category: '淀粉及淀粉制品', result: 'fail' as const };
    const row = (product: string, batch: string): Cells => ({
      序号: '1',
      标称生产企业名称: '南昌县甲测粉丝厂',
      标称生产企业地址: '江西省南昌市南昌县某镇',
      被抽样单位名称: '某超市',
      食品名称: product,
      '生产日期/批号': batch,
      '不合格项目║检验结果║标准值': '铝的残留量(干样品,以Al计)(mg/kg)║356║≤200',
      检验机构: '南昌市食品药品检验所',
    });
    const preview = await upload(nanchang, 'sampling', csv(SAMPLING_COLUMNS, [row('粉丝', '2026-09-01'), row('粉条', '2026-09-02')]), 's.csv', announcement);
    const plan = planOf(preview, nanchang);
    expect(plan.rows.map((r) => r.outcome)).toEqual(['undecided', 'undecided']);
    preview.decisions = { '1': { action: 'create', countyCode: null }, '2': { action: 'create', countyCode: null } };
    const decided = planOf(preview, nanchang);
    expect(decided.rows[1]?.target).toMatchObject({ kind: 'new', sameAsRow: 1 });
    const job = startCommit(db, client, dataDir, preview, nanchang, TODAY);
    expect(job).toMatchObject({ rowsWritten: 2, newParties: 1 });
    const made = db.select().from(parties).where(eq(parties.name, '南昌县甲测粉丝厂')).all();
    expect(made).toHaveLength(1);
    expect(made[0]).toMatchObject({ countyCode: '360121', products: ['粉丝', '粉条'], foodCategories: ['淀粉及淀粉制品'] });
    expect(db.select().from(samplingTests).where(eq(samplingTests.partyId, made[0]?.id ?? 0)).all().map((t) => t.announcementTitle)).toEqual([announcement.title, announcement.title]);
    await finished(preview.id, nanchang);
    expect((await search('甲测粉丝')).hits[0]?.name).toBe('南昌县甲测粉丝厂');
  });
});
