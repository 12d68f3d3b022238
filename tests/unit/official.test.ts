import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { announcementSchema, LayoutError, parsePenaltyTable, parseSamplingTable, partyKindFromName, SAMPLING_COLUMNS, PENALTY_COLUMNS, wanYuanToYuan } from '../../src/features/imports/official.ts';

const samplingHeader = SAMPLING_COLUMNS.join(',');
const penaltyHeader = PENALTY_COLUMNS.join(',');

describe('amounts published in 万元 become yuan, to the fen', () => {
  it.each([
    ['0.98 万元', '0.98', 9800],
    ['0.114 万元', '0.114', 1140],
    ['zero', '0', 0],
    ['full-width digits', '１.５', 15000],
    ['thousands separator', '1,000', 10_000_000],
    ['a fen', '0.000001', 0.01],
  ])('%s', (_rule, input, yuan) => {
    expect(wanYuanToYuan(input)).toBe(yuan);
  });
  it('an empty cell is null', () => expect(wanYuanToYuan(null)).toBeNull());
  it('text is refused', () => expect(() => wanYuanToYuan('约一万')).toThrow(RangeError));
  it('an amount finer than a fen is refused, not cut', () => expect(() => wanYuanToYuan('1.2345678')).toThrow(/分以下/u));
  it('an amount of 100,000 万元 or more is refused as a typing or unit error', () => {
    expect(() => wanYuanToYuan('99999999999999999999')).toThrow(/超过100000万元/u);
    expect(wanYuanToYuan('99999.99')).toBe(999_999_900);
  });
});

describe('the sampling table in its published layout', () => {
  it('parses the seed files without errors, the ║ cell included', () => {
    const text = readFileSync(new URL('../../seeds/official/sampling/2021-12-30-n-starch-products.csv', import.meta.url), 'utf8');
    const { rows, errors } = parseSamplingTable(text);
    expect(errors).toEqual([]);
    expect(rows[0]?.producerName).toBe('江西开川实业有限公司');
    expect(rows[0]?.failedItems[0]?.measured.map((m) => m.value)).toEqual([62000, 47000, 82000, 45000, 46000]);
    expect(rows[0]?.brand).toBeNull(); // "/" means none
  });
  it('a wrong header is refused with the missing columns named', () => {
    expect(() => parseSamplingTable('序号,名称\n1,x')).toThrow(LayoutError);
    expect(() => parseSamplingTable('序号,名称\n1,x')).toThrow(/缺少列/);
  });
  it('row errors name the row and column, and the bad row is not kept', () => {
    const text = `${samplingHeader}\n1,某公司,,,,,,,,苯甲酸║1║2║3,,\n2,,,,,腊肉,,,,,,\n3,某厂,,,,豆腐,,,,,,`;
    const { rows, errors } = parseSamplingTable(text);
    expect(rows.map((r) => r.row)).toEqual([3]);
    expect(errors).toContainEqual(expect.objectContaining({ row: 1, column: '食品名称' }));
    expect(errors).toContainEqual(expect.objectContaining({ row: 1, column: '不合格项目║检验结果║标准值' }));
    expect(errors).toContainEqual(expect.objectContaining({ row: 2, column: '标称生产企业名称' }));
  });
  it('a source address that is not http(s) is a row error, never a link', () => {
    const header = `${samplingHeader},来源网址`;
    const text = `${header}\n1,某厂,,,,豆腐,,,,,,,javascript:alert(4)\n2,某厂,,,,豆腐,,,,,,,data:text/html,x\n3,某厂,,,,豆腐,,,,,,,https://amr.jiangxi.gov.cn/x.html`;
    const { rows, errors } = parseSamplingTable(text);
    expect(rows.map((r) => [r.row, r.sourceUrl])).toEqual([[3, 'https://amr.jiangxi.gov.cn/x.html']]);
    expect(errors).toEqual([
      { row: 1, column: '来源网址', message: '来源网址须是以 http:// 或 https:// 开头的网址' },
      { row: 2, column: '来源网址', message: '来源网址须是以 http:// 或 https:// 开头的网址' },
    ]);
  });
});

describe('the 双公示 penalty table', () => {
  const row = (cells: Partial<Record<(typeof PENALTY_COLUMNS)[number], string>>) => PENALTY_COLUMNS.map((c) => cells[c] ?? '').join(',');
  it('parses the seed file: kinds, 万元, police transfer, warning', () => {
    const text = readFileSync(new URL('../../seeds/official/penalties/jiangxi-shuanggongshi.csv', import.meta.url), 'utf8');
    const { rows, errors } = parsePenaltyTable(text);
    expect(errors).toEqual([]);
    const guangchang = rows.find((r) => r.decisionNo === '抚广市监稽罚决〔2020〕22号');
    expect(guangchang).toMatchObject({ fineYuan: 9800, confiscationYuan: 200, penaltyKinds: ['没收违法所得', '罚款'], announcementDate: '2020-09' });
    expect(rows.find((r) => r.decisionNo === '(兴)市监古当罚〔2025〕72号')?.penaltyKinds).toEqual(['警告']);
    expect(rows.find((r) => r.partyName === '东湖区兴煌水产批发部')?.transferredToPolice).toBe(true);
  });
  it('a bad credit code, amount and date are row errors', () => {
    const text = `${penaltyHeader}\n${row({ 行政相对人名称: '某店', '行政相对人代码_1(统一社会信用代码)': '92341822MA2RFB9F7K', 处罚类别: '罚款', '罚款金额(万元)': 'abc', 处罚决定日期: '2025-02-30' })}`;
    const { rows, errors } = parsePenaltyTable(text);
    expect(rows).toEqual([]);
    expect(errors.map((e) => e.column)).toEqual(['行政相对人代码_1(统一社会信用代码)', '罚款金额(万元)', '处罚决定日期']);
  });
  it('a decision dated after today is a row error; a disclosure end ahead is not', () => {
    const { rows, errors } = parsePenaltyTable(`${penaltyHeader}\n${row({ 行政相对人名称: '某店', 处罚类别: '罚款', 处罚决定日期: '2099-01-01' })}\n${row({ 行政相对人名称: '某店', 处罚类别: '罚款', 处罚决定日期: '2025-01-02', 公示截止期: '2099-01-01' })}`);
    expect(errors).toEqual([{ row: 1, column: '处罚决定日期', message: '日期“2099-01-01”晚于今天，请核对' }]);
    expect(rows.map((r) => r.row)).toEqual([2]);
  });
  it('a decision without any date is refused', () => {
    const { errors } = parsePenaltyTable(`${penaltyHeader}\n${row({ 行政相对人名称: '某店', 处罚类别: '罚款' })}`);
    expect(errors[0]?.column).toBe('处罚决定日期');
  });

  describe('partial dates (issue 9 point 7)', () => {
    const withSource = (decidedOn: string, announced: string) =>
      parsePenaltyTable(`${penaltyHeader},来源公告日期\n${row({ 行政相对人名称: '某店', 处罚类别: '罚款', '罚款金额(万元)': '0.5', 处罚决定日期: decidedOn })},${announced}`);
    it('an announcement date with only the year is kept as published when the decision date is known', () => {
      const { rows, errors } = withSource('2022-04-15', '2022(转载页未显示具体日期)');
      expect(errors).toEqual([]);
      expect(rows[0]).toMatchObject({ decidedOn: '2022-04-15', announcementDate: '2022' });
    });
    it('an announcement date without a year is kept as published when the decision date is known', () => {
      expect(withSource('2024-09-10', '3月10日').rows[0]?.announcementDate).toBe('--03-10');
    });
    it('without a decision date, an announcement date without year or month cannot start publicity: refused', () => {
      for (const announced of ['3月10日(年份页面未显示)', '2024']) {
        const { rows, errors } = withSource('', announced);
        expect(rows).toEqual([]);
        expect(errors).toEqual([{ row: 1, column: '处罚决定日期', message: '处罚决定日期不能为空：来源公告日期未公布年份或月份，公示期无法起算' }]);
      }
    });
    it('without a decision date, an announcement month starts publicity', () => {
      expect(withSource('', '2025-06(转载页路径日期)').rows[0]?.announcementDate).toBe('2025-06');
    });
    it('a decision date needs the month at least (the disclosure regimes change on a day)', () => {
      expect(withSource('2024', '2024-11-01').errors.map((e) => e.column)).toEqual(['处罚决定日期']);
    });
  });
});

describe('the announcement of a sampling table keeps its date as published', () => {
  const announcement = (announcementDate: string) => announcementSchema.safeParse({ title: '江西省市场监督管理局食品安全监督抽检信息通告', announcementDate, authority: '江西省市场监督管理局' });
  it.each([
    ['a day', '2021-08-13(报道日期)', '2021-08-13'],
    ['a month', '2019年3月', '2019-03'],
    ['a year alone', '2022年', '2022'],
    ['a repost that gives no year', '9月6日(年份页面未显示)', '--09-06'],
  ])('%s', (_rule, text, stored) => {
    expect(announcement(text)).toMatchObject({ success: true, data: { announcementDate: stored } });
  });
  it('what is not a date is a field error in Chinese', () => {
    const parsed = announcement('年份未公布');
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toBe('日期“年份未公布”无法识别');
  });
});

describe('a party named in a notice is shown as what it is', () => {
  it.each([
    ['a company', '江西省坤福食品有限公司', 'enterprise'],
    ['a factory', '鹰潭市瑶池山泉水厂', 'enterprise'],
    ['a supermarket', '南丰县发到家超市', 'business'],
    ['a shop', '余干县[人名]干货店', 'business'],
  ])('%s', (_rule, name, kind) => {
    expect(partyKindFromName(name)).toBe(kind);
  });
});
