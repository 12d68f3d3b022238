/**
 * Pure parser of the combined cell `不合格项目║检验结果║标准值` of the official 不合格 sample
 * tables published by 江西省市场监督管理局 (and, in the same format, by SAMR and other provinces):
 * e.g. `菌落总数(CFU/g)║6.2×10⁴;4.7×10⁴;8.2×10⁴; 4.5×10⁴;4.6×10⁴║n=5,c=2,m=10⁴,M=10⁵`.
 * The separator is U+2551 `║`. See `shared/data/SOURCES.md` §2a and `categories.md` §4.
 *
 * No I/O, no dependencies: every function is deterministic and safe to call from import scripts,
 * the server and tests alike. All original texts are kept next to the parsed numbers.
 */

/** The column separator inside the combined cell, U+2551 BOX DRAWINGS DOUBLE VERTICAL. */
const CELL_SEPARATOR = '║';

/**
 * One measured value of a failed item, as published and as a number.
 * - `text`: the value as written, trimmed, without the trailing unit (e.g. `6.2×10⁴`, `<10`, `未检出`);
 * - `value`: the number in the item's unit (`FailedItem.unit`), or `null` when the text is not a
 *   number (`未检出`, `检出`) or its own unit cannot be converted to the item's unit.
 *   A bound such as `<10` gives its bound (10); the comparison stays visible in `text`.
 */
export type MeasuredValue = { text: string; value: number | null };

/**
 * The 标准值 (limit) of a failed item, classified. Every variant carries `text` (the limit exactly
 * as published) and `unit` (the unit its numbers are expressed in: the unit printed on the limit,
 * else the item's unit, else `null`).
 * - `max`: `≤1.0 g/kg` (`inclusive: true`) or `<0.5` (`inclusive: false`);
 * - `min`: `≥ 0.5` (`inclusive: true`) or `>0.5` (`inclusive: false`);
 * - `range`: `0.6(80%标示值)~24.0 mg/100kJ`, bounds inclusive, annotations kept only in `text`;
 * - `notAllowed`: `不得使用`, `不得检出`, `不得添加`… (any amount fails);
 * - `plan`: a GB 4789.1-2016 sampling plan `n=5,c=2,m=10⁴,M=10⁵`; `M: null` is a two-class plan;
 * - `text`: anything else (e.g. `不符合产品明示标准`), to be read by a person.
 */
export type SamplingLimit = (
  | { kind: 'max'; max: number; inclusive: boolean }
  | { kind: 'min'; min: number; inclusive: boolean }
  | { kind: 'range'; min: number; max: number }
  | { kind: 'notAllowed' }
  | { kind: 'plan'; n: number; c: number; m: number; M: number | null }
  | { kind: 'text' }
) & { text: string; unit: string | null };

/**
 * One failed item (不合格项目) of a sample, parsed from one part of the combined cell.
 * - `item`: the item name without a unit parenthetical (`菌落总数`); a non-unit parenthetical
 *   such as `(以苯甲酸计)` stays part of the name;
 * - `unit`: the item's unit: the unit parenthetical of the name, else the unit printed after the
 *   measured values, else the unit printed after the limit, else `null`;
 * - `measuredText` / `limitText`: the 检验结果 / 标准值 parts exactly as published (trimmed;
 *   `''` when absent);
 * - `measured`: one entry per value (five for a microbiological n=5 plan), in published order;
 * - `limit`: the classified limit, `null` when `limitText` is empty.
 */
export type FailedItem = {
  item: string;
  unit: string | null;
  measuredText: string;
  measured: MeasuredValue[];
  limitText: string;
  limit: SamplingLimit | null;
};

/**
 * Thrown by {@link parseFailedItemsCell} when a part of the cell cannot be the
 * `不合格项目║检验结果║标准值` structure (more than two `║`). `message` is in Chinese, for the
 * import report shown to staff; `cell` is the offending part as published.
 */
export class SamplingCellError extends Error {
  /** the offending part of the cell, as published. */
  readonly cell: string;

  /**
   * @param message Chinese message, starting with `不合格项目单元格格式不正确：`.
   * @param cell the offending part of the cell, as published.
   */
  constructor(message: string, cell: string) {
    super(message);
    this.name = 'SamplingCellError';
    this.cell = cell;
  }
}

// ---------------------------------------------------------------------------------------------
// Text normalisation
// ---------------------------------------------------------------------------------------------

/**
 * Full-width ASCII forms (U+FF01–U+FF5E: `＜＞＝：，；（）０-９Ａ-ｚ`…) to half-width, the ideographic
 * space to a space, `−` (U+2212) to `-`, and `≦≧` to `≤≥`. Deliberately not NFKC: NFKC would turn
 * the superscript exponent of `10⁴` into `104`.
 */
function toHalfWidth(text: string): string {
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    if (code >= 0xff01 && code <= 0xff5e) out += String.fromCodePoint(code - 0xfee0);
    else if (code === 0x3000) out += ' ';
    else if (ch === '−') out += '-';
    else if (ch === '≦') out += '≤';
    else if (ch === '≧') out += '≥';
    else if (ch === '～' || ch === '〜') out += '~';
    else out += ch;
  }
  return out;
}

const SUPERSCRIPT_DIGITS: Readonly<Record<string, string>> = {
  '⁰': '0',
  '¹': '1',
  '²': '2',
  '³': '3',
  '⁴': '4',
  '⁵': '5',
  '⁶': '6',
  '⁷': '7',
  '⁸': '8',
  '⁹': '9',
  '⁺': '+',
  '⁻': '-',
};

// ---------------------------------------------------------------------------------------------
// Numbers
// ---------------------------------------------------------------------------------------------

const DECIMAL = String.raw`[+-]?(?:\d+(?:\.\d*)?|\.\d+)`;
const PLAIN_OR_E_RE = new RegExp(String.raw`^(${DECIMAL})(?:[eE]([+-]?\d+))?$`);
const POWER_OF_TEN_RE = new RegExp(
  String.raw`^(?:(${DECIMAL})[×xX*·✕])?10(?:\^\(?([+-]?\d+)\)?|([⁺⁻]?[⁰¹²³⁴⁵⁶⁷⁸⁹]+))$`,
);
const LEADING_COMPARATOR_RE = /^(?:<=|>=|[<>≤≥=])/;

/**
 * Parses one published number: `1.37`, `2300`, `6.2×10⁴` (also `6.2x10^4`, `6.2*10⁴`), `10⁴`,
 * `10^5`, `1.0E+04`, `＜10` (full-width forms and superscript digits/signs accepted, spaces
 * ignored). A leading comparator (`<`, `>`, `≤`, `≥`, `=`) is dropped and the bound returned, so
 * `<10` gives 10. The mantissa and exponent are combined as a decimal literal (`6.2e4`), so
 * `6.2×10⁴` is exactly 62000 with no floating-point drift.
 *
 * @returns the number, or `null` for anything else (`未检出`, `检出`, `/`, `''`, a value with a unit).
 */
export function parseScientific(text: string): number | null {
  let s = toHalfWidth(text).replace(/\s+/g, '');
  s = s.replace(LEADING_COMPARATOR_RE, '');
  if (s === '') return null;

  const plain = PLAIN_OR_E_RE.exec(s);
  if (plain) return finiteOrNull(Number(`${plain[1]}e${plain[2] ?? '0'}`));

  const power = POWER_OF_TEN_RE.exec(s);
  if (power) {
    const mantissa = power[1] ?? '1';
    const exponent = power[2] ?? [...(power[3] ?? '')].map((ch) => SUPERSCRIPT_DIGITS[ch] ?? '').join('');
    return finiteOrNull(Number(`${mantissa}e${exponent}`));
  }
  return null;
}

function finiteOrNull(n: number): number | null {
  return Number.isFinite(n) ? n : null;
}

// ---------------------------------------------------------------------------------------------
// Units
// ---------------------------------------------------------------------------------------------

/** Units printed in the official tables that need no `/` to be recognised. */
const KNOWN_UNITS: ReadonlySet<string> = new Set(['%', '%vol', '‰', '°', 'pH']);

/** `g/kg`, `mg/100kJ`, `CFU/250mL`, `MPN/100g`, `μg/kg`: Latin letters (or μ) around a slash. */
const SLASH_UNIT = String.raw`[A-Za-zμµ]+\s*/\s*(?:\d+(?:\.\d+)?)?\s*[A-Za-zμµ]+`;
const SLASH_UNIT_RE = new RegExp(String.raw`^${SLASH_UNIT}$`);
/** A unit at the end of a value or limit: slash unit, `%vol`, `%`, `‰`, or a space-separated word. */
const TRAILING_UNIT_RE = new RegExp(String.raw`(?:\s*(${SLASH_UNIT}|%\s*vol|%|‰)|\s+([A-Za-zμµ]+))\s*$`);

/** Canonical spelling of a unit: spaces removed, micro sign `µ` (U+00B5) → `μ` (U+03BC). */
function canonicalUnit(unit: string): string {
  return unit.replace(/\s+/g, '').replace(/µ/g, 'μ');
}

/** Whether a parenthetical of an item name is a unit (`CFU/g`, `g/kg`, `%vol`), not a note. */
function looksLikeUnit(text: string): boolean {
  const t = canonicalUnit(toHalfWidth(text));
  return SLASH_UNIT_RE.test(t) || KNOWN_UNITS.has(t);
}

/**
 * Splits `1.37 g/kg` into `{ body: '1.37', unit: 'g/kg' }`; `unit` is `null` when none. `body` is
 * a slice of the original text (full-width forms kept); `unit` is canonical half-width.
 */
function splitTrailingUnit(text: string): { body: string; unit: string | null } {
  const original = text.trim();
  // toHalfWidth maps one UTF-16 unit to one, so indices in `normalised` are indices in `original`.
  const normalised = toHalfWidth(original);
  const match = TRAILING_UNIT_RE.exec(normalised);
  if (!match) return { body: original, unit: null };
  const body = original.slice(0, match.index).trim();
  // A space-separated word counts as a unit only after a number (`12 mg`, not `不得检出 ND`).
  if (match[2] !== undefined && !/[\d⁰¹²³⁴⁵⁶⁷⁸⁹]$/.test(body)) return { body: original, unit: null };
  return { body, unit: canonicalUnit(match[1] ?? match[2] ?? '') };
}

/**
 * Factors to a common base within one family of units, used only to bring a measured value
 * printed in another unit (`mg/kg`) into the item's unit (`g/kg`).
 */
const UNIT_FACTORS: readonly Readonly<Record<string, number>>[] = [
  // mass fraction, base mg/kg
  { 'g/kg': 1000, 'mg/kg': 1, 'μg/kg': 0.001, 'ng/kg': 0.000001, 'mg/g': 1000, 'μg/g': 1, 'g/100g': 10000, 'mg/100g': 10 },
  // mass concentration, base mg/L
  { 'g/L': 1000, 'mg/L': 1, 'μg/L': 0.001, 'mg/mL': 1000, 'μg/mL': 1, 'g/100mL': 10000, 'mg/100mL': 10 },
];

/** Converts `value` from unit `from` to unit `to`; `null` when the units are unrelated. */
function convert(value: number, from: string, to: string): number | null {
  if (from === to) return value;
  for (const family of UNIT_FACTORS) {
    const f = family[from];
    const t = family[to];
    if (f !== undefined && t !== undefined) return Number(((value * f) / t).toPrecision(12));
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Item, measured values, limit
// ---------------------------------------------------------------------------------------------

const TRAILING_PARENTHETICAL_RE = /^(.*?)\s*[(（]([^()（）]*)[)）]\s*$/s;

/** `菌落总数(CFU/g)` → `{ item: '菌落总数', unit: 'CFU/g' }`; `苯甲酸及其钠盐(以苯甲酸计)` is kept whole. */
function parseItemName(text: string): { item: string; unit: string | null } {
  const trimmed = text.trim();
  const match = TRAILING_PARENTHETICAL_RE.exec(trimmed);
  if (match && match[1] !== undefined && match[1] !== '' && match[2] !== undefined && looksLikeUnit(match[2])) {
    return { item: match[1], unit: canonicalUnit(toHalfWidth(match[2])) };
  }
  return { item: trimmed, unit: null };
}

/** Separators between the values of one result: `;`, `；`, `、`, `,`, `，`. */
const VALUE_SEPARATOR_RE = /[;；、,，]/;

/** Splits `6.2×10⁴;4.7×10⁴` / `7;12;4;0;0 CFU/250mL` into parts, each with its own unit if printed. */
function splitMeasured(text: string): { parts: { text: string; unit: string | null }[]; unit: string | null } {
  const parts = text
    .split(VALUE_SEPARATOR_RE)
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map((part) => {
      const { body, unit } = splitTrailingUnit(part);
      return { text: body, unit };
    });
  const unit = parts.find((part) => part.unit !== null)?.unit ?? null;
  return { parts, unit };
}


/** Phrases of a limit that forbid any amount (GB 2760 `不得使用`, microbiology `不得检出`). */
const NOT_ALLOWED = new Set(['不得使用', '不得检出', '不得添加', '不应检出', '不得含有', '不允许使用', '不得检测出']);
const MAX_RE = /^(≤|<=|<|不大于|不超过|不得超过|不高于|小于等于|小于)(.+)$/;
const MIN_RE = /^(≥|>=|>|不小于|不低于|大于等于|大于)(.+)$/;
const EXCLUSIVE_COMPARATORS: ReadonlySet<string> = new Set(['<', '>', '小于', '大于']);
const PARENTHETICAL_RE = /[(（][^()（）]*[)）]/g;
const RANGE_SEPARATOR_RE = /~|–|—|至/;
const DASH_RANGE_RE = /^(\d+(?:\.\d+)?)-(\d+(?:\.\d+)?)$/;
const PLAN_START_RE = /(?:^|[,;、\s])n\s*[:=]/;
const PLAN_PART_RE = /^([ncmM])\s*[:=]\s*(.+)$/;
/** A value of a plan with its own unit attached, `0/25g` (沙门氏菌: 0 per 25 g). */
const PLAN_VALUE_UNIT_RE = /^(.*?\d)\s*(\/\s*(?:\d+(?:\.\d+)?)?\s*[A-Za-zμµ]+)$/;

type LimitShape =
  | { kind: 'max'; max: number; inclusive: boolean }
  | { kind: 'min'; min: number; inclusive: boolean }
  | { kind: 'range'; min: number; max: number }
  | { kind: 'notAllowed' }
  | { kind: 'plan'; n: number; c: number; m: number; M: number | null }
  | { kind: 'text' };

/** Parses `n=5,c=2,m=10⁴,M=10⁵` / `n:5,c:0,m:0` / `n=5,c=0,m=0/25g`; `null` when not a complete plan. */
function parsePlan(body: string): { shape: LimitShape; unit: string | null } | null {
  const values = new Map<string, string>();
  for (const raw of body.split(/[,;、]/)) {
    const part = raw.trim();
    if (part === '') continue;
    const match = PLAN_PART_RE.exec(part);
    if (!match || match[1] === undefined || match[2] === undefined || values.has(match[1])) return null;
    values.set(match[1], match[2].trim());
  }
  let unit: string | null = null;
  const number = (key: string): number | null => {
    const text = values.get(key);
    if (text === undefined) return null;
    const withUnit = PLAN_VALUE_UNIT_RE.exec(text);
    if (withUnit && withUnit[1] !== undefined && withUnit[2] !== undefined) {
      unit ??= canonicalUnit(withUnit[2]);
      return parseScientific(withUnit[1]);
    }
    return parseScientific(text);
  };
  const n = number('n');
  const c = number('c');
  const m = number('m');
  const M = values.has('M') ? number('M') : null;
  if (n === null || c === null || m === null || (values.has('M') && M === null)) return null;
  if (!Number.isInteger(n) || !Number.isInteger(c) || n < 1 || c < 0 || c > n) return null;
  return { shape: { kind: 'plan', n, c, m, M }, unit };
}

/** Classifies the body of a limit (trailing unit already removed). */
function classifyLimit(body: string): { shape: LimitShape; unit: string | null } {
  const compact = toHalfWidth(body).replace(/\s+/g, '');
  if (NOT_ALLOWED.has(compact)) return { shape: { kind: 'notAllowed' }, unit: null };

  if (PLAN_START_RE.test(toHalfWidth(body))) {
    const plan = parsePlan(toHalfWidth(body));
    if (plan) return plan;
    return { shape: { kind: 'text' }, unit: null };
  }

  const max = MAX_RE.exec(compact);
  if (max && max[1] !== undefined && max[2] !== undefined) {
    const value = parseScientific(max[2]);
    if (value !== null) {
      return { shape: { kind: 'max', max: value, inclusive: !EXCLUSIVE_COMPARATORS.has(max[1]) }, unit: null };
    }
  }
  const min = MIN_RE.exec(compact);
  if (min && min[1] !== undefined && min[2] !== undefined) {
    const value = parseScientific(min[2]);
    if (value !== null) {
      return { shape: { kind: 'min', min: value, inclusive: !EXCLUSIVE_COMPARATORS.has(min[1]) }, unit: null };
    }
  }

  const withoutNotes = compact.replace(PARENTHETICAL_RE, '');
  const bounds = withoutNotes.split(RANGE_SEPARATOR_RE);
  const dash = DASH_RANGE_RE.exec(withoutNotes);
  const [lowText, highText] = bounds.length === 2 ? bounds : dash ? [dash[1], dash[2]] : [];
  if (lowText !== undefined && highText !== undefined) {
    const low = parseScientific(lowText);
    const high = parseScientific(highText);
    if (low !== null && high !== null && low <= high) return { shape: { kind: 'range', min: low, max: high }, unit: null };
  }
  return { shape: { kind: 'text' }, unit: null };
}

/**
 * Parses one 标准值 as published. `itemUnit` is used when the limit prints no unit.
 * @returns the limit, or `null` for an empty text.
 */
function parseLimit(limitText: string, itemUnit: string | null): SamplingLimit | null {
  if (limitText === '') return null;
  const { body, unit: trailingUnit } = splitTrailingUnit(limitText);
  const { shape, unit: innerUnit } = classifyLimit(body);
  if (shape.kind === 'text') return { kind: 'text', text: limitText, unit: trailingUnit ?? innerUnit };
  return { ...shape, text: limitText, unit: trailingUnit ?? innerUnit ?? itemUnit };
}

/** The unit printed on a limit, before knowing the item's unit (for the item-unit fallback). */
function limitOwnUnit(limitText: string): string | null {
  if (limitText === '') return null;
  const { body, unit } = splitTrailingUnit(limitText);
  if (unit !== null) return unit;
  const { shape, unit: inner } = classifyLimit(body);
  return shape.kind === 'text' ? null : inner;
}

// ---------------------------------------------------------------------------------------------
// Cell
// ---------------------------------------------------------------------------------------------

function countSeparators(text: string): number {
  return text.split(CELL_SEPARATOR).length - 1;
}

/**
 * Splits one line into items at `;`/`；` only where a new `项目║…` part starts: a segment that
 * holds `║` starts a new item when the item so far is already complete (two `║`); otherwise the
 * `;` belongs to the current item (the five values of a microbiology result, a plan, a note).
 */
function splitLineIntoParts(line: string): string[] {
  const tokens = line.split(/([;；])/);
  const parts: string[] = [];
  let current = tokens[0] ?? '';
  for (let i = 1; i + 1 < tokens.length; i += 2) {
    const separator = tokens[i] ?? '';
    const segment = tokens[i + 1] ?? '';
    if (countSeparators(current) === 2 && segment.includes(CELL_SEPARATOR)) {
      parts.push(current);
      current = segment;
    } else {
      current += separator + segment;
    }
  }
  parts.push(current);
  return parts;
}

function parsePart(part: string): FailedItem {
  const separators = countSeparators(part);
  if (separators > 2) {
    throw new SamplingCellError(
      `不合格项目单元格格式不正确：“${part}”含有${separators}个“║”，应为“不合格项目║检验结果║标准值”`,
      part,
    );
  }
  const [itemText = '', measuredRaw = '', limitRaw = ''] = part.split(CELL_SEPARATOR);
  const { item, unit: nameUnit } = parseItemName(itemText);
  if (item === '') {
    throw new SamplingCellError(`不合格项目单元格格式不正确：“${part}”缺少不合格项目名称`, part);
  }
  const measuredText = measuredRaw.trim();
  const limitText = limitRaw.trim();
  const { parts: measuredParts, unit: measuredUnit } = splitMeasured(measuredText);
  const unit = nameUnit ?? measuredUnit ?? limitOwnUnit(limitText);

  const measured = measuredParts.map((value): MeasuredValue => {
    const number = parseScientific(value.text);
    const valueUnit = value.unit ?? measuredUnit;
    if (number === null || valueUnit === null || unit === null) return { text: value.text, value: number };
    return { text: value.text, value: convert(number, valueUnit, unit) };
  });

  return { item, unit, measuredText, measured, limitText, limit: parseLimit(limitText, unit) };
}

/**
 * Parses the combined cell `不合格项目║检验结果║标准值` of a Jiangxi (SAMR-format) 不合格 sample
 * table (SOURCES.md §2a) into one {@link FailedItem} per failed item.
 *
 * - Items are separated by line breaks (`\n`, `\r\n`, `\r`), and by `;`/`；` only where each side
 *   has its own `║` structure (the `;` between the five values of `6.2×10⁴;4.7×10⁴;…` stays);
 * - a blank or empty cell gives `[]`; a part with no `║` is one item with empty measured/limit;
 * - full-width forms (`＜＞≤≥＝：，；（）`) are accepted; original texts are kept.
 *
 * @throws {SamplingCellError} when a part holds more than two `║`, or `║` with no item name before it.
 */
export function parseFailedItemsCell(cell: string): FailedItem[] {
  return cell
    .split(/\r\n|\r|\n|\u2028|\u2029/)
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .flatMap(splitLineIntoParts)
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map(parsePart);
}

/**
 * Verdict of a GB 4789.1-2016 (食品安全国家标准 食品微生物学检验 总则) §3.2 (采样方案) sampling plan on the
 * measured values of one lot, all in the plan's unit (e.g. CFU/g):
 * - three-class plan (`M` a number): `fail` when more than `c` values exceed `m` (m < x ≤ M is
 *   the marginal class), or when any value exceeds `M`;
 * - two-class plan (`M: null`): `fail` when more than `c` values exceed `m` (with `c = 0, m = 0`,
 *   any detection fails).
 * A value equal to `m` (or `M`) does not exceed it. `n` is not checked against `values.length`
 * (a published list may be shorter); the values are judged as given.
 *
 * @throws {RangeError} when a value is not finite, `c` is not a non-negative integer, or `M < m`.
 */
export function planVerdict(
  values: number[],
  plan: { n: number; c: number; m: number; M: number | null },
): 'pass' | 'fail' {
  if (!Number.isInteger(plan.c) || plan.c < 0) throw new RangeError(`c must be a non-negative integer, got ${plan.c}`);
  if (plan.M !== null && plan.M < plan.m) throw new RangeError(`M (${plan.M}) must not be below m (${plan.m})`);
  for (const value of values) {
    if (!Number.isFinite(value)) throw new RangeError(`measured value must be finite, got ${value}`);
  }
  const { m, M, c } = plan;
  if (M !== null && values.some((value) => value > M)) return 'fail';
  const aboveSmallM = values.filter((value) => value > m).length;
  return aboveSmallM > c ? 'fail' : 'pass';
}
