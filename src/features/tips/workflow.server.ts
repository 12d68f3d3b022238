/**
 * Applying a workflow transition to a tip (issue #5 point 4), in one transaction: the role and
 * jurisdiction (src/features/staff/authz.ts), the current status (optimistic: a tip changed since
 * the form was rendered is refused), the state machine and its rules (./workflow.ts), then the
 * writes: `tips` (status and fields), a `tipEvents` row with the staff user, the `rewards` row,
 * a sealed message to the reporter (shown on /report/track) and an audit row. Any refusal or
 * failure leaves nothing written.
 */
import { and, eq, inArray, isNull, ne } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { divisions, parties, penalties, rewards, tipEvents, tips } from '../../db/schema.ts';
import { todayInShanghai } from '../../lib/dates.ts';
import { tipsText as t } from '../../i18n/admin-tips.zh-CN.ts';
import { appendAudit } from '../staff/audit.server.ts';
import { jurisdictionOf, type Actor } from '../staff/authz.ts';
import { PROVINCE_CODE } from '../staff/staff.ts';
import type { Kek } from './envelope.server.ts';
import { claimsReward, TipAccessError, tipInScope, type Reader } from './access.server.ts';
import { cleanMessageText, insertStaffMessage, messageTextProblem } from './messages.server.ts';
import { planTransition, TRANSITIONS, type PenaltyFacts, type PenaltyLookup, type TipStatus, type TransitionForm } from './workflow.ts';

/** A transition's answer: done (the new status), or Chinese problems per form field (nothing written). */
export type TransitionResult = { ok: true; status: TipStatus } | { ok: false; fields: Record<string, string[]> };

const penaltyColumns = { id: penalties.id, decisionNo: penalties.decisionNo, fineYuan: penalties.fineYuan, confiscationYuan: penalties.confiscationYuan };

/**
 * The penalty a staff user named when closing a case: `ref` is a penalty id (digits, optionally
 * after `#`) or a decision no. (决定书文号, exact, spaces around it ignored). Only penalties of a
 * party in the tip's division or below it count (a province-level tip: any). Several such
 * penalties with that decision no. are `ambiguous`. With `tip`, a penalty that cannot be its
 * outcome is `unrelated` (another registered party's, decided before the tip, or already another
 * tip's outcome; see ./workflow.ts `PenaltyLookup`).
 */
export function findPenaltyForTip(db: Reader, ref: string, tipDivision: string, tip: { id: number; partyId: number | null; submittedAt: string } | null = null): PenaltyLookup {
  const links = db.select({ code: divisions.code, parentCode: divisions.parentCode }).from(divisions).all();
  const inside = jurisdictionOf(tipDivision, links);
  const key = ref.normalize('NFKC').trim();
  const byId = /^#?\d{1,12}$/u.test(key) ? Number(key.replace('#', '')) : null;
  const rows = db
    .select({ ...penaltyColumns, partyId: penalties.partyId, decidedOn: penalties.decidedOn, countyCode: parties.countyCode, cityCode: parties.cityCode })
    .from(penalties)
    .innerJoin(parties, eq(penalties.partyId, parties.id))
    .where(byId !== null ? eq(penalties.id, byId) : inArray(penalties.decisionNo, [...new Set([ref.trim(), key])]))
    .all()
    .filter((p) => tipDivision === PROVINCE_CODE || inside.has(p.countyCode ?? p.cityCode ?? PROVINCE_CODE));
  if (rows.length === 0) return { kind: 'notFound' };
  if (rows.length > 1) return { kind: 'ambiguous' };
  const p = rows[0];
  if (!p) return { kind: 'notFound' };
  if (tip) {
    if (tip.partyId !== null && p.partyId !== tip.partyId) return { kind: 'unrelated', reason: 'otherParty' };
    // a penalty decided before the tip was filed did not result from it (dates as YYYY-MM-DD or YYYY-MM)
    const filedOn = todayInShanghai(new Date(tip.submittedAt));
    if (p.decidedOn && p.decidedOn < filedOn.slice(0, p.decidedOn.length)) return { kind: 'unrelated', reason: 'beforeTip' };
    const other = db.select({ id: tips.id }).from(tips).where(and(eq(tips.penaltyId, p.id), ne(tips.id, tip.id))).get();
    if (other) return { kind: 'unrelated', reason: 'used' };
  }
  return { kind: 'found', penalty: { id: p.id, decisionNo: p.decisionNo, fineYuan: p.fineYuan, confiscationYuan: p.confiscationYuan } };
}

/** The penalty row `id` as the workflow reads it, or null. */
export function penaltyFacts(db: Reader, id: number | null): PenaltyFacts | null {
  if (id === null) return null;
  return db.select(penaltyColumns).from(penalties).where(eq(penalties.id, id)).get() ?? null;
}

/**
 * Applies `form` (a parsed ./workflow.ts `transitionFormSchema`) to tip `form.tipId` for `actor` at
 * `now`, in one transaction (see the module comment). Returns `{ ok: true, status }`, or field
 * problems in Chinese with nothing written. Throws `TipAccessError`: `notFound` (no such tip, or
 * outside the actor's view), `forbidden` (the transition's permission — transitionTip,
 * decideReward or recordPayment — not granted on the tip's division), `stale`, `notAllowed`,
 * `refused` (see ./workflow.ts `planTransition`); and database or key errors as they come (the
 * transaction then rolls back).
 */
export function applyTransition(db: Db, kek: Kek, actor: Actor, form: TransitionForm, now: Date = new Date()): TransitionResult {
  const at = now.toISOString();
  const rule = TRANSITIONS[form.transition];
  return db.transaction((tx): TransitionResult => {
    const { tip, divisionCode } = tipInScope(tx, actor, form.tipId, rule.permission);
    const status = tip.status;
    let penalty: PenaltyLookup = { kind: 'none' };
    if (form.transition === 'close' && form.penalty !== null) penalty = findPenaltyForTip(tx, form.penalty, divisionCode, tip);
    if (form.transition === 'decideReward') {
      const facts = penaltyFacts(tx, tip.penaltyId);
      penalty = facts ? { kind: 'found', penalty: facts } : { kind: 'none' };
    }
    const reward = tx.select({ decidedOn: rewards.decidedOn, paidOn: rewards.paidOn }).from(rewards).where(eq(rewards.tipId, tip.id)).get() ?? null;
    const plan = planTransition(form, {
      status,
      today: todayInShanghai(now),
      penalty,
      // the sealed identity is opened for the claim flag only, and only to decide a reward
      reporter: { realName: tip.reporterMode === 'realName', claimReward: form.transition === 'decideReward' && status === 'closed' ? claimsReward(kek, tip) : false },
      reward,
    });
    if (!plan.ok) {
      if (plan.problem === 'invalid') return { ok: false, fields: plan.fields };
      throw new TipAccessError(plan.problem, plan.message);
    }
    const p = plan.plan;
    const updated = tx
      .update(tips)
      .set({ status: p.to, ...p.tip, updatedAt: at })
      .where(and(eq(tips.id, tip.id), eq(tips.status, p.from)))
      .run();
    if (updated.changes !== 1) throw new TipAccessError('stale', t.errors.stale);
    tx.insert(tipEvents).values({ tipId: tip.id, status: p.to, at, note: p.eventNote, staffUserId: actor.id }).run();
    if (p.reward) tx.insert(rewards).values({ tipId: tip.id, ...p.reward, decidedBy: actor.id }).run();
    if (p.paidOn) {
      const paid = tx
        .update(rewards)
        .set({ paidOn: p.paidOn, paidBy: actor.id })
        .where(and(eq(rewards.tipId, tip.id), isNull(rewards.paidOn)))
        .run();
      if (paid.changes !== 1) throw new TipAccessError('stale', t.errors.stale);
    }
    const messageId = insertStaffMessage(tx, kek, tip.id, p.message, at);
    appendAudit(
      tx,
      {
        userId: actor.id,
        action: p.kind === 'decideReward' ? 'rewardDecided' : p.kind === 'pay' ? 'rewardPaid' : 'tipTransitioned',
        tipId: tip.id,
        divisionCode,
        target: `tip:${tip.id}`,
        reason: p.kind === 'decline' ? (p.tip.declineReason ?? null) : null,
        details: { ...p.audit, messageId },
      },
      now,
    );
    return { ok: true, status: p.to };
  });
}

/**
 * Posts a message from staff to the reporter of tip `tipId` (permission `messageReporter` on the
 * tip's division), sealed like the reporter's, with an audit row (the message id, never its
 * text). `text` is cleaned like the reporter's (1–2000 characters after removing invisible
 * characters); a bad one returns `{ ok: false, fields: { text } }` with nothing written. Throws
 * `TipAccessError` (`notFound`, `forbidden`).
 */
export function postStaffMessage(db: Db, kek: Kek, actor: Actor, tipId: number, text: string, now: Date = new Date()): { ok: true; messageId: number } | { ok: false; fields: Record<string, string[]> } {
  const cleaned = cleanMessageText(text);
  return db.transaction((tx) => {
    const { tip, divisionCode } = tipInScope(tx, actor, tipId, 'messageReporter');
    const problem = messageTextProblem(cleaned);
    if (problem) return { ok: false as const, fields: { text: [cleaned === '' ? t.validation.textRequired : t.validation.textTooLong] } };
    const at = now.toISOString();
    const messageId = insertStaffMessage(tx, kek, tip.id, cleaned, at);
    appendAudit(tx, { userId: actor.id, action: 'reporterMessaged', tipId: tip.id, divisionCode, target: `tip:${tip.id}`, details: { messageId } }, now);
    return { ok: true as const, messageId };
  });
}
