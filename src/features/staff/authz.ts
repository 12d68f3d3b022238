/**
 * Authorisation of the back office (issue #5 point 2): `can(actor, action, target)` over role ×
 * jurisdiction × action. Pure: the actor carries its jurisdiction (its division and every division
 * below it, from the `divisions` table's parent links, see `jurisdictionOf`). Every page, action
 * and API call of /admin asks this module on the server; the UI only hides what it refuses.
 *
 * The rules (DESIGN.md "Staff back office", "Tip-offs" → Confidentiality, "Who uses it"):
 *
 * | action | countyOfficer | citySupervisor | provincialAdmin |
 * | --- | --- | --- | --- |
 * | viewTips, transitionTip, messageReporter, recordPayment | jurisdiction | jurisdiction | jurisdiction |
 * | revealIdentity, openEvidence | jurisdiction | jurisdiction | own division only |
 * | decideReward | — | jurisdiction | jurisdiction |
 * | runImport, publishExposure, publishHonor, decideReply | — | jurisdiction | jurisdiction |
 * | viewAudit | — | jurisdiction | jurisdiction |
 * | manageUsers | — | jurisdiction, lower role | jurisdiction, lower role |
 *
 * "jurisdiction" = the target's division is the actor's division or below it (county staff see
 * their county: DESIGN.md "Who uses it"). Why the exceptions:
 * - revealIdentity / openEvidence: "only staff of the tip's jurisdiction with the right role can
 *   open them". The provincial administrator manages the accounts of the whole province; if that
 *   one account could also open every reporter's identity and original evidence (whose metadata
 *   can locate the reporter), it would be the single key to all of them. It opens those of tips
 *   held at province level (no city or county known); the cities and counties open their own.
 * - decideReward: the level of a reward is decided above the officer who handled the case (SAMR
 *   2021 reward rules leave the level to the department; separating the handler from the decider
 *   is ours). The amount is computed by src/features/tips/reward.ts, not chosen.
 * - runImport, publishExposure, publishHonor, decideReply: what the public sees (official tables,
 *   曝光台, 红榜, the answer to an operator's objection) is published by a city or the province.
 * - viewAudit: county officers are the audited; supervisors read the log of their jurisdiction.
 * - manageUsers: issue #5 point 1, "admins create the others": a user creates, disables and
 *   re-enables only users of a strictly lower role inside their jurisdiction. So the provincial
 *   admin manages city supervisors and county officers anywhere, a city supervisor the county
 *   officers of its counties, a county officer nobody; nobody manages a peer or themselves. The
 *   first provincial admin comes from `npm run admin:create`.
 */
import { ROLE_RANK, type StaffRole } from './staff.ts';

/** Everything the back office lets staff do. */
export const STAFF_ACTIONS = [
  'viewTips',
  'revealIdentity',
  'openEvidence',
  'transitionTip',
  'messageReporter',
  'decideReward',
  'recordPayment',
  'runImport',
  'publishExposure',
  'publishHonor',
  'decideReply',
  'viewAudit',
  'manageUsers',
] as const;
export type StaffAction = (typeof STAFF_ACTIONS)[number];

/** How far an action reaches: nowhere, the actor's own division only, or its whole jurisdiction. */
export type Reach = 'none' | 'own' | 'jurisdiction';

/** The rule table (see the module comment). */
export const RULES: Readonly<Record<StaffAction, Readonly<Record<StaffRole, Reach>>>> = {
  viewTips: { provincialAdmin: 'jurisdiction', citySupervisor: 'jurisdiction', countyOfficer: 'jurisdiction' },
  revealIdentity: { provincialAdmin: 'own', citySupervisor: 'jurisdiction', countyOfficer: 'jurisdiction' },
  openEvidence: { provincialAdmin: 'own', citySupervisor: 'jurisdiction', countyOfficer: 'jurisdiction' },
  transitionTip: { provincialAdmin: 'jurisdiction', citySupervisor: 'jurisdiction', countyOfficer: 'jurisdiction' },
  messageReporter: { provincialAdmin: 'jurisdiction', citySupervisor: 'jurisdiction', countyOfficer: 'jurisdiction' },
  decideReward: { provincialAdmin: 'jurisdiction', citySupervisor: 'jurisdiction', countyOfficer: 'none' },
  recordPayment: { provincialAdmin: 'jurisdiction', citySupervisor: 'jurisdiction', countyOfficer: 'jurisdiction' },
  runImport: { provincialAdmin: 'jurisdiction', citySupervisor: 'jurisdiction', countyOfficer: 'none' },
  publishExposure: { provincialAdmin: 'jurisdiction', citySupervisor: 'jurisdiction', countyOfficer: 'none' },
  publishHonor: { provincialAdmin: 'jurisdiction', citySupervisor: 'jurisdiction', countyOfficer: 'none' },
  decideReply: { provincialAdmin: 'jurisdiction', citySupervisor: 'jurisdiction', countyOfficer: 'none' },
  viewAudit: { provincialAdmin: 'jurisdiction', citySupervisor: 'jurisdiction', countyOfficer: 'none' },
  manageUsers: { provincialAdmin: 'jurisdiction', citySupervisor: 'jurisdiction', countyOfficer: 'none' },
};

/** A signed-in, enabled staff user as authorisation sees them. */
export interface Actor {
  id: number;
  role: StaffRole;
  divisionCode: string;
  /** the actor's division and every division below it (`jurisdictionOf`) */
  jurisdiction: ReadonlySet<string>;
}

/**
 * What an action is done to: the division it belongs to (a tip's county, or the province for a tip
 * without one; an import's or exposure's division; a user's division; an audit entry's division)
 * and, for `manageUsers`, the role of the user created or managed.
 */
export interface Target {
  divisionCode: string;
  role?: StaffRole;
}

/** Whether `actor` may do `action` to `target` (see the module comment). */
export function can(actor: Actor, action: StaffAction, target: Target): boolean {
  const reach = RULES[action][actor.role];
  const inReach = reach === 'jurisdiction' ? actor.jurisdiction.has(target.divisionCode) : reach === 'own' ? target.divisionCode === actor.divisionCode : false;
  if (!inReach) return false;
  if (action === 'manageUsers') return target.role !== undefined && ROLE_RANK[target.role] < ROLE_RANK[actor.role];
  return true;
}

/** The roles `role` may create (strictly lower), highest first. */
export function creatableRoles(role: StaffRole): StaffRole[] {
  return (Object.keys(ROLE_RANK) as StaffRole[]).filter((r) => ROLE_RANK[r] < ROLE_RANK[role]).sort((a, b) => ROLE_RANK[b] - ROLE_RANK[a]);
}

/** The actions `actor` may do somewhere (for the /admin home), in `STAFF_ACTIONS` order, with their reach. */
export function permissionsOf(role: StaffRole): { action: StaffAction; reach: Exclude<Reach, 'none'> }[] {
  return STAFF_ACTIONS.flatMap((action) => {
    const reach = RULES[action][role];
    if (reach === 'none') return [];
    if (action === 'manageUsers' && creatableRoles(role).length === 0) return [];
    return [{ action, reach }];
  });
}

/**
 * The division `code` and every division below it, following `parentCode` links (GB/T 2260
 * province → city → county). Empty when `code` is not among `divisions`.
 */
export function jurisdictionOf(code: string, divisions: readonly { code: string; parentCode: string | null }[]): Set<string> {
  const children = new Map<string, string[]>();
  const known = new Set<string>();
  for (const d of divisions) {
    known.add(d.code);
    if (d.parentCode) children.set(d.parentCode, [...(children.get(d.parentCode) ?? []), d.code]);
  }
  const out = new Set<string>();
  if (!known.has(code)) return out;
  const queue = [code];
  while (queue.length > 0) {
    const c = queue.pop() as string;
    if (out.has(c)) continue;
    out.add(c);
    queue.push(...(children.get(c) ?? []));
  }
  return out;
}
