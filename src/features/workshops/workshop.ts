/**
 * Pure helpers for showing a party.
 */

/**
 * Masks a natural person's name for publication: the first character, then `*` for each middle
 * character, then the last (张三 → 张*, 张小明 → 张*明, 欧阳小明 → 欧**明). Personal names of
 * operators are never published in full.
 */
export function maskPersonName(name: string): string {
  const chars = [...name.trim()];
  if (chars.length <= 1) return chars.join('') ? '*' : '';
  if (chars.length === 2) return `${chars[0]}*`;
  return `${chars[0]}${'*'.repeat(chars.length - 2)}${chars[chars.length - 1]}`;
}
