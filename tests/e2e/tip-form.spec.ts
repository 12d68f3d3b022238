/**
 * The tip form in steps (fx-tip-form): JavaScript on only (`jsOnly` in playwright.config.ts); the
 * same form without JavaScript is report.spec.ts. Images are made here with sharp; names and
 * numbers are invented (13800138000 is the usual sample number), no personal data.
 */
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import Database from 'better-sqlite3';
import sharp from 'sharp';
import { expect, test, type Locator, type Page } from '@playwright/test';

const subjectName = (page: Page) => page.getByLabel('小作坊名称或招牌');
const place = (page: Page) => page.getByLabel(/^地点/u);
const county = (page: Page) => page.getByLabel('所在县（市、区）');
const category = (page: Page) => page.getByLabel('违法类型');
const description = (page: Page) => page.getByLabel('发生了什么');
const occurredOn = (page: Page) => page.getByLabel('发现日期');
const evidence = (page: Page) => page.getByLabel(/^证据/u);
const next = (page: Page) => page.getByRole('button', { name: '下一步' });
const prev = (page: Page) => page.getByRole('button', { name: '上一步' });
const submit = (page: Page) => page.getByRole('button', { name: '提交举报' });
const stepHeading = (page: Page, n: number, name: string) => page.getByRole('heading', { level: 2, name: `第 ${n} 步，共 4 步：${name}` });
const fileList = (page: Page) => page.getByRole('list', { name: '已选择的证据文件' });
/** The Action the form posts to (`/_actions/tips.submit/`). */
const submitAction = /\/_actions\/tips\.submit\/?$/u;

const png = (background: string) => sharp({ create: { width: 64, height: 48, channels: 3, background } }).png().toBuffer();

/**
 * Whether the tip with `receiptNo` (4-4-4-4) was stored as having solved the proof of work, read
 * from the e2e server's database (playwright.config.ts puts it in FANGXIN_E2E_DATA_DIR).
 */
function storedProofOfWork(receiptNo: string): boolean | undefined {
  const db = new Database(path.join(process.env.FANGXIN_E2E_DATA_DIR ?? '', 'fangxin.db'), { readonly: true, fileMustExist: true });
  try {
    const row = db.prepare('select proof_of_work as pow from tips where receipt_no = ?').get(receiptNo.replaceAll('-', '')) as { pow: number } | undefined;
    return row === undefined ? undefined : row.pow === 1;
  } finally {
    db.close();
  }
}

/** The WCAG 2.1 A/AA violations axe finds in the page as it is now (as in a11y.spec.ts). */
async function axeViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** The names of the files the form would submit. */
const chosenNames = (input: Locator) => input.evaluate((el) => [...((el as HTMLInputElement).files ?? [])].map((f) => f.name));

/** Fills steps 1 and 2 with valid values and ends on step 3 (证据). */
async function toEvidenceStep(page: Page, name: string, text: string): Promise<void> {
  await subjectName(page).fill(name);
  await next(page).click();
  await category(page).selectOption({ label: '生产环境卫生差' });
  await description(page).fill(text);
  await next(page).click();
  await expect(stepHeading(page, 3, '证据')).toBeFocused();
}

test('stepping forward is blocked with a Chinese field error; going back keeps every value', async ({ page }) => {
  await page.goto('/report');
  await expect(stepHeading(page, 1, '被举报对象')).toBeVisible();
  const steps = page.getByRole('list', { name: '填写步骤' }).getByRole('listitem');
  await expect(steps).toHaveCount(4);
  await expect(steps.nth(0)).toHaveAttribute('aria-current', 'step');
  // the later steps' fields stay in the form, hidden
  await expect(description(page)).toBeHidden();
  await expect(submit(page)).toBeHidden();

  await next(page).click();
  await expect(subjectName(page)).toHaveAccessibleDescription('小作坊名称至少需要2个字');
  await expect(subjectName(page)).toHaveAttribute('aria-invalid', 'true');
  await expect(subjectName(page)).toBeFocused();
  await expect(stepHeading(page, 1, '被举报对象')).toBeVisible();

  await subjectName(page).fill('老街无名米粉作坊');
  await place(page).fill('某镇菜市场东门');
  await county(page).selectOption({ label: '南昌县' });
  // the error goes once the field is corrected and left
  await expect(subjectName(page)).not.toHaveAttribute('aria-invalid', 'true');
  // Enter in a field goes to the next step, like 下一步
  await place(page).press('Enter');
  await expect(stepHeading(page, 2, '举报内容')).toBeFocused();
  await expect(steps.nth(1)).toHaveAttribute('aria-current', 'step');
  await expect(page.getByRole('status').filter({ hasText: '第 2 步，共 4 步：举报内容' })).toBeAttached();

  await description(page).fill('太脏');
  await next(page).click();
  await expect(category(page)).toHaveAccessibleDescription('请选择违法类型');
  await expect(category(page)).toBeFocused();
  await expect(description(page)).toHaveAccessibleDescription('举报内容至少需要10个字');
  await expect(stepHeading(page, 2, '举报内容')).toBeVisible();

  const text = '作坊在露天地面晾晒米粉，旁边就是垃圾堆，苍蝇很多。';
  await category(page).selectOption({ label: '生产环境卫生差' });
  await description(page).fill(text);
  await occurredOn(page).fill('2026-11-01');
  await next(page).click();
  await expect(stepHeading(page, 3, '证据')).toBeFocused();
  await next(page).click();
  await expect(stepHeading(page, 4, '举报人与提交')).toBeFocused();
  await expect(submit(page)).toBeVisible();

  // a real-name reporter without a mobile number cannot submit
  await page.getByLabel('实名举报').check();
  await page.getByLabel('姓名').fill('测试用户');
  await submit(page).click();
  await expect(page.getByLabel('手机号码')).toHaveAccessibleDescription('实名举报请填写手机号码');
  await expect(page.getByLabel('手机号码')).toBeFocused();

  const summary = page.getByRole('region', { name: '将要提交的内容' });
  await expect(summary).toContainText('老街无名米粉作坊');
  await expect(summary).toContainText('某镇菜市场东门，南昌县');
  await expect(summary).toContainText('生产环境卫生差');
  await expect(summary).toContainText('实名举报（测试用户）');

  await prev(page).click();
  await prev(page).click();
  await expect(stepHeading(page, 2, '举报内容')).toBeFocused();
  await expect(description(page)).toHaveValue(text);
  await expect(category(page)).toHaveValue('hygiene');
  await expect(occurredOn(page)).toHaveValue('2026-11-01');
  // a done step can be opened from the list of steps
  await page.getByRole('button', { name: '返回“被举报对象”（已完成）' }).click();
  await expect(stepHeading(page, 1, '被举报对象')).toBeFocused();
  await expect(subjectName(page)).toHaveValue('老街无名米粉作坊');
  await expect(place(page)).toHaveValue('某镇菜市场东门');
  await expect(county(page)).toHaveValue('360121');
  await expect(page.getByLabel('姓名')).toHaveValue('测试用户');

  // the `step` property re-renders the element (and is reflected)
  await page.locator('fx-tip-form').evaluate((el) => {
    (el as HTMLElement & { step: number }).step = 3;
  });
  await expect(stepHeading(page, 3, '证据')).toBeVisible();
  await expect(page.locator('fx-tip-form')).toHaveAttribute('step', '3');
  await expect(subjectName(page)).toBeHidden();
});

test('an image shows a preview and can be removed; choosing again adds files; count and size are checked here', async ({ page }) => {
  // a 20 MB file goes through the browser, and axe runs twice
  test.setTimeout(60_000);
  await page.goto('/report');
  await toEvidenceStep(page, '河边无名腐竹作坊', '腐竹作坊用的水直接从旁边的小河里抽上来。');
  await expect(page.getByText('尚未选择证据文件（证据为可选项）。')).toBeVisible();

  await evidence(page).setInputFiles([{ name: '现场照片.png', mimeType: 'image/png', buffer: await png('#2a7') }]);
  const cards = fileList(page).getByRole('listitem');
  await expect(cards).toHaveCount(1);
  const thumb = cards.first().locator('img');
  await expect(thumb).toHaveAttribute('src', /^blob:/u);
  await expect.poll(() => thumb.evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBe(64);
  await expect(cards.first()).toContainText('现场照片.png');
  await expect(cards.first()).toContainText(/\d+ (B|KB) · 图片/u);

  // choosing again adds to the list; a name is text, never markup
  await evidence(page).setInputFiles([
    { name: '收据.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n%%EOF\n') },
    { name: '<i>夜里.jpg', mimeType: 'image/jpeg', buffer: await sharp({ create: { width: 8, height: 8, channels: 3, background: '#333' } }).jpeg().toBuffer() },
  ]);
  await expect(cards).toHaveCount(3);
  await expect(cards.nth(1)).toContainText('PDF 文件');
  await expect(cards.nth(2)).toContainText('<i>夜里.jpg');
  await expect(fileList(page).locator('i')).toHaveCount(0);
  expect(await chosenNames(evidence(page))).toEqual(['现场照片.png', '收据.pdf', '<i>夜里.jpg']);

  const url = (await thumb.getAttribute('src')) ?? '';
  await page.getByRole('button', { name: '移除 现场照片.png' }).click();
  await expect(cards).toHaveCount(2);
  expect(await chosenNames(evidence(page))).toEqual(['收据.pdf', '<i>夜里.jpg']);
  await expect(page.getByRole('button', { name: '移除 收据.pdf' })).toBeFocused();
  // the preview's object URL is released
  expect(await page.evaluate((u) => fetch(u).then(() => 'alive', () => 'revoked'), url)).toBe('revoked');

  // more than ten files: the schema's message, and the step cannot be left
  const many = await Promise.all(Array.from({ length: 9 }, async (_, i) => ({ name: `图${i + 1}.png`, mimeType: 'image/png', buffer: await png(`#${i}${i}${i}`) })));
  await evidence(page).setInputFiles(many);
  await expect(cards).toHaveCount(11);
  await expect(evidence(page)).toHaveAccessibleDescription('最多上传10个证据文件，您选择了11个');
  await next(page).click();
  await expect(stepHeading(page, 3, '证据')).toBeVisible();
  await page.getByRole('button', { name: '移除 图9.png' }).click();
  await expect(evidence(page)).not.toHaveAttribute('aria-invalid', 'true');

  // a file over 20 MB is named
  await page.getByRole('button', { name: '移除 图8.png' }).click();
  await evidence(page).setInputFiles([{ name: '长视频.mp4', mimeType: 'video/mp4', buffer: Buffer.alloc(20 * 1024 * 1024 + 1) }]);
  await expect(evidence(page)).toHaveAccessibleDescription('文件“长视频.mp4”超过20 MB，请压缩或换一个文件');
  await expect(cards.last()).toContainText('超过大小上限');
  expect(await axeViolations(page)).toEqual([]);
  await page.getByRole('button', { name: '移除 长视频.mp4' }).click();
  await expect(evidence(page)).not.toHaveAttribute('aria-invalid', 'true');
  await next(page).click();
  await expect(stepHeading(page, 4, '举报人与提交')).toBeFocused();
  await expect(page.getByRole('region', { name: '将要提交的内容' })).toContainText('共 9 个文件');
  expect(await axeViolations(page)).toEqual([]);
});

test('a file the server refuses from its bytes keeps the typed text and the other files, with the error at the evidence field', async ({ page }) => {
  const text = '作坊把发霉的豆腐重新油炸后出售，附照片。';
  await page.goto('/report');
  await toEvidenceStep(page, '桥头无名豆腐作坊三', text);
  await evidence(page).setInputFiles([
    { name: '现场.png', mimeType: 'image/png', buffer: await png('#c33') },
    // a text file named like a photo: the browser cannot show it, the server refuses it from its bytes
    { name: 'x.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('这不是照片，只是一段文字。') },
  ]);
  const cards = fileList(page).getByRole('listitem');
  await expect(cards.nth(1)).toContainText('无法预览');
  await next(page).click();
  await submit(page).click();

  await expect(stepHeading(page, 3, '证据')).toBeVisible();
  await expect(evidence(page)).toHaveAccessibleDescription(/文件“x\.jpg”不是可接受的格式/u);
  await expect(evidence(page)).toBeFocused();
  await expect(cards.nth(1)).toContainText('未通过检查');
  expect(await chosenNames(evidence(page))).toEqual(['现场.png', 'x.jpg']);
  await expect(description(page)).toHaveValue(text);
  await expect(subjectName(page)).toHaveValue('桥头无名豆腐作坊三');
  await expect(page.getByTestId('receipt-no')).toHaveCount(0);
  // the refused file blocks the step until it is removed
  await next(page).click();
  await expect(evidence(page)).toBeFocused();
  await page.getByRole('button', { name: '移除 x.jpg' }).click();
  await expect(evidence(page)).not.toHaveAttribute('aria-invalid', 'true');
  expect(await chosenNames(evidence(page))).toEqual(['现场.png']);
});

test('a rate-limit answer and a lost connection are shown in an alert; nothing is lost, and sending again files no second tip', async ({ page }) => {
  const text = '凌晨三点还在用不明白色粉末漂白米粉，气味刺鼻。';
  await page.goto('/report');
  await toEvidenceStep(page, '镇口无名米粉作坊', text);
  await evidence(page).setInputFiles([{ name: '漂白.png', mimeType: 'image/png', buffer: await png('#eee') }]);
  await next(page).click();

  const tooMany = '提交过于频繁：同一网络每小时最多提交10份举报，请约30分钟后再试。您填写的内容已保留。';
  await page.route(submitAction, (route) =>
    route.fulfill({ status: 429, contentType: 'application/json', body: JSON.stringify({ type: 'AstroActionError', code: 'TOO_MANY_REQUESTS', message: tooMany }) }),
  );
  await submit(page).click();
  await expect(page.getByRole('alert')).toHaveText(tooMany);
  await expect(page.getByRole('alert')).toBeFocused();
  await expect(submit(page)).toBeEnabled();

  // the tip reaches the server, but the answer is lost on the way back
  await page.unroute(submitAction);
  await page.route(submitAction, async (route) => {
    await route.fetch();
    await route.abort('internetdisconnected');
  });
  await submit(page).click();
  await expect(page.getByRole('alert')).toContainText('网络连接中断，举报没有提交。您填写的内容和选择的文件都已保留');
  await expect(description(page)).toHaveValue(text);
  expect(await chosenNames(evidence(page))).toEqual(['漂白.png']);
  await expect(stepHeading(page, 4, '举报人与提交')).toBeVisible();

  // sending again: the same form token finds the tip already filed
  await page.unroute(submitAction);
  await submit(page).click();
  await expect(page.getByRole('heading', { level: 1, name: '这份举报已经提交过，请勿重复提交。' })).toBeFocused();
  await expect(page.getByRole('status')).toContainText(/受理编号：\d{4}-\d{4}-\d{4}-\d{4}/u);
  await expect(page.getByTestId('access-code')).toHaveCount(0);
  await expect(page.getByRole('link', { name: '查询办理进度' })).toBeVisible();
});

test('a full submission shows the receipt and the access code once, and the tip tracks with them', async ({ page }) => {
  const name = '坡下无名辣椒酱作坊';
  await page.goto('/report');
  await toEvidenceStep(page, name, '辣椒酱作坊的工人不戴口罩和手套，直接用手搅拌。');
  await evidence(page).setInputFiles([{ name: '作坊门口.png', mimeType: 'image/png', buffer: await png('#963') }]);
  await next(page).click();
  await page.getByLabel('实名举报').check();
  await page.getByLabel('姓名').fill('测试用户');
  await page.getByLabel('手机号码').fill('138 0013 8000');
  await expect(page.getByRole('region', { name: '将要提交的内容' })).toContainText('共 1 个文件');
  // the proof of work (ALTCHA widget, nothing to do) is solved while the form is filled in; a
  // submission sent before it finished waits for it (fx-tip-form `_finishProofOfWork`)

  // held back a moment, so that the sending state can be seen
  await page.route(submitAction, async (route) => {
    await new Promise((resolve) => setTimeout(resolve, 500));
    await route.continue();
  });
  await submit(page).click();
  await expect(page.getByRole('button', { name: '正在提交…' })).toBeDisabled();

  const heading = page.getByRole('heading', { level: 1, name: '举报已提交' });
  await expect(heading).toBeFocused();
  await expect(page.getByRole('main')).toContainText('请立即抄写或截图保存受理编号和查询码。查询码只显示这一次，遗失后无法找回。');
  await expect(page.locator('form')).toHaveCount(0);
  const receiptNo = (await page.getByTestId('receipt-no').textContent())?.trim() ?? '';
  const accessCode = (await page.getByTestId('access-code').textContent())?.trim() ?? '';
  expect(receiptNo).toMatch(/^\d{4}-\d{4}-\d{4}-\d{4}$/u);
  expect(accessCode).toMatch(/^[A-Z2-9]{5}-[A-Z2-9]{5}$/u);
  expect(storedProofOfWork(receiptNo)).toBe(true);
  expect(await axeViolations(page)).toEqual([]);

  await page.getByRole('link', { name: '查询办理进度' }).click();
  await page.waitForURL(/\/report\/track$/u);
  await page.getByLabel('受理编号').fill(receiptNo);
  await page.getByLabel('查询码').fill(accessCode);
  await page.getByRole('button', { name: '查询', exact: true }).click();
  await expect(page.getByTestId('tip-status')).toHaveText('已提交');
  await expect(page.getByRole('main')).toContainText(name);
  await expect(page.getByRole('main')).toContainText('作坊门口.png');
});
