import type { RewardIneligibilityReason, RewardLevel } from '../features/tips/reward.ts';

/**
 * Text (zh-CN) of the reward rules page `/rules/reward`, in plain words. Amounts, rates and the
 * source come from `src/features/tips/reward.ts` and are passed in already formatted (yuan as
 * `1,000,000 元`, rates as `5%`), so no figure is typed here. Rules: 《市场监管领域重大违法行为
 * 举报奖励暂行办法》(国市监稽规〔2021〕4号).
 */
export const rewardText = {
  title: '有奖举报奖励规则',
  description: '举报食品小作坊违法行为，经查实可以获得奖励。谁能领奖、能领多少、怎么申请，这里用大白话说清楚。',
  lead: '举报食品小作坊的违法行为，经市场监管部门查证属实、依法处理结案后，可以按国家规定获得奖励。下面说明谁能领奖、能领多少、怎么申请。',
  whenTitle: '什么情况下有奖励',
  when: [
    '举报的事情经市场监管部门查证属实，并且已经结案。',
    '属于重大违法行为：例如被吊销登记证、责令停产停业、处以较大数额的罚款和没收，或者涉嫌犯罪被移送公安、司法机关。',
    '举报要有明确的对象和具体的违法事实，最好附上照片、视频等证据。',
  ],
  whoTitle: '谁可以领奖',
  who: '举报人本人，并且是个人（自然人）。',
  whoNotTitle: '以下举报人不能领奖',
  whoNot: {
    notNaturalPerson: '单位、企业等组织（不是个人）。',
    staff: '市场监管部门的工作人员。',
    dutyToReport: '依法负有监督、报告这一违法行为职责的人员。',
    offender: '违法行为的实施者本人。小作坊里知情的员工举报老板违法的，不属于这种情况，可以领奖。',
    anonymous: '匿名举报人（表明真实身份后可以申请，见下文“匿名举报”）。',
  } satisfies Record<RewardIneligibilityReason, string>,
  whoNotMore: '其他不予奖励的情形（例如举报人因举报已从别处得到报酬），以文末“依据”所列办法的规定为准。',
  levelsTitle: '奖励分三个等级',
  levelsLead: '奖励金额按“罚没款”计算，罚没款就是罚款加上没收的违法所得和非法财物。由办案的市场监管部门根据您提供的线索和证据认定等级。',
  levelsCaption: '各等级的奖励标准',
  colLevel: '等级',
  colRate: '奖励比例',
  colFloor: '最低奖励',
  levelName: { 1: '一级', 2: '二级', 3: '三级' } satisfies Record<RewardLevel, string>,
  levelWhen: {
    1: '提供了违法的详细事实和直接证据，与查实的情况完全一致，并且查实属于特别重大的违法行为或者涉嫌犯罪。',
    2: '提供了违法事实和直接证据，与查实的情况完全一致。',
    3: '提供了基本的违法事实和相关证据，与查实的情况基本一致。',
  } satisfies Record<RewardLevel, string>,
  levelWhenTitle: '等级怎么认定',
  rateOfBase: (rate: string) => `罚没款的 ${rate}`,
  floorHow: '按比例算出来不到最低奖励的，按最低奖励发放。案件没有罚没款的（例如只吊销了登记证），也按最低奖励发放。',
  capTitle: '奖励上限',
  cap: (cap: string) => `每起案件的奖励最多 ${cap}。`,
  finalAmount: '按上表算出的是标准金额。市场监管部门还会综合考虑涉案货值、社会影响等因素确定最终金额；违法主体内部人员举报的，经财政部门同意可以适当提高奖励。',
  exampleTitle: '算一算',
  exampleByRate: (fine: string, level: string, rate: string, amount: string) =>
    `例一：某小作坊被罚款 ${fine}，举报被认定为${level}。奖励 = ${fine} × ${rate} = ${amount}。`,
  exampleByFloor: (fine: string, confiscation: string, level: string, rate: string, byRate: string, floor: string, amount: string) =>
    `例二：某小作坊被罚款 ${fine}、没收违法所得 ${confiscation}，举报被认定为${level}。按比例是（${fine} + ${confiscation}）× ${rate} = ${byRate}，不到最低奖励 ${floor}，所以奖励 ${amount}。`,
  claimTitle: '怎么申请奖励',
  claim: [
    '举报时选择“实名举报”，填写真实姓名和手机号码。',
    '提交后请保存受理编号和查询码，在“举报查询”里查看办理进度。',
    '如希望查实后领取奖励，请在举报时选择实名并勾选“查实后申请奖励”，同时填写身份证号码，用于核对身份和发放奖励；不申请奖励的举报不需要填写身份证号码。案件办结、奖励金额核定后，市场监管部门会与您联系。',
    '您的姓名、手机号码和身份证号码都加密保存，只有有权限的工作人员可以查看，每次查看都会留痕。',
  ],
  anonymousTitle: '匿名举报',
  anonymous: '欢迎匿名举报，我们同样认真核查。但匿名举报无法核实身份，也无法联系到您，所以不能发放奖励。匿名举报后想申请奖励的，可以凭受理编号和查询码向受理机关表明真实身份，再按上面的方法申请。',
  sourceTitle: '依据',
  source: (measure: string) => `${measure}。本页是通俗说明，具体以该办法原文和办案机关的认定为准。`,
  yuan: (n: number) => `${n.toLocaleString('zh-CN', { maximumFractionDigits: 2 })} 元`,
  percent: (n: number) => `${n}%`,
  reportLink: '我要举报',
  trackLink: '查询举报进度',
} as const;
