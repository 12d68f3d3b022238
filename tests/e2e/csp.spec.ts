/**
 * The Content-Security-Policy and the other security headers (src/lib/security-headers.ts), in
 * Chromium with JavaScript on (`jsOnly` in playwright.config.ts): the public pages and the staff
 * pages run without a single CSP violation — the page's `securitypolicyviolation` events and
 * Chromium's console reports are both watched — and every answer from the site, pages, assets,
 * images, JSON and the server's own error pages, carries the policy: `frame-ancestors 'none'`, no
 * `'unsafe-eval'`, no `'unsafe-inline'` for scripts. Names and numbers are invented
 * (13800138000 is the usual sample number).
 */
import http from 'node:http';
import sharp from 'sharp';
import { expect, test, type Page } from '@playwright/test';
import { ADMIN, ensureAdmin, login } from './helpers/staff.ts';

/** The problems of one answer's headers: missing or weak policy, missing companions, HTML without its charset. */
function headerProblems(url: string, headers: Record<string, string>): string[] {
  const problems: string[] = [];
  const policy = headers['content-security-policy'];
  if (!policy) return [`${url}: no Content-Security-Policy`];
  const directives = new Map(
    policy
      .split(';')
      .map((d) => d.trim().split(/\s+/u))
      .filter((d) => d[0])
      .map(([name = '', ...sources]) => [name.toLowerCase(), sources]),
  );
  if (directives.get('frame-ancestors')?.join(' ') !== "'none'") problems.push(`${url}: frame-ancestors is not 'none'`);
  if (policy.includes("'unsafe-eval'")) problems.push(`${url}: 'unsafe-eval'`);
  const scripts = directives.get('script-src') ?? directives.get('default-src');
  if (!scripts) problems.push(`${url}: neither script-src nor default-src`);
  for (const name of ['script-src', 'script-src-elem', 'script-src-attr', 'default-src']) {
    if (directives.get(name)?.includes("'unsafe-inline'")) problems.push(`${url}: ${name} allows 'unsafe-inline'`);
  }
  if (directives.get('object-src')?.join(' ') !== "'none'" && directives.get('default-src')?.join(' ') !== "'none'") problems.push(`${url}: objects allowed`);
  if (!directives.has('base-uri')) problems.push(`${url}: no base-uri`);
  if (directives.get('form-action')?.join(' ') !== "'self'") problems.push(`${url}: form-action is not 'self'`);
  if (headers['x-content-type-options'] !== 'nosniff') problems.push(`${url}: no nosniff`);
  if (headers['x-frame-options'] !== 'DENY') problems.push(`${url}: X-Frame-Options is not DENY`);
  const type = headers['content-type'] ?? '';
  if (type.startsWith('text/html') && type.toLowerCase() !== 'text/html; charset=utf-8') problems.push(`${url}: Content-Type ${type}`);
  return problems;
}

/** What a watched page saw: CSP violations, header problems, and the site's answers checked (URL → content type). */
interface Watch {
  violations: string[];
  headerProblems: string[];
  checked: Map<string, string>;
  /** Waits until every answer seen so far has been checked. */
  settle: () => Promise<void>;
}

/**
 * Watches `page` from its next navigation on: every `securitypolicyviolation` event of its
 * documents (an init script reports them before any page script runs), every console message
 * about the Content Security Policy (workers' too), and the headers of every answer from the site.
 */
async function watch(page: Page, baseURL: string): Promise<Watch> {
  const w: Watch = { violations: [], headerProblems: [], checked: new Map(), settle: async () => {} };
  const pending: Promise<void>[] = [];
  await page.exposeFunction('reportCspViolation', (text: string) => w.violations.push(text));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      const report = (window as unknown as { reportCspViolation: (text: string) => void }).reportCspViolation;
      report(`${location.pathname}: ${e.effectiveDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber}) ${e.sample}`);
    });
  });
  page.on('console', (m) => {
    if (/Content.Security.Policy/iu.test(m.text())) w.violations.push(`console: ${m.text()}`);
  });
  page.on('response', (r) => {
    if (!r.url().startsWith(baseURL)) return;
    pending.push(
      r.allHeaders().then((h) => {
        w.checked.set(r.url(), h['content-type'] ?? '');
        w.headerProblems.push(...headerProblems(r.url(), h));
      }),
    );
  });
  w.settle = async () => {
    await Promise.all(pending);
  };
  return w;
}

/** Asserts that the watch saw no violation and no header problem, and that it checked `minimum` documents at least. */
async function expectClean(w: Watch, minimum: number): Promise<void> {
  await w.settle();
  expect(w.violations).toEqual([]);
  expect(w.headerProblems).toEqual([]);
  const documents = [...w.checked.values()].filter((type) => type.startsWith('text/html'));
  expect(documents.length).toBeGreaterThanOrEqual(minimum);
}

/** The answer to a request sent as given (no URL normalising), with `body` and then the connection dropped after the answer. */
function rawRequest(baseURL: string, method: string, target: string, headers: Record<string, string>, body = ''): Promise<{ status: number; headers: Record<string, string>; text: string }> {
  const { hostname, port } = new URL(baseURL);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: hostname, port, method, path: target, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const flat: Record<string, string> = {};
        for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') flat[k] = v;
        resolve({ status: res.statusCode ?? 0, headers: flat, text: Buffer.concat(chunks).toString('utf8') });
        req.destroy();
      });
    });
    req.on('error', reject);
    req.write(body);
  });
}

test('the watch sees what the policy refuses: an inline script the site did not ship', async ({ page, baseURL }) => {
  const w = await watch(page, baseURL ?? '');
  await page.goto('/');
  const ran = await page.evaluate(async () => {
    const script = document.createElement('script');
    script.textContent = 'window.injectedRan = true;';
    document.head.append(script);
    await new Promise((resolve) => setTimeout(resolve, 200));
    return (window as unknown as { injectedRan?: boolean }).injectedRan === true;
  });
  expect(ran).toBe(false);
  await expect.poll(() => w.violations.length).toBeGreaterThan(0);
  expect(w.violations.join('\n')).toMatch(/script-src/u);
});

test('the public pages run under the policy: search with suggestions, a profile, the lists, the rules, a 404', async ({ page, baseURL }) => {
  const w = await watch(page, baseURL ?? '');
  await page.goto('/');
  const box = page.getByRole('combobox', { name: '搜索小作坊' });
  await box.pressSequentially('米粉');
  await expect(page.getByRole('listbox', { name: '搜索建议' }).getByRole('option').first()).toBeVisible();

  await page.goto('/search?q=米粉');
  const first = page.getByRole('main').locator('a.name').first();
  await expect(first).toBeVisible();
  await first.click();
  await expect(page).toHaveURL(/\/workshops\/\d+$/u);
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();

  for (const path of ['/examples', '/exposures', '/about/method', '/rules/reward', '/report/track']) {
    const res = await page.goto(path);
    expect(res?.status(), path).toBe(200);
  }
  const health = await page.goto('/healthz');
  expect(health?.status()).toBe(200);
  const missing = await page.goto('/no-such-page');
  expect(missing?.status()).toBe(404);
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await expectClean(w, 9);
});

test('the tip form solves its proof of work in a same-origin worker; the staff pages show that tip, its evidence and its reporter', async ({ page, baseURL }) => {
  test.setTimeout(120_000);
  ensureAdmin();
  const base = baseURL ?? '';
  const w = await watch(page, base);
  const workers: string[] = [];
  page.on('worker', (worker) => workers.push(worker.url()));

  await page.goto('/report');
  const subject = `内容安全策略测试作坊${Date.now()}`;
  await page.getByLabel('小作坊名称或招牌').fill(subject);
  await page.getByRole('button', { name: '下一步' }).click();
  await page.getByLabel('违法类型').selectOption({ label: '生产环境卫生差' });
  await page.getByLabel('发生了什么').fill('作坊的工人不戴口罩和手套，直接用手搅拌辣椒酱。');
  await page.getByRole('button', { name: '下一步' }).click();
  const photo = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#396' } }).png().toBuffer();
  await page.getByLabel(/^证据/u).setInputFiles([{ name: '作坊门口.png', mimeType: 'image/png', buffer: photo }]);
  // the thumbnail is a blob: URL of the chosen file (img-src blob: on this page only)
  const thumb = page.getByRole('list', { name: '已选择的证据文件' }).locator('img').first();
  await expect(thumb).toHaveAttribute('src', /^blob:/u);
  await expect.poll(() => thumb.evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBe(64);
  await page.getByRole('button', { name: '下一步' }).click();
  await page.getByLabel('实名举报').check();
  await page.getByLabel('姓名').fill('测试举报人');
  await page.getByLabel('手机号码').fill('13800138000');
  // the ALTCHA widget solves the challenge while the form is filled in, in a worker of the site's own
  await expect
    .poll(() => page.evaluate(() => (document.querySelector('altcha-widget') as (HTMLElement & { getState?: () => string }) | null)?.getState?.()), { timeout: 30_000 })
    .toBe('verified');
  expect(workers.length).toBeGreaterThan(0);
  for (const url of workers) expect(url).toMatch(new RegExp(`^${base}/_astro/[^/]+\\.js$`, 'u'));
  await page.getByRole('button', { name: '提交举报' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('举报已提交');
  const receiptNo = (await page.getByTestId('receipt-no').textContent())?.trim() ?? '';

  await login(page, ADMIN.username, ADMIN.password);
  await expect(page).toHaveURL(/\/admin$/u);
  const nav = page.getByRole('navigation', { name: '后台导航' });
  const sections = await nav.getByRole('link').evaluateAll((links) => links.map((a) => a.getAttribute('href') ?? ''));
  expect(sections).toEqual(expect.arrayContaining(['/admin/tips', '/admin/account', '/admin/users', '/admin/audit', '/admin/import']));
  for (const href of sections) {
    const res = await page.goto(href);
    expect(res?.status(), href).toBe(200);
  }
  // setting up TOTP shows its QR code, a data: image (img-src data: on that page only); then cancelled
  await page.goto('/admin/account');
  await page.getByRole('button', { name: '启用两步验证' }).click();
  const qr = page.getByRole('img', { name: /二维码/u });
  await expect(qr).toHaveAttribute('src', /^data:image\/svg\+xml;base64,/u);
  await expect.poll(() => qr.evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBeGreaterThan(0);
  await page.getByRole('button', { name: '取消' }).click();
  await expect(page.getByRole('button', { name: '启用两步验证' })).toBeVisible();

  await page.goto('/admin/tips');
  await page.getByRole('link', { name: `打开举报 ${receiptNo}` }).click();
  await expect(page).toHaveURL(/\/admin\/tips\/\d+$/u);
  const tipPath = new URL(page.url()).pathname;
  // the preview is made after the receipt; the page shows it once ready
  const preview = page.getByRole('img', { name: '证据预览：作坊门口.png' });
  await expect(async () => {
    await page.reload();
    await expect(preview).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 30_000 });
  await expect.poll(() => preview.evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBeGreaterThan(0);
  const previewUrl = new URL((await preview.getAttribute('src')) ?? '', base).href;
  await w.settle();
  expect(w.checked.get(previewUrl)).toBe('image/jpeg');

  await page.locator('summary', { hasText: '查看举报人身份' }).click();
  await page.getByLabel(/^查看理由/u).fill('核对内容安全策略下的显示');
  await page.getByRole('button', { name: '查看身份' }).click();
  await expect(page.getByTestId('reporter-identity')).toContainText('测试举报人');

  const evidencePage = /\/evidence\/(\d+)\/preview$/u.exec(previewUrl)?.[1] ?? '';
  const res = await page.goto(`${tipPath}/evidence/${evidencePage}`);
  expect(res?.status()).toBe(200);
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();

  await expectClean(w, 14);
});

test('answers Astro does not render carry the same headers: static files, /_astro/ assets, JSON, the server’s own 400 and 413', async ({ request, baseURL }) => {
  const base = baseURL ?? '';
  const home = await request.get('/');
  const html = await home.text();
  const assets = [...html.matchAll(/(?:src|href)="(\/_astro\/[^"]+\.(?:js|css))"/gu)].map((m) => m[1] ?? '');
  expect(assets.length).toBeGreaterThan(0);

  const answers: [string, Record<string, string>][] = [];
  for (const path of ['/favicon.svg', ...assets, '/api/v1/search?q=米粉', '/healthz']) {
    const res = await request.get(path);
    expect(res.status(), path).toBe(200);
    answers.push([path, res.headers()]);
  }
  expect(answers.some(([path, h]) => path.startsWith('/_astro/') && h['cache-control']?.includes('immutable'))).toBe(true);

  const undecodable = await rawRequest(base, 'GET', '/search?q=%', {});
  expect(undecodable.status).toBe(400);
  answers.push(['/search?q=% (400)', undecodable.headers]);
  // an upload declaring more than the guard allows is refused before it is read (upload-guard.ts)
  const huge = { 'Content-Type': 'multipart/form-data; boundary=x', 'Content-Length': String(300 * 1024 * 1024), Origin: base };
  const fromForm = await rawRequest(base, 'POST', '/report?_action=tips.submit', huge, '--x\r\n');
  expect(fromForm.status).toBe(413);
  answers.push(['/report?_action=tips.submit (413)', fromForm.headers]);
  expect(fromForm.text).toContain('未能提交');
  const fromScript = await rawRequest(base, 'POST', '/_actions/tips.submit', huge, '--x\r\n');
  expect(fromScript.status).toBe(413);
  answers.push(['/_actions/tips.submit (413)', fromScript.headers]);

  expect(answers.flatMap(([path, h]) => headerProblems(path, h))).toEqual([]);
  expect(undecodable.headers['content-type']).toBe('text/html; charset=utf-8');
  expect(fromForm.headers['content-type']).toBe('text/html; charset=utf-8');
  // what is no Astro page may run, load or frame nothing
  for (const [path, h] of answers) expect(h['content-security-policy'], path).toMatch(/^default-src 'none';/u);
});
