/**
 * The staff back office (issue #5 points 1–2), with and without JavaScript (both projects): the
 * first provincial administrator comes from `npm run admin:create` against the e2e DATA_DIR
 * (FANGXIN_E2E_DATA_DIR, see playwright.config.ts), the others are created in /admin/users. Each
 * project uses its own accounts (suffix = project name), so the two can run at the same time.
 * TOTP codes are computed here with otpauth. Direct calls to /_actions/staff.* check that the
 * server, not the UI, enforces role × jurisdiction.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type APIRequestContext } from '@playwright/test';
import { Secret, TOTP } from 'otpauth';
import { ADMIN, createUserAsAdmin, ensureAdmin, firstSignIn, INITIAL_PW, login, logout, OWN_PW, suffix } from './helpers/staff.ts';
import { callAction, tokenOf } from './helpers/requests.ts';

test.beforeAll(() => {
  // the other project may have created it first, with the same password
  ensureAdmin();
});

test('every /admin page without a session redirects to the login, which is not cached', async ({ page }) => {
  for (const path of ['/admin', '/admin/users', '/admin/account']) {
    const response = await page.goto(path);
    await expect(page).toHaveURL(path === '/admin' ? /\/admin\/login$/u : new RegExp(`/admin/login\\?next=${encodeURIComponent(path)}$`, 'u'));
    expect(response?.headers()['cache-control']).toBe('no-store');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('工作人员登录');
  }
});

test('a wrong password and an unknown name get the same message; the name typed is kept', async ({ page }) => {
  await login(page, ADMIN.username, 'not the right passphrase');
  await expect(page.getByTestId('login-error')).toHaveText('用户名或密码不正确。');
  await expect(page.getByLabel('用户名')).toHaveValue(ADMIN.username);
  await expect(page.getByLabel('密码', { exact: true })).toHaveValue('');
  await login(page, 'no-such-user', 'not the right passphrase');
  await expect(page.getByTestId('login-error')).toHaveText('用户名或密码不正确。');
  // and empty fields get field errors, not a server error
  await page.getByLabel('用户名').fill('');
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page.getByLabel('用户名')).toHaveAccessibleDescription('请输入用户名');
  await expect(page.getByLabel('密码', { exact: true })).toHaveAccessibleDescription('请输入密码');
});

test('the administrator signs in, sees role and jurisdiction, and signs out', async ({ page, context }) => {
  await login(page, ADMIN.username, ADMIN.password);
  await expect(page).toHaveURL(/\/admin$/u);
  await expect(page.getByTestId('my-role')).toHaveText('省级管理员');
  await expect(page.getByTestId('my-jurisdiction')).toHaveText('江西省全省');
  await expect(page.getByTestId('permissions').getByRole('link', { name: '创建和停用下级用户' })).toBeVisible();
  const cookie = (await context.cookies()).find((c) => c.name === 'fx_staff');
  expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/admin', secure: false });
  await logout(page);
  await expect(page.getByRole('status')).toHaveText('您已退出登录。');
  await page.goto('/admin');
  await expect(page).toHaveURL(/\/admin\/login$/u);
});

test('an administrator creates a county officer, who signs in and cannot open /admin/users', async ({ page }, info) => {
  const username = `donghu-${suffix(info)}`;
  await login(page, ADMIN.username, ADMIN.password);
  await page.goto('/admin/users');
  // errors are per field, in Chinese, and keep what was typed (never the password)
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('姓名').fill('李明');
  await page.getByLabel('初始密码', { exact: true }).fill('short');
  await page.getByRole('button', { name: '创建用户' }).click();
  await expect(page.getByLabel('角色')).toHaveAccessibleDescription('请选择角色');
  await expect(page.getByLabel('行政区划')).toHaveAccessibleDescription('请选择行政区划');
  await expect(page.getByLabel('初始密码', { exact: true })).toHaveAccessibleDescription(/^密码至少需要12个字符/u);
  await expect(page.getByLabel('用户名')).toHaveValue(username);
  await expect(page.getByLabel('姓名')).toHaveValue('李明');
  await expect(page.getByLabel('初始密码', { exact: true })).toHaveValue('');
  // a county officer bound to a city is refused at the division field
  await page.getByLabel('角色').selectOption({ label: '县级执法人员' });
  await page.getByLabel('行政区划').selectOption('360100');
  await page.getByLabel('初始密码', { exact: true }).fill(INITIAL_PW);
  await page.getByLabel('再次输入初始密码').fill(INITIAL_PW);
  await page.getByRole('button', { name: '创建用户' }).click();
  await expect(page.getByLabel('行政区划')).toHaveAccessibleDescription('县级执法人员须对应一个县（市、区）');
  await page.getByLabel('行政区划').selectOption('360102');
  await page.getByLabel('初始密码', { exact: true }).fill(INITIAL_PW);
  await page.getByLabel('再次输入初始密码').fill(INITIAL_PW);
  await page.getByRole('button', { name: '创建用户' }).click();
  await expect(page.getByTestId('user-created')).toHaveText(`已创建用户 ${username}（李明）。`);
  await expect(page.getByTestId('user-list').getByRole('row', { name: new RegExp(username, 'u') })).toContainText('南昌市东湖区');
  await logout(page);

  await firstSignIn(page, username);
  await page.goto('/admin');
  await expect(page.getByTestId('my-role')).toHaveText('县级执法人员');
  await expect(page.getByTestId('my-jurisdiction')).toHaveText('东湖区');
  await expect(page.getByRole('navigation', { name: '后台导航' }).getByRole('link', { name: '用户管理' })).toHaveCount(0);
  const response = await page.goto('/admin/users');
  expect(response?.status()).toBe(403);
  await expect(page.getByTestId('forbidden')).toHaveText('您的角色不能管理用户。');
  await expect(page.getByRole('button', { name: '创建用户' })).toHaveCount(0);
});

test('two-step verification: enabled with a code from the app, then asked at sign-in', async ({ page }, info) => {
  const username = `totp-${suffix(info)}`;
  await createUserAsAdmin(page, { username, name: '赵强', role: '县级执法人员', division: '360103' });
  await firstSignIn(page, username);
  await page.getByRole('button', { name: '启用两步验证' }).click();
  await expect(page.getByRole('img', { name: /两步验证二维码/u })).toBeVisible();
  const secret = ((await page.getByTestId('totp-secret').textContent()) ?? '').replace(/\s/gu, '');
  expect(secret).toMatch(/^[A-Z2-7]{32}$/u);
  const totp = new TOTP({ algorithm: 'SHA1', digits: 6, period: 30, secret: Secret.fromBase32(secret) });
  await page.getByLabel('6位动态验证码').fill('000000' === totp.generate() ? '111111' : '000000');
  await page.getByRole('button', { name: '确认启用' }).click();
  await expect(page.getByLabel('6位动态验证码')).toHaveAccessibleDescription(/^动态验证码不正确/u);
  await page.getByLabel('6位动态验证码').fill(totp.generate());
  await page.getByRole('button', { name: '确认启用' }).click();
  await expect(page.getByTestId('account-done')).toHaveText('两步验证已启用。');
  await logout(page);

  await login(page, username, OWN_PW);
  await expect(page.getByLabel('动态验证码')).toHaveAccessibleDescription(/^此账户已启用两步验证/u);
  // the code of the next 30-second step (the current one was used to confirm)
  await login(page, username, OWN_PW, totp.generate({ timestamp: Date.now() + 30_000 }));
  await expect(page).toHaveURL(/\/admin$/u);
  await expect(page.getByRole('definition').filter({ hasText: '已启用' })).toBeVisible();
});

test('sign out everywhere ends the other browser’s session too', async ({ page, browser }, info) => {
  // an account of its own: the administrator's sessions are in use by the other project's tests
  const username = `everywhere-${suffix(info)}`;
  await createUserAsAdmin(page, { username, name: '孙丽', role: '县级执法人员', division: '360102' });
  await firstSignIn(page, username);
  const other = await browser.newContext();
  const otherPage = await other.newPage();
  await login(otherPage, username, OWN_PW);
  await expect(otherPage).toHaveURL(/\/admin$/u);
  await page.goto('/admin/account');
  await page.getByRole('button', { name: '退出所有设备' }).click();
  await expect(page).toHaveURL(/\/admin\/login\?everywhere=1$/u);
  await otherPage.goto('/admin/users');
  await expect(otherPage).toHaveURL(/\/admin\/login\?expired=1/u);
  await expect(otherPage.getByRole('status')).toHaveText('登录已过期或已在别处退出，请重新登录。');
  await other.close();
});

test.describe('direct calls to /_actions/staff.* are authorised on the server', () => {
  /** A form POST to a `staff.*` action, as a script would send it. */
  const call = (request: APIRequestContext, baseURL: string, action: string, form: Record<string, string>, token?: string) => callAction(request, baseURL, `staff.${action}`, form, token);

  test('role × jurisdiction for creating and disabling users', async ({ request, baseURL }, info) => {
    const base = baseURL ?? '';
    const s = suffix(info);
    const newUser = (username: string, role: string, divisionCode: string) => ({ username, displayName: '测试', role, divisionCode, password: INITIAL_PW, confirmPassword: INITIAL_PW });

    // nobody signed in
    expect((await call(request, base, 'createUser', newUser(`x-${s}`, 'countyOfficer', '360102'))).status()).toBe(401);

    // the administrator creates a city supervisor of 南昌市 and a county officer of 景德镇市's 昌江区
    const admin = await tokenOf(request, base, ADMIN.username, ADMIN.password);
    expect((await call(request, base, 'createUser', newUser(`nc-${s}`, 'citySupervisor', '360100'), admin)).status()).toBe(200);
    const created = await call(request, base, 'createUser', newUser(`cj-${s}`, 'countyOfficer', '360202'), admin);
    expect(created.status()).toBe(200);

    // the supervisor must change the password first: until then, refused
    const sup = await tokenOf(request, base, `nc-${s}`, INITIAL_PW);
    expect((await call(request, base, 'createUser', newUser(`dh-${s}`, 'countyOfficer', '360102'), sup)).status()).toBe(403);
    expect((await call(request, base, 'changePassword', { currentPassword: INITIAL_PW, newPassword: OWN_PW, confirmPassword: OWN_PW }, sup)).status()).toBe(200);

    // in its own city: a county officer yes; a peer no; another city's county no
    expect((await call(request, base, 'createUser', newUser(`dh-${s}`, 'countyOfficer', '360102'), sup)).status()).toBe(200);
    expect((await call(request, base, 'createUser', newUser(`nc2-${s}`, 'citySupervisor', '360100'), sup)).status()).toBe(403);
    const otherCity = await call(request, base, 'createUser', newUser(`cj2-${s}`, 'countyOfficer', '360202'), sup);
    expect(otherCity.status()).toBe(403);
    expect(((await otherCity.json()) as { message: string }).message).toBe('这个行政区划不在您的管辖范围内');

    // the county officer of 东湖区 can create nobody and disable nobody
    const officerCreate = await call(request, base, 'createUser', newUser(`dh2-${s}`, 'countyOfficer', '360102'), await tokenOf(request, base, `dh-${s}`, INITIAL_PW));
    expect(officerCreate.status()).toBe(403);

    // disabling: the supervisor cannot reach 景德镇市's officer (not even its existence); the admin can
    // bad input is a 400 with field errors, never a server error
    const invalid = await call(request, base, 'createUser', newUser('', '', ''), admin);
    expect(invalid.status()).toBe(400);
    expect(await invalid.json()).toMatchObject({ type: 'AstroActionInputError', fields: { username: ['请输入用户名'] } });
    const page = await request.get('/admin/users', { headers: { Cookie: `fx_staff=${admin}` } });
    const html = await page.text();
    const id = new RegExp(`<td>cj-${s}</td>[\\s\\S]*?name="userId" value="(\\d+)"`, 'u').exec(html)?.[1];
    expect(id).toBeTruthy();
    expect((await call(request, base, 'setUserDisabled', { userId: id ?? '', disabled: 'true' }, sup)).status()).toBe(404);
    expect((await call(request, base, 'setUserDisabled', { userId: id ?? '', disabled: 'true' }, admin)).status()).toBe(200);
  });
});

test.describe('accessibility', () => {
  // axe runs inside the page: JavaScript on for these, in both projects
  test.use({ javaScriptEnabled: true });

  test('the login, home, account and users pages have no detectable violations', async ({ page }) => {
    const check = async () => {
      const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
      expect(result.violations.map((v) => `${page.url()} ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
    };
    await page.goto('/admin/login');
    await check();
    await login(page, ADMIN.username, ADMIN.password);
    await expect(page).toHaveURL(/\/admin$/u);
    await check();
    await page.goto('/admin/account');
    await check();
    await page.goto('/admin/users');
    await check();
  });
});
