/**
 * 统一社会信用代码 (unified social credit code, USCC) per GB 32100-2015
 * 《法人和其他组织统一社会信用代码编码规则》: 18 characters =
 * 登记管理部门码 (1) + 机构类别码 (1) + 登记管理机关行政区划码 (6 digits) + 主体标识码 (9) + 校验码 (1).
 * The check character is computed over the first 17 characters with a mod-31 weighted sum.
 */

/**
 * The 31-character code alphabet of GB 32100-2015 (代码字符集), in value order 0–30: the digits 0–9,
 * then the capital letters A–Z without I, O, Z, S, V.
 */
export const USCC_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';

/** Weights of positions 1–17: W_i = 3^(i-1) mod 31 (GB 32100-2015 校验码计算). */
const WEIGHTS: readonly number[] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/**
 * Normalises a typed or imported code before validation: full-width characters (U+FF01–U+FF5E)
 * to half-width, all whitespace (including the ideographic space U+3000) removed, letters upper-cased.
 * Does not validate: `normalizeUscc('９１３５０１００ｍ０００１００ｙ４３')` → `'91350100M000100Y43'`.
 */
export function normalizeUscc(input: string): string {
  let out = '';
  for (const ch of input) {
    const code = ch.codePointAt(0) ?? 0;
    out += code >= 0xff01 && code <= 0xff5e ? String.fromCodePoint(code - 0xfee0) : ch;
  }
  return out.replace(/[\s\u3000]+/g, '').toUpperCase();
}

/**
 * The GB 32100-2015 check character (18th position) of the first 17 characters:
 * C18 = 31 − (Σ value(C_i) × W_i mod 31), where a result of 31 becomes `'0'`, and the number is
 * written with {@link USCC_ALPHABET}. The input is normalised with {@link normalizeUscc} first.
 *
 * @throws {RangeError} when the normalised input is not exactly 17 characters of the alphabet.
 */
export function usccCheckCharacter(first17: string): string {
  const code = normalizeUscc(first17);
  if (code.length !== 17) throw new RangeError(`统一社会信用代码前17位长度不正确：${first17}`);
  let sum = 0;
  for (let i = 0; i < 17; i += 1) {
    const value = USCC_ALPHABET.indexOf(code.charAt(i));
    if (value < 0) throw new RangeError(`统一社会信用代码含有非法字符“${code.charAt(i)}”：${first17}`);
    sum += value * (WEIGHTS[i] ?? 0);
  }
  const check = (31 - (sum % 31)) % 31;
  return USCC_ALPHABET.charAt(check);
}

/**
 * Whether `code` is a well-formed 统一社会信用代码 per GB 32100-2015: after {@link normalizeUscc},
 * exactly 18 characters of {@link USCC_ALPHABET}, positions 3–8 (行政区划码) digits, and the 18th
 * character equal to {@link usccCheckCharacter} of the first 17. Lower-case and full-width input is
 * accepted (normalised first). Never throws.
 */
export function isValidUscc(code: string): boolean {
  const normalised = normalizeUscc(code);
  if (normalised.length !== 18) return false;
  for (const ch of normalised) if (!USCC_ALPHABET.includes(ch)) return false;
  if (!/^\d{6}$/.test(normalised.slice(2, 8))) return false;
  return usccCheckCharacter(normalised.slice(0, 17)) === normalised.charAt(17);
}
