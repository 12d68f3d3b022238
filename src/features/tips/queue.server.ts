/**
 * The tip queue and the tip detail of the back office (/admin/tips, /admin/tips/{id}; issue #5
 * point 3): only tips whose division (./access.server.ts) the user may `viewTips`. The detail
 * never carries the reporter's identity (./confidential.server.ts opens it, audited); it carries
 * whether a reward is claimed, read from the sealed identity on the server.
 */
import { and, asc, count, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { parties, penalties, rewards, staffUsers, tipEvents, tipEvidence, tipMessages, tips, type Division, type Penalty, type Reward, type TipEvidence } from '../../db/schema.ts';
import { todayInShanghai } from '../../lib/dates.ts';
import { can, jurisdictionOf, type Actor } from '../staff/authz.ts';
import { PROVINCE_CODE } from '../staff/staff.ts';
import { claimsReward, tipDivisionOf, tipDivisionSql, tipInScope } from './access.server.ts';
import { tipClocks, type TipClocks } from './clocks.ts';
import type { Kek } from './envelope.server.ts';
import { listMessages, type MessageView } from './messages.server.ts';
import { compareForQueue, dueOf, QUEUE_PAGE_SIZE, type QueueQuery, type TipDue } from './queue.ts';
import { rewardOptions, TRANSITIONS, transitionsFrom, type TipStatus, type TransitionKind } from './workflow.ts';

/** One row of the queue. */
export interface QueueRow {
  id: number;
  receiptNo: string;
  status: TipStatus;
  subjectName: string;
  divisionCode: string;
  category: string;
  submittedAt: string;
  reporterMode: 'anonymous' | 'realName';
  duplicate: boolean;
  proofOfWork: boolean;
  evidenceCount: number;
  due: TipDue;
}

/** A page of the queue: `total` rows match, `page` of `totalPages` (at least 1). */
export interface QueuePage {
  rows: QueueRow[];
  total: number;
  page: number;
  totalPages: number;
}

/** The `YYYY-MM-DD` of an instant in Asia/Shanghai. */
function dayOf(iso: string): string {
  return todayInShanghai(new Date(iso));
}

/**
 * The divisions the queue's `county` filter stands for, or undefined for no filter: a county
 * itself; a city with its counties; the province code for province-level tips only.
 */
function countyFilter(code: string | undefined, links: readonly { code: string; parentCode: string | null }[]): string[] | undefined {
  if (code === undefined) return undefined;
  if (code === PROVINCE_CODE) return [PROVINCE_CODE];
  return [...jurisdictionOf(code, links)];
}

/**
 * The queue of `actor` for `query` on `today` (`YYYY-MM-DD`, Asia/Shanghai), `divisionsList` being
 * the `divisions` rows (for a city filter's counties): the tips of the
 * actor's view matching status, county and category (in SQL), then due state and due-by day
 * (after computing each tip's clock: ./queue.ts `dueOf`), sorted (`compareForQueue`) and cut to
 * `QUEUE_PAGE_SIZE` rows of `query.page` (clamped to the last page). The clocks are computed in
 * memory for every matching tip; a province's open tips (thousands) take milliseconds.
 */
export function listTipQueue(db: Db, actor: Actor, query: QueueQuery, today: string, divisionsList: readonly Division[]): QueuePage {
  const codes = [...actor.jurisdiction];
  if (codes.length === 0) return { rows: [], total: 0, page: 1, totalPages: 1 };
  const division = tipDivisionSql();
  const where: SQL[] = [inArray(division, codes)];
  if (query.status) where.push(eq(tips.status, query.status));
  if (query.category) where.push(eq(tips.category, query.category));
  const county = countyFilter(query.county, divisionsList);
  if (county) where.push(inArray(division, county.length ? county : ['']));
  const caseOpenedAt = sql<string | null>`(select max(e.at) from tip_events e where e.tip_id = ${tips.id} and e.status = 'caseOpened')`;
  const evidenceCount = sql<number>`(select count(*) from tip_evidence f where f.tip_id = ${tips.id})`;
  const rows = db
    .select({
      id: tips.id,
      receiptNo: tips.receiptNo,
      status: tips.status,
      subjectName: tips.subjectName,
      divisionCode: division,
      category: tips.category,
      submittedAt: tips.submittedAt,
      reporterMode: tips.reporterMode,
      duplicateOf: tips.duplicateOfTipId,
      proofOfWork: tips.proofOfWork,
      evidenceCount,
      caseOpenedAt,
    })
    .from(tips)
    .leftJoin(parties, eq(tips.partyId, parties.id))
    .where(and(...where))
    .all()
    .filter((r) => can(actor, 'viewTips', { divisionCode: r.divisionCode }))
    .map(
      (r): QueueRow => ({
        id: r.id,
        receiptNo: r.receiptNo,
        status: r.status,
        subjectName: r.subjectName,
        divisionCode: r.divisionCode,
        category: r.category,
        submittedAt: r.submittedAt,
        reporterMode: r.reporterMode,
        duplicate: r.duplicateOf !== null,
        proofOfWork: r.proofOfWork,
        evidenceCount: Number(r.evidenceCount),
        due: dueOf(r.status, dayOf(r.submittedAt), r.caseOpenedAt ? dayOf(r.caseOpenedAt) : null, today),
      }),
    )
    .filter((r) => (query.due ? r.due.state === query.due : true))
    .filter((r) => (query.dueBy ? r.due.day !== null && r.due.day <= query.dueBy : true))
    .sort((a, b) => compareForQueue(query.sort, a, b));
  const totalPages = Math.max(1, Math.ceil(rows.length / QUEUE_PAGE_SIZE));
  const page = Math.min(query.page, totalPages);
  return { rows: rows.slice((page - 1) * QUEUE_PAGE_SIZE, page * QUEUE_PAGE_SIZE), total: rows.length, page, totalPages };
}

/** Whether any tip exists in `actor`'s view (for the queue's empty state). */
export function anyTipInView(db: Db, actor: Actor): boolean {
  const codes = [...actor.jurisdiction];
  if (codes.length === 0) return false;
  const row = db.select({ n: count() }).from(tips).leftJoin(parties, eq(tips.partyId, parties.id)).where(inArray(tipDivisionSql(), codes)).get();
  return (row?.n ?? 0) > 0;
}

/** A status event as staff see it: with the name of the staff user who made it. */
export interface DetailEvent {
  status: string;
  at: string;
  note: string | null;
  staffName: string | null;
}

/** The tip detail (see `tipDetail`). */
export interface TipDetail {
  id: number;
  receiptNo: string;
  status: TipStatus;
  divisionCode: string;
  party: { id: number; name: string } | null;
  subjectName: string;
  subjectPlace: string | null;
  category: string;
  description: string;
  occurredOn: string | null;
  submittedAt: string;
  reporterMode: 'anonymous' | 'realName';
  /** a real-name reporter who claimed a reward (read from the sealed identity, flag only) */
  claimsReward: boolean;
  duplicateOf: { id: number; receiptNo: string; visible: boolean } | null;
  duplicatedBy: number;
  proofOfWork: boolean;
  declineReason: string | null;
  caseOutcome: string | null;
  /** the running clock, and both clocks (the case clock once 立案) */
  due: TipDue;
  clocks: TipClocks;
  events: DetailEvent[];
  messages: MessageView[];
  evidence: TipEvidence[];
  penalty: (Pick<Penalty, 'id' | 'decisionNo' | 'fineYuan' | 'confiscationYuan' | 'decidedOn' | 'authority'> & { partyName: string }) | null;
  reward: (Reward & { decidedByName: string | null; paidByName: string | null }) | null;
  /** the reward of each level for the tip's penalty (reward.ts), when a reward can be decided */
  rewardOptions: ReturnType<typeof rewardOptions>;
  /** the transitions the machine allows now and `actor` may make */
  transitions: TransitionKind[];
  can: { revealIdentity: boolean; openEvidence: boolean; messageReporter: boolean; viewAudit: boolean };
  /** the value of `expectedStatus` in the transition forms */
  expectedStatus: TipStatus;
}

/**
 * Tip `tipId` as `actor` sees it on `today`, messages decrypted with `kek`. Throws
 * ./access.server.ts `TipAccessError('notFound')` when the tip does not exist or is outside the
 * actor's view.
 */
export function tipDetail(db: Db, kek: Kek, actor: Actor, tipId: number, today: string): TipDetail {
  const { tip, party, divisionCode } = tipInScope(db, actor, tipId);
  const names = new Map(
    db
      .select({ id: staffUsers.id, displayName: staffUsers.displayName })
      .from(staffUsers)
      .all()
      .map((u) => [u.id, u.displayName]),
  );
  const events = db.select().from(tipEvents).where(eq(tipEvents.tipId, tip.id)).orderBy(asc(tipEvents.at), asc(tipEvents.id)).all();
  const opened = events.findLast((e) => e.status === 'caseOpened');
  const hasMessages = db.select({ id: tipMessages.id }).from(tipMessages).where(eq(tipMessages.tipId, tip.id)).limit(1).get() !== undefined;
  const original = tip.duplicateOfTipId
    ? db.select().from(tips).leftJoin(parties, eq(tips.partyId, parties.id)).where(eq(tips.id, tip.duplicateOfTipId)).get()
    : undefined;
  const penaltyRow = tip.penaltyId
    ? db
        .select({ id: penalties.id, decisionNo: penalties.decisionNo, fineYuan: penalties.fineYuan, confiscationYuan: penalties.confiscationYuan, decidedOn: penalties.decidedOn, authority: penalties.authority, partyName: parties.name })
        .from(penalties)
        .innerJoin(parties, eq(penalties.partyId, parties.id))
        .where(eq(penalties.id, tip.penaltyId))
        .get()
    : undefined;
  const rewardRow = db.select().from(rewards).where(eq(rewards.tipId, tip.id)).get();
  const receivedOn = dayOf(tip.submittedAt);
  const caseOpenedOn = opened ? dayOf(opened.at) : null;
  const claims = tip.reporterMode === 'realName' && claimsReward(kek, tip);
  const target = { divisionCode };
  return {
    id: tip.id,
    receiptNo: tip.receiptNo,
    status: tip.status,
    divisionCode,
    party: party ? { id: party.id, name: party.name } : null,
    subjectName: tip.subjectName,
    subjectPlace: tip.subjectPlace,
    category: tip.category,
    description: tip.description,
    occurredOn: tip.occurredOn,
    submittedAt: tip.submittedAt,
    reporterMode: tip.reporterMode,
    claimsReward: claims,
    duplicateOf: original
      ? { id: original.tips.id, receiptNo: original.tips.receiptNo, visible: can(actor, 'viewTips', { divisionCode: tipDivisionOf(original.tips, original.parties) }) }
      : null,
    duplicatedBy: db.select({ n: count() }).from(tips).where(eq(tips.duplicateOfTipId, tip.id)).get()?.n ?? 0,
    proofOfWork: tip.proofOfWork,
    declineReason: tip.declineReason,
    caseOutcome: tip.caseOutcome,
    due: dueOf(tip.status, receivedOn, caseOpenedOn, today),
    clocks: tipClocks({ receivedOn, caseOpenedOn, today }),
    events: events.map((e) => ({ status: e.status, at: e.at, note: e.note, staffName: e.staffUserId === null ? null : (names.get(e.staffUserId) ?? null) })),
    messages: hasMessages ? listMessages(db, kek, tip.id) : [],
    evidence: db.select().from(tipEvidence).where(eq(tipEvidence.tipId, tip.id)).orderBy(asc(tipEvidence.position)).all(),
    penalty: penaltyRow ?? null,
    reward: rewardRow
      ? { ...rewardRow, decidedByName: names.get(rewardRow.decidedBy) ?? null, paidByName: rewardRow.paidBy === null ? null : (names.get(rewardRow.paidBy) ?? null) }
      : null,
    rewardOptions: tip.status === 'closed' && claims && penaltyRow ? rewardOptions(penaltyRow) : [],
    transitions: transitionsFrom(tip.status).filter((k) => can(actor, TRANSITIONS[k].permission, target)),
    can: {
      revealIdentity: can(actor, 'revealIdentity', target),
      openEvidence: can(actor, 'openEvidence', target),
      messageReporter: can(actor, 'messageReporter', target),
      viewAudit: can(actor, 'viewAudit', target),
    },
    expectedStatus: tip.status,
  };
}
