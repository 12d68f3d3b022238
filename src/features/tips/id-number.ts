/**
 * 公民身份号码 (resident identity card number) check, GB 11643-1999: 17 digits (6-digit address
 * code, 8-digit birth date, 3-digit sequence) and a check character computed with ISO 7064
 * MOD 11-2; `X` stands for 10. Only asked for when a reporter claims a reward.
 */

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

/** The check character of the first 17 digits (GB 11643-1999 §7, ISO 7064 MOD 11-2). Throws RangeError. */
export function idCheckCharacter(first17: string): string {
  if (!/^\d{17}$/u.test(first17)) throw new RangeError('the first 17 characters of an ID number must be digits');
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * (WEIGHTS[i] ?? 0);
  return CHECK[sum % 11] ?? '';
}

/** Normalises a typed ID number: full-width to half-width, spaces removed, `x` stored as `X`. */
export function normalizeIdNumber(input: string): string {
  return input.normalize('NFKC').replace(/\s/gu, '').toUpperCase();
}

/** Why an ID number is refused, or null when it is valid on `today` (YYYY-MM-DD). */
export function idNumberProblem(input: string, today: string): 'format' | 'birthDate' | 'checkCharacter' | null {
  const id = normalizeIdNumber(input);
  if (!/^\d{17}[\dX]$/u.test(id)) return 'format';
  const birth = `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
  const date = new Date(`${birth}T00:00:00Z`);
  const real = !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === birth;
  if (!real || birth > today || birth < '1900-01-01') return 'birthDate';
  return idCheckCharacter(id.slice(0, 17)) === id[17] ? null : 'checkCharacter';
}
