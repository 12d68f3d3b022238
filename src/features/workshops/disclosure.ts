/**
 * Disclosure periods (公示期) of administrative penalties (行政处罚): whether a penalty is published
 * at all, from which day and until which day (inclusive). Pure functions over `YYYY-MM-DD` days.
 *
 * The rules live in one table, `disclosureRules`, each with the regulation it comes from, so a change
 * of rule is a one-line change plus a test (DESIGN.md, "The verdict"). Two regimes apply, chosen by
 * the decision date:
 * - decided before 2026-04-01: SAMR 《市场监督管理行政处罚信息公示规定》(2021, 国家市场监督管理总局令
 *   第45号) — 3 months for 通报批评 or a low fine, 3 years otherwise (第十四条);
 * - decided on or after 2026-04-01: NDRC 《信用修复管理办法》(国家发展和改革委员会, published
 *   2025-11-26, in force 2026-04-01) — 轻微 at most 3 months, 一般失信 at most 1 year, 严重失信
 *   1 to 3 years; Fangxin applies the maximum of each range.
 * Warning-only penalties are never published under either regime.
 */
import type { Penalty } from '../../db/schema.ts';
import { addDays, addMonths, compareDays, firstDayOf, minDay } from '../../lib/dates.ts';

/**
 * Penalty kinds (处罚类别) as stored in `penalties.penaltyKinds` (Chinese codes kept exactly as
 * published and normalized by the importers; they are data, not UI labels).
 */
export const PENALTY_KIND = {
  warning: '警告',
  criticism: '通报批评',
  fine: '罚款',
  confiscation: '没收违法所得',
  suspension: '责令停产停业',
  registrationRevoked: '吊销登记证',
  /** the licence of an enterprise (食品生产许可证): the enterprise counterpart of 吊销登记证. */
  licenceRevoked: '吊销许可证',
  noPenalty: '不予处罚',
  transferredToJudiciary: '移送司法',
} as const;

/**
 * Largest "low fine" (较低数额罚款), in yuan: fine plus confiscated illegal gains at or below this
 * amount count as low. SAMR 2021 rules 第十四条 leave the amount to the provincial market regulator
 * (江西省市场监督管理局); 10,000 yuan is the figure Fangxin applies — change it here when the
 * province publishes another one.
 */
export const LOW_FINE_MAX_YUAN = 10_000;

/**
 * First decision day (inclusive) of the NDRC 《信用修复管理办法》 regime; penalties decided earlier
 * keep the SAMR 2021 periods.
 */
export const NDRC_REGIME_START = '2026-04-01';

/**
 * Class of a penalty for its disclosure period:
 * - `warningOnly`: kinds only 警告, or only 不予处罚 (or both) — never published;
 * - `minor`: 通报批评 and/or a low fine (fine + confiscation ≤ `LOW_FINE_MAX_YUAN`), possibly with 警告;
 * - `serious` (严重失信): transferred to the police / judiciary (移送公安, 移送司法), 吊销登记证
 *   (or 吊销许可证), or 责令停产停业;
 * - `general` (一般失信): everything else, including a fine whose amount is not known.
 */
export type PenaltyClass = 'warningOnly' | 'minor' | 'general' | 'serious';

/** Identifier of a row of `disclosureRules`. */
export type DisclosureRuleId =
  | 'warningOnlyNotPublished'
  | 'samr2021Minor'
  | 'samr2021General'
  | 'samr2021Serious'
  | 'ndrc2026Minor'
  | 'ndrc2026General'
  | 'ndrc2026Serious';

/**
 * One disclosure rule: penalties of `penaltyClass` decided in [`decidedFrom`, `decidedBefore`)
 * (`YYYY-MM-DD`, null = unbounded) are shown for `periodMonths` calendar months from their first
 * day of publicity; `periodMonths` null = never published. `source` names the regulation and article.
 */
export interface DisclosureRule {
  readonly id: DisclosureRuleId;
  readonly source: string;
  readonly penaltyClass: PenaltyClass;
  readonly decidedFrom: string | null;
  readonly decidedBefore: string | null;
  readonly periodMonths: number | null;
}

const SAMR_2021 = '《市场监督管理行政处罚信息公示规定》(2021, 国家市场监督管理总局令第45号)';
const NDRC_2026 = '《信用修复管理办法》(国家发展和改革委员会, 2026-04-01 施行)';

/**
 * The disclosure rules, one row per (penalty class, decision-date range). Exactly one row matches
 * any penalty; `ruleFor` picks it.
 */
export const disclosureRules: readonly DisclosureRule[] = [
  {
    id: 'warningOnlyNotPublished',
    source: `${SAMR_2021} 第二条 (仅受到警告行政处罚的不予公示; 公示适用普通程序作出的处罚决定); ${NDRC_2026} (轻微失信信息原则上不予公示); 不予处罚决定不是行政处罚`,
    penaltyClass: 'warningOnly',
    decidedFrom: null,
    decidedBefore: null,
    periodMonths: null,
  },
  {
    id: 'samr2021Minor',
    source: `${SAMR_2021} 第十四条 (仅受到通报批评或者较低数额罚款的, 公示期三个月)`,
    penaltyClass: 'minor',
    decidedFrom: null,
    decidedBefore: NDRC_REGIME_START,
    periodMonths: 3,
  },
  {
    id: 'samr2021General',
    source: `${SAMR_2021} 第十四条 (其他行政处罚信息公示期三年)`,
    penaltyClass: 'general',
    decidedFrom: null,
    decidedBefore: NDRC_REGIME_START,
    periodMonths: 36,
  },
  {
    id: 'samr2021Serious',
    source: `${SAMR_2021} 第十四条 (其他行政处罚信息公示期三年)`,
    penaltyClass: 'serious',
    decidedFrom: null,
    decidedBefore: NDRC_REGIME_START,
    periodMonths: 36,
  },
  {
    id: 'ndrc2026Minor',
    source: `${NDRC_2026} (通报批评、较低数额罚款: 确有必要公示的, 最长3个月)`,
    penaltyClass: 'minor',
    decidedFrom: NDRC_REGIME_START,
    decidedBefore: null,
    periodMonths: 3,
  },
  {
    id: 'ndrc2026General',
    source: `${NDRC_2026} (一般失信信息公示期最短3个月、最长1年)`,
    penaltyClass: 'general',
    decidedFrom: NDRC_REGIME_START,
    decidedBefore: null,
    periodMonths: 12,
  },
  {
    id: 'ndrc2026Serious',
    source: `${NDRC_2026} (严重失信信息公示期最短1年、最长3年)`,
    penaltyClass: 'serious',
    decidedFrom: NDRC_REGIME_START,
    decidedBefore: null,
    periodMonths: 36,
  },
];

/**
 * The penalty fields the disclosure rules read. Dates are `YYYY-MM-DD` or, where only the month was
 * published, `YYYY-MM`; money in yuan.
 */
export type PenaltyForDisclosure = Pick<
  Penalty,
  | 'penaltyKinds'
  | 'fineYuan'
  | 'confiscationYuan'
  | 'decidedOn'
  | 'disclosureStart'
  | 'publishedDisclosureEnd'
  | 'transferredToPolice'
  | 'repairedOn'
>;

/**
 * The disclosure of one penalty: `published` = its rule publishes it at all; `start` = first day of
 * publicity (`YYYY-MM-DD`), `end` = last day shown, inclusive (`YYYY-MM-DD`). Both null when the
 * penalty is not published or has no usable date. `end` earlier than `start` means credit repair
 * (or a published end) closed it before it began: never shown.
 */
export interface Disclosure {
  published: boolean;
  rule: DisclosureRule;
  start: string | null;
  end: string | null;
}

/** The penalty fields `penaltyClassOf` reads (money in yuan). */
export type PenaltyForClass = Pick<Penalty, 'penaltyKinds' | 'fineYuan' | 'confiscationYuan' | 'transferredToPolice'>;

const WARNING_ONLY_KINDS: ReadonlySet<string> = new Set([PENALTY_KIND.warning, PENALTY_KIND.noPenalty]);
const MINOR_KINDS: ReadonlySet<string> = new Set([
  PENALTY_KIND.warning,
  PENALTY_KIND.criticism,
  PENALTY_KIND.fine,
  PENALTY_KIND.confiscation,
]);

function kindsOf(p: Pick<Penalty, 'penaltyKinds'>): string[] {
  return p.penaltyKinds.map((k) => k.trim()).filter((k) => k !== '');
}

/**
 * True when the case was transferred to the police or the judiciary (移送公安 / 移送司法): the flag
 * `transferredToPolice`, or the kind 移送司法.
 */
export function isTransferredToPolice(p: Pick<Penalty, 'penaltyKinds' | 'transferredToPolice'>): boolean {
  return p.transferredToPolice || kindsOf(p).includes(PENALTY_KIND.transferredToJudiciary);
}

/** True when the penalty revokes the registration certificate (吊销登记证) or licence (吊销许可证). */
export function revokesRegistration(p: Pick<Penalty, 'penaltyKinds'>): boolean {
  const kinds = kindsOf(p);
  return kinds.includes(PENALTY_KIND.registrationRevoked) || kinds.includes(PENALTY_KIND.licenceRevoked);
}

/**
 * Classifies a penalty (see `PenaltyClass`). A money kind (罚款, 没收违法所得) whose amount is null
 * is an unknown amount, which is not "low": the penalty is `general`.
 */
export function penaltyClassOf(p: PenaltyForClass): PenaltyClass {
  const kinds = kindsOf(p);
  if (isTransferredToPolice(p) || revokesRegistration(p) || kinds.includes(PENALTY_KIND.suspension)) return 'serious';
  if (kinds.length > 0 && kinds.every((k) => WARNING_ONLY_KINDS.has(k))) return 'warningOnly';
  if (kinds.length === 0 || !kinds.every((k) => MINOR_KINDS.has(k))) return 'general';
  const fineKnown = !kinds.includes(PENALTY_KIND.fine) || p.fineYuan !== null;
  const confiscationKnown = !kinds.includes(PENALTY_KIND.confiscation) || p.confiscationYuan !== null;
  if (!fineKnown || !confiscationKnown) return 'general';
  return (p.fineYuan ?? 0) + (p.confiscationYuan ?? 0) <= LOW_FINE_MAX_YUAN ? 'minor' : 'general';
}

/**
 * True for a serious penalty (严重失信: transferred to the police, 吊销登记证, 责令停产停业), per
 * NDRC 《信用修复管理办法》; its disclosure period is 3 years under both regimes.
 */
export function isSeriousPenalty(p: PenaltyForClass): boolean {
  return penaltyClassOf(p) === 'serious';
}

function inRange(rule: DisclosureRule, day: string | null): boolean {
  if (day === null) return true;
  if (rule.decidedFrom !== null && compareDays(day, rule.decidedFrom) < 0) return false;
  if (rule.decidedBefore !== null && compareDays(day, rule.decidedBefore) >= 0) return false;
  return true;
}

/**
 * First day of publicity: `disclosureStart`, else `decidedOn`; a `YYYY-MM` (a date published
 * without its day) means its first day. Reading a partial date here is a legal choice: a penalty
 * may be published only within its period (令第45号 第十四条; 《市场监督管理信用修复管理办法》
 * 总局令第107号 第二条: publication stops when the period ends), so every partial date is read as the day that ENDS publicity
 * earliest: a month's first day for the start (and for `repairedOn`), and for a published end
 * (`publishedDisclosureEnd`) too. A penalty is then never shown after the last day its period can
 * end; the cost is that it may leave the pages up to a month before its real end. A month never
 * straddles a change of regime (`NDRC_REGIME_START` is a first of the month). The importer refuses
 * a start known only to the year or without a year (src/features/imports/official.ts).
 */
function startOf(p: PenaltyForDisclosure): string | null {
  return firstDayOf(p.disclosureStart) ?? firstDayOf(p.decidedOn);
}

/**
 * The rule of `disclosureRules` that governs `p`: its class, and the regime of its decision day
 * (`decidedOn`, else its first day of publicity). An undated penalty matches the first row of its
 * class (it has no start, so it is never shown anyway).
 */
export function ruleFor(p: PenaltyForDisclosure): DisclosureRule {
  const penaltyClass = penaltyClassOf(p);
  const decided = firstDayOf(p.decidedOn) ?? startOf(p);
  const rule = disclosureRules.find((r) => r.penaltyClass === penaltyClass && inRange(r, decided));
  if (rule === undefined) throw new Error(`no disclosure rule for class ${penaltyClass} decided ${decided ?? 'on an unknown day'}`);
  return rule;
}

/**
 * The disclosure of `p` (see `Disclosure`): start = `disclosureStart ?? decidedOn` (a `YYYY-MM`
 * start = its first day); end = start + the rule's period − 1 day. A `publishedDisclosureEnd`
 * (公示截止期 as published; a `YYYY-MM` = that month's first day, see `startOf`) wins when earlier;
 * credit repair (`repairedOn`, 信用修复) ends publicity the day before repair.
 */
export function disclosureOf(p: PenaltyForDisclosure): Disclosure {
  const rule = ruleFor(p);
  const start = startOf(p);
  if (rule.periodMonths === null || start === null) {
    return { published: rule.periodMonths !== null, rule, start: null, end: null };
  }
  let end = addDays(addMonths(start, rule.periodMonths), -1);
  end = minDay(end, firstDayOf(p.publishedDisclosureEnd)) ?? end;
  const repaired = firstDayOf(p.repairedOn);
  if (repaired !== null) end = minDay(end, addDays(repaired, -1)) ?? end;
  return { published: true, rule, start, end };
}

/**
 * True when `p` is shown on `today` (`YYYY-MM-DD`, Asia/Shanghai): published, and
 * start ≤ today ≤ end. A penalty without a start date is not public.
 */
export function isPenaltyPublic(p: PenaltyForDisclosure, today: string): boolean {
  const { published, start, end } = disclosureOf(p);
  return published && start !== null && end !== null && compareDays(start, today) <= 0 && compareDays(today, end) <= 0;
}
