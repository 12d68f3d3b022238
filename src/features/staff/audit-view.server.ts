/**
 * The audit log as /admin/audit shows it (issue #5 point 7): read-only, newest first, filtered by
 * user, tip, action and date, scoped to the viewer's jurisdiction (./audit.server.ts `divisionCodes`:
 * a city supervisor reads the entries about its divisions; the provincial administrator reads
 * all, including entries about no division such as a failed sign-in with an unknown name).
 * Nothing here writes: the log is append-only and the view has no way to change it.
 */
import { inArray } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { staffUsers, tips, type AuditEntry } from '../../db/schema.ts';
import { addDays, isDay } from '../../lib/dates.ts';
import { normalizeReceiptNo } from '../tips/tip.ts';
import { auditActionsIn, countAudit, queryAudit, type AuditFilter } from './audit.server.ts';
import { can, type Actor } from './authz.ts';
import { PROVINCE_CODE } from './staff.ts';

/** Entries per page. */
export const AUDIT_PAGE_SIZE = 50;

/**
 * The view's query as typed (every value optional, kept for the form): `user` (a staff user id),
 * `tip` (a 16-digit receipt no., dashes and spaces allowed), `action` (an audit action name),
 * `from`/`to` (`YYYY-MM-DD`, Asia/Shanghai, both inclusive), `page` (≥ 1).
 */
export interface AuditQuery {
  user: string;
  tip: string;
  action: string;
  from: string;
  to: string;
  page: number;
}

/** Reads the view's query from URL search parameters (values cut to 40 characters). */
export function parseAuditQuery(params: URLSearchParams): AuditQuery {
  const get = (name: string) => (params.get(name) ?? '').trim().slice(0, 40);
  const page = Number(get('page'));
  return { user: get('user'), tip: get('tip'), action: get('action'), from: get('from'), to: get('to'), page: Number.isSafeInteger(page) && page >= 1 && page <= 100_000 ? page : 1 };
}

/** One entry as the view shows it: with the user's names and the tip's receipt no. */
export interface AuditRow extends AuditEntry {
  userName: string | null;
  username: string | null;
  receiptNo: string | null;
}

/** A page of the view: rows, total, page of totalPages; `problems` names the query fields that were malformed (their filter then matches nothing). */
export interface AuditPage {
  rows: AuditRow[];
  total: number;
  page: number;
  totalPages: number;
  problems: ('tip' | 'from' | 'to' | 'user')[];
}

/** Whether `actor` may read the audit log at all (viewAudit somewhere: city supervisors and the provincial administrator). */
export function canViewAudit(actor: Actor): boolean {
  return can(actor, 'viewAudit', { divisionCode: actor.divisionCode });
}

/** The divisions whose entries `actor` reads; undefined = every entry (the provincial administrator). */
export function auditScopeOf(actor: Actor): ReadonlySet<string> | undefined {
  return actor.divisionCode === PROVINCE_CODE && canViewAudit(actor) ? undefined : actor.jurisdiction;
}

/** The instant a Shanghai day starts, as ISO-8601 UTC. */
function dayStart(day: string): string {
  return new Date(`${day}T00:00:00+08:00`).toISOString();
}

/**
 * The page of entries `actor` may read for `query`. A malformed filter value (a receipt no. that
 * is not 16 digits, a day that is not `YYYY-MM-DD`, a user that is not a number) is reported in
 * `problems` and matches no entry, so a typo never widens the result. The caller checks
 * `canViewAudit` first.
 */
export function auditPage(db: Db, actor: Actor, query: AuditQuery): AuditPage {
  const problems: AuditPage['problems'] = [];
  const filter: AuditFilter = { divisionCodes: auditScopeOf(actor) };
  if (query.user) {
    if (/^\d{1,12}$/u.test(query.user)) filter.userId = Number(query.user);
    else problems.push('user');
  }
  if (query.tip) {
    const receipt = normalizeReceiptNo(query.tip);
    if (receipt) filter.tipId = db.select({ id: tips.id }).from(tips).where(inArray(tips.receiptNo, [receipt])).get()?.id ?? -1;
    else problems.push('tip');
  }
  if (query.action) filter.action = query.action;
  if (query.from) {
    if (isDay(query.from)) filter.from = dayStart(query.from);
    else problems.push('from');
  }
  if (query.to) {
    if (isDay(query.to)) filter.to = dayStart(addDays(query.to, 1));
    else problems.push('to');
  }
  if (problems.length > 0) return { rows: [], total: 0, page: 1, totalPages: 1, problems };
  const total = countAudit(db, filter);
  const totalPages = Math.max(1, Math.ceil(total / AUDIT_PAGE_SIZE));
  const page = Math.min(query.page, totalPages);
  const entries = queryAudit(db, { ...filter, limit: AUDIT_PAGE_SIZE, offset: (page - 1) * AUDIT_PAGE_SIZE });
  const userIds = [...new Set(entries.flatMap((e) => (e.userId === null ? [] : [e.userId])))];
  const tipIds = [...new Set(entries.flatMap((e) => (e.tipId === null ? [] : [e.tipId])))];
  const users = new Map(
    (userIds.length ? db.select({ id: staffUsers.id, displayName: staffUsers.displayName, username: staffUsers.username }).from(staffUsers).where(inArray(staffUsers.id, userIds)).all() : []).map((u) => [u.id, u]),
  );
  const receipts = new Map((tipIds.length ? db.select({ id: tips.id, receiptNo: tips.receiptNo }).from(tips).where(inArray(tips.id, tipIds)).all() : []).map((r) => [r.id, r.receiptNo]));
  const rows = entries.map((e) => {
    const u = e.userId === null ? undefined : users.get(e.userId);
    return { ...e, userName: u?.displayName ?? null, username: u?.username ?? null, receiptNo: e.tipId === null ? null : (receipts.get(e.tipId) ?? null) };
  });
  return { rows, total, page, totalPages, problems };
}

/** The actions present in the entries `actor` reads, for the action filter. */
export function auditActionsFor(db: Db, actor: Actor): string[] {
  return auditActionsIn(db, auditScopeOf(actor));
}
