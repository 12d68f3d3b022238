/**
 * The workflow of a tip-off (举报) in the back office (issue #5 point 4; DESIGN.md "Tip-offs",
 * "Staff back office"): the state machine over `tips.status`, what each transition needs, and the
 * plan of what a transition writes. Pure code: the server (./workflow.server.ts) reads the tip,
 * its penalty, its reward and the reporter's claim inside one transaction, asks `planTransition`,
 * and writes the plan.
 *
 * The machine (`TRANSITIONS`):
 *
 * | transition | from | to | permission (authz.ts) | needs |
 * | --- | --- | --- | --- | --- |
 * | accept 受理 | submitted | accepted | transitionTip | — |
 * | decline 不予受理 | submitted | declined | transitionTip | a reason, told to the reporter |
 * | openCase 立案 | accepted | caseOpened | transitionTip | — |
 * | closeWithoutCase 不予立案并办结 | accepted | closed | transitionTip | the outcome of the check |
 * | close 办结 | caseOpened | closed | transitionTip | the outcome; optionally the resulting penalty |
 * | decideReward 核定奖励 | closed | rewardDecided | decideReward | level 1/2/3, eligibility checked |
 * | pay 登记发放 | rewardDecided | rewardPaid | recordPayment | the day paid |
 *
 * `declined`, `rewardPaid`, and `closed` when no reward can follow, are final. Sources: after
 * 受理 the department decides whether to open a case (立案) within the period of clocks.ts
 * (《市场监督管理行政处罚程序规定》第十八条, applied to tips by 《市场监督管理投诉举报处理暂行办法》
 * 第三十一条); deciding not to open one ends the handling of the tip (`closeWithoutCase`). A
 * reward follows a verified, closed case, is paid to a real-name natural person who claimed it,
 * and is computed from the case's fines and confiscations (罚没款) by reward.ts
 * (《市场监管领域重大违法行为举报奖励暂行办法》第二条、第十一条、第十二条).
 *
 * Every transition posts a message to the reporter (shown on /report/track) and a status event.
 */
import { z } from '../../lib/zod.ts';
import { compareDays, isDay } from '../../lib/dates.ts';
import { tipsText as t } from '../../i18n/admin-tips.zh-CN.ts';
import type { StaffAction } from '../staff/authz.ts';
import { computeReward, REWARD_LEVELS, rewardEligibility, rewardLevelRule, type RewardIneligibilityReason, type RewardLevel } from './reward.ts';
import { charLength, stripInvisible } from './tip.ts';

/** The statuses of a tip (`tips.status`), in the order of the reporter's timeline. */
export const TIP_STATUSES = ['submitted', 'accepted', 'declined', 'caseOpened', 'closed', 'rewardDecided', 'rewardPaid'] as const;
export type TipStatus = (typeof TIP_STATUSES)[number];

/** The transitions staff make, in the order of the table in the module comment. */
export const TRANSITION_KINDS = ['accept', 'decline', 'openCase', 'closeWithoutCase', 'close', 'decideReward', 'pay'] as const;
export type TransitionKind = (typeof TRANSITION_KINDS)[number];

/** The permission (src/features/staff/authz.ts) a transition needs on the tip's division. */
export type TransitionPermission = Extract<StaffAction, 'transitionTip' | 'decideReward' | 'recordPayment'>;

/** One edge of the state machine. */
export interface TransitionRule {
  readonly kind: TransitionKind;
  readonly from: TipStatus;
  readonly to: TipStatus;
  readonly permission: TransitionPermission;
}

/** The state machine (see the module comment). */
export const TRANSITIONS: Readonly<Record<TransitionKind, TransitionRule>> = {
  accept: { kind: 'accept', from: 'submitted', to: 'accepted', permission: 'transitionTip' },
  decline: { kind: 'decline', from: 'submitted', to: 'declined', permission: 'transitionTip' },
  openCase: { kind: 'openCase', from: 'accepted', to: 'caseOpened', permission: 'transitionTip' },
  closeWithoutCase: { kind: 'closeWithoutCase', from: 'accepted', to: 'closed', permission: 'transitionTip' },
  close: { kind: 'close', from: 'caseOpened', to: 'closed', permission: 'transitionTip' },
  decideReward: { kind: 'decideReward', from: 'closed', to: 'rewardDecided', permission: 'decideReward' },
  pay: { kind: 'pay', from: 'rewardDecided', to: 'rewardPaid', permission: 'recordPayment' },
};

/** The transitions the machine allows from `status`, in `TRANSITION_KINDS` order (permissions not considered). */
export function transitionsFrom(status: TipStatus): TransitionKind[] {
  return TRANSITION_KINDS.filter((k) => TRANSITIONS[k].from === status);
}

/** Length limits, in characters (code points): a decline reason, a case outcome, a penalty reference. */
export const WORKFLOW_LIMITS = { reason: { min: 2, max: 500 }, outcome: { min: 2, max: 1000 }, penaltyRef: { max: 100 } } as const;

/** NFC, invisible format characters removed, trimmed; '' for null. */
function cleanText(v: string | null | undefined): string {
  return stripInvisible((v ?? '').normalize('NFC')).trim();
}

// Astro's form parser sends `null` for an empty field: every field accepts it.
const text = () =>
  z
    .string()
    .nullish()
    .transform((v) => cleanText(v));
const checkbox = () =>
  z
    .string()
    .nullish()
    .transform((v) => v === '1' || v === 'on' || v === 'true');

/**
 * The transition form (one schema for every transition; the fields a transition does not need
 * are ignored): `transition`, `expectedStatus` (the status the form was rendered for: a tip
 * changed meanwhile is refused), `reason` (decline), `outcome` (close, closeWithoutCase),
 * `penalty` (close: a penalty id or decision no., optional), `level` (decideReward: 1, 2 or 3),
 * `isStaff` / `hasDutyToReport` / `isOffender` / `eligibilityChecked` (decideReward: checkboxes,
 * reward.ts exclusions as established by staff), `paidOn` (pay: `YYYY-MM-DD`). Field errors are
 * Chinese; whether the day or the penalty fits the tip is checked by `planTransition`.
 */
export const transitionFormSchema = z
  .object({
    tipId: z.coerce.number().int().positive(),
    transition: z.enum(TRANSITION_KINDS, { error: t.validation.transition }),
    expectedStatus: z.enum(TIP_STATUSES, { error: t.validation.transition }),
    reason: text(),
    outcome: text(),
    penalty: text(),
    level: text(),
    isStaff: checkbox(),
    hasDutyToReport: checkbox(),
    isOffender: checkbox(),
    eligibilityChecked: checkbox(),
    paidOn: text(),
  })
  .superRefine((v, ctx) => {
    for (const { path, message } of formProblems(v)) ctx.addIssue({ code: 'custom', path: [path], message });
  })
  .transform((v) => ({
    tipId: v.tipId,
    transition: v.transition,
    expectedStatus: v.expectedStatus,
    reason: v.reason || null,
    outcome: v.outcome || null,
    penalty: v.penalty || null,
    level: (REWARD_LEVELS as readonly number[]).includes(Number(v.level)) ? (Number(v.level) as RewardLevel) : null,
    eligibility: { isStaff: v.isStaff, hasDutyToReport: v.hasDutyToReport, isOffender: v.isOffender, checked: v.eligibilityChecked },
    paidOn: v.paidOn || null,
  }));
/** A parsed transition form. */
export type TransitionForm = z.infer<typeof transitionFormSchema>;

/** The problems with the fields a transition needs, as (field, Chinese message); empty when fine. */
function formProblems(v: { transition: TransitionKind; reason: string; outcome: string; penalty: string; level: string; eligibilityChecked: boolean; paidOn: string }): { path: string; message: string }[] {
  const out: { path: string; message: string }[] = [];
  const { reason, outcome, penaltyRef } = WORKFLOW_LIMITS;
  if (v.transition === 'decline') {
    if (v.reason === '') out.push({ path: 'reason', message: t.validation.reasonRequired });
    else if (charLength(v.reason) < reason.min || charLength(v.reason) > reason.max) out.push({ path: 'reason', message: t.validation.reasonLength });
  }
  if (v.transition === 'close' || v.transition === 'closeWithoutCase') {
    if (v.outcome === '') out.push({ path: 'outcome', message: t.validation.outcomeRequired });
    else if (charLength(v.outcome) < outcome.min || charLength(v.outcome) > outcome.max) out.push({ path: 'outcome', message: t.validation.outcomeLength });
  }
  if (v.transition === 'close' && charLength(v.penalty) > penaltyRef.max) out.push({ path: 'penalty', message: t.validation.penaltyLength });
  if (v.transition === 'closeWithoutCase' && v.penalty !== '') out.push({ path: 'penalty', message: t.validation.penaltyNotAllowed });
  if (v.transition === 'decideReward') {
    if (!['1', '2', '3'].includes(v.level)) out.push({ path: 'level', message: t.validation.levelRequired });
    if (!v.eligibilityChecked) out.push({ path: 'eligibilityChecked', message: t.validation.eligibilityRequired });
  }
  if (v.transition === 'pay') {
    if (v.paidOn === '') out.push({ path: 'paidOn', message: t.validation.paidOnRequired });
    else if (!isDay(v.paidOn)) out.push({ path: 'paidOn', message: t.validation.paidOnFormat });
  }
  return out;
}

/** A penalty as the workflow reads it: its id, decision no., and fine and confiscation in yuan (null = none). */
export interface PenaltyFacts {
  id: number;
  decisionNo: string | null;
  fineYuan: number | null;
  confiscationYuan: number | null;
}

/**
 * What the server found for a penalty: `none` (no reference given / the tip has none), `found`,
 * `notFound` (no penalty with that id or decision no. in the tip's jurisdiction), `ambiguous`
 * (several penalties there carry that decision no.).
 */
export type PenaltyLookup =
  | { kind: 'none' }
  | { kind: 'found'; penalty: PenaltyFacts }
  | { kind: 'notFound' }
  | { kind: 'ambiguous' }
  /**
   * found, but it cannot be this tip's outcome: `otherParty` (the tip names a registered party and
   * the penalty is another's), `beforeTip` (decided before the tip was filed), `used` (already the
   * outcome of another tip — one penalty funds one reward: SAMR 2021 reward rules 第十四条 count a
   * case's fines once)
   */
  | { kind: 'unrelated'; reason: 'otherParty' | 'beforeTip' | 'used' };

/**
 * What `planTransition` needs to know about the tip, read by the server in the transaction:
 * - `status`: the tip's status now;
 * - `today`: today in Asia/Shanghai (`YYYY-MM-DD`);
 * - `penalty`: for `close`, the penalty the form's reference names; for `decideReward`, the
 *   penalty the tip was closed with; `none` otherwise;
 * - `reporter`: whether the tip is real-name (`realName`) and the sealed identity claims a reward
 *   (`claimReward`);
 * - `reward`: the tip's `rewards` row, if any (`decidedOn` `YYYY-MM-DD`).
 */
export interface TransitionContext {
  status: TipStatus;
  today: string;
  penalty: PenaltyLookup;
  reporter: { realName: boolean; claimReward: boolean };
  reward: { decidedOn: string; paidOn: string | null } | null;
}

/**
 * What a transition writes (all money in yuan):
 * - `tip`: the `tips` columns to set besides `status` (`declineReason`, `caseOutcome`, `penaltyId`);
 * - `eventNote`: the note of the status event (the reporter's timeline), or null;
 * - `message`: the plain Chinese message to the reporter;
 * - `reward`: the `rewards` row to insert (decideReward), computed by reward.ts `computeReward`;
 * - `paidOn`: the payment day to record on the reward (pay);
 * - `audit`: details for the audit row (no personal data).
 */
export interface TransitionPlan {
  kind: TransitionKind;
  from: TipStatus;
  to: TipStatus;
  tip: { declineReason?: string; caseOutcome?: string; penaltyId?: number | null };
  eventNote: string | null;
  message: string;
  reward?: { level: RewardLevel; fineYuan: number; confiscationYuan: number; amountYuan: number; decidedOn: string };
  paidOn?: string;
  audit: Record<string, string | number | boolean | null>;
}

/**
 * Why a transition was refused: `stale` (the tip's status is no longer `expectedStatus`: someone
 * else acted meanwhile), `notAllowed` (the machine has no such edge from the current status),
 * `refused` (a rule of the tip refuses it: no reward claimed, no penalty to compute from), each
 * with a Chinese message; or `invalid` with Chinese messages per form field.
 */
export type PlanRefusal =
  | { ok: false; problem: 'stale' | 'notAllowed' | 'refused'; message: string }
  | { ok: false; problem: 'invalid'; fields: Record<string, string[]> };

/** A yuan amount as stored (REAL) to a whole number of fen; NaN stays NaN so that computeReward refuses it. */
function toFenPrecision(yuan: number | null): number {
  return yuan === null ? 0 : Math.round(yuan * 100) / 100;
}

/**
 * Checks a transition against the state machine and the tip (`ctx`) and returns what to write.
 * Refusals, in this order: `stale` when `form.expectedStatus` ≠ `ctx.status`; `notAllowed` when
 * no edge leads from `ctx.status` by `form.transition`; `invalid` field errors (the checks of
 * `transitionFormSchema` again, then: a penalty reference not found or ambiguous; a payment day
 * after `ctx.today` or before the reward's decision day; ineligibility per reward.ts
 * `rewardEligibility`); `refused` for a reward when the reporter did not claim one under a real
 * name, the tip has no penalty, a reward row already exists (or none exists to pay), or the
 * penalty's amounts are not valid yuan. Never throws.
 */
export function planTransition(form: TransitionForm, ctx: TransitionContext): { ok: true; plan: TransitionPlan } | PlanRefusal {
  const rule = TRANSITIONS[form.transition];
  if (form.expectedStatus !== ctx.status) return { ok: false, problem: 'stale', message: t.errors.stale };
  if (rule.from !== ctx.status) return { ok: false, problem: 'notAllowed', message: t.errors.notAllowed(t.status[ctx.status] ?? ctx.status, t.actions[form.transition]) };
  const problems = formProblems({
    transition: form.transition,
    reason: form.reason ?? '',
    outcome: form.outcome ?? '',
    penalty: form.penalty ?? '',
    level: form.level === null ? '' : String(form.level),
    eligibilityChecked: form.eligibility.checked,
    paidOn: form.paidOn ?? '',
  });
  const invalid = (list: { path: string; message: string }[]): PlanRefusal => {
    const fields: Record<string, string[]> = {};
    for (const p of list) (fields[p.path] ??= []).push(p.message);
    return { ok: false, problem: 'invalid', fields };
  };
  const base = { kind: rule.kind, from: rule.from, to: rule.to };

  switch (form.transition) {
    case 'accept':
      return { ok: true, plan: { ...base, tip: {}, eventNote: null, message: t.reporterMessage.accept, audit: { transition: 'accept', from: rule.from, to: rule.to } } };
    case 'decline': {
      if (problems.length) return invalid(problems);
      const reason = form.reason ?? '';
      return { ok: true, plan: { ...base, tip: { declineReason: reason }, eventNote: reason, message: t.reporterMessage.decline(reason), audit: { transition: 'decline', from: rule.from, to: rule.to } } };
    }
    case 'openCase':
      return { ok: true, plan: { ...base, tip: {}, eventNote: null, message: t.reporterMessage.openCase, audit: { transition: 'openCase', from: rule.from, to: rule.to } } };
    case 'closeWithoutCase': {
      if (problems.length) return invalid(problems);
      const outcome = form.outcome ?? '';
      return {
        ok: true,
        plan: { ...base, tip: { caseOutcome: outcome, penaltyId: null }, eventNote: t.eventNote.closeWithoutCase(outcome), message: t.reporterMessage.closeWithoutCase(outcome), audit: { transition: 'closeWithoutCase', from: rule.from, to: rule.to } },
      };
    }
    case 'close': {
      const penaltyProblem =
        form.penalty === null
          ? null
          : ctx.penalty.kind === 'notFound' || ctx.penalty.kind === 'none'
            ? t.validation.penaltyNotFound
            : ctx.penalty.kind === 'ambiguous'
              ? t.validation.penaltyAmbiguous
              : ctx.penalty.kind === 'unrelated'
                ? t.validation.penaltyUnrelated[ctx.penalty.reason]
                : null;
      const all = penaltyProblem ? [...problems, { path: 'penalty', message: penaltyProblem }] : problems;
      if (all.length) return invalid(all);
      const outcome = form.outcome ?? '';
      const penalty = form.penalty !== null && ctx.penalty.kind === 'found' ? ctx.penalty.penalty : null;
      return {
        ok: true,
        plan: {
          ...base,
          tip: { caseOutcome: outcome, penaltyId: penalty?.id ?? null },
          eventNote: outcome,
          message: t.reporterMessage.close(outcome),
          audit: { transition: 'close', from: rule.from, to: rule.to, penaltyId: penalty?.id ?? null },
        },
      };
    }
    case 'decideReward': {
      if (!ctx.reporter.realName || !ctx.reporter.claimReward) return { ok: false, problem: 'refused', message: t.actions.notClaimed };
      if (ctx.penalty.kind !== 'found') return { ok: false, problem: 'refused', message: t.actions.noPenalty };
      if (ctx.reward !== null) return { ok: false, problem: 'stale', message: t.errors.stale };
      if (problems.length) return invalid(problems);
      const eligibility = rewardEligibility({
        // the tip form takes only individuals' names, mobiles and ID numbers
        isNaturalPerson: true,
        isStaff: form.eligibility.isStaff,
        hasDutyToReport: form.eligibility.hasDutyToReport,
        isOffender: form.eligibility.isOffender,
        isRealName: ctx.reporter.realName,
      });
      if (!eligibility.eligible) return invalid([{ path: 'eligibility', message: t.validation.ineligible(eligibility.reasons.map((r: RewardIneligibilityReason) => t.actions.ineligible[r]).join('；')) }]);
      const level = form.level as RewardLevel;
      const fineYuan = toFenPrecision(ctx.penalty.penalty.fineYuan);
      const confiscationYuan = toFenPrecision(ctx.penalty.penalty.confiscationYuan);
      let amountYuan: number;
      try {
        amountYuan = computeReward({ level, fineYuan, confiscationYuan }).amountYuan;
      } catch {
        return { ok: false, problem: 'refused', message: t.validation.penaltyAmounts };
      }
      return {
        ok: true,
        plan: {
          ...base,
          tip: {},
          eventNote: t.eventNote.decideReward(amountYuan, level),
          message: t.reporterMessage.decideReward(amountYuan, level),
          reward: { level, fineYuan, confiscationYuan, amountYuan, decidedOn: ctx.today },
          audit: { transition: 'decideReward', from: rule.from, to: rule.to, level, ratePercent: rewardLevelRule(level).ratePercent, fineYuan, confiscationYuan, amountYuan, penaltyId: ctx.penalty.penalty.id },
        },
      };
    }
    case 'pay': {
      if (ctx.reward === null || ctx.reward.paidOn !== null) return { ok: false, problem: 'stale', message: t.errors.stale };
      if (problems.length) return invalid(problems);
      const paidOn = form.paidOn ?? '';
      if (compareDays(paidOn, ctx.today) > 0) return invalid([{ path: 'paidOn', message: t.validation.paidOnFuture }]);
      if (compareDays(paidOn, ctx.reward.decidedOn) < 0) return invalid([{ path: 'paidOn', message: t.validation.paidOnBeforeDecision(ctx.reward.decidedOn) }]);
      return { ok: true, plan: { ...base, tip: {}, eventNote: t.eventNote.pay(paidOn), message: t.reporterMessage.pay(paidOn), paidOn, audit: { transition: 'pay', from: rule.from, to: rule.to, paidOn } } };
    }
  }
}

/**
 * The reward each level would give for a penalty's fine and confiscation (yuan), for the decision
 * form: `[{ level, ratePercent, floorYuan, amountYuan }]`, highest level first. Amounts from
 * reward.ts `computeReward`; an empty list when the amounts are not valid yuan.
 */
export function rewardOptions(penalty: Pick<PenaltyFacts, 'fineYuan' | 'confiscationYuan'>): { level: RewardLevel; ratePercent: number; floorYuan: number; amountYuan: number }[] {
  try {
    return REWARD_LEVELS.map((level) => {
      const rule = rewardLevelRule(level);
      const { amountYuan } = computeReward({ level, fineYuan: toFenPrecision(penalty.fineYuan), confiscationYuan: toFenPrecision(penalty.confiscationYuan) });
      return { level, ratePercent: rule.ratePercent, floorYuan: rule.floorYuan, amountYuan };
    });
  } catch {
    return [];
  }
}
