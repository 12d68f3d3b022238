/**
 * Reading official tables from an upload's bytes (issue #5 point 5): the type decided from the
 * bytes, CSV and XLSX read into the same rows (so that one validation, matching and writing path
 * serves both), the header found below title rows, 万元 → yuan, and the refusals a user sees.
 */
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { LayoutError, PENALTY_COLUMNS, registrationNoInLicenceCell, SAMPLING_COLUMNS, tableOf, type PenaltyRow } from '../../src/features/imports/official.ts';
import { readTableFile } from '../../src/features/imports/tables.ts';
import { deflateRawSync } from 'node:zlib';
import { decodeCsvText, sniffUpload, UPLOAD_LIMITS, zipEntries } from '../../src/features/imports/upload.ts';
import { cellText } from '../../src/features/imports/xlsx.ts';

type PenaltyCells = Partial<Record<(typeof PENALTY_COLUMNS)[number] | '登记证编号', string | number | Date | ExcelJS.CellValue>>;

const ROWS: PenaltyCells[] = [
  {
    行政相对人名称: '南昌县某某食品厂',
    行政相对人类别: '法人及非法人组织',
    行政处罚决定书文号: '洪南市监罚〔2026〕12号',
    违法行为类型: '生产不符合食品安全标准的食品',
    处罚类别: '没收违法所得;罚款',
    '罚款金额(万元)': 0.98,
    '没收违法所得、没收非法财物的金额(万元)': 0.02,
    处罚决定日期: new Date(Date.UTC(2026, 9, 1)),
    处罚机关: '南昌县市场监督管理局',
  },
  {
    行政相对人名称: '进贤县某某米粉作坊',
    行政相对人类别: '个体工商户',
    行政处罚决定书文号: '进市监罚〔2026〕7号',
    处罚类别: '罚款',
    '罚款金额(万元)': 1.5,
    暂扣或吊销证照名称及编号: '食品小作坊登记证（编号：JXZF3601240007）',
    处罚决定日期: '2026-09-15',
    处罚机关: '进贤县市场监督管理局',
  },
];

const csvCell = (v: unknown) => {
  const s = v instanceof Date ? v.toISOString().slice(0, 10) : v === undefined ? '' : String(v);
  return /[",\n]/u.test(s) ? `"${s.replace(/"/gu, '""')}"` : s;
};

function penaltyCsv(rows: PenaltyCells[]): string {
  return [PENALTY_COLUMNS.join(','), ...rows.map((r) => PENALTY_COLUMNS.map((c) => csvCell(r[c])).join(','))].join('\n');
}

async function penaltyXlsx(rows: PenaltyCells[], options: { titleRows?: boolean } = {}): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('行政处罚');
  if (options.titleRows) {
    ws.addRow(['江西省市场监督管理局行政处罚信息公示表']);
    ws.mergeCells('A1:F1');
    ws.addRow([]);
  }
  ws.addRow([...PENALTY_COLUMNS]);
  for (const r of rows) ws.addRow(PENALTY_COLUMNS.map((c) => (r[c] === undefined ? null : r[c])));
  return new Uint8Array(await wb.xlsx.writeBuffer());
}

const strip = (rows: PenaltyRow[]) => rows.map(({ row: _row, ...rest }) => rest);

describe('CSV and XLSX become the same rows', () => {
  it('a penalty table read from XLSX equals the same table read from CSV (万元 → yuan, dates, codes)', async () => {
    const fromCsv = await readTableFile('penalties', new TextEncoder().encode(penaltyCsv(ROWS)));
    const fromXlsx = await readTableFile('penalties', await penaltyXlsx(ROWS));
    expect(fromCsv.fileType).toBe('csv');
    expect(fromXlsx.fileType).toBe('xlsx');
    expect(fromCsv.parsed.errors).toEqual([]);
    expect(fromXlsx.parsed.errors).toEqual([]);
    expect(strip(fromXlsx.parsed.rows as PenaltyRow[])).toEqual(strip(fromCsv.parsed.rows as PenaltyRow[]));
    const first = fromXlsx.parsed.rows[0] as PenaltyRow;
    expect(first).toMatchObject({ fineYuan: 9800, confiscationYuan: 200, decidedOn: '2026-10-01', penaltyKinds: ['没收违法所得', '罚款'] });
    expect((fromXlsx.parsed.rows[1] as PenaltyRow).registrationNo).toBe('JXZF3601240007');
  });

  it('title rows above the header are skipped; rows count from the header down', async () => {
    const bad = [{ ...ROWS[0], '罚款金额(万元)': '约一万' }, ROWS[1]] as PenaltyCells[];
    const read = await readTableFile('penalties', await penaltyXlsx(bad, { titleRows: true }));
    expect(read.table.header).toEqual(PENALTY_COLUMNS.map((c) => c));
    expect(read.parsed.errors).toEqual([{ row: 1, column: '罚款金额(万元)', message: '金额“约一万”不是有效数字' }]);
    expect(read.parsed.rows.map((r) => r.row)).toEqual([2]);
  });

  it.each([
    ['a number', 0.98, '0.98'],
    ['an integer', 1140, '1140'],
    ['binary noise is not shown', 0.1 + 0.2, '0.3'],
    ['a date cell is the day typed', new Date(Date.UTC(2025, 10, 1)), '2025-11-01'],
    ['rich text is joined', { richText: [{ text: '菌落总数' }, { text: '(CFU/g)' }] }, '菌落总数(CFU/g)'],
    ['a formula gives its result', { formula: 'A1*2', result: 2 }, '2'],
    ['a hyperlink gives its text', { text: '来源', hyperlink: 'https://example.org' }, '来源'],
    ['an error value', { error: '#N/A' }, '#N/A'],
    ['an empty cell', null, ''],
  ])('cell text: %s', (_rule, value, text) => {
    expect(cellText(value as ExcelJS.CellValue)).toBe(text);
  });

  it('a sampling table in XLSX keeps the ║ cell and its five values', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('不合格');
    ws.addRow(['(声明:以下信息仅指本次抽检标称的生产企业相关产品的生产日期/批号和所检项目)']);
    ws.addRow([...SAMPLING_COLUMNS]);
    ws.addRow([1, '江西某某食品有限公司', '江西省南昌市南昌县小蓝经济开发区', '某超市', '南昌市', '葛粉', '360克/包', '/', new Date(Date.UTC(2021, 5, 15)), '菌落总数(CFU/g)║6.2×10⁴;4.7×10⁴;8.2×10⁴;4.5×10⁴;4.6×10⁴║n=5,c=2,m=10⁴,M=10⁵', '江西省食品检验检测研究院', '']);
    const read = await readTableFile('sampling', new Uint8Array(await wb.xlsx.writeBuffer()));
    expect(read.parsed.errors).toEqual([]);
    const row = read.parsed.rows[0];
    expect(row).toMatchObject({ row: 1, productName: '葛粉', batch: '2021-06-15', brand: null });
    expect(row && 'failedItems' in row ? row.failedItems[0]?.measured.map((m) => m.value) : null).toEqual([62000, 47000, 82000, 45000, 46000]);
  });
});

describe('what an upload is, decided from its bytes', () => {
  const xlsxBytes = penaltyXlsx(ROWS);

  it('XLSX by its ZIP content, whatever its name', async () => {
    expect(sniffUpload(await xlsxBytes)).toEqual({ kind: 'xlsx' });
    expect(zipEntries(await xlsxBytes)?.map((e) => e.name)).toContain('xl/workbook.xml');
  });
  it('CSV in UTF-8, with or without a BOM', () => {
    expect(sniffUpload(new TextEncoder().encode('\uFEFF序号,名称'))).toMatchObject({ kind: 'csv' });
  });
  it('CSV saved by Excel as GB18030 (GBK) is read as Chinese', () => {
    // 序号,食品名称 in GBK
    const gbk = new Uint8Array([0xd0, 0xf2, 0xba, 0xc5, 0x2c, 0xca, 0xb3, 0xc6, 0xb7, 0xc3, 0xfb, 0xb3, 0xc6]);
    expect(decodeCsvText(gbk)).toBe('序号,食品名称');
  });
  it.each([
    ['an empty file', new Uint8Array(), '文件是空的'],
    ['an old binary .xls', new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0]), '旧版 Excel'],
    ['a ZIP that is not a workbook', new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]), '不是 Excel 工作簿'],
    ['a PNG image', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]), '无法识别的文件'],
    ['a file over the size limit', new Uint8Array(UPLOAD_LIMITS.maxBytes + 1).fill(0x41), 'MB'],
  ])('%s is refused with a message', (_rule, bytes, message) => {
    const sniffed = sniffUpload(bytes);
    expect(sniffed.kind).toBe('refused');
    expect(sniffed.kind === 'refused' ? sniffed.message : '').toContain(message);
  });
  it('a ZIP whose directory understates its unpacked size is refused before any reader unpacks it', () => {
    // one deflated entry of 70 MB of spaces, declared as 1,000 bytes in both headers
    const name = Buffer.from('xl/workbook.xml');
    const data = deflateRawSync(Buffer.alloc(70 * 1024 * 1024, 0x20));
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(1000, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(1000, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(0, 42);
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(1, 8);
    end.writeUInt16LE(1, 10);
    end.writeUInt32LE(central.length + name.length, 12);
    end.writeUInt32LE(local.length + name.length + data.length, 16);
    const bomb = new Uint8Array(Buffer.concat([local, name, data, central, name, end]));
    expect(bomb.length).toBeLessThan(UPLOAD_LIMITS.maxBytes);
    expect(zipEntries(bomb)?.[0]?.size).toBe(1000);
    const sniffed = sniffUpload(bomb);
    expect(sniffed.kind).toBe('refused');
    expect(sniffed.kind === 'refused' ? sniffed.message : '').toContain('解压后超过');
  });
  it('a refused file is a LayoutError for the file field, never a crash', async () => {
    await expect(readTableFile('penalties', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 1]))).rejects.toThrow(LayoutError);
  });
});

describe('the header of the published layout', () => {
  it('a missing column is named', () => {
    expect(() => tableOf([['序号', '食品名称'], ['1', 'x']], SAMPLING_COLUMNS)).toThrow(/缺少列：标称生产企业名称/u);
  });
  it('an unknown column is named; the optional 登记证编号 and source columns are accepted', () => {
    expect(() => tableOf([[...SAMPLING_COLUMNS, '联系电话'], ['1']], SAMPLING_COLUMNS)).toThrow(/无法识别的列：联系电话/u);
    expect(tableOf([[...SAMPLING_COLUMNS, '登记证编号', '来源网址'], ['1', 'x']], SAMPLING_COLUMNS).records).toHaveLength(1);
  });
  it('a table without data rows is refused', () => {
    expect(() => tableOf([[...SAMPLING_COLUMNS], [], ['', '']], SAMPLING_COLUMNS)).toThrow(/没有数据行/u);
  });
});

describe('a registration no. named in 暂扣或吊销证照名称及编号', () => {
  it.each([
    ['a 登记证 with its number', '食品小作坊登记证（编号：JXZF3601240007）', 'JXZF3601240007'],
    ['full-width characters', '食品小作坊登记证 ＸＺＦ３６０１２１００００１', 'XZF36012100001'],
    ['a licence that is not a 登记证', '食品生产许可证 SC10636012100012', null],
    ['empty', null, null],
  ])('%s', (_rule, cell, no) => {
    expect(registrationNoInLicenceCell(cell)).toBe(no);
  });
});
