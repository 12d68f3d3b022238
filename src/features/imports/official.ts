/**
 * Parsers of the official spreadsheet layouts (DESIGN.md "Data model"; ../shared/data/SOURCES.md
 * §2a and §3) into validated records, with per-row, per-column errors in Chinese. Pure: the same
 * code serves the seed import, the command line and the staff upload (/admin/import).
 *
 * - Sampling: the Jiangxi 不合格 table, 12 columns, with the combined cell
 *   `不合格项目║检验结果║标准值` (parsed by ./sampling-cell.ts). Announcement details (title, no.,
 *   date, authority, category) are not in the table: they come with the upload (`announcementSchema`).
 * - Penalties: the 信用中国 "双公示" 行政处罚 fields; amounts in 万元, converted to yuan.
 * Both layouts accept two optional trailing columns naming the row's source: `来源网址`, `来源说明`
 * (penalties also `来源公告`, `来源公告日期`), and an optional `登记证编号` (the small-workshop
 * registration no., which the published layouts do not carry; staff may add it so that a row is
 * matched to its registered workshop).
 * `/` in a published cell means "none". Codes stay text, leading zeros included.
 *
 * Input is a grid of cell texts (`string[][]`): `csvRecords` reads CSV text into one, and
 * ./xlsx.ts reads the first worksheet of an XLSX file into the same shape, so that both file types
 * go through the same validation (`parseSamplingRecords`, `parsePenaltyRecords`). Title rows above
 * the header (an attachment's caption, the 声明 line) are skipped; rows whose cells are all blank
 * are ignored; a row number (`row`) counts the rows below the header from 1, blank ones included.
 */
import { parse } from 'csv-parse/sync';
import { z } from '../../lib/zod.ts';
import { normalizePartialDate, normalizePublishedDate, precisionOf } from '../../lib/dates.ts';
import { isValidUscc, normalizeUscc } from '../workshops/uscc.ts';
import { parseFailedItemsCell, SamplingCellError, type FailedItem } from './sampling-cell.ts';
import { HTTP_URL_MESSAGE, isHttpUrl } from '../../lib/urls.ts';
import { todayInShanghai } from '../../lib/dates.ts';

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

/** Optional trailing columns: the row's source, and the registration no. of a registered workshop. */
export const OPTIONAL_COLUMNS = ['来源网址', '来源说明', '来源公告', '来源公告日期', '登记证编号'] as const;

/** Rows below the header a table may have (uploads; larger tables are split by the uploader). */
export const MAX_TABLE_ROWS = 5000;

/** An error of one cell (or of the whole row when `column` is null). `row` counts data rows from 1. */
export interface RowError {
  row: number;
  column: string | null;
  message: string;
}

/** Raised when the header does not match the published layout (or the table is empty or too long). */
export class LayoutError extends Error {}

/** A table as read from a file: its header cells and the rows below it, as text. */
export interface TableRecords {
  header: string[];
  /** one entry per row below the header, blank rows included (so that row numbers match the file) */
  records: string[][];
}

const publishedDate = z
  .string()
  .trim()
  .transform((v, ctx) => {
    const d = normalizePublishedDate(v);
    if (!d) ctx.addIssue({ code: 'custom', message: `日期“${v}”无法识别` });
    return d ?? '';
  });

/** Details of a sampling announcement that the table itself does not carry. */
export const announcementSchema = z.object({
  title: z.string().trim().min(4, '请填写通告标题').max(200),
  announcementNo: z.string().trim().max(40).optional(),
  /**
   * as published (`normalizePublishedDate`): `YYYY-MM-DD`, `YYYY-MM`, `YYYY`, or `--MM-DD` when a
   * repost gives no year; the verdict reads the unknown part (src/features/workshops/verdict.ts)
   */
  announcementDate: publishedDate,
  authority: z.string().trim().min(2, '请填写发布机关').max(60),
  /** SAMR food category of the table (files are published one per category) */
  category: z.string().trim().max(40).optional(),
  result: z.enum(['pass', 'fail']).default('fail'),
  sourceUrl: z.string().trim().refine(isHttpUrl, HTTP_URL_MESSAGE).optional(),
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
  /** 登记证编号 of the named producer, when the optional column gives one */
  registrationNo: string | null;
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
  /** 登记证编号: the optional column, else a 登记证 number named in 暂扣或吊销证照名称及编号 */
  registrationNo: string | null;
  decisionNo: string | null;
  violationType: string | null;
  facts: string | null;
  legalBasis: string | null;
  penaltyKinds: string[];
  penaltyContent: string | null;
  fineYuan: number | null;
  confiscationYuan: number | null;
  /** `YYYY-MM-DD` or `YYYY-MM` */
  decidedOn: string | null;
  /** `YYYY-MM-DD` or `YYYY-MM` */
  publishedDisclosureEnd: string | null;
  authority: string | null;
  transferredToPolice: boolean;
  remarks: string | null;
  announcementTitle: string | null;
  /** as published (`normalizePublishedDate`); with no `decidedOn`, a day or a month */
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

/** Reads CSV text (a UTF-8 BOM is dropped) into rows of cell texts. Throws LayoutError for malformed CSV. */
export function csvRecords(text: string): string[][] {
  try {
    return parse(text.replace(/^\uFEFF/u, ''), { relax_column_count: true, skip_empty_lines: true, relax_quotes: true }) as string[][];
  } catch (e) {
    throw new LayoutError(`CSV格式有误：${(e as Error).message.slice(0, 120)}`);
  }
}

const HEADER_SEARCH_ROWS = 10;

/**
 * Finds the header among the first rows of `grid` (the first row holding every expected column)
 * and checks it: a missing or unknown column is a LayoutError naming it. Rows after the header are
 * returned as they are.
 */
export function tableOf(grid: string[][], expected: readonly string[]): TableRecords {
  const want = expected.map(cleanHeader);
  const allowed = new Set([...want, ...OPTIONAL_COLUMNS.map(cleanHeader)]);
  const at = grid.slice(0, HEADER_SEARCH_ROWS).findIndex((r) => want.every((h) => r.map(cleanHeader).includes(h)));
  // no row has them all: report against the first non-blank row, the likeliest header
  const headerAt = at >= 0 ? at : Math.max(0, grid.findIndex((r) => r.some((c) => c.trim() !== '')));
  const header = (grid[headerAt] ?? []).map(cleanHeader);
  const missing = want.filter((h) => !header.includes(h));
  if (missing.length) throw new LayoutError(`表头与公布格式不符，缺少列：${missing.join('、')}`);
  const unknown = header.filter((h) => h && !allowed.has(h));
  if (unknown.length) throw new LayoutError(`表头含有无法识别的列：${unknown.join('、')}`);
  const records = grid.slice(headerAt + 1);
  while (records.length > 0 && isBlank(records[records.length - 1] ?? [])) records.pop();
  if (records.length === 0) throw new LayoutError('表格中没有数据行');
  if (records.length > MAX_TABLE_ROWS) throw new LayoutError(`表格有${records.length}行数据，超过每次${MAX_TABLE_ROWS}行的上限，请分成几个文件导入`);
  return { header, records };
}

function isBlank(record: string[]): boolean {
  return record.every((c) => cell(c) === null && (c ?? '').trim() === '');
}

function getter(header: string[], record: string[]) {
  return (column: string): string | null => {
    const i = header.indexOf(cleanHeader(column));
    return i < 0 ? null : cell(record[i]);
  };
}

/** Parses a sampling table (CSV text in the published layout). Throws LayoutError for a wrong header. */
export function parseSamplingTable(text: string): ParseResult<SamplingRow> {
  return parseSamplingRecords(tableOf(csvRecords(text), SAMPLING_COLUMNS));
}

/**
 * Validates the rows of a sampling table (`tableOf(grid, SAMPLING_COLUMNS)`); `firstRow` is the
 * number of the first record (1 unless a single row is re-checked after a correction).
 */
export function parseSamplingRecords(table: TableRecords, firstRow = 1): ParseResult<SamplingRow> {
  const { header, records } = table;
  const rows: SamplingRow[] = [];
  const errors: RowError[] = [];
  records.forEach((record, i) => {
    const row = i + firstRow;
    if (isBlank(record)) return;
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
    const sourceUrl = get('来源网址');
    if (sourceUrl && !isHttpUrl(sourceUrl)) rowErrors.push({ row, column: '来源网址', message: HTTP_URL_MESSAGE });
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
      registrationNo: get('登记证编号'),
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
 * Largest amount accepted in a cell (万元, i.e. 1,000,000,000 yuan): far above any penalty a
 * small workshop can receive, it only catches typing and unit errors before they are published.
 */
export const MAX_WAN_YUAN = 100_000;

/**
 * Converts an amount in 万元 (as published) to yuan, exactly to the fen: `0.98` → 9800.
 * Returns null for an empty cell; throws RangeError (Chinese message) for text that is not a
 * non-negative number, for a value finer than a fen (more than six decimals of 万元), and for
 * MAX_WAN_YUAN 万元 or more.
 */
export function wanYuanToYuan(value: string | null): number | null {
  if (value === null) return null;
  const v = value.normalize('NFKC').replace(/[,，\s]/gu, '').replace(/万元$/u, '');
  if (!/^\d+(\.\d+)?$/u.test(v)) throw new RangeError(`金额“${value}”不是有效数字`);
  const [int = '0', frac = ''] = v.split('.');
  // 1 万元 = 10,000 yuan: six decimals are a fen; more would be cut silently
  if (frac.replace(/0+$/u, '').length > 6) throw new RangeError(`金额“${value}”精确到了分以下，请核对`);
  if (BigInt(int) >= BigInt(MAX_WAN_YUAN)) throw new RangeError(`金额“${value}”万元超过${MAX_WAN_YUAN}万元，请核对`);
  const fen = BigInt(int) * 1_000_000n + BigInt((frac + '000000').slice(0, 6));
  return Number(fen) / 100;
}

const KIND_SPLIT = /[;；、,，/\s]+/u;

/**
 * The 登记证编号 named in a 暂扣或吊销证照名称及编号 cell, when the licence is a (small-workshop)
 * registration: `食品小作坊登记证（编号：JXZF3601210001）` → `JXZF3601210001`; null otherwise.
 */
export function registrationNoInLicenceCell(value: string | null): string | null {
  if (!value || !/登记证/u.test(value)) return null;
  const m = /([A-Za-z0-9]*[A-Za-z][A-Za-z0-9]*\d{6,}[A-Za-z0-9]*|\d{10,})/u.exec(value.normalize('NFKC'));
  return m?.[1]?.toUpperCase() ?? null;
}

/** Parses a penalty table (CSV in the 双公示 layout). Throws LayoutError for a wrong header. */
export function parsePenaltyTable(text: string): ParseResult<PenaltyRow> {
  return parsePenaltyRecords(tableOf(csvRecords(text), PENALTY_COLUMNS));
}

/**
 * Validates the rows of a penalty table (`tableOf(grid, PENALTY_COLUMNS)`); amounts in 万元 become
 * yuan (`wanYuanToYuan`). `firstRow` as in `parseSamplingRecords`.
 */
export function parsePenaltyRecords(table: TableRecords, firstRow = 1): ParseResult<PenaltyRow> {
  const { header, records } = table;
  const rows: PenaltyRow[] = [];
  const errors: RowError[] = [];
  records.forEach((record, i) => {
    const row = i + firstRow;
    if (isBlank(record)) return;
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
    // a decision date and a published end need the month at least (the disclosure rules count from
    // them); the announcement date is kept as published, a year alone or a day without a year included
    const date = (column: string, normalize: (v: string) => string | null): string | null => {
      const v = get(column);
      if (!v) return null;
      const d = normalize(v);
      if (!d) rowErrors.push({ row, column, message: `日期“${v}”无法识别` });
      // a decision or announcement is published after it was made (公示截止期 lies ahead)
      else if (column !== '公示截止期' && precisionOf(d) !== 'monthDay' && d > todayInShanghai().slice(0, d.length)) rowErrors.push({ row, column, message: `日期“${v}”晚于今天，请核对` });
      return d;
    };
    const decidedOn = date('处罚决定日期', normalizePartialDate);
    const publishedDisclosureEnd = date('公示截止期', normalizePartialDate);
    const announcementDate = date('来源公告日期', normalizePublishedDate);
    if (!get('处罚决定日期') && !get('来源公告日期')) {
      rowErrors.push({ row, column: '处罚决定日期', message: '处罚决定日期不能为空（无决定日期时须有来源公告日期）' });
    } else if (!get('处罚决定日期') && announcementDate && precisionOf(announcementDate) !== 'day' && precisionOf(announcementDate) !== 'month') {
      // publicity starts on the decision day, else the announcement day (import.server.ts): a year
      // alone or a day without a year cannot start it (disclosure.ts), so the row would never be shown
      rowErrors.push({ row, column: '处罚决定日期', message: '处罚决定日期不能为空：来源公告日期未公布年份或月份，公示期无法起算' });
    }
    const sourceUrl = get('来源网址');
    if (sourceUrl && !isHttpUrl(sourceUrl)) rowErrors.push({ row, column: '来源网址', message: HTTP_URL_MESSAGE });
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
      registrationNo: get('登记证编号') ?? registrationNoInLicenceCell(get('暂扣或吊销证照名称及编号')),
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
