/**
 * Parsers of the official spreadsheet layouts (DESIGN.md "Data model"; ../shared/data/SOURCES.md
 * §2a and §3) into validated records, with per-row, per-column errors in Chinese. Pure: the same
 * code serves the seed import, the command line and (later) the staff upload.
 *
 * - Sampling: the Jiangxi 不合格 table, 12 columns, with the combined cell
 *   `不合格项目║检验结果║标准值` (parsed by ./sampling-cell.ts). Announcement details (title, no.,
 *   date, authority, category) are not in the table: they come with the upload (`announcementSchema`).
 * - Penalties: the 信用中国 "双公示" 行政处罚 fields; amounts in 万元, converted to yuan.
 * Both layouts accept two optional trailing columns naming the row's source: `来源网址`, `来源说明`
 * (penalties also `来源公告`, `来源公告日期`).
 * `/` in a published cell means "none". Codes stay text, leading zeros included.
 */
import { parse } from 'csv-parse/sync';
import { z } from '../../lib/zod.ts';
import { normalizePartialDate } from '../../lib/dates.ts';
import { isValidUscc, normalizeUscc } from '../workshops/uscc.ts';
import { parseFailedItemsCell, SamplingCellError, type FailedItem } from './sampling-cell.ts';

/** The published sampling-table header, in order. */
export const SAMPLING_COLUMNS = [
  '序号',
  '标称生产企业名称',
  '标称生产企业地址',
  '被抽样单位名称',
  '被抽样单位地址',
  '食品名称',
  '规格型号',
  '商标',
  '生产日期/批号',
  '不合格项目║检验结果║标准值',
  '检验机构',
  '备注',
] as const;

/** The 双公示 行政处罚 fields used here, in order. */
export const PENALTY_COLUMNS = [
  '行政相对人名称',
  '行政相对人类别',
  '行政相对人代码_1(统一社会信用代码)',
  '法定代表人',
  '行政处罚决定书文号',
  '违法行为类型',
  '违法事实',
  '处罚依据',
  '处罚类别',
  '处罚内容',
  '罚款金额(万元)',
  '没收违法所得、没收非法财物的金额(万元)',
  '暂扣或吊销证照名称及编号',
  '处罚决定日期',
  '处罚有效期',
  '公示截止期',
  '处罚机关',
  '处罚机关统一社会信用代码',
  '数据来源单位',
  '数据来源单位统一社会信用代码',
  '备注',
] as const;

const SOURCE_COLUMNS = ['来源网址', '来源说明', '来源公告', '来源公告日期'] as const;

/** An error of one cell (or of the whole row when `column` is null). `row` counts data rows from 1. */
export interface RowError {
  row: number;
  column: string | null;
  message: string;
}

/** Raised when the header does not match the published layout. */
export class LayoutError extends Error {}

const partialDate = z
  .string()
  .trim()
  .transform((v, ctx) => {
    const d = normalizePartialDate(v);
    if (!d) ctx.addIssue({ code: 'custom', message: `日期“${v}”无法识别` });
    return d ?? '';
  });

/** Details of a sampling announcement that the table itself does not carry. */
export const announcementSchema = z.object({
  title: z.string().trim().min(4, '请填写通告标题').max(200),
  announcementNo: z.string().trim().max(40).optional(),
  /** YYYY-MM-DD, or YYYY-MM when only the month is known */
  announcementDate: partialDate,
  authority: z.string().trim().min(2, '请填写发布机关').max(60),
  /** SAMR food category of the table (files are published one per category) */
  category: z.string().trim().max(40).optional(),
  result: z.enum(['pass', 'fail']).default('fail'),
  sourceUrl: z.url('来源网址格式不正确').optional(),
});
export type Announcement = z.infer<typeof announcementSchema>;

/** One parsed sampling-table row. */
export interface SamplingRow {
  row: number;
  seq: string | null;
  producerName: string | null;
  producerAddress: string | null;
  sampledUnitName: string | null;
  sampledUnitAddress: string | null;
  productName: string;
  spec: string | null;
  brand: string | null;
  batch: string | null;
  failedItems: FailedItem[];
  testingAgency: string | null;
  remarks: string | null;
  sourceUrl: string | null;
  sourceNote: string | null;
}

/** One parsed penalty row; money in yuan. */
export interface PenaltyRow {
  row: number;
  partyName: string;
  partyKind: 'enterprise' | 'business';
  uscc: string | null;
  decisionNo: string | null;
  violationType: string | null;
  facts: string | null;
  legalBasis: string | null;
  penaltyKinds: string[];
  penaltyContent: string | null;
  fineYuan: number | null;
  confiscationYuan: number | null;
  decidedOn: string | null;
  publishedDisclosureEnd: string | null;
  authority: string | null;
  transferredToPolice: boolean;
  remarks: string | null;
  announcementTitle: string | null;
  announcementDate: string | null;
  sourceUrl: string | null;
  sourceNote: string | null;
}

/** The outcome of parsing a table: good rows and the errors of the others (a row is never half-kept). */
export interface ParseResult<T> {
  rows: T[];
  errors: RowError[];
}

function cleanHeader(h: string): string {
  return h.normalize('NFKC').replace(/\s+/gu, '').replace(/\|/gu, '║').trim();
}

/** A published cell: trimmed, `/`, `-`, `—`, `无` meaning none → null. */
export function cell(value: string | undefined): string | null {
  const v = (value ?? '').replace(/\u00a0/gu, ' ').trim();
  return v === '' || v === '/' || v === '／' || v === '-' || v === '—' || v === '无' ? null : v;
}

function readTable(text: string, expected: readonly string[]): { header: string[]; records: string[][] } {
  const records = parse(text.replace(/^\uFEFF/u, ''), { relax_column_count: true, skip_empty_lines: true }) as string[][];
  const header = (records.shift() ?? []).map(cleanHeader);
  const want = expected.map(cleanHeader);
  const missing = want.filter((h) => !header.includes(h));
  if (missing.length) throw new LayoutError(`表头与公布格式不符，缺少列：${missing.join('、')}`);
  const unknown = header.filter((h) => h && !want.includes(h) && !SOURCE_COLUMNS.includes(h as (typeof SOURCE_COLUMNS)[number]));
  if (unknown.length) throw new LayoutError(`表头含有无法识别的列：${unknown.join('、')}`);
  return { header, records };
}

function getter(header: string[], record: string[]) {
  return (column: string): string | null => {
    const i = header.indexOf(cleanHeader(column));
    return i < 0 ? null : cell(record[i]);
  };
}

/** Parses a sampling table (CSV text in the published layout). Throws LayoutError for a wrong header. */
export function parseSamplingTable(text: string): ParseResult<SamplingRow> {
  const { header, records } = readTable(text, SAMPLING_COLUMNS);
  const rows: SamplingRow[] = [];
  const errors: RowError[] = [];
  records.forEach((record, i) => {
    const row = i + 1;
    const get = getter(header, record);
    const rowErrors: RowError[] = [];
    const productName = get('食品名称');
    if (!productName) rowErrors.push({ row, column: '食品名称', message: '食品名称不能为空' });
    const producerName = get('标称生产企业名称');
    const sampledUnitName = get('被抽样单位名称');
    if (!producerName && !sampledUnitName) {
      rowErrors.push({ row, column: '标称生产企业名称', message: '标称生产企业名称与被抽样单位名称不能都为空' });
    }
    let failedItems: FailedItem[] = [];
    try {
      failedItems = parseFailedItemsCell(get('不合格项目║检验结果║标准值') ?? '');
    } catch (e) {
      if (!(e instanceof SamplingCellError)) throw e;
      rowErrors.push({ row, column: '不合格项目║检验结果║标准值', message: e.message });
    }
    if (rowErrors.length) {
      errors.push(...rowErrors);
      return;
    }
    rows.push({
      row,
      seq: get('序号'),
      producerName,
      producerAddress: get('标称生产企业地址'),
      sampledUnitName,
      sampledUnitAddress: get('被抽样单位地址'),
      productName: productName ?? '',
      spec: get('规格型号'),
      brand: get('商标'),
      batch: get('生产日期/批号'),
      failedItems,
      testingAgency: get('检验机构'),
      remarks: get('备注'),
      sourceUrl: get('来源网址'),
      sourceNote: get('来源说明'),
    });
  });
  return { rows, errors };
}

/**
 * Converts an amount in 万元 (as published) to yuan, exactly to the fen: `0.98` → 9800.
 * Returns null for an empty cell; throws RangeError for text that is not a non-negative number.
 */
export function wanYuanToYuan(value: string | null): number | null {
  if (value === null) return null;
  const v = value.normalize('NFKC').replace(/[,，\s]/gu, '').replace(/万元$/u, '');
  if (!/^\d+(\.\d+)?$/u.test(v)) throw new RangeError(`金额“${value}”不是有效数字`);
  const [int = '0', frac = ''] = v.split('.');
  const fen = BigInt(int) * 1_000_000n + BigInt((frac + '000000').slice(0, 6));
  return Number(fen) / 100;
}

const KIND_SPLIT = /[;；、,，/\s]+/u;

/** Parses a penalty table (CSV in the 双公示 layout). Throws LayoutError for a wrong header. */
export function parsePenaltyTable(text: string): ParseResult<PenaltyRow> {
  const { header, records } = readTable(text, PENALTY_COLUMNS);
  const rows: PenaltyRow[] = [];
  const errors: RowError[] = [];
  records.forEach((record, i) => {
    const row = i + 1;
    const get = getter(header, record);
    const rowErrors: RowError[] = [];
    const partyName = get('行政相对人名称');
    if (!partyName) rowErrors.push({ row, column: '行政相对人名称', message: '行政相对人名称不能为空' });
    const category = get('行政相对人类别') ?? '';
    const partyKind = /个体/u.test(category) || /自然人/u.test(category) ? 'business' : 'enterprise';
    let uscc = get('行政相对人代码_1(统一社会信用代码)');
    if (uscc) {
      uscc = normalizeUscc(uscc);
      if (!isValidUscc(uscc)) rowErrors.push({ row, column: '行政相对人代码_1(统一社会信用代码)', message: '统一社会信用代码校验位不正确' });
    }
    const penaltyKinds = (get('处罚类别') ?? '').split(KIND_SPLIT).filter(Boolean);
    if (penaltyKinds.length === 0) rowErrors.push({ row, column: '处罚类别', message: '处罚类别不能为空' });
    const money = (column: string): number | null => {
      try {
        return wanYuanToYuan(get(column));
      } catch (e) {
        rowErrors.push({ row, column, message: (e as Error).message });
        return null;
      }
    };
    const fineYuan = money('罚款金额(万元)');
    const confiscationYuan = money('没收违法所得、没收非法财物的金额(万元)');
    const date = (column: string): string | null => {
      const v = get(column);
      if (!v) return null;
      const d = normalizePartialDate(v);
      if (!d) rowErrors.push({ row, column, message: `日期“${v}”无法识别` });
      return d;
    };
    const decidedOn = date('处罚决定日期');
    const publishedDisclosureEnd = date('公示截止期');
    const announcementDate = date('来源公告日期');
    if (!get('处罚决定日期') && !get('来源公告日期')) {
      rowErrors.push({ row, column: '处罚决定日期', message: '处罚决定日期不能为空（无决定日期时须有来源公告日期）' });
    }
    if (rowErrors.length) {
      errors.push(...rowErrors);
      return;
    }
    const content = get('处罚内容');
    rows.push({
      row,
      partyName: partyName ?? '',
      partyKind,
      uscc,
      decisionNo: get('行政处罚决定书文号'),
      violationType: get('违法行为类型'),
      facts: get('违法事实'),
      legalBasis: get('处罚依据'),
      penaltyKinds,
      penaltyContent: content,
      fineYuan,
      confiscationYuan,
      decidedOn,
      publishedDisclosureEnd,
      authority: get('处罚机关'),
      transferredToPolice: penaltyKinds.some((k) => /移送/u.test(k)) || /移送.{0,6}公安/u.test(content ?? ''),
      remarks: get('备注'),
      announcementTitle: get('来源公告'),
      announcementDate,
      sourceUrl: get('来源网址'),
      sourceNote: get('来源说明'),
    });
  });
  return { rows, errors };
}

/**
 * The kind of a party named only in a notice: a shop or stall (经营户) or a company (企业).
 * Registered workshops are matched by registration no. before this is used.
 */
export function partyKindFromName(name: string): 'enterprise' | 'business' {
  if (/(有限公司|有限责任公司|股份|集团|厂|实业|公司)/u.test(name)) return 'enterprise';
  if (/(店|超市|商行|批发部|经营部|酒家|摊|门市|商店|行)$/u.test(name) || /个体/u.test(name)) return 'business';
  return 'enterprise';
}
