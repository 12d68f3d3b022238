/**
 * The sign-in throttle through the login form (issue #9 point 10; rules in
 * src/features/staff/throttle.ts). Every browser here comes from 127.0.0.1, so this shows the
 * known-device rule (the owner's earlier sign-in) and the growing waits, not the address rules:
 * those are shown in tests/integration/staff-throttle.test.ts. Its wrong passwords use up part of
 * what 127.0.0.1 may fail across all names (15 at once, SIGN_IN_THROTTLE.address), shared by the
 * whole run: hence the `js` project only (playwright.config.ts `jsOnly`); sign-in is a plain form
 * post either way, so the `no-js` project would check the same thing again.
 */
import { expect, test } from '@playwright/test';
import { createUserAsAdmin, ensureAdmin, firstSignIn, login, logout, OWN_PW, suffix } from './helpers/staff.ts';
import { readE2eDb } from './helpers/requests.ts';

test.beforeAll(() => {
  ensureAdmin();
});

test('wrong passwords hold back the browser that types them; the owner signs in at once in the browser used before', async ({ page, browser }, info) => {
  // creates a user, signs in twice and sits out two waits (5 s, 10 s)
  test.setTimeout(180_000);
  const username = `throttle-${suffix(info)}`;
  await createUserAsAdmin(page, { username, name: '王芳', role: '市级主管', division: '360200' });
  await firstSignIn(page, username);
  await logout(page);
  const device = (await page.context().cookies()).filter((c) => c.name.startsWith('fx_staff_device_'));
  // the administrator's and this user's: one per account, sent only to the sign-in page
  expect(device).toHaveLength(2);
  for (const c of device) expect(c).toMatchObject({ path: '/admin/login', httpOnly: true, sameSite: 'Strict' });

  // the owner's browser and a browser that never signed in here wait at the form, right password typed
  const stranger = await browser.newContext();
  const strangerPage = await stranger.newPage();
  for (const p of [page, strangerPage]) {
    await p.goto('/admin/login');
    await p.getByLabel('用户名').fill(username);
    await p.getByLabel('密码', { exact: true }).fill(OWN_PW);
  }

  // another browser types five wrong passwords; from the third on, a try sent too soon is told to wait
  // (5 s, then 10 s: the audit log below shows them whatever this machine's speed)
  const attacker = await browser.newContext();
  const attackerPage = await attacker.newPage();
  for (let failures = 0; failures < 5; ) {
    await login(attackerPage, username, `wrong passphrase ${failures}`);
    const text = (await attackerPage.getByTestId('login-error').textContent()) ?? '';
    const wait = /^登录失败次数过多，请在 (\d+) 秒后再试。$/u.exec(text);
    if (wait) {
      await attackerPage.waitForTimeout(Number(wait[1]) * 1000);
    } else {
      expect(text).toBe('用户名或密码不正确。');
      failures++;
    }
  }
  // the next try from 127.0.0.1 now waits 20 s; within them the owner's browser signs in at once…
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page).toHaveURL(/\/admin$/u);
  // …and the other browser, sending the right password after that, is still held back (so the
  // owner's sign-in fell inside the wait)
  await strangerPage.getByRole('button', { name: '登录' }).click();
  await expect(strangerPage.getByTestId('login-error')).toHaveText(/^登录失败次数过多，请在 \d+ 秒后再试。$/u);
  await attacker.close();
  await stranger.close();

  // the audit log has the waits, and no address
  const rows = readE2eDb((db) =>
    db
      .prepare("SELECT a.reason, a.details FROM audit_log a JOIN staff_users u ON a.target = 'staffUser:' || u.id WHERE u.username = ? AND a.action = 'signInThrottled' ORDER BY a.id")
      .all(username),
  ) as { reason: string; details: string }[];
  expect(rows.map((r) => [r.reason, (JSON.parse(r.details) as { waitSec: number }).waitSec])).toEqual([
    ['client', 5],
    ['client', 10],
    ['client', 20],
  ]);
  expect(JSON.stringify(rows)).not.toContain('127.0.0.1');
});
