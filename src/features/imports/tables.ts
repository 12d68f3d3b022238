/**
 * One entry for reading an official table from a file's bytes, CSV or XLSX alike (the type decided
 * from the bytes, ./upload.ts): the grid of cell texts, the header checked against the published
 * layout, and every row validated. Used by `npm run import` and the staff upload (/admin/import),
 * so that both share the seed's validation, matching and writing (./import.server.ts).
 */
import { csvRecords, LayoutError, parsePenaltyRecords, parseSamplingRecords, PENALTY_COLUMNS, SAMPLING_COLUMNS, tableOf, type ParseResult, type PenaltyRow, type SamplingRow, type TableRecords } from './official.ts';
import { sniffUpload } from './upload.ts';
import { xlsxRecords } from './xlsx.ts';

/** The published columns of each kind of table. */
export const COLUMNS_OF = { sampling: SAMPLING_COLUMNS, penalties: PENALTY_COLUMNS } as const;

/** A file read as a table: its type, the header and raw rows (kept for the preview), and the validation. */
export interface ReadTable {
  fileType: 'csv' | 'xlsx';
  table: TableRecords;
  parsed: ParseResult<SamplingRow | PenaltyRow>;
}

/** Validates the rows of `table` as a table of `kind` (rows numbered from `firstRow`). */
export function parseTable(kind: 'sampling' | 'penalties', table: TableRecords, firstRow = 1): ParseResult<SamplingRow | PenaltyRow> {
  return kind === 'sampling' ? parseSamplingRecords(table, firstRow) : parsePenaltyRecords(table, firstRow);
}

/**
 * Reads a table of `kind` from a file's bytes. Throws `LayoutError` (Chinese message, for the file
 * field) for a refused file type or size, an unreadable workbook, a header that is not the
 * published layout, no data rows or too many.
 */
export async function readTableFile(kind: 'sampling' | 'penalties', bytes: Uint8Array): Promise<ReadTable> {
  const sniffed = sniffUpload(bytes);
  if (sniffed.kind === 'refused') throw new LayoutError(sniffed.message);
  const grid = sniffed.kind === 'csv' ? csvRecords(sniffed.text) : await xlsxRecords(bytes);
  const table = tableOf(grid, COLUMNS_OF[kind]);
  return { fileType: sniffed.kind, table, parsed: parseTable(kind, table) };
}
