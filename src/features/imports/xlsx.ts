/**
 * Reading an XLSX workbook (exceljs) into the grid of cell texts that the CSV path produces
 * (`csvRecords` in ./official.ts), so that both go through the same validation, matching and
 * writing. Only the first worksheet is read; cells are turned into the text a person sees:
 * - numbers as written (`0.98`, `1140`), never in exponent form for ordinary amounts;
 * - dates (Excel date cells) as `YYYY-MM-DD` (the calendar day typed, whatever the server's zone);
 * - rich text joined, hyperlinks as their text, formulas as their cached result, errors as `#N/A`…;
 * - a merged area's value in its top-left cell only (the others are blank, as in a CSV export).
 *
 * Call it only after `sniffUpload` (./upload.ts) accepted the bytes as XLSX: the unpacked size is
 * checked there. Throws `LayoutError` when the workbook cannot be read or has no worksheet.
 */
import ExcelJS from 'exceljs';
import { LayoutError } from './official.ts';

/** The text of one exceljs cell value (see the module comment). */
export function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return numberText(value);
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (value instanceof Date) return dateText(value);
  if ('richText' in value) return value.richText.map((r) => r.text).join('');
  if ('hyperlink' in value) return typeof value.text === 'string' ? value.text : cellText(value.text as ExcelJS.CellValue);
  if ('error' in value) return String(value.error);
  if ('formula' in value || 'sharedFormula' in value) {
    const result = (value as { result?: unknown }).result;
    if (result === undefined || result === null) return '';
    if (typeof result === 'object' && result !== null && 'error' in result) return String((result as { error: unknown }).error);
    return cellText(result as ExcelJS.CellValue);
  }
  return '';
}

/** A number as a person typed it: no exponent for amounts, no binary noise (0.1 + 0.2). */
function numberText(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return n.toFixed(0);
  const text = String(Number(n.toPrecision(15)));
  if (!/e/iu.test(text)) return text;
  return n.toFixed(Math.min(20, Math.max(0, -Math.floor(Math.log10(Math.abs(n))) + 14))).replace(/0+$/u, '').replace(/\.$/u, '');
}

/**
 * An Excel date as `YYYY-MM-DD`. exceljs turns the serial day into a Date at UTC midnight of that
 * day, so the UTC fields are the day typed; a time of day (not used in these tables) is dropped.
 */
function dateText(d: Date): string {
  if (Number.isNaN(d.getTime())) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

/**
 * The first worksheet of an XLSX file as rows of cell texts (row 1 first, blank rows kept so that
 * row numbers match the sheet; trailing blank cells dropped).
 */
export async function xlsxRecords(bytes: Uint8Array): Promise<string[][]> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) as unknown as ExcelJS.Buffer);
  } catch {
    throw new LayoutError('无法读取这个 Excel 工作簿，文件可能已损坏或被加密');
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) throw new LayoutError('工作簿中没有工作表');
  const grid: string[][] = [];
  sheet.eachRow({ includeEmpty: true }, (row, rowNumber) => {
    const cells: string[] = [];
    row.eachCell({ includeEmpty: true }, (c, col) => {
      // the other cells of a merged area repeat the master's value in exceljs: blank them
      cells[col - 1] = c.isMerged && c.master.address !== c.address ? '' : cellText(c.value);
    });
    for (let i = 0; i < cells.length; i++) cells[i] ??= '';
    while (cells.length > 0 && (cells[cells.length - 1] ?? '').trim() === '') cells.pop();
    grid[rowNumber - 1] = cells;
  });
  for (let i = 0; i < grid.length; i++) grid[i] ??= [];
  return grid;
}
