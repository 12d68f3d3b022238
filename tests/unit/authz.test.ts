/**
 * The authorisation matrix of the back office (issue #5 point 2): every role × every relation of
 * the target's division to the actor's × every action, against a table written out by hand (the
 * rules and their reasons: src/features/staff/authz.ts).
 */
import { describe, expect, it } from 'vitest';
import { can, creatableRoles, jurisdictionOf, permissionsOf, STAFF_ACTIONS, type Actor, type StaffAction } from '../../src/features/staff/authz.ts';
import { STAFF_ROLES, type StaffRole } from '../../src/features/staff/staff.ts';

/** A small real tree (GB/T 2260): the province, two cities, three counties. */
const DIVISIONS = [
  { code: '360000', parentCode: null }, // 江西省
  { code: '360100', parentCode: '360000' }, // 南昌市
  { code: '360102', parentCode: '360100' }, // 东湖区
  { code: '360103', parentCode: '360100' }, // 西湖区
  { code: '360200', parentCode: '360000' }, // 景德镇市
  { code: '360202', parentCode: '360200' }, // 昌江区
];

/** The target divisions, one column each in the tables below. */
const TARGETS = ['360000', '360100', '360102', '360103', '360200', '360202'] as const;

/** One actor per role: the province's admin, 南昌市's supervisor, 东湖区's officer. */
const ACTORS: Record<StaffRole, Actor> = {
  provincialAdmin: { id: 1, role: 'provincialAdmin', divisionCode: '360000', jurisdiction: jurisdictionOf('360000', DIVISIONS) },
  citySupervisor: { id: 2, role: 'citySupervisor', divisionCode: '360100', jurisdiction: jurisdictionOf('360100', DIVISIONS) },
  countyOfficer: { id: 3, role: 'countyOfficer', divisionCode: '360102', jurisdiction: jurisdictionOf('360102', DIVISIONS) },
};

/**
 * What each column is to each actor:
 *
 * | actor (division) | 360000 | 360100 | 360102 | 360103 | 360200 | 360202 |
 * | --- | --- | --- | --- | --- | --- | --- |
 * | provincialAdmin (省) | same | child city | child county | child county | child city | child county |
 * | citySupervisor (南昌市) | parent = province-wide | same | child county | child county | sibling city | other city's county |
 * | countyOfficer (东湖区) | province-wide | parent | same | sibling county | other city | other city's county |
 *
 * Y = allowed, - = refused, column by column as above.
 */
const EXPECTED: Record<StaffRole, Record<Exclude<StaffAction, 'manageUsers'>, string>> = {
  provincialAdmin: {
    viewTips: 'YYYYYY',
    revealIdentity: 'Y-----',
    openEvidence: 'Y-----',
    transitionTip: 'YYYYYY',
    messageReporter: 'YYYYYY',
    decideReward: 'YYYYYY',
    recordPayment: 'YYYYYY',
    runImport: 'YYYYYY',
    publishExposure: 'YYYYYY',
    publishHonor: 'YYYYYY',
    decideReply: 'YYYYYY',
    viewAudit: 'YYYYYY',
  },
  citySupervisor: {
    viewTips: '-YYY--',
    revealIdentity: '-YYY--',
    openEvidence: '-YYY--',
    transitionTip: '-YYY--',
    messageReporter: '-YYY--',
    decideReward: '-YYY--',
    recordPayment: '-YYY--',
    runImport: '-YYY--',
    publishExposure: '-YYY--',
    publishHonor: '-YYY--',
    decideReply: '-YYY--',
    viewAudit: '-YYY--',
  },
  countyOfficer: {
    viewTips: '--Y---',
    revealIdentity: '--Y---',
    openEvidence: '--Y---',
    transitionTip: '--Y---',
    messageReporter: '--Y---',
    decideReward: '------',
    recordPayment: '--Y---',
    runImport: '------',
    publishExposure: '------',
    publishHonor: '------',
    decideReply: '------',
    viewAudit: '------',
  },
};

/** `manageUsers`: actor role → role of the user created or managed → columns as above. */
const EXPECTED_MANAGE_USERS: Record<StaffRole, Record<StaffRole, string>> = {
  provincialAdmin: { provincialAdmin: '------', citySupervisor: 'YYYYYY', countyOfficer: 'YYYYYY' },
  citySupervisor: { provincialAdmin: '------', citySupervisor: '------', countyOfficer: '-YYY--' },
  countyOfficer: { provincialAdmin: '------', citySupervisor: '------', countyOfficer: '------' },
};

const cases = STAFF_ROLES.flatMap((role) =>
  STAFF_ACTIONS.filter((a): a is Exclude<StaffAction, 'manageUsers'> => a !== 'manageUsers').flatMap((action) =>
    TARGETS.map((target, i) => ({ role, action, target, allowed: EXPECTED[role][action][i] === 'Y' })),
  ),
);

const userCases = STAFF_ROLES.flatMap((role) =>
  STAFF_ROLES.flatMap((targetRole) => TARGETS.map((target, i) => ({ role, targetRole, target, allowed: EXPECTED_MANAGE_USERS[role][targetRole][i] === 'Y' }))),
);

describe('can(actor, action, target): the full matrix', () => {
  it('has an expected row for every action and role, and six columns in each', () => {
    for (const role of STAFF_ROLES) {
      expect(Object.keys(EXPECTED[role]).sort()).toEqual(STAFF_ACTIONS.filter((a) => a !== 'manageUsers').sort());
      for (const row of [...Object.values(EXPECTED[role]), ...Object.values(EXPECTED_MANAGE_USERS[role])]) expect(row).toMatch(/^[Y-]{6}$/u);
    }
    expect(cases).toHaveLength(3 * 12 * 6);
    expect(userCases).toHaveLength(3 * 3 * 6);
  });

  it.each(cases)('$role / $action / division $target → $allowed', ({ role, action, target, allowed }) => {
    expect(can(ACTORS[role], action, { divisionCode: target })).toBe(allowed);
  });

  it.each(userCases)('$role / manageUsers a $targetRole / division $target → $allowed', ({ role, targetRole, target, allowed }) => {
    expect(can(ACTORS[role], 'manageUsers', { divisionCode: target, role: targetRole })).toBe(allowed);
  });
});

describe('can: edges', () => {
  it('refuses manageUsers when the target user has no role', () => {
    expect(can(ACTORS.provincialAdmin, 'manageUsers', { divisionCode: '360102' })).toBe(false);
  });

  it('refuses a division that is not in the tree (another province)', () => {
    for (const role of STAFF_ROLES) for (const action of STAFF_ACTIONS) expect(can(ACTORS[role], action, { divisionCode: '420100', role: 'countyOfficer' })).toBe(false);
  });

  it('refuses everything to an actor whose division is unknown (empty jurisdiction)', () => {
    const lost: Actor = { id: 9, role: 'citySupervisor', divisionCode: '999900', jurisdiction: jurisdictionOf('999900', DIVISIONS) };
    expect(lost.jurisdiction.size).toBe(0);
    for (const action of STAFF_ACTIONS) expect(can(lost, action, { divisionCode: '360102', role: 'countyOfficer' })).toBe(false);
  });
});

describe('jurisdictionOf: a division and everything below it, by parent links', () => {
  it.each([
    ['the province reaches every city and county', '360000', ['360000', '360100', '360102', '360103', '360200', '360202']],
    ['a city reaches its own counties only', '360100', ['360100', '360102', '360103']],
    ['a county reaches itself', '360102', ['360102']],
    ['an unknown code reaches nothing', '360999', []],
  ])('%s', (_name, code, expected) => {
    expect([...jurisdictionOf(code, DIVISIONS)].sort()).toEqual(expected);
  });
});

describe('creatableRoles: strictly lower roles', () => {
  it.each([
    ['provincialAdmin', ['citySupervisor', 'countyOfficer']],
    ['citySupervisor', ['countyOfficer']],
    ['countyOfficer', []],
  ] as const)('%s creates %j', (role, expected) => {
    expect(creatableRoles(role)).toEqual(expected);
  });
});

describe('permissionsOf: what the /admin home lists', () => {
  it('gives a county officer the tip work of its county and nothing published or administrative', () => {
    expect(permissionsOf('countyOfficer').map((p) => p.action)).toEqual(['viewTips', 'revealIdentity', 'openEvidence', 'transitionTip', 'messageReporter', 'recordPayment']);
  });

  it('marks the provincial admin’s identity and evidence access as its own level only', () => {
    const reach = Object.fromEntries(permissionsOf('provincialAdmin').map((p) => [p.action, p.reach]));
    expect(reach).toMatchObject({ revealIdentity: 'own', openEvidence: 'own', viewTips: 'jurisdiction', manageUsers: 'jurisdiction' });
    expect(Object.keys(reach)).toHaveLength(STAFF_ACTIONS.length);
  });
});
