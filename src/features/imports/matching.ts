/**
 * Matching a row of an official table to a party already on file (issue #5 point 5): by credit
 * code (统一社会信用代码), then by registration no. (登记证编号), then by exact name and county.
 * The first rule that finds someone decides; a later rule is not asked. Pure: the candidates come
 * from `lookup`, which the importer answers from SQLite (and from the parties the same file will
 * create, so that a party named on two rows is created once).
 *
 * Name + county: same name (exactly as published), and the same county when both sides know it
 * (a notice often names a company without its county; a party on file may lack one too). Among
 * several such parties, one in the row's county wins, else the oldest (lowest id); the match is
 * then marked `ambiguous` so that staff can pick another.
 *
 * A masked name (`isMaskedName`: 广昌县[人名]早点店, 李某某) is never matched by name (issue 9
 * point 6): the mask hides exactly what tells two businesses apart, so two different shops read the
 * same. Such a row is matched by code only; otherwise it becomes a new party, or what staff choose.
 */

/** How a row was matched: 信用代码 / 登记证编号 / 名称+县. */
export type MatchMethod = 'uscc' | 'registrationNo' | 'nameCounty';

/** The rules, in the order they are tried. */
export const MATCH_ORDER: readonly MatchMethod[] = ['uscc', 'registrationNo', 'nameCounty'];

/** A party as matching sees it. `id` < 0 is a party the same import will create (see the module comment). */
export interface PartyCandidate {
  id: number;
  name: string;
  uscc: string | null;
  registrationNo: string | null;
  countyCode: string | null;
}

/** What a row says about its party. `countyCode` is where the row's texts place it (./places.ts). */
export interface PartyHint {
  name: string;
  uscc: string | null;
  registrationNo: string | null;
  countyCode: string | null;
}

/** Finds candidates by each key (exact values). */
export interface CandidateLookup {
  byUscc(uscc: string): PartyCandidate[];
  byRegistrationNo(registrationNo: string): PartyCandidate[];
  byName(name: string): PartyCandidate[];
}

/** The outcome: a party and the rule that found it, or none. */
export type PartyMatch = { partyId: number; method: MatchMethod; ambiguous: boolean } | null;

function pick(candidates: PartyCandidate[], method: MatchMethod, countyCode: string | null): PartyMatch {
  if (candidates.length === 0) return null;
  const sorted = [...candidates].sort((a, b) => {
    const sameA = countyCode !== null && a.countyCode === countyCode ? 0 : 1;
    const sameB = countyCode !== null && b.countyCode === countyCode ? 0 : 1;
    // parties on file (id > 0) before ones this import creates, then the oldest
    return sameA - sameB || Math.sign(b.id) - Math.sign(a.id) || Math.abs(a.id) - Math.abs(b.id);
  });
  const first = sorted[0] as PartyCandidate;
  return { partyId: first.id, method, ambiguous: candidates.length > 1 };
}

/**
 * The marks by which published announcements hide part of a name (`maskMarksOf`):
 * - `placeholder`: a bracketed note standing for what was removed, `[人名]`, `［姓名］`,
 *   `【个人姓名已省略】`, `[未公开]` (the seeds replace personal names in shop names with `[人名]`,
 *   seeds/README.md). Registered names use round brackets at most (鸿运（东湖）食品加工坊), so a
 *   square or lenticular bracket is an editor's insertion;
 * - `asterisk`: `*` or `＊` (张*明): unambiguous, no name is written with one;
 * - `mou`: 某 (李某某, 某某食品有限公司, 安福县某蛋糕店), the anonymisation of 《行政处罚决定书》 and
 *   court texts. A real name may contain 某 (a shop called 某某小吃 as a joke), but rarely; such a name
 *   then loses only its automatic match by name, which staff can restore by picking the party;
 * - `cross`: × anywhere (张×明, ××超市; no name uses the multiplication sign), and Latin X used as a
 *   letter mask: a run of two or more (XX食品店, 原文以XXXX隐去) or a single X between two Chinese
 *   characters (张X明). A Latin word with an X in it (XO酱坊, MAX烘焙) is not a mask;
 * - `circle`: ○ or ◯ (张○明), and 〇 when it is not part of a Chinese numeral (王〇〇 is masked,
 *   二〇〇八 is a year);
 * - `box`: □ or ■ (张□□), the box of masked characters in published legal documents.
 */
export type MaskMark = 'placeholder' | 'asterisk' | 'mou' | 'cross' | 'circle' | 'box';

const MASK_PATTERNS: readonly (readonly [MaskMark, RegExp])[] = [
  ['placeholder', /[[［【][^\]］】]*[\]］】]/u],
  ['asterisk', /[*＊]/u],
  ['mou', /某/u],
  ['cross', /×|[XxＸｘ]{2,}|(?<=\p{Script=Han})[XxＸｘ](?=\p{Script=Han})/u],
  ['circle', /[○◯]|(?<![一二三四五六七八九十〇零])〇+(?![一二三四五六七八九十〇零])/u],
  ['box', /[□■]/u],
];

/**
 * The mask marks in `name` (see `MaskMark` for each mark and why it is a mask), in the order of
 * `MaskMark`; empty for a name published in full. Pure.
 */
export function maskMarksOf(name: string): MaskMark[] {
  return MASK_PATTERNS.filter(([, re]) => re.test(name)).map(([mark]) => mark);
}

/** True when `name` hides part of itself (`maskMarksOf` finds a mark): it is never matched by name. */
export function isMaskedName(name: string): boolean {
  return maskMarksOf(name).length > 0;
}

/**
 * Matches `hint` by credit code, then registration no., then name + county (see the module
 * comment); a masked name (`isMaskedName`) skips the name rule.
 */
export function matchParty(hint: PartyHint, lookup: CandidateLookup): PartyMatch {
  for (const method of MATCH_ORDER) {
    if (method === 'uscc' && hint.uscc) {
      const found = pick(lookup.byUscc(hint.uscc), method, hint.countyCode);
      if (found) return found;
    }
    if (method === 'registrationNo' && hint.registrationNo) {
      const found = pick(lookup.byRegistrationNo(hint.registrationNo), method, hint.countyCode);
      if (found) return found;
    }
    if (method === 'nameCounty' && hint.name && !isMaskedName(hint.name)) {
      const compatible = lookup.byName(hint.name).filter((p) => p.countyCode === null || hint.countyCode === null || p.countyCode === hint.countyCode);
      const found = pick(compatible, method, hint.countyCode);
      if (found) return found;
    }
  }
  return null;
}

/** A lookup over a list of candidates (for the parties an import will create, and for tests). */
export function listLookup(list: readonly PartyCandidate[]): CandidateLookup {
  return {
    byUscc: (uscc) => list.filter((p) => p.uscc === uscc),
    byRegistrationNo: (no) => list.filter((p) => p.registrationNo === no),
    byName: (name) => list.filter((p) => p.name === name),
  };
}

/** Both lookups' candidates together. */
export function combinedLookup(a: CandidateLookup, b: CandidateLookup): CandidateLookup {
  return {
    byUscc: (v) => [...a.byUscc(v), ...b.byUscc(v)],
    byRegistrationNo: (v) => [...a.byRegistrationNo(v), ...b.byRegistrationNo(v)],
    byName: (v) => [...a.byName(v), ...b.byName(v)],
  };
}
