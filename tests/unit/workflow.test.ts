/**
 * The tip workflow state machine (src/features/tips/workflow.ts; issue #5 point 4): every status ×
 * every transition against a table written out by hand, what each transition needs, and the
 * rules of rewards (who may be paid, the amount from reward.ts, the payment day).
 */
import { describe, expect, it } from 'vitest';
import {
  planTransition,
  rewardOptions,
  TIP_STATUSES,
  TRANSITION_KINDS,
  TRANSITIONS,
  transitionFormSchema,
  transitionsFrom,
  type TipStatus,
  type TransitionContext,
  type TransitionForm,
  type TransitionKind,
} from '../../src/features/tips/workflow.ts';

const TODAY = '2026-11-29';

/** Y = the machine has this edge; - = refused. Rows: from; columns: TRANSITION_KINDS order. */
const MACHINE: Record<TipStatus, string> = {
  //            accept decline openCase closeWithoutCase close decideReward pay
  submitted: '    Y     Y       -        -               -        -         -',
  accepted: '     -     -       Y        Y               -        -         -',
  declined: '     -     -       -        -               -        -         -',
  caseOpened: '   -     -       -        -               Y        -         -',
  closed: '       -     -       -        -               -        Y         -',
  rewardDecided: '-     -       -        -               -        -         Y',
  rewardPaid: '   -     -       -        -               -        -         -',
};

const PENALTY = { id: 7, decisionNo: '抚广市监稽罚决〔2020〕22号', fineYuan: 9800, confiscationYuan: 200 };

/** The raw form of a transition with everything it needs filled in validly. */
function rawForm(kind: TransitionKind, from: TipStatus, overrides: Record<string, string | null> = {}): Record<string, string | null> {
  const needs: Record<TransitionKind, Record<string, string>> = {
    accept: {},
    decline: { reason: '举报对象不在本局管辖范围' },
    openCase: {},
    closeWithoutCase: { outcome: '经现场核查，未发现所举报的违法行为' },
    close: { outcome: '已责令停产整改并处罚款', penalty: PENALTY.decisionNo },
    decideReward: { level: '2', eligibilityChecked: '1' },
    pay: { paidOn: TODAY },
  };
  return { tipId: '5', transition: kind, expectedStatus: from, ...needs[kind], ...overrides };
}

function form(kind: TransitionKind, from: TipStatus, overrides: Record<string, string | null> = {}): TransitionForm {
  return transitionFormSchema.parse(rawForm(kind, from, overrides));
}

/** A context in which every transition's own rules are met, at `status`. */
function ctx(status: TipStatus, overrides: Partial<TransitionContext> = {}): TransitionContext {
  return {
    status,
    today: TODAY,
    penalty: { kind: 'found', penalty: PENALTY },
    reporter: { realName: true, claimReward: true },
    reward: status === 'rewardDecided' ? { decidedOn: '2026-11-20', paidOn: null } : null,
    ...overrides,
  };
}

describe('the state machine', () => {
  const cases = TIP_STATUSES.flatMap((from) => {
    const cells = MACHINE[from].trim().split(/\s+/u);
    return TRANSITION_KINDS.map((kind, i) => ({ from, kind, allowed: cells[i] === 'Y' }));
  });

  it('the table covers every status × transition', () => {
    expect(cases).toHaveLength(TIP_STATUSES.length * TRANSITION_KINDS.length);
    for (const from of TIP_STATUSES) expect(MACHINE[from].trim().split(/\s+/u)).toHaveLength(TRANSITION_KINDS.length);
  });

  it.each(cases)('$kind from $from: allowed = $allowed', ({ from, kind, allowed }) => {
    expect(transitionsFrom(from).includes(kind)).toBe(allowed);
    const result = planTransition(form(kind, from), ctx(from));
    if (allowed) {
      expect(result.ok).toBe(true);
      if (result.ok) {
        expect(result.plan.from).toBe(from);
        expect(result.plan.to).toBe(TRANSITIONS[kind].to);
        expect(result.plan.message.length).toBeGreaterThan(0);
      }
    } else {
      expect(result).toMatchObject({ ok: false, problem: 'notAllowed' });
    }
  });

  it('final statuses lead nowhere; every other status leads on', () => {
    expect(transitionsFrom('declined')).toEqual([]);
    expect(transitionsFrom('rewardPaid')).toEqual([]);
    for (const s of ['submitted', 'accepted', 'caseOpened', 'closed', 'rewardDecided'] as const) expect(transitionsFrom(s).length).toBeGreaterThan(0);
  });

  it('each transition needs its permission: handling, deciding a reward, recording payment', () => {
    expect(Object.fromEntries(TRANSITION_KINDS.map((k) => [k, TRANSITIONS[k].permission]))).toEqual({
      accept: 'transitionTip',
      decline: 'transitionTip',
      openCase: 'transitionTip',
      closeWithoutCase: 'transitionTip',
      close: 'transitionTip',
      decideReward: 'decideReward',
      pay: 'recordPayment',
    });
  });

  it.each(TRANSITION_KINDS)('%s is refused as stale when the tip changed since the form was rendered', (kind) => {
    const from = TRANSITIONS[kind].from;
    const other = TIP_STATUSES.find((s) => s !== from) as TipStatus;
    expect(planTransition(form(kind, from), ctx(other))).toMatchObject({ ok: false, problem: 'stale', message: '该举报的状态已被他人更改，请查看最新状态后再办理。' });
  });
});

describe('what each transition needs and tells the reporter', () => {
  it('受理 tells the reporter it was accepted', () => {
    const r = planTransition(form('accept', 'submitted'), ctx('submitted'));
    expect(r).toMatchObject({ ok: true, plan: { to: 'accepted', eventNote: null, message: '您的举报已受理，我们将依法核查并决定是否立案。' } });
  });

  it('不予受理 needs a reason of 2–500 characters, stored and told to the reporter', () => {
    const missing = transitionFormSchema.safeParse(rawForm('decline', 'submitted', { reason: '  \u200b ' }));
    expect(missing.success).toBe(false);
    expect(missing.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([['reason', '请填写不予受理的理由']]);
    const tooLong = transitionFormSchema.safeParse(rawForm('decline', 'submitted', { reason: '理'.repeat(501) }));
    expect(tooLong.error?.issues[0]?.message).toBe('理由应为2–500字');
    const r = planTransition(form('decline', 'submitted'), ctx('submitted'));
    expect(r).toMatchObject({ ok: true, plan: { to: 'declined', tip: { declineReason: '举报对象不在本局管辖范围' }, eventNote: '举报对象不在本局管辖范围', message: '您的举报不予受理，理由：举报对象不在本局管辖范围' } });
  });

  it('a transition planned without its required field (a caller skipping the schema) is invalid, not done', () => {
    const bare = { ...form('decline', 'submitted'), reason: null };
    expect(planTransition(bare, ctx('submitted'))).toEqual({ ok: false, problem: 'invalid', fields: { reason: ['请填写不予受理的理由'] } });
    const noOutcome = { ...form('close', 'caseOpened'), outcome: null };
    expect(planTransition(noOutcome, ctx('caseOpened'))).toEqual({ ok: false, problem: 'invalid', fields: { outcome: ['请填写处理结果'] } });
  });

  it('立案 tells the reporter the case is open', () => {
    expect(planTransition(form('openCase', 'accepted'), ctx('accepted'))).toMatchObject({ ok: true, plan: { to: 'caseOpened', message: '您的举报已立案调查。' } });
  });

  it('办结 needs the outcome; the penalty named is linked and feeds the reward', () => {
    expect(transitionFormSchema.safeParse(rawForm('close', 'caseOpened', { outcome: '' })).error?.issues[0]).toMatchObject({ path: ['outcome'], message: '请填写处理结果' });
    const r = planTransition(form('close', 'caseOpened'), ctx('caseOpened'));
    expect(r).toMatchObject({ ok: true, plan: { to: 'closed', tip: { caseOutcome: '已责令停产整改并处罚款', penaltyId: 7 }, message: '您的举报已办结：已责令停产整改并处罚款' } });
  });

  it('办结 without a penalty reference links none', () => {
    const r = planTransition(form('close', 'caseOpened', { penalty: '' }), ctx('caseOpened', { penalty: { kind: 'none' } }));
    expect(r).toMatchObject({ ok: true, plan: { tip: { penaltyId: null } } });
  });

  it.each([
    ['notFound', '没有找到该处罚：请填写本件管辖范围内已录入的处罚决定书文号或处罚编号'],
    ['ambiguous', '该文号对应多条处罚，请改填处罚编号'],
  ] as const)('办结 with a penalty reference that is %s is a field error', (kind, message) => {
    expect(planTransition(form('close', 'caseOpened'), ctx('caseOpened', { penalty: { kind } }))).toEqual({ ok: false, problem: 'invalid', fields: { penalty: [message] } });
  });

  it('不予立案并办结 needs the outcome and takes no penalty', () => {
    expect(transitionFormSchema.safeParse(rawForm('closeWithoutCase', 'accepted', { penalty: '12' })).error?.issues[0]).toMatchObject({ path: ['penalty'], message: '不予立案的举报不能关联行政处罚' });
    const r = planTransition(form('closeWithoutCase', 'accepted'), ctx('accepted'));
    expect(r).toMatchObject({
      ok: true,
      plan: { to: 'closed', tip: { caseOutcome: '经现场核查，未发现所举报的违法行为', penaltyId: null }, eventNote: '不予立案：经现场核查，未发现所举报的违法行为', message: '经核查，您举报的问题不予立案，已办结：经现场核查，未发现所举报的违法行为' },
    });
  });
});

describe('deciding a reward', () => {
  it('the amount comes from the reward function: level 2 of 10,000 yuan is the 3,000 yuan floor', () => {
    const r = planTransition(form('decideReward', 'closed'), ctx('closed'));
    expect(r).toMatchObject({
      ok: true,
      plan: { to: 'rewardDecided', reward: { level: 2, fineYuan: 9800, confiscationYuan: 200, amountYuan: 3000, decidedOn: TODAY }, message: '奖励已核定：3,000 元（二级奖励）。工作人员将通过您留下的手机号码与您联系领取事宜。' },
    });
  });

  it('level 1 of 2,000,000 yuan is 5 %: 100,000 yuan', () => {
    const penalty = { kind: 'found' as const, penalty: { ...PENALTY, fineYuan: 1_500_000, confiscationYuan: 500_000 } };
    expect(planTransition(form('decideReward', 'closed', { level: '1' }), ctx('closed', { penalty }))).toMatchObject({ ok: true, plan: { reward: { amountYuan: 100_000 } } });
  });

  it('amounts stored from 万元 with float noise are taken to the fen', () => {
    const penalty = { kind: 'found' as const, penalty: { ...PENALTY, fineYuan: 0.98 * 10_000, confiscationYuan: 0.02 * 10_000 } };
    expect(planTransition(form('decideReward', 'closed', { level: '3' }), ctx('closed', { penalty }))).toMatchObject({ ok: true, plan: { reward: { fineYuan: 9800, confiscationYuan: 200, amountYuan: 1000 } } });
  });

  it('needs a level and the eligibility check', () => {
    const r = transitionFormSchema.safeParse(rawForm('decideReward', 'closed', { level: '4', eligibilityChecked: null }));
    expect(r.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['level', '请选择奖励等级'],
      ['eligibilityChecked', '请先核查举报人的奖励资格并勾选确认'],
    ]);
  });

  it.each([
    ['an anonymous reporter', { realName: false, claimReward: false }],
    ['a real-name reporter who did not claim it', { realName: true, claimReward: false }],
  ])('is refused for %s', (_name, reporter) => {
    expect(planTransition(form('decideReward', 'closed'), ctx('closed', { reporter }))).toEqual({ ok: false, problem: 'refused', message: '举报人未实名申请奖励，不能核定奖励。' });
  });

  it('is refused when the case was closed without a penalty', () => {
    expect(planTransition(form('decideReward', 'closed'), ctx('closed', { penalty: { kind: 'none' } }))).toEqual({ ok: false, problem: 'refused', message: '本件办结时没有关联行政处罚，不能核定奖励。' });
  });

  it('is refused for staff, people with a duty to report and the offender (reward.ts exclusions)', () => {
    const r = planTransition(form('decideReward', 'closed', { isStaff: '1', isOffender: '1' }), ctx('closed'));
    expect(r).toEqual({ ok: false, problem: 'invalid', fields: { eligibility: ['不予奖励：举报人是市场监管部门工作人员；举报人是违法行为的实施者'] } });
    expect(planTransition(form('decideReward', 'closed', { hasDutyToReport: '1' }), ctx('closed'))).toMatchObject({ ok: false, fields: { eligibility: ['不予奖励：举报人依法负有监督、报告该违法行为的职责'] } });
  });

  it('is refused when a reward row exists already', () => {
    expect(planTransition(form('decideReward', 'closed'), ctx('closed', { reward: { decidedOn: TODAY, paidOn: null } }))).toMatchObject({ ok: false, problem: 'stale' });
  });

  it('is refused when the penalty amounts are not valid yuan', () => {
    const penalty = { kind: 'found' as const, penalty: { ...PENALTY, fineYuan: -5 } };
    expect(planTransition(form('decideReward', 'closed'), ctx('closed', { penalty }))).toEqual({ ok: false, problem: 'refused', message: '该处罚的罚没款金额有误，不能据此计算奖励' });
  });

  it('rewardOptions lists each level with its amount, highest first', () => {
    expect(rewardOptions({ fineYuan: 200_000, confiscationYuan: null })).toEqual([
      { level: 1, ratePercent: 5, floorYuan: 5000, amountYuan: 10_000 },
      { level: 2, ratePercent: 3, floorYuan: 3000, amountYuan: 6000 },
      { level: 3, ratePercent: 1, floorYuan: 1000, amountYuan: 2000 },
    ]);
    expect(rewardOptions({ fineYuan: Number.NaN, confiscationYuan: 0 })).toEqual([]);
  });
});

describe('recording payment', () => {
  it('records the day and tells the reporter', () => {
    expect(planTransition(form('pay', 'rewardDecided', { paidOn: '2026-11-25' }), ctx('rewardDecided'))).toMatchObject({
      ok: true,
      plan: { to: 'rewardPaid', paidOn: '2026-11-25', eventNote: '发放日期 2026年11月25日', message: '奖励已发放（发放日期：2026年11月25日）。感谢您的举报。' },
    });
  });

  it('on the decision day and today are both allowed', () => {
    expect(planTransition(form('pay', 'rewardDecided', { paidOn: '2026-11-20' }), ctx('rewardDecided')).ok).toBe(true);
    expect(planTransition(form('pay', 'rewardDecided', { paidOn: TODAY }), ctx('rewardDecided')).ok).toBe(true);
  });

  it.each([
    ['a day in the future', '2026-11-30', '发放日期不能晚于今天'],
    ['a day before the decision', '2026-11-19', '发放日期不能早于奖励核定日期（2026-11-20）'],
  ])('refuses %s', (_name, paidOn, message) => {
    expect(planTransition(form('pay', 'rewardDecided', { paidOn }), ctx('rewardDecided'))).toEqual({ ok: false, problem: 'invalid', fields: { paidOn: [message] } });
  });

  it.each([
    ['', '请填写发放日期'],
    ['2026-02-30', '请填写有效的日期，格式为 年-月-日，如 2026-11-29'],
    ['29/11/2026', '请填写有效的日期，格式为 年-月-日，如 2026-11-29'],
  ])('refuses the date %j with a field error', (paidOn, message) => {
    expect(transitionFormSchema.safeParse(rawForm('pay', 'rewardDecided', { paidOn })).error?.issues[0]).toMatchObject({ path: ['paidOn'], message });
  });

  it('is refused when there is no reward row, or it was paid already', () => {
    expect(planTransition(form('pay', 'rewardDecided'), ctx('rewardDecided', { reward: null }))).toMatchObject({ ok: false, problem: 'stale' });
    expect(planTransition(form('pay', 'rewardDecided'), ctx('rewardDecided', { reward: { decidedOn: '2026-11-20', paidOn: '2026-11-21' } }))).toMatchObject({ ok: false, problem: 'stale' });
  });
});

describe('the form schema', () => {
  it('refuses an unknown transition or status in Chinese', () => {
    const r = transitionFormSchema.safeParse({ tipId: '5', transition: 'delete', expectedStatus: 'gone' });
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.message)).toEqual(['请选择要办理的事项', '请选择要办理的事项']);
  });

  it('ignores the fields a transition does not need', () => {
    const f = form('accept', 'submitted', { reason: 'x', paidOn: 'not a day', level: '9' });
    expect(planTransition(f, ctx('submitted')).ok).toBe(true);
  });
});
