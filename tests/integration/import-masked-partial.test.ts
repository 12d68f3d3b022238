/**
 * Issue 9 points 6 and 7 through the real importer on a real SQLite database (committed
 * migrations, real divisions and seeds): a masked party name is never merged with another party by
 * name, and an announcement date published without its year is stored as published and read by
 * the verdict as documented in src/features/workshops/verdict.ts. The masked names follow the real
 * rows of the shared data (南昌县[人名]包子店, 3月25日(年份页面未显示)); the rows are otherwise fictitious.
 */
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/client.ts';
import { parties, samplingTests } from '../../src/db/schema.ts';
import { commitPenalties, commitSampling, planImport } from '../../src/features/imports/import.server.ts';
import { announcementSchema, parsePenaltyTable, parseSamplingTable, PENALTY_COLUMNS, SAMPLING_COLUMNS, type Announcement } from '../../src/features/imports/official.ts';
import { getPartyProfile } from '../../src/features/workshops/workshop.server.ts';
import { TODAY, seededDb } from './helpers.ts';

let db: Db;
beforeAll(() => {
  db = seededDb({ demoCount: 0 });
});

const table = (rows: { unit: string; product: string; batch?: string }[]) =>
  [SAMPLING_COLUMNS.join(','), ...rows.map((r, i) => [String(i + 1), '', '', r.unit, '', r.product, '', '', r.batch ?? '', '菌落总数║║', '江西省食品检验检测研究院', ''].join(','))].join('\n');

const announcement = (title: string, announcementDate: string): Announcement =>
  announcementSchema.parse({ title, announcementDate, authority: '江西省市场监督管理局', category: '餐饮食品' });

const partiesNamed = (name: string) => db.select().from(parties).where(eq(parties.name, name)).all();

describe('a masked name is matched by code only (issue 9 point 6)', () => {
  it('the same masked name in two announcements becomes two parties; a name in full is one', () => {
    const first = parseSamplingTable(table([{ unit: '南昌县[人名]包子店', product: '油条' }, { unit: '南昌县测试鸿福面馆', product: '碱水面' }]));
    const second = parseSamplingTable(table([{ unit: '南昌县[人名]包子店', product: '馒头' }, { unit: '南昌县测试鸿福面馆', product: '拉面' }]));
    commitSampling(db, first.rows, announcement('江西省市场监督管理局关于食品不合格情况的通告(测试甲)', '2026-03-25'));
    commitSampling(db, second.rows, announcement('江西省市场监督管理局关于食品不合格情况的通告(测试乙)', '2026-06-10'));
    const masked = partiesNamed('南昌县[人名]包子店');
    expect(masked).toHaveLength(2);
    expect(masked.map((p) => p.countyCode)).toEqual(['360121', '360121']);
    expect(partiesNamed('南昌县测试鸿福面馆')).toHaveLength(1);
  });

  it('the same file imported again is recognised row by row: no second party, no second record', () => {
    const again = parseSamplingTable(table([{ unit: '南昌县[人名]包子店', product: '油条' }, { unit: '南昌县测试鸿福面馆', product: '碱水面' }]));
    const before = db.select().from(samplingTests).all().length;
    expect(commitSampling(db, again.rows, announcement('江西省市场监督管理局关于食品不合格情况的通告(测试甲)', '2026-03-25'))).toMatchObject({ parties: 0, records: 0, skipped: 2 });
    expect(partiesNamed('南昌县[人名]包子店')).toHaveLength(2);
    expect(db.select().from(samplingTests).all()).toHaveLength(before);
  });

  it('a masked penalty row imported twice is one penalty of one party; another decision of the same masked name is another party', () => {
    const row = (decisionNo: string) => [...PENALTY_COLUMNS.map((c) => ({ 行政相对人名称: '余干县[人名]测试干货店', 行政相对人类别: '个体工商户', 行政处罚决定书文号: decisionNo, 处罚类别: '罚款', '罚款金额(万元)': '0.21', 处罚决定日期: '2026-08-01', 处罚机关: '余干县市场监督管理局' })[c as string] ?? '')].join(',');
    const file = (...nos: string[]) => parsePenaltyTable([PENALTY_COLUMNS.join(','), ...nos.map(row)].join('\n'));
    commitPenalties(db, file('余市监罚〔2026〕测1号').rows);
    expect(commitPenalties(db, file('余市监罚〔2026〕测1号').rows)).toMatchObject({ parties: 0, records: 0, skipped: 1 });
    expect(partiesNamed('余干县[人名]测试干货店')).toHaveLength(1);
    commitPenalties(db, file('余市监罚〔2026〕测2号').rows);
    expect(partiesNamed('余干县[人名]测试干货店')).toHaveLength(2);
  });

  it('two rows of one file with the same masked name are not joined into one new party either', () => {
    const parsed = parseSamplingTable(table([{ unit: '进贤县[人名]米粉店', product: '米粉' }, { unit: '进贤县[人名]米粉店', product: '米粉' }]));
    const plan = planImport(db, 'sampling', parsed, { createUnmatched: true, announcement: announcement('测试通告丙', '2026-07-01') });
    expect(plan.rows.map((r) => r.target)).toMatchObject([
      { kind: 'new', sameAsRow: null },
      { kind: 'new', sameAsRow: null },
    ]);
    expect(plan.counts.newParties).toBe(2);
  });

  it('an upload leaves the masked row to staff and says why it was not matched by name', () => {
    const parsed = parseSamplingTable(table([{ unit: '南昌县[人名]包子店', product: '包子' }, { unit: '南昌县测试鸿福面馆', product: '凉面' }]));
    const plan = planImport(db, 'sampling', parsed, { announcement: announcement('测试通告丁', '2026-08-01') });
    expect(plan.rows[0]).toMatchObject({ outcome: 'undecided', match: null, noNameMatch: 'maskedName' });
    expect(plan.rows[1]).toMatchObject({ outcome: 'write', match: { method: 'nameCounty' }, noNameMatch: null });
  });
});

describe('an announcement date without a year (issue 9 point 7)', () => {
  it('is stored as published and the verdict reads it: never 警示, 关注 while it may be recent', () => {
    const parsed = parseSamplingTable(table([{ unit: '湖口县测试雁鸣饮用水厂', product: '饮用纯净水' }]));
    commitSampling(db, parsed.rows, announcement('江西省市场监督管理局食品安全监督抽检通告(测试,年份页面未显示)', '3月25日(年份页面未显示)'));
    const [party] = partiesNamed('湖口县测试雁鸣饮用水厂');
    if (!party) throw new Error('the party was not created');
    const stored = db.select().from(samplingTests).where(eq(samplingTests.partyId, party.id)).get();
    expect(stored?.announcementDate).toBe('--03-25');
    const profile = getPartyProfile(db, party.id, TODAY);
    // entered today or later than TODAY (2026-11-29): the latest it can be is 2026-03-25
    expect(profile?.verdict).toMatchObject({ status: 'attention', reasons: [{ code: 'samplingFailedRecent', date: '2026-03-25', until: '2028-03-24', published: '--03-25' }] });
  });

  it('a production date in the batch cell that leaves one year makes it a day: 警示 while in 12 months', () => {
    const parsed = parseSamplingTable(table([{ unit: '湖口县测试雁归饮用水厂', product: '饮用纯净水', batch: '2026-01-08' }]));
    commitSampling(db, parsed.rows, announcement('江西省市场监督管理局食品安全监督抽检通告(测试二,年份页面未显示)', '3月25日'));
    const [party] = partiesNamed('湖口县测试雁归饮用水厂');
    if (!party) throw new Error('the party was not created');
    expect(getPartyProfile(db, party.id, TODAY)?.verdict).toMatchObject({ status: 'warning', reasons: [{ code: 'samplingFailedUndisposed', date: '2026-03-25' }] });
  });
});
