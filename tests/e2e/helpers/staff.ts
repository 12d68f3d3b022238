/**
 * Shared steps of the back-office end-to-end specs: the first provincial administrator (made with
 * `npm run admin:create` against the e2e DATA_DIR, FANGXIN_E2E_DATA_DIR, see playwright.config.ts;
 * the same account and password as tests/e2e/admin.spec.ts, whichever spec runs first creates it),
 * signing in and out, creating a user in /admin/users and that user's first sign-in.
 */
import { spawnSync } from 'node:child_process';
import { expect, type Page, type TestInfo } from '@playwright/test';

export const ADMIN = { username: 'e2e-admin', name: '测试省级管理员', password: 'e2e admin passphrase 2026' };
export const INITIAL_PW = 'initial passphrase 2026';
export const OWN_PW = 'my own passphrase 2026';

/** The e2e server's DATA_DIR. */
export function e2eDataDir(): string {
  const dataDir = process.env.FANGXIN_E2E_DATA_DIR;
  if (!dataDir) throw new Error('FANGXIN_E2E_DATA_DIR is not set (see playwright.config.ts)');
  return dataDir;
}

/** Runs a command-line entry point (`src/cli/<script>`) against the e2e DATA_DIR. */
export function runCli(script: string, args: string[], input = ''): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [`src/cli/${script}`, ...args], { input, encoding: 'utf8', env: { ...process.env, DATA_DIR: e2eDataDir(), DEMO_COUNT: '400' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Creates the first provincial administrator unless another spec or project already did. */
export function ensureAdmin(): void {
  const r = runCli('admin-create.ts', ['--username', ADMIN.username, '--name', ADMIN.name], `${ADMIN.password}\n`);
  if (r.status === 0) expect(r.stdout).toContain(`已创建省级管理员 ${ADMIN.username}`);
  else expect(r.stderr).toContain('已存在省级管理员');
}

/** A suffix from the project's name, so that the `js` and `no-js` projects use accounts and data of their own. */
export const suffix = (info: TestInfo) => info.project.name.replace(/[^a-z0-9]/gu, '');

export async function login(page: Page, username: string, password: string, code?: string): Promise<void> {
  await page.goto('/admin/login');
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码', { exact: true }).fill(password);
  if (code !== undefined) await page.getByLabel('动态验证码').fill(code);
  await page.getByRole('button', { name: '登录' }).click();
}

export async function logout(page: Page): Promise<void> {
  await page.getByRole('banner').getByRole('button', { name: '退出登录' }).click();
  await expect(page).toHaveURL(/\/admin\/login\?signedOut=1$/u);
}

/** Signed in as the administrator, creates a user in /admin/users, then signs out. */
export async function createUserAsAdmin(page: Page, user: { username: string; name: string; role: string; division: string }): Promise<void> {
  await login(page, ADMIN.username, ADMIN.password);
  await expect(page).toHaveURL(/\/admin$/u);
  await page.goto('/admin/users');
  await page.getByLabel('用户名').fill(user.username);
  await page.getByLabel('姓名').fill(user.name);
  await page.getByLabel('角色').selectOption({ label: user.role });
  await page.getByLabel('行政区划').selectOption(user.division);
  await page.getByLabel('初始密码', { exact: true }).fill(INITIAL_PW);
  await page.getByLabel('再次输入初始密码').fill(INITIAL_PW);
  await page.getByRole('button', { name: '创建用户' }).click();
  await expect(page.getByTestId('user-created')).toHaveText(`已创建用户 ${user.username}（${user.name}）。`);
  await logout(page);
}

/** First sign-in of a created user: the password must be changed before anything else. */
export async function firstSignIn(page: Page, username: string): Promise<void> {
  await login(page, username, INITIAL_PW);
  await expect(page).toHaveURL(/\/admin\/account$/u);
  await page.getByLabel('当前密码').fill(INITIAL_PW);
  await page.getByLabel('新密码', { exact: true }).fill(OWN_PW);
  await page.getByLabel('再次输入新密码').fill(OWN_PW);
  await page.getByRole('button', { name: '修改密码' }).click();
  await expect(page.getByTestId('account-done')).toContainText('密码已修改');
}
