/**
 * The back office's publishing forms and what the public sees (issue #5 point 6): an exposure
 * traceable to a decision or announcement, a black workshop named by place and county, an honor
 * with authority, document and year, and when each leaves the public pages.
 */
import { describe, expect, it } from 'vitest';
import { exposureFormSchema, exposureState, honorFormSchema, honorState, isHonorPublic, replyFormSchema } from '../../src/features/publishing/publishing.ts';

const exposure = (over: Record<string, string | null>) => ({
  id: null,
  partyId: null,
  subjectName: '无名米粉加工点',
  place: '某某镇某某村',
  countyCode: '360121',
  findings: '无证生产湿米粉，现场卫生条件差',
  outcome: '取缔，没收工具',
  basisKind: 'announcement',
  basisRef: '南昌县市场监督管理局通告2026年第3号',
  publishedOn: '2026-11-29',
  withdrawnOn: null,
  ...over,
});
const problems = (r: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }) =>
  Object.fromEntries((r.error?.issues ?? []).map((i) => [String(i.path[0]), i.message]));

describe('an exposure form', () => {
  it('a black workshop with place, county and an announcement is valid', () => {
    const r = exposureFormSchema.safeParse(exposure({}));
    expect(r.success).toBe(true);
    expect(r.data).toMatchObject({ partyId: null, countyCode: '360121', withdrawnOn: null });
  });
  it('a black workshop needs its name, place and county', () => {
    const r = exposureFormSchema.safeParse(exposure({ subjectName: '', place: null, countyCode: '' }));
    expect(problems(r)).toMatchObject({ subjectName: '请填写被曝光对象名称', place: '无证黑作坊须写明地点', countyCode: '请选择所在县（市、区）' });
  });
  it('a registered party needs neither (its own name and county are used)', () => {
    expect(exposureFormSchema.safeParse(exposure({ partyId: '12', subjectName: '', place: '', countyCode: '' })).success).toBe(true);
  });
  it('it must rest on a decision or an announcement, named', () => {
    expect(problems(exposureFormSchema.safeParse(exposure({ basisKind: 'rumour', basisRef: '' })))).toMatchObject({ basisKind: '请选择依据类型', basisRef: '请填写决定书文号或通告标题' });
  });
  it('dates: a real day; withdrawal not before publication', () => {
    expect(problems(exposureFormSchema.safeParse(exposure({ publishedOn: '2026-02-30' })))).toMatchObject({ publishedOn: '发布日期须为有效日期，如 2026-11-29' });
    expect(problems(exposureFormSchema.safeParse(exposure({ withdrawnOn: '2026-11-28' })))).toMatchObject({ withdrawnOn: '撤下日期不能早于发布日期' });
    expect(exposureFormSchema.safeParse(exposure({ publishedOn: '2026/11/29' })).data?.publishedOn).toBe('2026-11-29');
  });
});

describe('an exposure’s state on a day', () => {
  it.each([
    ['published and not withdrawn: live', { publishedOn: '2026-11-01', withdrawnOn: null }, true, 'live'],
    ['before its publication day: scheduled', { publishedOn: '2026-12-01', withdrawnOn: null }, true, 'scheduled'],
    ['from its withdrawal day on: withdrawn', { publishedOn: '2026-11-01', withdrawnOn: '2026-11-29' }, true, 'withdrawn'],
    ['withdrawal still ahead: live', { publishedOn: '2026-11-01', withdrawnOn: '2026-11-30' }, true, 'live'],
    ['its penalty left publicity: not shown', { publishedOn: '2026-11-01', withdrawnOn: null }, false, 'basisExpired'],
  ])('%s', (_rule, e, basisPublic, state) => {
    expect(exposureState(e, '2026-11-29', basisPublic)).toBe(state);
  });
});

describe('an honor form and its period', () => {
  const honor = (over: Record<string, string | null>) => ({ id: null, partyId: '7', kind: 'demonstrationUnit', title: '食品小作坊示范单位', year: '2026', authority: '南昌市市场监督管理局', documentNo: '洪市监食生〔2026〕5号', validUntil: null, withdrawnOn: null, ...over });
  it('authority, document and year are required', () => {
    expect(problems(honorFormSchema.safeParse(honor({ authority: '', documentNo: '', year: '' })))).toMatchObject({ authority: '请填写认定机关', documentNo: '请填写认定文件', year: '年度须为 2000 至今年之间的年份' });
  });
  it('validity cannot end before the year of designation', () => {
    expect(problems(honorFormSchema.safeParse(honor({ year: '2025', validUntil: '2024-12-31' })))).toMatchObject({ validUntil: '有效期不能早于认定年度' });
  });
  it.each([
    ['no end: live', { withdrawnOn: null, validUntil: null }, 'live'],
    ['valid through its last day', { withdrawnOn: null, validUntil: '2026-11-29' }, 'live'],
    ['after its last day: expired', { withdrawnOn: null, validUntil: '2026-11-28' }, 'expired'],
    ['a month-only end runs to the month’s last day', { withdrawnOn: null, validUntil: '2026-11' }, 'live'],
    ['withdrawn from that day', { withdrawnOn: '2026-11-29', validUntil: null }, 'withdrawn'],
  ])('%s', (_rule, h, state) => {
    expect(honorState(h, '2026-11-29')).toBe(state);
    expect(isHonorPublic(h, '2026-11-29')).toBe(state === 'live');
  });
});

describe('a reply', () => {
  it('names the record as kind:id, and was received by today', () => {
    const ok = replyFormSchema.safeParse({ partyId: '3', record: 'penalty:12', receivedOn: '2026-01-02', body: '我们已整改完毕，请核实。' });
    expect(ok.data?.record).toEqual({ kind: 'penalty', id: 12 });
    expect(problems(replyFormSchema.safeParse({ partyId: '3', record: 'tip:1', receivedOn: '2999-01-01', body: '' }))).toMatchObject({
      record: '请选择回应针对的记录',
      receivedOn: '收到日期不能晚于今天',
      body: '请填写回应内容',
    });
  });
});
