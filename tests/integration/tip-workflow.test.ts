/**
 * Tip handling in the back office on a real SQLite database with the committed migrations and the
 * real divisions (issue #5 points 3, 4, 7 and 8): a tip's whole life through the workflow in one
 * transaction per step, refusals that leave nothing written, the audit rows of identity reveals
 * and original-evidence openings (written before anything is decrypted), jurisdiction (a county
 * officer neither sees nor acts on another county's tip), the queue and the audit view. Names,
 * numbers and decisions here are fictitious.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { count, eq } from 'drizzle-orm';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/client.ts';
import { auditLog, parties, penalties, rewards, tipEvents, tipMessages, tips, type Tip } from '../../src/db/schema.ts';
import { importDivisions } from '../../src/features/imports/import.server.ts';
import { createFirstAdmin, createUser } from '../../src/features/staff/accounts.server.ts';
import { auditPage, canViewAudit, parseAuditQuery } from '../../src/features/staff/audit-view.server.ts';
import type { Actor } from '../../src/features/staff/authz.ts';
import { actorOf } from '../../src/features/staff/sessions.server.ts';
import type { StaffRole } from '../../src/features/staff/staff.ts';
import { TipAccessError } from '../../src/features/tips/access.server.ts';
import { openOriginalEvidence, openPreview, revealIdentity } from '../../src/features/tips/confidential.server.ts';
import { loadKek } from '../../src/features/tips/envelope.server.ts';
import { runPendingPreviews } from '../../src/features/tips/previews.server.ts';
import { listTipQueue, tipDetail } from '../../src/features/tips/queue.server.ts';
import { parseQueueQuery } from '../../src/features/tips/queue.ts';
import { tipFormSchema } from '../../src/features/tips/tip.ts';
import { submitTip, trackTip } from '../../src/features/tips/tips.server.ts';
import { applyTransition, postStaffMessage } from '../../src/features/tips/workflow.server.ts';
import { transitionFormSchema, type TransitionForm, type TransitionKind } from '../../src/features/tips/workflow.ts';
import { loadDivisions } from '../../src/features/workshops/workshop.server.ts';
import { todayInShanghai } from '../../src/lib/dates.ts';
import { freshDb, SEEDS_DIR, TODAY } from './helpers.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'fangxin-it-workflow-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const kek = loadKek(undefined, path.join(dir, 'a'));
const wrongKek = loadKek(undefined, path.join(dir, 'b'));
const schema = tipFormSchema({ today: () => TODAY });
const PW = 'a staff passphrase 2026';
/** A moment of TODAY in Asia/Shanghai (10:00). */
const NOW = new Date(`${TODAY}T02:00:00.000Z`);
const later = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000);

let db: Db;
let users: Record<'admin' | 'nanchang' | 'donghu' | 'xihu' | 'jingdezhen', Actor>;
let n = 0;

async function user(admin: Actor, username: string, role: StaffRole, divisionCode: string): Promise<Actor> {
  const r = await createUser(db, admin, { username, displayName: username, role, divisionCode, password: PW, confirmPassword: PW }, NOW);
  if (!r.ok) throw new Error(JSON.stringify(r.fields));
  return actorOf(db, r.user);
}

beforeEach(async () => {
  db = freshDb();
  importDivisions(db, readFileSync(path.join(SEEDS_DIR, 'divisions.csv'), 'utf8'));
  const admin = actorOf(db, await createFirstAdmin(db, { username: 'jx-admin', displayName: '省局管理员', password: PW }, NOW));
  users = {
    admin,
    nanchang: await user(admin, 'nc-super', 'citySupervisor', '360100'),
    donghu: await user(admin, 'dh-officer', 'countyOfficer', '360102'),
    xihu: await user(admin, 'xh-officer', 'countyOfficer', '360103'),
    jingdezhen: await user(admin, 'jdz-super', 'citySupervisor', '360200'),
  };
});

const png = async () => new Uint8Array(await sharp({ create: { width: 48, height: 32, channels: 3, background: '#c63' } }).withMetadata({ exif: { IFD0: { Artist: '举报人手机' } } }).png().toBuffer());

/** Files a tip through the same code as /report; returns its row. */
async function fileTip(fields: Record<string, string | null>, files: { bytes: Uint8Array; originalName: string }[] = []): Promise<Tip & { accessCode: string }> {
  const form = schema.parse({ submissionToken: `workflow-token-${String(++n).padStart(8, '0')}`, subjectName: '测试无名米粉作坊', category: 'hygiene', description: '作坊在露天地面晾晒米粉，旁边是垃圾堆。', reporterMode: 'anonymous', ...fields });
  const r = await submitTip(db, kek, form, later(-60 * 24), { dataDir: dir, files });
  if (r.kind !== 'created') throw new Error('expected a created tip');
  const row = db.select().from(tips).where(eq(tips.receiptNo, r.receiptNo)).get();
  if (!row) throw new Error('tip not stored');
  return { ...row, accessCode: r.accessCode };
}

const REAL_NAME = { reporterMode: 'realName', reporterName: '测试举报人', mobile: '13800138000', claimReward: 'on', idNumber: '11010519491231002X' };

/** A party in `countyCode` with a penalty `decisionNo` of `fineYuan` + `confiscationYuan`; returns the penalty id. */
function penalty(countyCode: string, decisionNo: string, fineYuan: number, confiscationYuan: number, decidedOn = TODAY): number {
  const party = db.insert(parties).values({ kind: 'business', name: `测试经营户${decisionNo}`, countyCode, source: 'demo', updatedAt: NOW.toISOString() }).returning({ id: parties.id }).get();
  return db
    .insert(penalties)
    .values({ partyId: party.id, decisionNo, penaltyKinds: ['罚款', '没收违法所得'], fineYuan, confiscationYuan, decidedOn, source: 'demo' })
    .returning({ id: penalties.id })
    .get().id;
}

function form(tipId: number, transition: TransitionKind, expectedStatus: string, fields: Record<string, string> = {}): TransitionForm {
  return transitionFormSchema.parse({ tipId: String(tipId), transition, expectedStatus, ...fields });
}

/** Everything a transition can write about `tipId`: compared before and after a refusal. */
function snapshot(tipId: number) {
  const c = (table: typeof tipEvents | typeof tipMessages | typeof rewards) => db.select({ n: count() }).from(table).where(eq(table.tipId, tipId)).get()?.n;
  return {
    tip: db.select().from(tips).where(eq(tips.id, tipId)).get(),
    events: c(tipEvents),
    messages: c(tipMessages),
    rewards: c(rewards),
    audit: db.select({ n: count() }).from(auditLog).get()?.n,
  };
}

function refusalOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof TipAccessError) return e.code;
    throw e;
  }
  throw new Error('not refused');
}

async function refusalOfAsync(fn: () => Promise<unknown>): Promise<string> {
  try {
    await fn();
  } catch (e) {
    if (e instanceof TipAccessError) return e.code;
    throw e;
  }
  throw new Error('not refused');
}

const auditOf = (tipId: number) => db.select().from(auditLog).where(eq(auditLog.tipId, tipId)).orderBy(auditLog.id).all();

describe('a tip’s whole life from 已提交 to 奖励已发放', () => {
  it('each step writes status, event, reward, message and audit row, and the reporter sees them', async () => {
    const tip = await fileTip({ ...REAL_NAME, countyCode: '360102' }, [{ bytes: await png(), originalName: '现场.png' }]);
    const penaltyId = penalty('360102', '东湖市监罚〔2026〕101号', 9800, 200);
    const { donghu, nanchang } = users;

    expect(applyTransition(db, kek, donghu, form(tip.id, 'accept', 'submitted'), later(1))).toEqual({ ok: true, status: 'accepted' });
    expect(applyTransition(db, kek, donghu, form(tip.id, 'openCase', 'accepted'), later(2))).toEqual({ ok: true, status: 'caseOpened' });
    const closed = applyTransition(db, kek, donghu, form(tip.id, 'close', 'caseOpened', { outcome: '已责令停产整改并处罚款', penalty: ' 东湖市监罚〔2026〕101号 ' }), later(3));
    expect(closed).toEqual({ ok: true, status: 'closed' });
    // the county officer may not decide the level: nothing written
    const before = snapshot(tip.id);
    expect(refusalOf(() => applyTransition(db, kek, donghu, form(tip.id, 'decideReward', 'closed', { level: '2', eligibilityChecked: '1' }), later(4)))).toBe('forbidden');
    expect(snapshot(tip.id)).toEqual(before);
    expect(applyTransition(db, kek, nanchang, form(tip.id, 'decideReward', 'closed', { level: '2', eligibilityChecked: '1' }), later(5))).toEqual({ ok: true, status: 'rewardDecided' });
    expect(applyTransition(db, kek, donghu, form(tip.id, 'pay', 'rewardDecided', { paidOn: TODAY }), later(6))).toEqual({ ok: true, status: 'rewardPaid' });

    const row = db.select().from(tips).where(eq(tips.id, tip.id)).get();
    expect(row).toMatchObject({ status: 'rewardPaid', caseOutcome: '已责令停产整改并处罚款', penaltyId, declineReason: null });
    expect(db.select().from(rewards).where(eq(rewards.tipId, tip.id)).get()).toMatchObject({ level: 2, fineYuan: 9800, confiscationYuan: 200, amountYuan: 3000, decidedOn: TODAY, decidedBy: nanchang.id, paidOn: TODAY, paidBy: donghu.id });
    const events = db.select().from(tipEvents).where(eq(tipEvents.tipId, tip.id)).orderBy(tipEvents.id).all();
    expect(events.map((e) => [e.status, e.staffUserId])).toEqual([
      ['submitted', null],
      ['accepted', donghu.id],
      ['caseOpened', donghu.id],
      ['closed', donghu.id],
      ['rewardDecided', nanchang.id],
      ['rewardPaid', donghu.id],
    ]);
    expect(auditOf(tip.id).map((a) => [a.action, a.userId, a.divisionCode, a.target])).toEqual([
      ['tipTransitioned', donghu.id, '360102', `tip:${tip.id}`],
      ['tipTransitioned', donghu.id, '360102', `tip:${tip.id}`],
      ['tipTransitioned', donghu.id, '360102', `tip:${tip.id}`],
      ['rewardDecided', nanchang.id, '360102', `tip:${tip.id}`],
      ['rewardPaid', donghu.id, '360102', `tip:${tip.id}`],
    ]);
    expect(auditOf(tip.id)[3]?.details).toMatchObject({ level: 2, ratePercent: 3, amountYuan: 3000, penaltyId });
    // no reporter data in the audit log
    expect(JSON.stringify(auditOf(tip.id))).not.toMatch(/测试举报人|13800138000|11010519491231002X/u);

    // the reporter's page: every status with its note, and a message for each step
    const view = await trackTip(db, tip.receiptNo, tip.accessCode, kek);
    expect(view?.status).toBe('rewardPaid');
    expect(view?.events.map((e) => [e.status, e.note])).toEqual([
      ['submitted', null],
      ['accepted', null],
      ['caseOpened', null],
      ['closed', '已责令停产整改并处罚款'],
      ['rewardDecided', '二级，3,000 元'],
      ['rewardPaid', '发放日期 2026年11月29日'],
    ]);
    expect(view?.messages.map((m) => [m.author, m.text])).toEqual([
      ['staff', '您的举报已受理，我们将依法核查并决定是否立案。'],
      ['staff', '您的举报已立案调查。'],
      ['staff', '您的举报已办结：已责令停产整改并处罚款'],
      ['staff', '奖励已核定：3,000 元（二级奖励）。工作人员将通过您留下的手机号码与您联系领取事宜。'],
      ['staff', '奖励已发放（发放日期：2026年11月29日）。感谢您的举报。'],
    ]);
    // sealed at rest like the reporter's messages
    expect(db.select().from(tipMessages).all().map((m) => m.ciphertext).join()).not.toContain('立案');
  });

  it('不予受理 with a reason; an anonymous tip without evidence gets a data key for the message', async () => {
    const tip = await fileTip({ countyCode: '360102' });
    expect(tip.wrappedDataKey).toBeNull();
    expect(applyTransition(db, kek, users.donghu, form(tip.id, 'decline', 'submitted', { reason: '举报内容与食品生产无关' }), later(1))).toEqual({ ok: true, status: 'declined' });
    const row = db.select().from(tips).where(eq(tips.id, tip.id)).get();
    expect(row).toMatchObject({ status: 'declined', declineReason: '举报内容与食品生产无关' });
    expect(row?.wrappedDataKey).not.toBeNull();
    const view = await trackTip(db, tip.receiptNo, tip.accessCode, kek);
    expect(view?.events.at(-1)).toMatchObject({ status: 'declined', note: '举报内容与食品生产无关' });
    expect(view?.messages.at(-1)?.text).toBe('您的举报不予受理，理由：举报内容与食品生产无关');
    expect(auditOf(tip.id).at(-1)).toMatchObject({ action: 'tipTransitioned', reason: '举报内容与食品生产无关', details: { transition: 'decline', from: 'submitted', to: 'declined' } });
  });

  it('a staff message reaches the reporter and is audited without its text', async () => {
    const tip = await fileTip({ countyCode: '360102' });
    expect(postStaffMessage(db, kek, users.donghu, tip.id, '  ', later(1))).toEqual({ ok: false, fields: { text: ['请填写留言内容'] } });
    expect(postStaffMessage(db, kek, users.donghu, tip.id, '请补充作坊的具体门牌号。', later(2))).toMatchObject({ ok: true });
    const view = await trackTip(db, tip.receiptNo, tip.accessCode, kek);
    expect(view?.messages).toEqual([{ author: 'staff', text: '请补充作坊的具体门牌号。', at: later(2).toISOString(), files: [] }]);
    const [entry] = auditOf(tip.id);
    expect(entry).toMatchObject({ action: 'reporterMessaged', userId: users.donghu.id });
    expect(JSON.stringify(entry)).not.toContain('门牌号');
  });
});

describe('refusals leave nothing written', () => {
  it('a stale form, a step the machine does not have, and a second officer acting on the same status', async () => {
    const tip = await fileTip({ countyCode: '360102' });
    const before = snapshot(tip.id);
    expect(refusalOf(() => applyTransition(db, kek, users.donghu, form(tip.id, 'openCase', 'accepted'), later(1)))).toBe('stale');
    expect(refusalOf(() => applyTransition(db, kek, users.donghu, form(tip.id, 'openCase', 'submitted'), later(1)))).toBe('notAllowed');
    expect(refusalOf(() => applyTransition(db, kek, users.donghu, form(tip.id, 'pay', 'submitted', { paidOn: TODAY }), later(1)))).toBe('notAllowed');
    expect(snapshot(tip.id)).toEqual(before);
    // two officers on the same form: the second is refused
    expect(applyTransition(db, kek, users.donghu, form(tip.id, 'accept', 'submitted'), later(2)).ok).toBe(true);
    const after = snapshot(tip.id);
    expect(refusalOf(() => applyTransition(db, kek, users.nanchang, form(tip.id, 'decline', 'submitted', { reason: '重复举报' }), later(3)))).toBe('stale');
    expect(snapshot(tip.id)).toEqual(after);
  });

  it('field errors: a penalty of another county, an ambiguous decision no., a payment day before the decision', async () => {
    const tip = await fileTip({ ...REAL_NAME, countyCode: '360102' });
    penalty('360103', '西湖市监罚〔2026〕7号', 50_000, 0);
    penalty('360102', '东湖市监罚〔2026〕8号', 1000, 0);
    penalty('360102', '东湖市监罚〔2026〕8号', 2000, 0);
    applyTransition(db, kek, users.donghu, form(tip.id, 'accept', 'submitted'), later(1));
    applyTransition(db, kek, users.donghu, form(tip.id, 'openCase', 'accepted'), later(2));
    const before = snapshot(tip.id);
    const close = (ref: string) => applyTransition(db, kek, users.donghu, form(tip.id, 'close', 'caseOpened', { outcome: '已处罚', penalty: ref }), later(3));
    expect(close('西湖市监罚〔2026〕7号')).toEqual({ ok: false, fields: { penalty: ['没有找到该处罚：请填写本件管辖范围内已录入的处罚决定书文号或处罚编号'] } });
    expect(close('东湖市监罚〔2026〕8号')).toEqual({ ok: false, fields: { penalty: ['该文号对应多条处罚，请改填处罚编号'] } });
    expect(close('#999999')).toMatchObject({ ok: false, fields: { penalty: [expect.stringContaining('没有找到该处罚')] } });
    // a penalty decided before the tip was filed did not result from it
    penalty('360102', '东湖市监罚〔2025〕3号', 1000, 0, '2025-06-01');
    expect(close('东湖市监罚〔2025〕3号')).toEqual({ ok: false, fields: { penalty: ['该处罚决定早于本件举报，不能作为本件的处理结果'] } });
    expect(snapshot(tip.id)).toEqual(before);
    // the penalty id of one of the two picks it
    const id = db.select({ id: penalties.id }).from(penalties).where(eq(penalties.fineYuan, 2000)).get()?.id;
    expect(close(`#${id}`)).toEqual({ ok: true, status: 'closed' });

    applyTransition(db, kek, users.nanchang, form(tip.id, 'decideReward', 'closed', { level: '3', eligibilityChecked: '1' }), later(4));
    expect(db.select().from(rewards).where(eq(rewards.tipId, tip.id)).get()?.amountYuan).toBe(1000);
    const decided = snapshot(tip.id);
    expect(applyTransition(db, kek, users.donghu, form(tip.id, 'pay', 'rewardDecided', { paidOn: '2026-11-28' }), later(5))).toEqual({ ok: false, fields: { paidOn: ['发放日期不能早于奖励核定日期（2026-11-29）'] } });
    expect(applyTransition(db, kek, users.donghu, form(tip.id, 'pay', 'rewardDecided', { paidOn: '2026-11-30' }), later(5))).toEqual({ ok: false, fields: { paidOn: ['发放日期不能晚于今天'] } });
    expect(snapshot(tip.id)).toEqual(decided);
    // a tip about a registered workshop: another party's penalty is not its outcome
    const workshop = db.insert(parties).values({ kind: 'workshop', name: '测试登记小作坊', countyCode: '360102', source: 'demo', updatedAt: NOW.toISOString() }).returning({ id: parties.id }).get();
    const aboutWorkshop = await fileTip({ workshopId: String(workshop.id), countyCode: '360102' });
    applyTransition(db, kek, users.donghu, form(aboutWorkshop.id, 'accept', 'submitted'), later(1));
    applyTransition(db, kek, users.donghu, form(aboutWorkshop.id, 'openCase', 'accepted'), later(2));
    penalty('360102', '东湖市监罚〔2026〕66号', 1000, 0);
    expect(applyTransition(db, kek, users.donghu, form(aboutWorkshop.id, 'close', 'caseOpened', { outcome: '已处罚', penalty: '东湖市监罚〔2026〕66号' }), later(3))).toEqual({
      ok: false,
      fields: { penalty: ['该处罚的当事人不是本件被举报的小作坊'] },
    });
  });

  it('a reward for a reporter who claimed none, or an ineligible one, is refused', async () => {
    const anonymous = await fileTip({ countyCode: '360102' });
    const claimed = await fileTip({ ...REAL_NAME, countyCode: '360102' });
    penalty('360102', '东湖市监罚〔2026〕9号', 300_000, 0);
    penalty('360102', '东湖市监罚〔2026〕10号', 300_000, 0);
    for (const [tip, ref] of [[anonymous, '东湖市监罚〔2026〕9号'], [claimed, '东湖市监罚〔2026〕10号']] as const) {
      applyTransition(db, kek, users.donghu, form(tip.id, 'accept', 'submitted'), later(1));
      applyTransition(db, kek, users.donghu, form(tip.id, 'openCase', 'accepted'), later(2));
      expect(applyTransition(db, kek, users.donghu, form(tip.id, 'close', 'caseOpened', { outcome: '已处罚', penalty: ref }), later(3))).toEqual({ ok: true, status: 'closed' });
    }
    // one penalty is the outcome of one tip: it cannot fund a second reward
    const third = await fileTip({ ...REAL_NAME, countyCode: '360102' });
    applyTransition(db, kek, users.donghu, form(third.id, 'accept', 'submitted'), later(1));
    applyTransition(db, kek, users.donghu, form(third.id, 'openCase', 'accepted'), later(2));
    expect(applyTransition(db, kek, users.donghu, form(third.id, 'close', 'caseOpened', { outcome: '已处罚', penalty: '东湖市监罚〔2026〕10号' }), later(3))).toEqual({
      ok: false,
      fields: { penalty: ['该处罚已是另一件举报的处理结果，一件处罚只能据以核定一次奖励'] },
    });
    const before = snapshot(anonymous.id);
    expect(refusalOf(() => applyTransition(db, kek, users.nanchang, form(anonymous.id, 'decideReward', 'closed', { level: '1', eligibilityChecked: '1' }), later(4)))).toBe('refused');
    expect(snapshot(anonymous.id)).toEqual(before);
    const beforeClaimed = snapshot(claimed.id);
    expect(applyTransition(db, kek, users.nanchang, form(claimed.id, 'decideReward', 'closed', { level: '1', eligibilityChecked: '1', isOffender: '1' }), later(4))).toEqual({ ok: false, fields: { eligibility: ['不予奖励：举报人是违法行为的实施者'] } });
    expect(snapshot(claimed.id)).toEqual(beforeClaimed);
  });

  it('a failure in the middle of a step (the message cannot be sealed) rolls back the status and the event', async () => {
    const tip = await fileTip({ ...REAL_NAME, countyCode: '360102' });
    const before = snapshot(tip.id);
    expect(() => applyTransition(db, wrongKek, users.donghu, form(tip.id, 'accept', 'submitted'), later(1))).toThrow();
    expect(snapshot(tip.id)).toEqual(before);
  });
});

describe('jurisdiction', () => {
  it('a county officer neither sees nor acts on another county’s tip; a tip without a county is the province’s', async () => {
    const donghuTip = await fileTip({ ...REAL_NAME, countyCode: '360102' }, [{ bytes: await png(), originalName: '现场.png' }]);
    const xihuTip = await fileTip({ countyCode: '360103' });
    const provinceTip = await fileTip({});
    const { admin, nanchang, donghu, xihu, jingdezhen } = users;
    const divisions = [...loadDivisions(db).values()];
    const queue = (actor: Actor, qs = '') => listTipQueue(db, actor, parseQueueQuery(new URLSearchParams(qs)), TODAY, divisions).rows.map((r) => r.id);

    expect(queue(donghu)).toEqual([donghuTip.id]);
    expect(queue(xihu)).toEqual([xihuTip.id]);
    expect(queue(jingdezhen)).toEqual([]);
    expect(queue(nanchang).sort()).toEqual([donghuTip.id, xihuTip.id].sort());
    expect(queue(admin).sort()).toEqual([donghuTip.id, xihuTip.id, provinceTip.id].sort());
    expect(queue(admin, 'county=360000')).toEqual([provinceTip.id]);
    expect(queue(admin, 'county=360100').sort()).toEqual([donghuTip.id, xihuTip.id].sort());
    expect(queue(nanchang, 'county=360103')).toEqual([xihuTip.id]);

    const before = snapshot(donghuTip.id);
    for (const outsider of [xihu, jingdezhen]) {
      expect(refusalOf(() => tipDetail(db, kek, outsider, donghuTip.id, TODAY))).toBe('notFound');
      expect(refusalOf(() => applyTransition(db, kek, outsider, form(donghuTip.id, 'accept', 'submitted'), later(1)))).toBe('notFound');
      expect(refusalOf(() => postStaffMessage(db, kek, outsider, donghuTip.id, '你好', later(1)))).toBe('notFound');
      expect(refusalOf(() => revealIdentity(db, kek, outsider, donghuTip.id, '核实身份信息', later(1)))).toBe('notFound');
      const fileId = tipDetail(db, kek, donghu, donghuTip.id, TODAY).evidence[0]?.id ?? 0;
      expect(await refusalOfAsync(() => openOriginalEvidence(db, kek, dir, outsider, donghuTip.id, fileId, '核实证据原件', later(1)))).toBe('notFound');
      expect(await refusalOfAsync(() => openPreview(db, kek, dir, outsider, donghuTip.id, fileId))).toBe('notFound');
    }
    // a tip that does not exist answers the same as one outside the view
    expect(refusalOf(() => tipDetail(db, kek, xihu, 999_999, TODAY))).toBe('notFound');
    // the provincial administrator sees a county's tip but opens only province-level identities
    expect(tipDetail(db, kek, admin, donghuTip.id, TODAY).can).toEqual({ revealIdentity: false, openEvidence: false, messageReporter: true, viewAudit: true });
    expect(refusalOf(() => revealIdentity(db, kek, admin, donghuTip.id, '核实身份信息', later(1)))).toBe('forbidden');
    expect(tipDetail(db, kek, admin, provinceTip.id, TODAY).can.revealIdentity).toBe(true);
    // the county officer's detail: the steps it may take, not deciding a reward
    expect(tipDetail(db, kek, donghu, donghuTip.id, TODAY)).toMatchObject({ transitions: ['accept', 'decline'], claimsReward: true, divisionCode: '360102' });
    expect(snapshot(donghuTip.id)).toEqual(before);
  });

  it('a tip about a registered workshop without a chosen county belongs to the workshop’s county', async () => {
    const party = db.insert(parties).values({ kind: 'workshop', name: '测试老街米粉坊', countyCode: '360103', registrationNo: 'XZF-TEST-1', source: 'demo', updatedAt: NOW.toISOString() }).returning({ id: parties.id }).get();
    const tip = await fileTip({ workshopId: String(party.id) });
    db.update(tips).set({ subjectCountyCode: null }).where(eq(tips.id, tip.id)).run();
    expect(tipDetail(db, kek, users.xihu, tip.id, TODAY).divisionCode).toBe('360103');
    expect(refusalOf(() => tipDetail(db, kek, users.donghu, tip.id, TODAY))).toBe('notFound');
  });
});

describe('opening what is confidential is audited first', () => {
  it('the identity: the reason, who, when and which tip are logged; an anonymous tip has nothing to open', async () => {
    const tip = await fileTip({ ...REAL_NAME, countyCode: '360102' });
    const r = revealIdentity(db, kek, users.donghu, tip.id, '电话告知举报人处理结果', later(1));
    expect(r).toEqual({ kind: 'revealed', identity: { name: '测试举报人', mobile: '13800138000', idNumber: '11010519491231002X', claimReward: true } });
    expect(auditOf(tip.id)).toEqual([
      expect.objectContaining({ action: 'identityRevealed', userId: users.donghu.id, tipId: tip.id, divisionCode: '360102', target: `tip:${tip.id}`, reason: '电话告知举报人处理结果', at: later(1).toISOString() }),
    ]);
    expect(JSON.stringify(auditOf(tip.id))).not.toMatch(/测试举报人|13800138000/u);

    const anonymous = await fileTip({ countyCode: '360102' });
    expect(revealIdentity(db, kek, users.donghu, anonymous.id, '电话告知举报人处理结果', later(2))).toEqual({ kind: 'anonymous' });
    expect(auditOf(anonymous.id)).toEqual([]);
  });

  it('the audit row is written before decrypting: it stays when the decryption fails', async () => {
    const tip = await fileTip({ ...REAL_NAME, countyCode: '360102' });
    expect(() => revealIdentity(db, wrongKek, users.donghu, tip.id, '核实举报人身份', later(1))).toThrow();
    expect(auditOf(tip.id).map((a) => a.action)).toEqual(['identityRevealed']);
  });

  it('an original file: the file and the reason are logged, the bytes are the original’s; the preview is another file and not logged', async () => {
    const bytes = await png();
    const tip = await fileTip({ ...REAL_NAME, countyCode: '360102' }, [{ bytes, originalName: '现场.png' }]);
    const [file] = tipDetail(db, kek, users.donghu, tip.id, TODAY).evidence;
    if (!file) throw new Error('no evidence');
    expect(await openPreview(db, kek, dir, users.donghu, tip.id, file.id)).toBeNull();
    await runPendingPreviews({ db, kek, dataDir: dir });
    const preview = await openPreview(db, kek, dir, users.donghu, tip.id, file.id);
    expect(preview?.mediaType).toBe('image/jpeg');
    expect(preview?.bytes.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
    expect(auditOf(tip.id)).toEqual([]);

    const opened = await openOriginalEvidence(db, kek, dir, users.donghu, tip.id, file.id, '提取原件元数据作为证据', later(1));
    expect(opened.mediaType).toBe('image/png');
    expect(Buffer.compare(opened.bytes, Buffer.from(bytes))).toBe(0);
    expect(auditOf(tip.id)).toEqual([
      expect.objectContaining({ action: 'evidenceOpened', userId: users.donghu.id, tipId: tip.id, target: `tipEvidence:${file.id}`, reason: '提取原件元数据作为证据', details: { position: 0, mediaType: 'image/png', sizeBytes: bytes.byteLength, sha256: file.sha256 } }),
    ]);
    // the city supervisor may open it too; the provincial administrator may not, and nothing is logged then
    await openOriginalEvidence(db, kek, dir, users.nanchang, tip.id, file.id, '复核证据', later(2));
    expect(await refusalOfAsync(() => openOriginalEvidence(db, kek, dir, users.admin, tip.id, file.id, '复核证据', later(3)))).toBe('forbidden');
    expect(await refusalOfAsync(() => openOriginalEvidence(db, kek, dir, users.donghu, tip.id, file.id + 1000, '复核证据', later(3)))).toBe('notFound');
    expect(auditOf(tip.id).map((a) => a.userId)).toEqual([users.donghu.id, users.nanchang.id]);
  });
});

describe('the queue', () => {
  it('sorts by due day, filters by status, category and clock, and pages', async () => {
    const divisions = [...loadDivisions(db).values()];
    const ids: number[] = [];
    for (let i = 0; i < 23; i++) ids.push((await fileTip({ countyCode: '360102', category: i % 2 ? 'labelling' : 'hygiene' })).id);
    // one tip older (due earlier), one with a case open (90 days: due last among clocks), one closed (no clock)
    db.update(tips).set({ submittedAt: '2026-10-01T02:00:00.000Z' }).where(eq(tips.id, ids[5] ?? 0)).run();
    applyTransition(db, kek, users.donghu, form(ids[6] ?? 0, 'accept', 'submitted'), later(1));
    applyTransition(db, kek, users.donghu, form(ids[6] ?? 0, 'openCase', 'accepted'), later(2));
    applyTransition(db, kek, users.donghu, form(ids[7] ?? 0, 'accept', 'submitted'), later(1));
    applyTransition(db, kek, users.donghu, form(ids[7] ?? 0, 'closeWithoutCase', 'accepted', { outcome: '经核查无违法行为' }), later(2));
    const list = (qs: string) => listTipQueue(db, users.donghu, parseQueueQuery(new URLSearchParams(qs)), TODAY, divisions);

    const first = list('');
    expect(first.total).toBe(23);
    expect(first.totalPages).toBe(2);
    expect(first.rows).toHaveLength(20);
    expect(first.rows[0]).toMatchObject({ id: ids[5], due: { clock: 'acceptance', state: 'overdue' } });
    const last = list('page=2');
    expect(last.rows.at(-1)).toMatchObject({ id: ids[7], status: 'closed', due: { state: 'none' } });
    expect(last.rows.at(-2)).toMatchObject({ id: ids[6], due: { clock: 'case', state: 'onTrack' } });
    expect(list('page=99').page).toBe(2);
    expect(list('status=caseOpened').rows.map((r) => r.id)).toEqual([ids[6]]);
    expect(list('due=overdue').rows.map((r) => r.id)).toEqual([ids[5]]);
    expect(list('due=none').rows.map((r) => r.id)).toEqual([ids[7]]);
    expect(list('category=labelling').total).toBe(11);
    expect(list(`dueBy=${todayInShanghai(new Date('2026-10-30T00:00:00Z'))}`).rows.map((r) => r.id)).toEqual([ids[5]]);
    expect(list('status=rewardPaid')).toMatchObject({ rows: [], total: 0, page: 1, totalPages: 1 });
  });
});

describe('the audit view', () => {
  it('is scoped to the jurisdiction, filtered by tip, action, user and date; county officers may not read it', async () => {
    const tip = await fileTip({ ...REAL_NAME, countyCode: '360102' });
    revealIdentity(db, kek, users.donghu, tip.id, '电话告知举报人处理结果', later(1));
    applyTransition(db, kek, users.donghu, form(tip.id, 'accept', 'submitted'), later(2));
    const page = (actor: Actor, qs: string) => auditPage(db, actor, parseAuditQuery(new URLSearchParams(qs)));

    expect(canViewAudit(users.donghu)).toBe(false);
    expect(canViewAudit(users.nanchang)).toBe(true);
    expect(page(users.nanchang, `tip=${tip.receiptNo}`).rows.map((r) => r.action)).toEqual(['tipTransitioned', 'identityRevealed']);
    expect(page(users.jingdezhen, `tip=${tip.receiptNo}`).rows).toEqual([]);
    const reveal = page(users.nanchang, 'action=identityRevealed');
    expect(reveal.rows).toEqual([expect.objectContaining({ userName: 'dh-officer', username: 'dh-officer', receiptNo: tip.receiptNo, reason: '电话告知举报人处理结果' })]);
    expect(page(users.admin, `user=${users.donghu.id}&action=tipTransitioned`).total).toBe(1);
    expect(page(users.admin, `from=${TODAY}&to=${TODAY}&tip=${tip.receiptNo}`).total).toBe(2);
    expect(page(users.admin, `to=2026-11-28&tip=${tip.receiptNo}`).total).toBe(0);
    // a malformed filter matches nothing rather than everything
    expect(page(users.admin, 'tip=12345')).toMatchObject({ total: 0, problems: ['tip'] });
    // the provincial administrator reads every entry, sign-in events without a division included
    expect(page(users.admin, '').total).toBe(db.select({ n: count() }).from(auditLog).get()?.n);
    // append-only
    expect(() => db.update(auditLog).set({ reason: 'x' }).run()).toThrow();
    expect(() => db.delete(auditLog).run()).toThrow();
  });
});
