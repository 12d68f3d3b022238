/**
 * Pure rules of staff accounts (src/features/staff/staff.ts): password strength, the lockout of
 * account settings, session lifetimes, TOTP replay, and the Chinese field errors of the forms.
 */
import { describe, expect, it } from 'vitest';
import {
  acceptedStep,
  afterFailure,
  changePasswordSchema,
  createUserSchema,
  firstAdminSchema,
  isLocked,
  isSessionAlive,
  LOCKOUT_DURATION_MS,
  LOCKOUT_MAX_FAILURES,
  loginSchema,
  passwordProblem,
  SESSION_IDLE_MS,
  SESSION_LIFETIME_MS,
} from '../../src/features/staff/staff.ts';

const NOW = new Date('2026-11-29T02:00:00.000Z');
const later = (ms: number) => new Date(NOW.getTime() + ms);

describe('passwordProblem', () => {
  it.each([
    ['11 characters are too short', 'abcdefghijk', null, '密码至少需要12个字符'],
    ['12 characters are enough', 'abcdefghijkl', null, null],
    ['characters are counted, not bytes: 12 Chinese characters are enough', '我们的口令是一句很长的话', null, null],
    ['129 characters are too long', 'a'.repeat(129), null, '密码不能超过128个字符'],
    ['the username inside, in any case, is refused', 'my-WangFang-2026!', 'wangfang', '密码不能包含用户名'],
    ['another name is fine', 'correct horse battery', 'wangfang', null],
  ])('%s', (_name, password, username, expected) => {
    expect(passwordProblem(password, username)).toBe(expected);
  });
});

describe('lockout in one’s own account settings: 5 wrong passwords or codes in a row lock the account for 15 minutes', () => {
  it('uses the rule of issue #5', () => {
    expect(LOCKOUT_MAX_FAILURES).toBe(5);
    expect(LOCKOUT_DURATION_MS).toBe(15 * 60 * 1000);
  });

  it('counts the first four failures without locking, locks at the fifth and starts counting again', () => {
    let state = { failedAttempts: 0, lockedUntil: null as string | null };
    for (let i = 1; i <= 4; i++) {
      state = afterFailure(state.failedAttempts, NOW);
      expect(state).toEqual({ failedAttempts: i, lockedUntil: null });
    }
    state = afterFailure(state.failedAttempts, NOW);
    expect(state).toEqual({ failedAttempts: 0, lockedUntil: later(LOCKOUT_DURATION_MS).toISOString() });
  });

  it.each([
    ['no lock', null, NOW, false],
    ['one minute before the end', later(60_000).toISOString(), NOW, true],
    ['at the end', NOW.toISOString(), NOW, false],
    ['after the end', NOW.toISOString(), later(1), false],
  ])('isLocked: %s', (_name, until, now, expected) => {
    expect(isLocked(until, now)).toBe(expected);
  });
});

describe('sessions: idle timeout and absolute lifetime', () => {
  const session = { createdAt: NOW.toISOString(), lastSeenAt: NOW.toISOString(), expiresAt: later(SESSION_LIFETIME_MS).toISOString() };

  it.each([
    ['alive just after sign-in', session, later(1000), true],
    ['alive one second before the idle timeout', session, later(SESSION_IDLE_MS - 1000), true],
    ['ended at the idle timeout', session, later(SESSION_IDLE_MS), false],
    ['kept alive by activity', { ...session, lastSeenAt: later(SESSION_LIFETIME_MS - 60_000).toISOString() }, later(SESSION_LIFETIME_MS - 1000), true],
    ['ended at the absolute lifetime despite activity', { ...session, lastSeenAt: later(SESSION_LIFETIME_MS - 60_000).toISOString() }, later(SESSION_LIFETIME_MS), false],
  ])('%s', (_name, s, now, expected) => {
    expect(isSessionAlive(s, now)).toBe(expected);
  });
});

describe('TOTP: the step of an accepted code, never the same step twice', () => {
  // NOW is 2026-11-29T02:00:00Z: step floor(1795917600 / 30) = 59863920
  const step = 59_863_920;
  it.each([
    ['a wrong code', null, null, null],
    ['the current step', 0, null, step],
    ['the previous step (clock drift)', -1, null, step - 1],
    ['the next step after the last used one', 1, step, step + 1],
    ['a replay of the last used step', 0, step, null],
    ['an older step than the last used one', -1, step, null],
  ])('%s', (_name, delta, lastStep, expected) => {
    expect(acceptedStep(delta, NOW, lastStep)).toBe(expected);
  });
});

describe('form schemas: Chinese field errors', () => {
  const fieldsOf = (r: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }) =>
    Object.fromEntries((r.error?.issues ?? []).map((i) => [String(i.path[0]), i.message]));

  it('login: the name is trimmed and lower-cased; a code keeps its digits only', () => {
    expect(loginSchema.parse({ username: ' WangFang ', password: 'x', code: '１２３ ４５６' })).toEqual({ username: 'wangfang', password: 'x', code: '123456' });
    expect(loginSchema.parse({ username: 'wangfang', password: 'x', code: null })).toMatchObject({ code: '' });
  });

  it('login: empty fields and a malformed code are named', () => {
    expect(fieldsOf(loginSchema.safeParse({ username: null, password: null, code: '12345' }))).toEqual({ username: '请输入用户名', password: '请输入密码', code: '动态验证码为6位数字' });
  });

  it('create user: every problem is reported at once, the password ones too', () => {
    const r = createUserSchema.safeParse({ username: 'A', displayName: '', role: '', divisionCode: '', password: 'short', confirmPassword: '' });
    expect(fieldsOf(r)).toEqual({
      username: '用户名须为3–32位小写字母、数字、点、短横线或下划线，以字母或数字开头',
      displayName: '请输入姓名',
      role: '请选择角色',
      divisionCode: '请选择行政区划',
      password: '密码至少需要12个字符',
    });
  });

  it('create user: the confirmation must match and the password must not contain the name', () => {
    const base = { username: 'donghu-li', displayName: '李明', role: 'countyOfficer', divisionCode: '360102' };
    expect(fieldsOf(createUserSchema.safeParse({ ...base, password: 'a long enough pass', confirmPassword: 'a long enough pas' }))).toEqual({ confirmPassword: '两次输入的密码不一致' });
    expect(fieldsOf(createUserSchema.safeParse({ ...base, password: 'Donghu-Li-2026-pw', confirmPassword: 'Donghu-Li-2026-pw' }))).toEqual({ password: '密码不能包含用户名' });
    expect(createUserSchema.parse({ ...base, password: 'a long enough pass', confirmPassword: 'a long enough pass' })).toMatchObject({ role: 'countyOfficer' });
  });

  it('create user: an unknown role is refused', () => {
    expect(fieldsOf(createUserSchema.safeParse({ username: 'abc', displayName: '李明', role: 'root', divisionCode: '360102', password: 'a long enough pass', confirmPassword: 'a long enough pass' }))).toEqual({ role: '请选择角色' });
  });

  it('change password: a new password equal to the current one is refused', () => {
    expect(fieldsOf(changePasswordSchema.safeParse({ currentPassword: 'the same long one', newPassword: 'the same long one', confirmPassword: 'the same long one' }))).toEqual({ newPassword: '新密码不能与当前密码相同' });
  });

  it('first admin (command line): at least 12 characters', () => {
    expect(fieldsOf(firstAdminSchema.safeParse({ username: 'admin', displayName: '管理员', password: 'elevenchars' }))).toEqual({ password: '密码至少需要12个字符' });
  });
});
