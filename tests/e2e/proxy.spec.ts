/**
 * The site behind a real nginx terminating TLS (issue #9 point 1), configured only through the
 * environment: PUBLIC_ORIGIN is nginx's https origin, TRUSTED_PROXIES the loopback address nginx
 * connects from (127.0.0.3, `proxy_bind`), while the browser and this test connect from 127.0.0.1.
 * The nginx server block is the README's example (tests/e2e/helpers/nginx.ts).
 *
 * Tip, track and staff sign-in pass with and without JavaScript; a foreign Origin gets 403; the
 * staff cookie is Secure; HSTS is sent; forged X-Forwarded-For values, through nginx or straight
 * to the site, do not lift the tip limit (TIP_RATE_LIMIT=4 here, so the two browser tips and two
 * more use it up). Runs in the `js` project only (it makes its own contexts for both settings).
 */
import sharp from 'sharp';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { startNginx, type Nginx } from './helpers/nginx.ts';
import { freePort, startOwnSite, type OwnSite } from './helpers/own-site.ts';

test.describe.configure({ mode: 'serial', timeout: 120_000 });

const ADMIN = { username: 'proxy-admin', name: '代理测试管理员', password: 'proxy admin passphrase 2026' };
const TIP_LIMIT = 4;
const PROXY_ADDRESS = '127.0.0.3';

let site: OwnSite;
let nginx: Nginx;

test.beforeAll(async () => {
  test.setTimeout(240_000);
  const nginxPort = await freePort();
  site = await startOwnSite({ PUBLIC_ORIGIN: `https://127.0.0.1:${nginxPort}`, TRUSTED_PROXIES: PROXY_ADDRESS, TIP_RATE_LIMIT: String(TIP_LIMIT), DEMO_COUNT: '20' });
  nginx = await startNginx({ listen: '127.0.0.1', port: nginxPort, upstream: `127.0.0.1:${site.port}`, proxyBind: PROXY_ADDRESS });
  const made = site.cli('admin-create.ts', ['--username', ADMIN.username, '--name', ADMIN.name], `${ADMIN.password}\n`);
  expect(made.status, made.stderr).toBe(0);
});

test.afterAll(async () => {
  await nginx?.stop();
  await site?.stop();
});

async function contextPage(browser: Browser, javaScriptEnabled: boolean): Promise<Page> {
  const context = await browser.newContext({ javaScriptEnabled, ignoreHTTPSErrors: true, baseURL: nginx.origin, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  return context.newPage();
}

test('pages answer through nginx with HSTS and a request id, and say where they are public', async ({ request }) => {
  const res = await request.get(`${nginx.origin}/`, { ignoreHTTPSErrors: true });
  expect(res.status()).toBe(200);
  expect(res.headers()['strict-transport-security']).toMatch(/max-age=\d{7,}/u);
  // nginx's $request_id is 32 hex characters; the site keeps a trusted proxy's id
  expect(res.headers()['x-request-id']).toMatch(/^[0-9a-f]{32}$/u);
  // the site asked directly (an untrusted peer) ignores a forged Host and forwarding headers
  const direct = await fetch(`${site.direct}/report`, { headers: { Host: 'evil.example', 'X-Forwarded-Host': 'evil.example', 'X-Forwarded-Proto': 'http', 'X-Request-Id': 'forged-request-id-123' } });
  expect(direct.status).toBe(200);
  expect(direct.headers.get('x-request-id')).not.toBe('forged-request-id-123');
  expect(await direct.text()).not.toContain('evil.example');
});

for (const javaScriptEnabled of [true, false]) {
  test(`tip, track and staff sign-in work through the proxy (JavaScript ${javaScriptEnabled ? 'on' : 'off'})`, async ({ browser }) => {
    const page = await contextPage(browser, javaScriptEnabled);
    const png = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#963' } }).png().toBuffer();
    await page.goto('/report');
    await page.getByLabel('小作坊名称或招牌').fill(javaScriptEnabled ? '代理后面的米粉坊' : '代理后面的豆腐坊');
    if (javaScriptEnabled) await page.getByRole('button', { name: '下一步' }).click();
    await page.getByLabel('违法类型').selectOption({ label: '生产环境卫生差' });
    await page.getByLabel('发生了什么').fill('作坊在露天地面晾晒米粉，旁边就是垃圾堆，苍蝇很多。');
    if (javaScriptEnabled) await page.getByRole('button', { name: '下一步' }).click();
    await page.getByLabel(/^证据/u).setInputFiles([{ name: '门口.png', mimeType: 'image/png', buffer: png }]);
    if (javaScriptEnabled) await page.getByRole('button', { name: '下一步' }).click();
    await page.getByRole('button', { name: '提交举报' }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('举报已提交');
    const receiptNo = (await page.getByTestId('receipt-no').textContent())?.trim() ?? '';
    const accessCode = (await page.getByTestId('access-code').textContent())?.trim() ?? '';
    expect(receiptNo).toMatch(/^\d{4}-\d{4}-\d{4}-\d{4}$/u);

    await page.goto('/report/track');
    await page.getByLabel('受理编号').fill(receiptNo);
    await page.getByLabel('查询码').fill(accessCode);
    await page.getByRole('button', { name: '查询', exact: true }).click();
    await expect(page.getByTestId('tip-status')).toHaveText('已提交');
    expect(new URL(page.url()).origin).toBe(nginx.origin);

    await page.goto('/admin/login');
    await page.getByLabel('用户名').fill(ADMIN.username);
    await page.getByLabel('密码', { exact: true }).fill(ADMIN.password);
    await page.getByRole('button', { name: '登录' }).click();
    await expect(page).toHaveURL(/\/admin$/u);
    const cookie = (await page.context().cookies()).find((c) => c.name === 'fx_staff');
    expect(cookie?.secure).toBe(true);
    expect(cookie?.httpOnly).toBe(true);
    expect(cookie?.sameSite).toBe('Strict');
    await page.context().close();
  });
}

test('a form post from a foreign origin is refused with 403, the same post from the site passes', async ({ request }) => {
  const form = { receiptNo: '1234-1234-1234-1234', accessCode: 'AAAAA-BBBBB' };
  const foreign = await request.post(`${nginx.origin}/_actions/tips.track`, { form, headers: { Origin: 'https://evil.example' }, ignoreHTTPSErrors: true });
  expect(foreign.status()).toBe(403);
  // the internal http origin is not the public one either
  const internal = await request.post(`${nginx.origin}/_actions/tips.track`, { form, headers: { Origin: site.direct }, ignoreHTTPSErrors: true });
  expect(internal.status()).toBe(403);
  const own = await request.post(`${nginx.origin}/_actions/tips.track`, { form, headers: { Origin: nginx.origin }, ignoreHTTPSErrors: true });
  expect(own.status()).not.toBe(403);
  expect(own.status()).toBeLessThan(500);
});

test('forged X-Forwarded-For headers do not lift the tip limit, through nginx or straight to the site', async ({ request }) => {
  // the two browser tips above came from 127.0.0.1; two more fit under the limit of 4
  const statuses: number[] = [];
  for (let i = 0; i < 4; i += 1) {
    const forged = `198.51.100.${10 + i}, 203.0.113.${10 + i}`;
    const base = i % 2 === 0 ? nginx.origin : site.direct;
    const res = await request.post(`${base}/_actions/tips.submit`, {
      multipart: {
        submissionToken: `proxy-limit-${i}-${Date.now()}`,
        subjectName: `伪造地址测试作坊${i}`,
        category: 'hygiene',
        description: '车间地面积水，原料露天堆放，没有防蝇防鼠设施。',
        reporterMode: 'anonymous',
      },
      headers: { Origin: nginx.origin, 'X-Forwarded-For': forged, 'X-Real-IP': `192.0.2.${i}`, Forwarded: `for=192.0.2.${i}` },
      ignoreHTTPSErrors: true,
    });
    statuses.push(res.status());
  }
  expect(statuses).toEqual([200, 200, 429, 429]);
});

test('the site logs one JSON line per request, with its id and without addresses or personal query strings', async ({ request }) => {
  const tracked = await request.get(`${nginx.origin}/report/track?receiptNo=9999888877776666`, { ignoreHTTPSErrors: true });
  const id = tracked.headers()['x-request-id'] ?? '';
  expect(id).toMatch(/^[0-9a-f]{32}$/u);
  await expect.poll(() => site.stdout().includes(id)).toBe(true);
  const lines = site.stdout().trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  expect(lines.length).toBeGreaterThan(10);
  for (const line of lines) {
    expect(Object.keys(line)).toEqual(expect.arrayContaining(['t', 'id', 'method', 'path', 'status', 'ms']));
  }
  const track = lines.find((l) => l.id === id);
  expect(track).toMatchObject({ method: 'GET', path: '/report/track', status: 200 });
  expect(track).not.toHaveProperty('query');
  const all = site.stdout();
  // neither the browser's, nginx's nor a forged address, nor the receipt no. asked for
  for (const secret of ['127.0.0.1', PROXY_ADDRESS, '198.51.100.', '203.0.113.', '9999888877776666', 'fx_staff']) expect(all).not.toContain(secret);
});
