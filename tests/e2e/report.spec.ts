/**
 * The tip-off form and tracking, with and without JavaScript (both projects). Every form is posted
 * from the page: Astro's checkOrigin answers 403 to a bare cross-origin POST. With JavaScript the
 * form is in steps (fx-tip-form, more in tip-form.spec.ts): the helpers go through them.
 */
import sharp from 'sharp';
import { expect, test, type Page } from '@playwright/test';

const submit = (page: Page) => page.getByRole('button', { name: '提交举报' });
const subjectName = (page: Page) => page.getByLabel('小作坊名称或招牌');
const description = (page: Page) => page.getByLabel('发生了什么');
const category = (page: Page) => page.getByLabel('违法类型');
const next = (page: Page) => page.getByRole('button', { name: '下一步' });

/**
 * Fills the required fields with valid values (the reporter stays anonymous unless changed). With
 * JavaScript (`stepped`) it goes through the steps and ends on the last one, where the reporter and
 * the submit button are.
 */
async function fillValid(page: Page, name: string, stepped: boolean): Promise<void> {
  await subjectName(page).fill(name);
  if (stepped) await next(page).click();
  await category(page).selectOption({ label: '生产环境卫生差' });
  await description(page).fill('村口作坊在露天地面晾晒米粉，旁边就是垃圾堆，苍蝇很多。');
  if (stepped) {
    await next(page).click();
    await next(page).click();
    await expect(page.getByRole('heading', { name: /第 4 步，共 4 步/u })).toBeFocused();
  }
}

test('an empty submission shows Chinese field errors and keeps what was typed', async ({ page, javaScriptEnabled: stepped }) => {
  await page.goto('/report');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('有奖举报');

  if (stepped) {
    // each step is checked before the next one
    await next(page).click();
    await expect(subjectName(page)).toHaveAttribute('aria-invalid', 'true');
    await expect(subjectName(page)).toHaveAccessibleDescription('小作坊名称至少需要2个字');
    await subjectName(page).fill('老街米粉坊');
    await next(page).click();
    await next(page).click();
  } else {
    await submit(page).click();
    await page.waitForURL(/\/report\?_action=tips\.submit/u);
    const summary = page.getByRole('alert');
    await expect(summary).toContainText('请修改以下内容后重新提交：');
    await expect(summary).toContainText('小作坊名称至少需要2个字');
    await expect(summary).toContainText('请选择违法类型');
    await expect(subjectName(page)).toHaveAttribute('aria-invalid', 'true');
    await expect(subjectName(page)).toHaveAccessibleDescription('小作坊名称至少需要2个字');
  }
  await expect(category(page)).toHaveAccessibleDescription('请选择违法类型');
  await expect(description(page)).toHaveAccessibleDescription('举报内容至少需要10个字');

  const text = '每天凌晨在自家后院用不明白色粉末泡发米粉，气味刺鼻。';
  await description(page).fill(text);
  await category(page).selectOption({ label: '添加非食用物质' });
  if (stepped) await page.getByRole('button', { name: '上一步' }).click();
  await subjectName(page).fill('');
  await (stepped ? next(page) : submit(page)).click();
  await expect(subjectName(page)).toHaveAccessibleDescription('小作坊名称至少需要2个字');
  await expect(description(page)).toHaveValue(text);
  await expect(category(page)).toHaveValue('nonFoodSubstances');
  await expect(description(page)).not.toHaveAttribute('aria-invalid', 'true');
  if (!stepped) await expect(page.getByRole('alert')).not.toContainText('请选择违法类型');
});

test('an anonymous tip gets a receipt no. and access code that track to 已提交', async ({ page, javaScriptEnabled: stepped }) => {
  await page.goto('/report');
  await fillValid(page, '村口无名米粉作坊', stepped);
  await expect(page.getByLabel('匿名举报')).toBeChecked();
  await submit(page).click();

  await expect(page.getByRole('heading', { level: 1 })).toHaveText('举报已提交');
  const receiptNo = (await page.getByTestId('receipt-no').textContent())?.trim() ?? '';
  const accessCode = (await page.getByTestId('access-code').textContent())?.trim() ?? '';
  expect(receiptNo).toMatch(/^\d{4}-\d{4}-\d{4}-\d{4}$/u);
  expect(accessCode).toMatch(/^[A-Z2-9]{5}-[A-Z2-9]{5}$/u);

  await page.getByRole('link', { name: '查询办理进度' }).click();
  await page.waitForURL(/\/report\/track$/u);
  await page.getByLabel('受理编号').fill(receiptNo);
  await page.getByLabel('查询码').fill(accessCode);
  await page.getByRole('button', { name: '查询', exact: true }).click();
  await expect(page.getByTestId('tip-status')).toHaveText('已提交');
  await expect(page.getByTestId('submitted-at')).toHaveText(/^\d{4}\/\d{1,2}\/\d{1,2} \d{1,2}:\d{2}:\d{2}$/u);
  await expect(page.getByRole('main')).toContainText('村口无名米粉作坊');

  // the same receipt no. with another well-formed code
  const wrong = `${accessCode.startsWith('A') ? 'B' : 'A'}${accessCode.slice(1)}`;
  await page.goto('/report/track');
  await page.getByLabel('受理编号').fill(receiptNo);
  await page.getByLabel('查询码').fill(wrong);
  await page.getByRole('button', { name: '查询', exact: true }).click();
  await expect(page.getByRole('alert')).toHaveText('受理编号或查询码不正确。');
  await expect(page.getByTestId('tip-status')).toHaveCount(0);
  await expect(page.getByLabel('受理编号')).toHaveValue(receiptNo);
});

test('a real-name tip with a bad mobile number is refused and keeps the name', async ({ page, javaScriptEnabled: stepped }) => {
  await page.goto('/report');
  await fillValid(page, '镇上老街豆腐坊', stepped);
  await page.getByLabel('实名举报').check();
  await page.getByLabel('姓名').fill('张三');
  await page.getByLabel('手机号码').fill('12345');
  await submit(page).click();

  await expect(page.getByLabel('手机号码')).toHaveAccessibleDescription('手机号码应为11位大陆手机号，如 13800138000');
  // with JavaScript the same schema refuses it at the field before anything is sent
  if (!stepped) await expect(page.getByRole('alert')).toContainText('手机号码应为11位大陆手机号');
  await expect(page.getByLabel('实名举报')).toBeChecked();
  await expect(page.getByLabel('姓名')).toHaveValue('张三');
  await expect(page.getByLabel('手机号码')).toHaveValue('12345');
  await expect(subjectName(page)).toHaveValue('镇上老街豆腐坊');
  await expect(page.getByTestId('receipt-no')).toHaveCount(0);
});

test('a photo chosen with a refused form is kept: the corrected form files it', async ({ page, javaScriptEnabled: stepped }) => {
  const png = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#3c6' } }).png().toBuffer();
  await page.goto('/report');
  await fillValid(page, '河边无名米粉作坊', stepped);
  await page.getByLabel(/^证据/u).setInputFiles([{ name: '米粉作坊门口.png', mimeType: 'image/png', buffer: png }]);
  await page.getByLabel('实名举报').check();
  await page.getByLabel('姓名').fill('李四');
  await page.getByLabel('手机号码').fill('12345');
  await submit(page).click();
  await expect(page.getByLabel('手机号码')).toHaveAccessibleDescription('手机号码应为11位大陆手机号，如 13800138000');
  // without JavaScript the page came back from the server: the photo is kept there for this form
  if (!stepped) await expect(page.getByTestId('kept-files')).toContainText('米粉作坊门口.png');
  await page.getByLabel('手机号码').fill('13800138000');
  await submit(page).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('举报已提交');
  const receiptNo = (await page.getByTestId('receipt-no').textContent())?.trim() ?? '';
  const accessCode = (await page.getByTestId('access-code').textContent())?.trim() ?? '';
  await page.goto('/report/track');
  await page.getByLabel('受理编号').fill(receiptNo);
  await page.getByLabel('查询码').fill(accessCode);
  await page.getByRole('button', { name: '查询', exact: true }).click();
  await expect(page.getByTestId('tip-status')).toHaveText('已提交');
  await expect(page.getByRole('main')).toContainText('米粉作坊门口.png');
});

test('an empty tracking form asks for both values in Chinese', async ({ page }) => {
  await page.goto('/report/track');
  await page.getByRole('button', { name: '查询', exact: true }).click();
  await expect(page.getByLabel('受理编号')).toHaveAccessibleDescription('受理编号应为16位数字');
  await expect(page.getByLabel('查询码')).toHaveAccessibleDescription('查询码为10位，由字母和数字组成，不含容易混淆的 0、1、I、L、O');
  await expect(page.getByTestId('tip-status')).toHaveCount(0);
});

test('a photo is accepted as evidence; an SVG is refused with its name and the text is kept', async ({ page, javaScriptEnabled: stepped }) => {
  const png = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#c33' } }).png().toBuffer();
  await page.goto('/report');
  await fillValid(page, '桥头无名豆腐作坊', stepped);
  await page.getByLabel(/^证据/u).setInputFiles([{ name: '现场照片.png', mimeType: 'image/png', buffer: png }]);
  await submit(page).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('举报已提交');

  await page.goto('/report');
  await fillValid(page, '桥头无名豆腐作坊二', stepped);
  const typed = await description(page).inputValue();
  await page.getByLabel(/^证据/u).setInputFiles([
    { name: '图.svg', mimeType: 'image/svg+xml', buffer: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>') },
  ]);
  await submit(page).click();
  await expect(page.getByLabel(/^证据/u)).toHaveAccessibleDescription(/图\.svg/u);
  // with JavaScript the error is at the field only (the page is not reloaded, the file stays chosen)
  if (!stepped) await expect(page.getByRole('alert').first()).toContainText('图.svg');
  await expect(description(page)).toHaveValue(typed);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('有奖举报');
});

test('after tracking, the reporter adds information and a file, and sees the message listed', async ({ page, javaScriptEnabled: stepped }) => {
  await page.goto('/report');
  await fillValid(page, '河边无名腐竹作坊', stepped);
  await submit(page).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('举报已提交');
  const receiptNo = (await page.getByTestId('receipt-no').textContent())?.trim() ?? '';
  const accessCode = (await page.getByTestId('access-code').textContent())?.trim() ?? '';

  await page.goto('/report/track');
  await page.getByLabel('受理编号').fill(receiptNo);
  await page.getByLabel('查询码').fill(accessCode);
  await page.getByRole('button', { name: '查询', exact: true }).click();
  await expect(page.getByTestId('tip-status')).toHaveText('已提交');
  await expect(page.getByRole('main')).toContainText('暂无补充信息或回复。');

  // an empty message: a Chinese field error, the tip still shown
  await page.getByRole('button', { name: '提交补充' }).click();
  await expect(page.getByLabel(/^补充内容/u)).toHaveAccessibleDescription('请填写补充内容');
  await expect(page.getByTestId('tip-status')).toHaveText('已提交');
  expect(page.url()).not.toContain(accessCode.replace('-', ''));

  const text = '又看到他们凌晨往泡发池里倒白色粉末，\n拍了照片。';
  const png = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#39c' } }).png().toBuffer();
  await page.getByLabel(/^补充内容/u).fill(text);
  // a refused file: its error names it, the typed text is kept, nothing is listed
  await page.getByLabel(/^补充证据/u).setInputFiles([{ name: '图.svg', mimeType: 'image/svg+xml', buffer: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"></svg>') }]);
  await page.getByRole('button', { name: '提交补充' }).click();
  await expect(page.getByLabel(/^补充证据/u)).toHaveAccessibleDescription(/图\.svg/u);
  await expect(page.getByLabel(/^补充内容/u)).toHaveValue(text);
  await expect(page.getByTestId('tip-messages')).toHaveCount(0);
  await page.getByLabel(/^补充证据/u).setInputFiles([{ name: '凌晨.png', mimeType: 'image/png', buffer: png }]);
  await page.getByRole('button', { name: '提交补充' }).click();
  await expect(page.getByTestId('message-sent')).toHaveText('补充信息已提交。');
  const messages = page.getByTestId('tip-messages');
  await expect(messages).toContainText('举报人');
  await expect(messages).toContainText('又看到他们凌晨往泡发池里倒白色粉末');
  await expect(messages).toContainText('凌晨.png');
  expect(page.url()).not.toContain(accessCode.replace('-', ''));
});
