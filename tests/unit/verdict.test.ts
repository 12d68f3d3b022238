import { describe, expect, it } from 'vitest';
import { computeVerdict } from '../../src/features/workshops/verdict.ts';
import type { VerdictInput, VerdictReason, VerdictReasonCode, VerdictStatus } from '../../src/features/workshops/verdict.ts';

const TODAY = '2026-05-15';

type Party = VerdictInput['party'];
type InspectionRow = VerdictInput['inspections'][number];
type SamplingRow = VerdictInput['samplingTests'][number];
type PenaltyRow = VerdictInput['penalties'][number];
type HonorRow = VerdictInput['honors'][number];

let nextId = 1;

function input(overrides: Partial<Omit<VerdictInput, 'party'>> & { party?: Partial<Party> } = {}): VerdictInput {
  return {
    inspections: [],
    samplingTests: [],
    penalties: [],
    honors: [],
    ...overrides,
    party: { kind: 'workshop', registrationStatus: 'valid', validUntil: '2028-12-31', seriousListUntil: null, ...overrides.party },
  };
}

function inspection(inspectedOn: string, result: InspectionRow['result'], extra: Partial<InspectionRow> = {}): InspectionRow {
  return {
    id: nextId++,
    inspectedOn,
    result,
    rectification: result === 'compliant' ? 'notRequired' : 'pending',
    rectifiedOn: null,
    ...extra,
  };
}

function sampling(sampledOn: string | null, result: SamplingRow['result'], extra: Partial<SamplingRow> = {}): SamplingRow {
  return { id: nextId++, sampledOn, announcementDate: null, result, disposal: 'none', disposalDoneOn: null, ...extra };
}

const disposed = { disposal: 'destroyed', disposalDoneOn: '2025-01-01' } as const;

/** A general (一般) 罚款 of 50,000 yuan decided on `decidedOn` (NDRC regime from 2026-04-01: 1 year). */
function penalty(decidedOn: string, extra: Partial<PenaltyRow> = {}): PenaltyRow {
  return {
    id: nextId++,
    decisionNo: `赣测罚〔${decidedOn.slice(0, 4)}〕${nextId}号`,
    penaltyKinds: ['罚款'],
    fineYuan: 50_000,
    confiscationYuan: null,
    decidedOn,
    disclosureStart: null,
    publishedDisclosureEnd: null,
    transferredToPolice: false,
    repairedOn: null,
    ...extra,
  };
}

function honor(extra: Partial<HonorRow> = {}): HonorRow {
  return { id: nextId++, kind: 'demonstrationUnit', year: 2025, validUntil: null, withdrawnOn: null, ...extra };
}

describe('computeVerdict: the verdict table, first match wins', () => {
  it.each<[string, VerdictInput, VerdictStatus, VerdictReasonCode[], string?]>([
    // 严重失信
    ['严重失信: registration revoked', input({ party: { registrationStatus: 'revoked' } }), 'seriousDishonesty', ['registrationRevoked']],
    [
      '严重失信: a public penalty transferred to the police',
      input({ penalties: [penalty('2026-04-20', { transferredToPolice: true })] }),
      'seriousDishonesty',
      ['penaltyTransferredToPolice'],
    ],
    [
      '严重失信: a public penalty revoking the registration (吊销登记证)',
      input({ penalties: [penalty('2026-04-20', { penaltyKinds: ['罚款', '吊销登记证'] })] }),
      'seriousDishonesty',
      ['penaltyRevokesRegistration'],
    ],
    [
      '严重失信: on the serious-dishonesty list, last day (inclusive)',
      input({ party: { seriousListUntil: TODAY } }),
      'seriousDishonesty',
      ['seriousList'],
    ],
    [
      '严重失信: a company on the serious-dishonesty list',
      input({ party: { kind: 'enterprise', registrationStatus: null, validUntil: null, seriousListUntil: '2027-01-01' } }),
      'seriousDishonesty',
      ['seriousList'],
    ],
    [
      '严重失信 ends: the day after the list ends',
      input({ party: { seriousListUntil: '2026-05-14' } }),
      'pendingInspection',
      ['registeredValid', 'noInspectionYet'],
    ],
    [
      '严重失信 ends: a police transfer outside its disclosure period (decided 2020-01-01, shown to 2022-12-31)',
      input({ penalties: [penalty('2020-01-01', { transferredToPolice: true })] }),
      'pendingInspection',
      ['registeredValid', 'noInspectionYet'],
    ],
    [
      'order: 严重失信 beats 警示 and lists only its own facts',
      input({
        party: { registrationStatus: 'revoked', seriousListUntil: '2027-12-31' },
        penalties: [penalty('2026-04-20')],
        inspections: [inspection('2026-05-01', 'nonCompliant')],
      }),
      'seriousDishonesty',
      ['registrationRevoked', 'seriousList'],
    ],
    // 警示
    ['警示: a public penalty', input({ penalties: [penalty('2026-04-20')] }), 'warning', ['penaltyInPeriod']],
    [
      '警示: a public penalty decided under SAMR 2021 (shown 3 years, to 2028-05-15)',
      input({ penalties: [penalty('2025-05-16')] }),
      'warning',
      ['penaltyInPeriod'],
    ],
    [
      '警示: a low fine on its last day shown (3 months: decided 2026-02-16, shown to 2026-05-15)',
      input({ penalties: [penalty('2026-02-16', { fineYuan: 2000 })] }),
      'warning',
      ['penaltyInPeriod'],
    ],
    [
      '警示 ends: a low fine the day after its last day shown (decided 2026-02-15, shown to 2026-05-14)',
      input({ penalties: [penalty('2026-02-15', { fineYuan: 2000 })] }),
      'pendingInspection',
      ['registeredValid', 'noInspectionYet'],
    ],
    [
      '警示: not for a warning-only penalty (never published)',
      input({ penalties: [penalty('2026-04-20', { penaltyKinds: ['警告'], fineYuan: null })] }),
      'pendingInspection',
      ['registeredValid', 'noInspectionYet'],
    ],
    [
      '警示 ends: credit repair (信用修复) ends the penalty early',
      input({ penalties: [penalty('2026-04-20', { repairedOn: '2026-05-15' })] }),
      'pendingInspection',
      ['registeredValid', 'noInspectionYet'],
    ],
    [
      '警示: a failed sampling test, undisposed, day after the 12-month boundary (2025-05-16)',
      input({ samplingTests: [sampling('2025-05-16', 'fail')] }),
      'warning',
      ['samplingFailedUndisposed'],
    ],
    [
      '关注 not 警示: an undisposed failure on the 12-month boundary (2025-05-15) is only in the 24-month window',
      input({ samplingTests: [sampling('2025-05-15', 'fail')] }),
      'attention',
      ['samplingFailedRecent'],
    ],
    [
      '警示: a failed sampling test dated by its announcement month (2025-06 = 2025-06-01)',
      input({ samplingTests: [sampling(null, 'fail', { announcementDate: '2025-06' })] }),
      'warning',
      ['samplingFailedUndisposed'],
    ],
    [
      '警示: disposal recorded but without a completion day is not complete',
      input({ samplingTests: [sampling('2026-01-10', 'fail', { disposal: 'removed' })] }),
      'warning',
      ['samplingFailedUndisposed'],
    ],
    [
      '警示: disposal completed after today is not complete yet',
      input({ samplingTests: [sampling('2026-01-10', 'fail', { disposal: 'removed', disposalDoneOn: '2026-05-16' })] }),
      'warning',
      ['samplingFailedUndisposed'],
    ],
    [
      '警示: the latest inspection is 不符合 and rectification is pending',
      input({ inspections: [inspection('2025-01-10', 'compliant'), inspection('2026-03-01', 'nonCompliant')] }),
      'warning',
      ['inspectionNonCompliantUnrectified'],
    ],
    [
      '警示: the latest inspection is 不符合 with rectification not required',
      input({ inspections: [inspection('2026-03-01', 'nonCompliant', { rectification: 'notRequired' })] }),
      'warning',
      ['inspectionNonCompliantUnrectified'],
    ],
    [
      '警示: rectification dated after today is not done yet',
      input({ inspections: [inspection('2026-03-01', 'nonCompliant', { rectification: 'done', rectifiedOn: '2026-05-16' })] }),
      'warning',
      ['inspectionNonCompliantUnrectified'],
    ],
    [
      '警示: every matching fact is listed (two penalties, a failure, an inspection)',
      input({
        penalties: [penalty('2026-04-20'), penalty('2026-04-25')],
        samplingTests: [sampling('2026-02-01', 'fail')],
        inspections: [inspection('2026-03-01', 'nonCompliant')],
      }),
      'warning',
      ['penaltyInPeriod', 'penaltyInPeriod', 'samplingFailedUndisposed', 'inspectionNonCompliantUnrectified'],
    ],
    [
      '警示: a company named in a notice with a public penalty',
      input({ party: { kind: 'business', registrationStatus: null, validUntil: null }, penalties: [penalty('2026-04-20')] }),
      'warning',
      ['penaltyInPeriod'],
    ],
    // 关注
    [
      '关注: a failed sampling test in the last 12 months, disposed',
      input({ samplingTests: [sampling('2026-01-10', 'fail', { disposal: 'destroyed', disposalDoneOn: '2026-02-01' })] }),
      'attention',
      ['samplingFailedRecent'],
    ],
    [
      '关注: a failed sampling test the day after the 24-month boundary (2024-05-16)',
      input({ samplingTests: [sampling('2024-05-16', 'fail', disposed)] }),
      'attention',
      ['samplingFailedRecent'],
    ],
    [
      '关注 ends: a failed sampling test on the 24-month boundary (2024-05-15)',
      input({ samplingTests: [sampling('2024-05-15', 'fail', disposed)] }),
      'good',
      ['registeredValid', 'latestSamplingFailedBeyondWindow'],
    ],
    [
      '关注: the latest inspection is 基本符合',
      input({ inspections: [inspection('2025-06-01', 'compliant'), inspection('2026-04-01', 'partlyCompliant')] }),
      'attention',
      ['inspectionPartlyCompliant'],
    ],
    [
      'order: 警示 beats 关注 and lists only its own facts',
      input({
        penalties: [penalty('2026-04-20')],
        samplingTests: [sampling('2025-01-10', 'fail', disposed)],
        inspections: [inspection('2026-04-01', 'partlyCompliant')],
      }),
      'warning',
      ['penaltyInPeriod'],
    ],
    // 示范
    ['示范: a current demonstration unit', input({ honors: [honor()] }), 'demonstration', ['demonstrationUnit', 'registeredValid']],
    [
      '示范: honor valid until today (inclusive)',
      input({ honors: [honor({ validUntil: TODAY })], inspections: [inspection('2026-01-01', 'compliant')] }),
      'demonstration',
      ['demonstrationUnit', 'registeredValid'],
    ],
    [
      '示范: withdrawal dated after today has not happened yet',
      input({ honors: [honor({ withdrawnOn: '2026-05-16' })] }),
      'demonstration',
      ['demonstrationUnit', 'registeredValid'],
    ],
    [
      '示范 ends: honor valid until yesterday',
      input({ honors: [honor({ validUntil: '2026-05-14' })], inspections: [inspection('2026-01-01', 'compliant')] }),
      'good',
      ['registeredValid', 'latestInspectionCompliant'],
    ],
    [
      '示范 ends: honor withdrawn today',
      input({ honors: [honor({ withdrawnOn: TODAY })] }),
      'pendingInspection',
      ['registeredValid', 'noInspectionYet'],
    ],
    [
      '示范: not for another kind of honor (special brand)',
      input({ honors: [honor({ kind: 'specialBrand' })] }),
      'pendingInspection',
      ['registeredValid', 'noInspectionYet'],
    ],
    [
      'order: a demonstration unit with a public penalty is 警示, not 示范',
      input({ honors: [honor()], penalties: [penalty('2026-04-20')] }),
      'warning',
      ['penaltyInPeriod'],
    ],
    [
      'order: a demonstration unit with a recent failure is 关注, not 示范',
      input({ honors: [honor()], samplingTests: [sampling('2025-01-10', 'fail', disposed)] }),
      'attention',
      ['samplingFailedRecent'],
    ],
    [
      'order: a demonstration unit whose registration expired is 已过期, not 示范',
      input({ honors: [honor()], party: { validUntil: '2026-05-14' } }),
      'expired',
      ['registrationExpired'],
    ],
    // 良好
    [
      '良好: valid registration and a compliant latest inspection',
      input({ inspections: [inspection('2024-01-01', 'partlyCompliant'), inspection('2026-01-01', 'compliant')] }),
      'good',
      ['registeredValid', 'latestInspectionCompliant'],
    ],
    [
      '良好: valid registration and a passed sampling test only',
      input({ samplingTests: [sampling('2026-01-01', 'pass')] }),
      'good',
      ['registeredValid', 'latestSamplingPassed'],
    ],
    [
      '良好: the latest inspection was 不符合 but rectified',
      input({
        inspections: [inspection('2026-03-01', 'nonCompliant', { rectification: 'done', rectifiedOn: '2026-03-20' })],
        samplingTests: [sampling('2026-04-01', 'pass')],
      }),
      'good',
      ['registeredValid', 'latestInspectionRectified', 'latestSamplingPassed'],
    ],
    [
      '良好: a null registration status on a workshop counts as valid',
      input({ party: { registrationStatus: null }, inspections: [inspection('2026-01-01', 'compliant')] }),
      'good',
      ['registeredValid', 'latestInspectionCompliant'],
    ],
    [
      '良好: registration valid until today (inclusive)',
      input({ party: { validUntil: TODAY }, inspections: [inspection('2026-01-01', 'compliant')] }),
      'good',
      ['registeredValid', 'latestInspectionCompliant'],
    ],
    // 待检查
    ['待检查: valid registration, nothing inspected or sampled', input(), 'pendingInspection', ['registeredValid', 'noInspectionYet']],
    [
      '待检查: records dated after today are ignored',
      input({
        inspections: [inspection('2026-05-16', 'nonCompliant')],
        samplingTests: [sampling('2026-05-16', 'fail')],
        penalties: [penalty('2026-05-16')],
      }),
      'pendingInspection',
      ['registeredValid', 'noInspectionYet'],
    ],
    [
      '待检查: a null registration status on a workshop counts as valid',
      input({ party: { registrationStatus: null, validUntil: null } }),
      'pendingInspection',
      ['registeredValid', 'noInspectionYet'],
    ],
    // 已过期 / 已注销
    ['已过期: registration status expired', input({ party: { registrationStatus: 'expired' } }), 'expired', ['registrationExpired']],
    [
      '已过期: valid status but validUntil was yesterday',
      input({ party: { validUntil: '2026-05-14' }, inspections: [inspection('2026-01-01', 'compliant')] }),
      'expired',
      ['registrationExpired'],
    ],
    ['已注销: registration cancelled', input({ party: { registrationStatus: 'cancelled' } }), 'cancelled', ['registrationCancelled']],
    [
      '已注销: an explicit cancellation wins over a past validUntil',
      input({ party: { registrationStatus: 'cancelled', validUntil: '2025-01-01' } }),
      'cancelled',
      ['registrationCancelled'],
    ],
    [
      'order: an expired workshop with a public penalty is 警示',
      input({ party: { registrationStatus: 'expired' }, penalties: [penalty('2026-04-20')] }),
      'warning',
      ['penaltyInPeriod'],
    ],
    // 无近期不良记录
    [
      '无近期不良记录: a company with no records',
      input({ party: { kind: 'enterprise', registrationStatus: null, validUntil: null } }),
      'noRecentAdverse',
      ['notAWorkshop', 'noAdverseRecord'],
    ],
    [
      '无近期不良记录: a shop whose failure is older than 24 months and whose penalty period ended',
      input({
        party: { kind: 'business', registrationStatus: null, validUntil: null },
        samplingTests: [sampling('2024-05-15', 'fail')],
        penalties: [penalty('2020-01-01')],
      }),
      'noRecentAdverse',
      ['notAWorkshop', 'noAdverseRecord'],
    ],
    [
      '无近期不良记录: a company with a demonstration honor is not 示范 (not a workshop)',
      input({ party: { kind: 'enterprise', registrationStatus: null, validUntil: null }, honors: [honor()] }),
      'noRecentAdverse',
      ['notAWorkshop', 'noAdverseRecord'],
    ],
    // real cases
    [
      '抚广市监稽罚决〔2020〕22号 (low fine, start 2020-09) no longer counts on 2026-11-29',
      input({
        penalties: [
          penalty('2020-09-01', {
            decisionNo: '抚广市监稽罚决〔2020〕22号',
            penaltyKinds: ['没收违法所得', '罚款'],
            fineYuan: 9800,
            confiscationYuan: 200,
            decidedOn: null,
            disclosureStart: '2020-09',
          }),
        ],
      }),
      'pendingInspection',
      ['registeredValid', 'noInspectionYet'],
      '2026-11-29',
    ],
    [
      '(兴)市监古当罚〔2025〕72号 (警告 only, start 2026-02) never counts',
      input({
        party: { kind: 'business', registrationStatus: null, validUntil: null },
        penalties: [
          penalty('2026-02-01', {
            decisionNo: '(兴)市监古当罚〔2025〕72号',
            penaltyKinds: ['警告'],
            fineYuan: null,
            decidedOn: null,
            disclosureStart: '2026-02',
          }),
        ],
      }),
      'noRecentAdverse',
      ['notAWorkshop', 'noAdverseRecord'],
      '2026-02-01',
    ],
  ])('%s', (_rule, verdictInput, status, codes, today = TODAY) => {
    const verdict = computeVerdict(verdictInput, today);
    expect(verdict.status).toBe(status);
    expect(verdict.reasons.map((r) => r.code)).toEqual(codes);
    expect(verdict.reasons.length).toBeGreaterThan(0);
  });
});

describe('computeVerdict: reasons point at dated records', () => {
  it('警示 lists every public penalty, newest first, until its disclosure end', () => {
    const older = penalty('2026-04-20');
    const newer = penalty('2026-04-25', { fineYuan: 3000 });
    const lapsed = penalty('2020-01-01');
    const { reasons } = computeVerdict(input({ penalties: [older, lapsed, newer] }), TODAY);
    expect(reasons).toEqual<VerdictReason[]>([
      { code: 'penaltyInPeriod', recordKind: 'penalty', recordId: newer.id, date: '2026-04-25', until: '2026-07-24' },
      { code: 'penaltyInPeriod', recordKind: 'penalty', recordId: older.id, date: '2026-04-20', until: '2027-04-19' },
    ]);
  });

  it('a failed sampling test is a warning until the last day of its 12-month window', () => {
    const test = sampling('2025-05-16', 'fail');
    const { reasons } = computeVerdict(input({ samplingTests: [test] }), TODAY);
    expect(reasons).toEqual<VerdictReason[]>([
      { code: 'samplingFailedUndisposed', recordKind: 'samplingTest', recordId: test.id, date: '2025-05-16', until: TODAY },
    ]);
    expect(computeVerdict(input({ samplingTests: [test] }), '2026-05-16').status).toBe('attention');
  });

  it('a disposed failure is a cause for attention until the last day of its 24-month window', () => {
    const test = sampling('2024-05-16', 'fail', disposed);
    const { reasons } = computeVerdict(input({ samplingTests: [test] }), TODAY);
    expect(reasons).toEqual<VerdictReason[]>([
      { code: 'samplingFailedRecent', recordKind: 'samplingTest', recordId: test.id, date: '2024-05-16', until: TODAY },
    ]);
    expect(computeVerdict(input({ samplingTests: [test] }), '2026-05-16').status).toBe('good');
  });

  it('严重失信 points at the police-transfer penalty and the list end', () => {
    const transferred = penalty('2026-04-20', { transferredToPolice: true });
    const { reasons } = computeVerdict(
      input({ party: { seriousListUntil: '2029-04-19' }, penalties: [transferred, penalty('2026-04-25')] }),
      TODAY,
    );
    expect(reasons).toEqual<VerdictReason[]>([
      { code: 'penaltyTransferredToPolice', recordKind: 'penalty', recordId: transferred.id, date: '2026-04-20', until: '2029-04-19' },
      { code: 'seriousList', recordKind: 'party', recordId: null, date: null, until: '2029-04-19' },
    ]);
  });

  it('示范 points at the honor and the registration end', () => {
    const h = honor({ validUntil: '2027-12-31' });
    const { reasons } = computeVerdict(input({ honors: [h] }), TODAY);
    expect(reasons).toEqual<VerdictReason[]>([
      { code: 'demonstrationUnit', recordKind: 'honor', recordId: h.id, date: null, until: '2027-12-31' },
      { code: 'registeredValid', recordKind: 'registration', recordId: null, date: null, until: '2028-12-31' },
    ]);
  });

  it('the latest inspection on the same day is the one entered last (highest id)', () => {
    const first = inspection('2026-04-01', 'compliant');
    const second = inspection('2026-04-01', 'partlyCompliant');
    for (const inspections of [
      [second, first],
      [first, second],
    ]) {
      const { status, reasons } = computeVerdict(input({ inspections }), TODAY);
      expect(status).toBe('attention');
      expect(reasons[0]?.recordId).toBe(second.id);
    }
  });

  it('rejects a today that is not a calendar day', () => {
    expect(() => computeVerdict(input(), '2026-02-30')).toThrow(RangeError);
  });
});

describe('computeVerdict: sampling dates published without day, month or year (issue 9 point 7)', () => {
  // today 2026-05-15: the 12-month window starts after 2025-05-15, the 24-month one after 2024-05-15
  const announced = (announcementDate: string, extra: Partial<SamplingRow> = {}) => sampling(null, 'fail', { announcementDate, ...extra });
  const ENTERED = { createdAt: '2026-03-01T02:00:00.000Z' };

  it.each<[string, SamplingRow, VerdictStatus, Partial<VerdictReason>]>([
    ['警示: a month whose every day is within 12 months (read as its first day)', announced('2025-06'), 'warning', { code: 'samplingFailedUndisposed', date: '2025-06-01', until: '2026-05-31', published: '2025-06' }],
    ['警示: the month of today counts from its first day, up to today', announced('2026-05'), 'warning', { code: 'samplingFailedUndisposed', date: '2026-05-01', published: '2026-05' }],
    [
      '关注 not 警示: a month straddling the 12-month boundary may be older than 12 months',
      announced('2025-05'),
      'attention',
      { code: 'samplingFailedRecent', date: '2025-05-31', until: '2027-05-30', published: '2025-05' },
    ],
    ['关注: a month straddling the 24-month boundary may still be within it (read as its last day)', announced('2024-05'), 'attention', { code: 'samplingFailedRecent', date: '2024-05-31', until: '2026-05-30' }],
    ['beyond the window: a month wholly more than 24 months back', announced('2024-04'), 'good', { code: 'latestSamplingFailedBeyondWindow', date: '2024-04-30', published: '2024-04' }],
    ['关注 not 警示: a year alone may be older than 12 months', announced('2025'), 'attention', { code: 'samplingFailedRecent', date: '2025-12-31', published: '2025' }],
    [
      '关注 not 警示: no year and nothing before it: never a warning, counted from the last such day before it was entered',
      announced('--02-04', ENTERED),
      'attention',
      { code: 'samplingFailedRecent', date: '2026-02-04', until: '2028-02-03', published: '--02-04' },
    ],
    [
      '警示: no year, but the production date leaves one year: the date is known',
      announced('--02-04', { ...ENTERED, batch: '2025-12-01' }),
      'warning',
      { code: 'samplingFailedUndisposed', date: '2026-02-04', published: '--02-04' },
    ],
    [
      '警示: no year, a purchase date written in the batch cell bounds it too',
      announced('--02-04', { ...ENTERED, batch: '购进日期:2025-12-01' }),
      'warning',
      { code: 'samplingFailedUndisposed', date: '2026-02-04' },
    ],
    ['关注: no year, a batch code is no production date', announced('--02-04', { ...ENTERED, batch: 'A2301' }), 'attention', { code: 'samplingFailedRecent', date: '2026-02-04' }],
    [
      'beyond the window: no year, entered more than 24 months ago, does not come back every year',
      announced('--02-04', { createdAt: '2023-03-01T02:00:00.000Z' }),
      'good',
      { code: 'latestSamplingFailedBeyondWindow', date: '2023-02-04', published: '--02-04' },
    ],
    ['关注: no year and no entry day (a pure caller): today bounds it', announced('--06-01'), 'attention', { code: 'samplingFailedRecent', date: '2025-06-01' }],
    ['an announcement month wholly after today is ignored', announced('2026-06'), 'pendingInspection', { code: 'registeredValid' }],
  ])('%s', (_rule, test, status, reason) => {
    const verdict = computeVerdict(input({ samplingTests: [test] }), TODAY);
    expect(verdict.status).toBe(status);
    expect(verdict.reasons.find((r) => r.code === reason.code)).toMatchObject(reason);
  });

  it('a whole day carries no published form (pages show the day itself)', () => {
    const { reasons } = computeVerdict(input({ samplingTests: [announced('2026-01-10')] }), TODAY);
    expect(reasons[0]).toEqual({ code: 'samplingFailedUndisposed', recordKind: 'samplingTest', recordId: expect.any(Number), date: '2026-01-10', until: '2027-01-09' });
  });

  it('the latest sampling test is the one that may be the newest: a failure without a year over an older pass', () => {
    const pass = sampling('2023-01-10', 'pass');
    const failed = announced('--02-04', { createdAt: '2024-03-01T02:00:00.000Z' });
    const { status, reasons } = computeVerdict(input({ samplingTests: [pass, failed] }), TODAY);
    expect(status).toBe('good');
    expect(reasons[1]).toMatchObject({ code: 'latestSamplingFailedBeyondWindow', recordId: failed.id, date: '2024-02-04' });
  });
});
