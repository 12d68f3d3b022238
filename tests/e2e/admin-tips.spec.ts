/**
 * Tip handling in the back office (issue #5 points 3, 4, 7 and 8), with and without JavaScript
 * (both projects): a reporter files a real-name tip claiming a reward, a county officer and a city
 * supervisor take it from 已提交 to 奖励已发放 in /admin/tips, and after each step the reporter
 * sees the status and the message on /report/track; the identity reveal asks for a reason and
 * appears in /admin/audit. Then the server's own checks: another county's officer neither sees
 * nor acts on the tip, also by direct calls. The penalty the case ends in is written for each run,
 * decided today, on a party of the seed data (`casePenalty`). Each project uses its own
 * accounts and tips; names and numbers are invented (13800138000 is the usual sample number).
 */
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import Database from 'better-sqlite3';
import sharp from 'sharp';
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { ADMIN, createUserAsAdmin, e2eDataDir, ensureAdmin, firstSignIn, INITIAL_PW, login, logout, OWN_PW, suffix } from './helpers/staff.ts';
import { callAction, readE2eDb, tokenOf } from './helpers/requests.ts';

test.beforeAll(() => {
  ensureAdmin();
});

const REPORTER = { name: '测试举报人', mobile: '13800138000', idNumber: '11010519491231002X' };

/** A penalty of the seed data with a county, a unique decision no. and money: the case's outcome. */
interface SeedPenalty {
  id: number;
  decisionNo: string;
  fineYuan: number;
  confiscationYuan: number;
  countyCode: string;
  cityCode: string;
}

/**
 * The penalty the case ends in: a new penalty decided today for a party of the seed data (with a
 * county and money), as the import would enter it after the case. A case can only end in a penalty
 * decided on or after the tip, and one penalty ends one tip (src/features/tips/workflow.server.ts),
 * so each run (`s`) writes its own, into the e2e server's database.
 */
function casePenalty(s: string): SeedPenalty {
  const template = readE2eDb((db) =>
    db
      .prepare(
        `select p.party_id as partyId, coalesce(p.fine_yuan, 0) as fineYuan, coalesce(p.confiscation_yuan, 0) as confiscationYuan,
                pa.county_code as countyCode, d.parent_code as cityCode
           from penalties p join parties pa on pa.id = p.party_id join divisions d on d.code = pa.county_code
          where d.level = 'county' and coalesce(p.fine_yuan, 0) + coalesce(p.confiscation_yuan, 0) > 0
          order by p.source = 'official' desc, p.id limit 1`,
      )
      .get(),
  ) as (Omit<SeedPenalty, 'id' | 'decisionNo'> & { partyId: number }) | undefined;
  if (!template) throw new Error('the seed data has no penalty with a county and money');
  const decisionNo = `测试市监罚〔2026〕E2E${s}号`;
  const today = new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });
  const db = new Database(path.join(e2eDataDir(), 'fangxin.db'), { fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    const id = Number(
      db
        .prepare(`insert into penalties (party_id, decision_no, penalty_kinds, fine_yuan, confiscation_yuan, decided_on, source) values (?, ?, ?, ?, ?, ?, 'demo')`)
        .run(template.partyId, decisionNo, JSON.stringify(['罚款']), template.fineYuan, template.confiscationYuan, today).lastInsertRowid,
    );
    return { id, decisionNo, fineYuan: template.fineYuan, confiscationYuan: template.confiscationYuan, countyCode: template.countyCode, cityCode: template.cityCode };
  } finally {
    db.close();
  }
}

/** The level-2 reward (3 %, at least 3,000 yuan, at most 1,000,000) as the page shows it: `12,345.6`. */
function level2Amount(p: SeedPenalty): string {
  const baseFen = Math.round(p.fineYuan * 100) + Math.round(p.confiscationYuan * 100);
  const yuan = Math.min(1_000_000, Math.max(3000, Math.round(baseFen * 3) / 10_000));
  return yuan.toLocaleString('zh-CN', { maximumFractionDigits: 2 });
}

const next = (page: Page) => page.getByRole('button', { name: '下一步' });

/** The WCAG 2.1 A/AA violations axe finds in the page as it is now (axe runs in the page: JavaScript on only). */
async function axeViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return result.violations.map((v) => `${page.url()} ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** Files a real-name tip claiming a reward, with a photo, through /report; returns the receipt no. and access code as shown. */
async function fileRealNameTip(page: Page, stepped: boolean, subject: string, countyCode: string): Promise<{ receiptNo: string; accessCode: string }> {
  const photo = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#a53' } }).png().toBuffer();
  await page.goto('/report');
  await page.getByLabel('小作坊名称或招牌').fill(subject);
  await page.getByLabel('所在县（市、区）').selectOption(countyCode);
  if (stepped) await next(page).click();
  await page.getByLabel('违法类型').selectOption({ label: '添加非食用物质' });
  await page.getByLabel('发生了什么').fill('作坊凌晨往腊肉腌料里加不明红色粉末，桶上没有任何标签。');
  if (stepped) await next(page).click();
  await page.getByLabel(/^证据/u).setInputFiles([{ name: '现场照片.png', mimeType: 'image/png', buffer: photo }]);
  if (stepped) await next(page).click();
  await page.getByLabel('实名举报').check();
  await page.getByLabel('姓名').fill(REPORTER.name);
  await page.getByLabel('手机号码').fill(REPORTER.mobile);
  await page.getByLabel('查实后申请奖励（须实名）').check();
  await page.getByLabel('身份证号码').fill(REPORTER.idNumber);
  await page.getByRole('button', { name: '提交举报' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('举报已提交');
  const receiptNo = (await page.getByTestId('receipt-no').textContent())?.trim() ?? '';
  const accessCode = (await page.getByTestId('access-code').textContent())?.trim() ?? '';
  expect(receiptNo).toMatch(/^\d{4}-\d{4}-\d{4}-\d{4}$/u);
  return { receiptNo, accessCode };
}

/** The reporter looks the tip up on /report/track and sees `status` and, when given, the last message. */
async function reporterSees(page: Page, tip: { receiptNo: string; accessCode: string }, status: string, message?: string | RegExp): Promise<void> {
  await page.goto('/report/track');
  await page.getByLabel('受理编号').fill(tip.receiptNo);
  await page.getByLabel('查询码').fill(tip.accessCode);
  await page.getByRole('button', { name: '查询', exact: true }).click();
  await expect(page.getByTestId('tip-status')).toHaveText(status);
  if (message !== undefined) {
    const last = page.getByTestId('tip-messages').getByRole('listitem').last();
    await expect(last).toContainText('工作人员');
    await expect(last).toContainText(message);
  }
}

/** Makes the workflow step `button` on the tip page and waits for its confirmation. */
async function step(page: Page, button: string, status: string): Promise<void> {
  await page.getByRole('button', { name: button }).click();
  await expect(page.getByTestId('transition-done')).toHaveText(`已办理，当前状态：${status}。举报人已收到留言。`);
  await expect(page.getByTestId('tip-status')).toHaveText(status);
}

test('a tip’s whole life from 已提交 to 奖励已发放 across two roles', async ({ page, javaScriptEnabled }, info) => {
  test.setTimeout(240_000);
  const s = suffix(info);
  const penalty = casePenalty(s);
  const officer = { username: `tips-officer-${s}`, name: `县局办案员${s}`, role: '县级执法人员', division: penalty.countyCode };
  const supervisor = { username: `tips-super-${s}`, name: `市局主管${s}`, role: '市级主管', division: penalty.cityCode };
  for (const u of [officer, supervisor]) {
    await createUserAsAdmin(page, u);
    await firstSignIn(page, u.username);
    await logout(page);
  }

  // the reporter files the tip
  const tip = await fileRealNameTip(page, javaScriptEnabled, `后山无名腊肉作坊${s}`, penalty.countyCode);
  await reporterSees(page, tip, '已提交');

  // the county officer finds it in the queue
  await login(page, officer.username, OWN_PW);
  await page.getByRole('navigation', { name: '后台导航' }).getByRole('link', { name: '举报办理' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('举报办理');
  const row = page.getByTestId('tip-queue').getByRole('row').filter({ hasText: tip.receiptNo });
  await expect(row).toContainText('已提交');
  await expect(row).toContainText('决定是否立案');
  await expect(row).toHaveAttribute('data-clock', 'onTrack');
  await row.getByRole('link', { name: `打开举报 ${tip.receiptNo}` }).click();
  await expect(page).toHaveURL(/\/admin\/tips\/\d+$/u);
  const tipId = /\/admin\/tips\/(\d+)$/u.exec(page.url())?.[1] ?? '';
  await expect(page.getByTestId('tip-status')).toHaveText('已提交');
  await expect(page.getByTestId('claims-reward')).toHaveText('是');
  await expect(page.getByTestId('tip-clock')).toContainText('决定是否立案');
  // the photo's preview (made after the receipt), served decrypted and not cached
  const preview = page.getByRole('img', { name: '证据预览：现场照片.png' });
  await expect(async () => {
    await page.reload();
    await expect(preview).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 30_000 });
  const image = await page.request.get((await preview.getAttribute('src')) ?? '');
  expect(image.status()).toBe(200);
  expect(image.headers()['content-type']).toBe('image/jpeg');
  expect(image.headers()['cache-control']).toBe('no-store');
  // the reporter's identity: only with a reason, shown on that answer only
  await page.locator('summary', { hasText: '查看举报人身份' }).click();
  await page.getByRole('button', { name: '查看身份' }).click();
  await expect(page.getByLabel(/^查看理由/u)).toHaveAccessibleDescription(/^请说明查看的理由/u);
  await expect(page.getByTestId('reporter-identity')).toHaveCount(0);
  await page.getByLabel(/^查看理由/u).fill('电话告知举报人受理结果');
  await page.getByRole('button', { name: '查看身份' }).click();
  const identity = page.getByTestId('reporter-identity');
  await expect(identity).toContainText(REPORTER.name);
  await expect(identity).toContainText(REPORTER.mobile);
  await expect(identity).toContainText(REPORTER.idNumber);
  if (javaScriptEnabled) expect(await axeViolations(page)).toEqual([]);
  await page.goto(`/admin/tips/${tipId}/identity`);
  await expect(page.getByTestId('reporter-identity')).toHaveCount(0);
  await expect(page.getByRole('button', { name: '查看身份' })).toBeVisible();

  // 受理 → 立案
  await page.goto(`/admin/tips/${tipId}`);
  await step(page, '确认受理', '受理');
  await reporterSees(page, tip, '受理', '您的举报已受理，我们将依法核查并决定是否立案。');
  await page.goto(`/admin/tips/${tipId}`);
  await step(page, '确认立案', '立案');
  await expect(page.getByTestId('tip-clock')).toContainText('作出处理决定');
  await reporterSees(page, tip, '立案', '您的举报已立案调查。');

  // 办结 with the outcome and the penalty: a reference not in the county is a field error, the text is kept
  await page.goto(`/admin/tips/${tipId}`);
  const outcome = '经查实，该作坊在腌制腊肉中超范围使用着色剂，已依法作出行政处罚。';
  await page.getByLabel(/^处理结果/u).fill(outcome);
  await page.getByLabel(/^行政处罚/u).fill('不存在市监罚〔2026〕1号');
  await page.getByRole('button', { name: '确认办结' }).click();
  await expect(page.getByLabel(/^行政处罚/u)).toHaveAccessibleDescription(/^没有找到该处罚/u);
  await expect(page.getByLabel(/^处理结果/u)).toHaveValue(outcome);
  await expect(page.getByTestId('tip-status')).toHaveText('立案');
  await page.getByLabel(/^行政处罚/u).fill(penalty.decisionNo);
  await step(page, '确认办结', '办结');
  await expect(page.getByTestId('tip-reward')).toContainText(penalty.decisionNo);
  // deciding the level is not the county officer's
  await expect(page.getByTestId('tip-actions')).toContainText('当前状态下您没有可办理的事项。');
  await reporterSees(page, tip, '办结', `您的举报已办结：${outcome}`);
  await page.goto('/admin');
  await logout(page);

  // the city supervisor chooses the level; the amount comes from the reward function
  await login(page, supervisor.username, OWN_PW);
  await page.goto('/admin/tips');
  await page.getByRole('link', { name: `打开举报 ${tip.receiptNo}` }).click();
  const amount = level2Amount(penalty);
  const level2 = page.getByRole('radio', { name: /^二级（罚没款的3%，不低于3,000 元）：/u });
  await expect(level2).toHaveAccessibleName(`二级（罚没款的3%，不低于3,000 元）：${amount} 元`);
  await level2.check();
  await page.getByRole('button', { name: '确认核定奖励' }).click();
  await expect(page.getByLabel('我已核查举报人的奖励资格')).toHaveAccessibleDescription('请先核查举报人的奖励资格并勾选确认');
  await expect(page.getByRole('radio', { name: /^二级/u })).toBeChecked();
  // the reward form with its field error, the tip's messages and evidence
  if (javaScriptEnabled) expect(await axeViolations(page)).toEqual([]);
  await page.getByLabel('我已核查举报人的奖励资格').check();
  await step(page, '确认核定奖励', '奖励已核定');
  await expect(page.getByTestId('reward-amount')).toHaveText(`${amount} 元`);
  await reporterSees(page, tip, '奖励已核定', `奖励已核定：${amount} 元（二级奖励）`);

  // the identity reveal is in the audit log, with who and why
  await page.goto('/admin/audit');
  await page.getByLabel(/^举报（受理编号）/u).fill(tip.receiptNo);
  await page.getByLabel('操作').selectOption({ label: '查看举报人身份' });
  await page.getByRole('button', { name: '筛选' }).click();
  await expect(page.getByTestId('audit-total')).toHaveText('共 1 条');
  const entry = page.getByTestId('audit-log').getByRole('row').nth(1);
  await expect(entry).toContainText('查看举报人身份');
  await expect(entry).toContainText(officer.name);
  await expect(entry).toContainText('电话告知举报人受理结果');
  await expect(entry).toContainText(tip.receiptNo);
  await expect(page.getByTestId('audit-log')).not.toContainText(REPORTER.mobile);
  await logout(page);

  // the county officer records the payment (today by default)
  await login(page, officer.username, OWN_PW);
  await page.goto(`/admin/tips/${tipId}`);
  await step(page, '确认登记发放', '奖励已发放');
  await expect(page.getByTestId('tip-actions')).toContainText('本件已办理完毕。');
  await reporterSees(page, tip, '奖励已发放', /^[\s\S]*奖励已发放（发放日期：\d{4}年\d{1,2}月\d{1,2}日）。感谢您的举报。/u);
  // the whole timeline on the reporter's page
  await expect(page.getByRole('main')).toContainText(outcome);
  await expect(page.getByTestId('tip-messages').getByRole('listitem')).toHaveCount(5);
});

/** Files an anonymous tip with a direct form post to the tips.submit action; returns its id and receipt no. from the database. */
async function fileTipDirectly(request: APIRequestContext, baseURL: string, subject: string, countyCode: string): Promise<{ id: number; receiptNo: string }> {
  const res = await callAction(request, baseURL, 'tips.submit', {
    submissionToken: `e2e-direct-${subject.length}-${Date.now()}-${Math.random().toString(36).slice(2)}`,
    subjectName: subject,
    countyCode,
    category: 'hygiene',
    description: '作坊地面积水发臭，工人不戴口罩直接用手拌馅。',
    reporterMode: 'anonymous',
  });
  expect(res.status()).toBe(200);
  const row = readE2eDb((db) => db.prepare('select id, receipt_no as receiptNo from tips where subject_name = ? order by id desc limit 1').get(subject)) as { id: number; receiptNo: string } | undefined;
  if (!row) throw new Error('tip not stored');
  return row;
}

test('another county’s officer cannot see or act on a tip, also by direct calls', async ({ request, baseURL }, info) => {
  const base = baseURL ?? '';
  const s = suffix(info);
  const admin = await tokenOf(request, base, ADMIN.username, ADMIN.password);
  // 东湖区 and 西湖区 of 南昌市
  for (const [username, divisionCode] of [[`tips-dh-${s}`, '360102'], [`tips-xh-${s}`, '360103']] as const) {
    const created = await callAction(request, base, 'staff.createUser', { username, displayName: '测试', role: 'countyOfficer', divisionCode, password: INITIAL_PW, confirmPassword: INITIAL_PW }, admin);
    expect(created.status()).toBe(200);
    const token = await tokenOf(request, base, username, INITIAL_PW);
    expect((await callAction(request, base, 'staff.changePassword', { currentPassword: INITIAL_PW, newPassword: OWN_PW, confirmPassword: OWN_PW }, token)).status()).toBe(200);
  }
  const own = await tokenOf(request, base, `tips-dh-${s}`, OWN_PW);
  const other = await tokenOf(request, base, `tips-xh-${s}`, OWN_PW);
  const tip = await fileTipDirectly(request, base, `东湖区测试包子铺${s}`, '360102');
  const as = (token: string) => ({ headers: { Cookie: `fx_staff=${token}` } });
  const transition = (form: Record<string, string>, token?: string) => callAction(request, base, 'staffTips.transition', { tipId: String(tip.id), ...form }, token);

  // the queue and the page
  const link = `打开举报 ${tip.receiptNo.replace(/(\d{4})(?=\d)/gu, '$1-')}`;
  expect(await (await request.get('/admin/tips', as(own))).text()).toContain(link);
  const otherQueue = await request.get('/admin/tips', as(other));
  expect(otherQueue.status()).toBe(200);
  expect(await otherQueue.text()).not.toContain(link);
  expect((await request.get(`/admin/tips/${tip.id}`, as(own))).status()).toBe(200);
  const hidden = await request.get(`/admin/tips/${tip.id}`, as(other));
  expect(hidden.status()).toBe(404);
  const missing = await request.get('/admin/tips/99999999', as(other));
  expect(missing.status()).toBe(404);
  // the same answer for a tip outside the jurisdiction and a tip that does not exist
  const strip = (html: string) => html.replace(/\/admin\/tips\/\d+/gu, '');
  expect(strip(await hidden.text())).toBe(strip(await missing.text()));

  // direct calls to the actions
  expect((await transition({ transition: 'accept', expectedStatus: 'submitted' })).status()).toBe(401);
  expect((await transition({ transition: 'accept', expectedStatus: 'submitted' }, other)).status()).toBe(404);
  expect((await callAction(request, base, 'staffTips.message', { tipId: String(tip.id), text: '你好' }, other)).status()).toBe(404);
  expect((await transition({ transition: 'decideReward', expectedStatus: 'submitted', level: '1', eligibilityChecked: '1' }, own)).status()).toBe(403);
  expect((await transition({ transition: 'openCase', expectedStatus: 'submitted' }, own)).status()).toBe(409);
  const invalid = await transition({ transition: 'decline', expectedStatus: 'submitted', reason: '' }, own);
  expect(invalid.status()).toBe(400);
  expect(await invalid.json()).toMatchObject({ type: 'AstroActionInputError', fields: { reason: ['请填写不予受理的理由'] } });
  expect(readE2eDb((db) => db.prepare('select status from tips where id = ?').get(tip.id))).toEqual({ status: 'submitted' });
  expect((await transition({ transition: 'accept', expectedStatus: 'submitted' }, own)).status()).toBe(200);
  expect((await transition({ transition: 'accept', expectedStatus: 'submitted' }, own)).status()).toBe(409);
  expect(readE2eDb((db) => db.prepare('select status from tips where id = ?').get(tip.id))).toEqual({ status: 'accepted' });

  // the confidential pages: refused before anything is opened or logged; a post from another site is refused whoever sends it
  const crossSite = await request.post(`/admin/tips/${tip.id}/identity`, { form: { reason: '核实举报人身份信息' }, headers: { Origin: 'https://example.org', Cookie: `fx_staff=${own}` } });
  expect(crossSite.status()).toBe(403);
  const revealed = await request.post(`/admin/tips/${tip.id}/identity`, { form: { reason: '核实举报人身份信息' }, headers: { Origin: base, Cookie: `fx_staff=${other}` } });
  expect(revealed.status()).toBe(404);
  expect(readE2eDb((db) => db.prepare("select count(*) as n from audit_log where tip_id = ? and action = 'identityRevealed'").get(tip.id))).toEqual({ n: 0 });
  expect((await request.get(`/admin/tips/${tip.id}/evidence/1/preview`, as(other))).status()).toBe(404);
  // county officers do not read the audit log
  expect((await request.get('/admin/audit', as(own))).status()).toBe(403);
});

test.describe('accessibility', () => {
  // axe runs inside the page: JavaScript on for these, in both projects
  test.use({ javaScriptEnabled: true });

  test('the queue, a tip and the audit log have no detectable violations', async ({ page, request, baseURL }, info) => {
    const tip = await fileTipDirectly(request, baseURL ?? '', `无障碍检查作坊${suffix(info)}`, '360102');
    const check = async () => expect(await axeViolations(page)).toEqual([]);
    await login(page, ADMIN.username, ADMIN.password);
    await expect(page).toHaveURL(/\/admin$/u);
    await page.goto('/admin/tips');
    await check();
    await page.goto(`/admin/tips/${tip.id}`);
    await expect(page.getByTestId('tip-status')).toHaveText('已提交');
    await check();
    await page.goto('/admin/audit');
    await check();
  });
});
