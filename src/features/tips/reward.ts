/**
 * Tip-off rewards (举报奖励): the amount of a reward and who may receive one. Pure code, no I/O.
 *
 * Rules: 市场监管总局、财政部《市场监管领域重大违法行为举报奖励暂行办法》(国市监稽规〔2021〕4号,
 * issued 2021-07-30, in force 2021-12-01), as summarised in DESIGN.md "Tip-offs" → Reward:
 * - 第二条: reporters are natural persons (举报人应当为自然人); rewards follow a verified, closed case
 *   of a major violation (重大违法行为);
 * - 第十一条: three reward levels (一级/二级/三级), by the evidence given and how well it matched the facts;
 * - 第十二条: 5 % / 3 % / 1 % of the fines and confiscations (罚没款), at least 5,000 / 3,000 / 1,000 yuan;
 *   a case without fines or confiscations is rewarded at least that floor;
 * - the measure caps a case's reward at 1,000,000 yuan (每起案件的举报奖励金额上限为100万元) and
 *   excludes market-regulation staff, people with a statutory duty to supervise or report, and the
 *   person who committed the violation.
 * Staff choose the level; `computeReward` computes the standard amount. The measure lets the
 * authority settle the final amount considering the goods' value and social impact (第十二条) and
 * raise it for an insider of the offending business; those decisions are staff's, not this module's.
 */

/** A reward level (奖励等级) of 第十一条: 1 = 一级 (highest), 2 = 二级, 3 = 三级. */
export type RewardLevel = 1 | 2 | 3;

/** The reward levels, highest first. */
export const REWARD_LEVELS = [1, 2, 3] as const satisfies readonly RewardLevel[];

/**
 * The amount rule of one level: `ratePercent` = integer percent of the base (fines + confiscations,
 * 罚没款); `floorYuan` = least reward, yuan; `source` = the regulation and article it comes from.
 */
export interface RewardLevelRule {
  readonly level: RewardLevel;
  readonly ratePercent: number;
  readonly floorYuan: number;
  readonly source: string;
}

/** Name of the measure the reward rules come from, as published. */
export const REWARD_MEASURE = '市场监管总局、财政部《市场监管领域重大违法行为举报奖励暂行办法》（国市监稽规〔2021〕4号，2021年12月1日起施行）';

/**
 * The three reward levels, highest first (`rewardLevels[0]` is level 1): 5 % with a floor of
 * 5,000 yuan, 3 % with 3,000 yuan, 1 % with 1,000 yuan. Source: `REWARD_MEASURE` 第十二条.
 */
export const rewardLevels: readonly RewardLevelRule[] = [
  { level: 1, ratePercent: 5, floorYuan: 5_000, source: `${REWARD_MEASURE} 第十二条 (一级: 罚没款的5%, 不足5000元的给予5000元)` },
  { level: 2, ratePercent: 3, floorYuan: 3_000, source: `${REWARD_MEASURE} 第十二条 (二级: 罚没款的3%, 不足3000元的给予3000元)` },
  { level: 3, ratePercent: 1, floorYuan: 1_000, source: `${REWARD_MEASURE} 第十二条 (三级: 罚没款的1%, 不足1000元的给予1000元)` },
];

/**
 * Largest reward for one case (每起案件), yuan, whatever the level and base. Source:
 * `REWARD_MEASURE` (每起案件的举报奖励金额上限为100万元).
 */
export const REWARD_CAP_YUAN = 1_000_000;

/**
 * The inputs of `computeReward`: the level staff chose and the case's money penalties, in yuan,
 * each finite, ≥ 0 and a whole number of fen (0.01 yuan). `confiscationYuan` = 没收违法所得 and
 * 没收非法财物 valued in money; 0 when there was none.
 */
export interface RewardInput {
  level: RewardLevel;
  fineYuan: number;
  confiscationYuan: number;
}

/**
 * A computed reward, all money in yuan, exact to the fen:
 * - `base`: fines + confiscations (罚没款);
 * - `rate`: the level's rate as a fraction (0.05 for 5 %);
 * - `amountYuan`: max(floor, base × rate rounded half up to the fen), at most `REWARD_CAP_YUAN`;
 * - `floorApplied`: base × rate, before rounding, is below the floor, so the floor was paid;
 * - `capApplied`: base × rate, before rounding, is above the cap, so the cap was paid.
 * Exactly at a boundary neither flag is set: the rate alone gives that amount.
 */
export interface RewardComputation {
  amountYuan: number;
  base: number;
  rate: number;
  floorApplied: boolean;
  capApplied: boolean;
}

const FEN_PER_YUAN = 100;
// a yuan amount whose fen count is this close to a whole number is that whole number (binary float noise)
const FEN_TOLERANCE = 1e-6;

/** `yuan` as a whole number of fen; RangeError when not finite, negative, finer than a fen or too large. */
function toFen(yuan: number, name: string): bigint {
  if (typeof yuan !== 'number' || !Number.isFinite(yuan) || yuan < 0) {
    throw new RangeError(`${name} must be a finite number of yuan ≥ 0, got ${String(yuan)}`);
  }
  const fen = yuan * FEN_PER_YUAN;
  const whole = Math.round(fen);
  if (!Number.isSafeInteger(whole)) throw new RangeError(`${name} is too large: ${String(yuan)} yuan`);
  if (Math.abs(fen - whole) > FEN_TOLERANCE) {
    throw new RangeError(`${name} must be a whole number of fen (0.01 yuan), got ${String(yuan)}`);
  }
  return BigInt(whole);
}

function toYuan(fen: bigint): number {
  return Number(fen) / FEN_PER_YUAN;
}

/** The rule of `level`; RangeError when `level` is not 1, 2 or 3. */
export function rewardLevelRule(level: RewardLevel): RewardLevelRule {
  const rule = rewardLevels.find((r) => r.level === level);
  if (rule === undefined) throw new RangeError(`reward level must be 1, 2 or 3, got ${String(level)}`);
  return rule;
}

/**
 * The standard reward of a verified, closed case (`REWARD_MEASURE` 第十二条 and cap; see
 * `RewardComputation`): amount = min(`REWARD_CAP_YUAN`, max(floor, (fine + confiscation) × rate)),
 * rounded half up (四舍五入) to the fen. Computed in integer fen, so 100,000.50 yuan at 1 % is
 * 1,000.01 yuan, not a float's 1,000.00.
 *
 * A base of 0 (a case without fines or confiscations, e.g. only 吊销登记证 or transferred to the
 * police) gives the level's floor: 第十二条 pays "not less than" the floor for such a case. Whether
 * the case is verified and rewardable at all is the staff's decision before calling this.
 *
 * @throws RangeError when `level` is not 1, 2 or 3, or an amount is not a finite, non-negative
 *   whole number of fen (0.01 yuan), or is beyond 2^53 fen.
 */
export function computeReward({ level, fineYuan, confiscationYuan }: RewardInput): RewardComputation {
  const rule = rewardLevelRule(level);
  const baseFen = toFen(fineYuan, 'fineYuan') + toFen(confiscationYuan, 'confiscationYuan');
  if (baseFen > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError('fineYuan + confiscationYuan is too large');
  const percent = BigInt(rule.ratePercent);
  // base × rate in hundredths of a fen, exact
  const byRate = baseFen * percent;
  const floorFen = BigInt(rule.floorYuan * FEN_PER_YUAN);
  const capFen = BigInt(REWARD_CAP_YUAN * FEN_PER_YUAN);
  const floorApplied = byRate < floorFen * 100n;
  const capApplied = !floorApplied && byRate > capFen * 100n;
  let amountFen: bigint;
  if (floorApplied) amountFen = floorFen;
  else if (capApplied) amountFen = capFen;
  else amountFen = (byRate + 50n) / 100n;
  return {
    amountYuan: toYuan(amountFen),
    base: toYuan(baseFen),
    rate: rule.ratePercent / 100,
    floorApplied,
    capApplied,
  };
}

/**
 * Why a reporter cannot be paid a reward:
 * - `notNaturalPerson`: not an individual (a company or other organisation) — 第二条;
 * - `staff`: staff of a market-regulation authority;
 * - `dutyToReport`: someone with a statutory duty to supervise or report the violation;
 * - `offender`: the person who committed the violation (an insider of the business who did not is
 *   not an offender, and the measure allows a higher reward for such insiders);
 * - `anonymous`: no identity known, so nobody can be verified or paid (see `rewardEligibility`).
 */
export type RewardIneligibilityReason = 'notNaturalPerson' | 'staff' | 'dutyToReport' | 'offender' | 'anonymous';

/** All reasons, in the order `rewardEligibility` lists them. */
export const rewardIneligibilityReasons = [
  'notNaturalPerson',
  'staff',
  'dutyToReport',
  'offender',
  'anonymous',
] as const satisfies readonly RewardIneligibilityReason[];

/** What `rewardEligibility` reads about a reporter; each flag as established by staff. */
export interface RewardEligibilityInput {
  isNaturalPerson: boolean;
  isStaff: boolean;
  hasDutyToReport: boolean;
  isOffender: boolean;
  isRealName: boolean;
}

/** The answer of `rewardEligibility`: `eligible` is true exactly when `reasons` is empty. */
export interface RewardEligibility {
  eligible: boolean;
  reasons: RewardIneligibilityReason[];
}

/**
 * Whether a reporter may be paid a reward, with every reason against it (all that apply, in the
 * order of `rewardIneligibilityReasons`). Source: `REWARD_MEASURE` 第二条 (natural persons only)
 * and its exclusions of regulator staff, people with a statutory duty to supervise or report, and
 * the offender. The measure's other exclusions (the injured party and its agents, a reporter paid
 * by another business for the tip) are checked by staff, not here.
 *
 * Anonymous tips are accepted and handled like any other, but cannot be paid: Fangxin keeps no
 * contact for them, so no one can be verified or paid. An anonymous reporter who later identifies
 * themselves (real name and mobile, ID number when claiming) is assessed with `isRealName: true`.
 */
export function rewardEligibility(reporter: RewardEligibilityInput): RewardEligibility {
  const applies: Record<RewardIneligibilityReason, boolean> = {
    notNaturalPerson: !reporter.isNaturalPerson,
    staff: reporter.isStaff,
    dutyToReport: reporter.hasDutyToReport,
    offender: reporter.isOffender,
    anonymous: !reporter.isRealName,
  };
  const reasons = rewardIneligibilityReasons.filter((r) => applies[r]);
  return { eligible: reasons.length === 0, reasons };
}
