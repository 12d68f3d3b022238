/**
 * Publishing from the back office (issue #5 points 5, 6 and 8), with and without JavaScript (both
 * projects; each uses accounts and data of its own, suffixed with the project's name):
 * - an import with a bad row: a CSV and an XLSX made here are uploaded by a city supervisor, the
 *   row error is shown (row and column), the CSV's row is corrected and the XLSX's excluded, the
 *   unmatched parties are created, the commit runs (progress, then the result) and the records are
 *   on the public profile;
 * - a masked name (南昌县[人名]…) uploaded twice is not matched by name the second time, and its
 *   announcement date without a year is shown as published (issue 9 points 6 and 7);
 * - an exposure going live: a party named in an official table (imported with `npm run import`,
 *   the seed's code path) is exposed by a city supervisor, seen on /exposures and flagged in search,
 *   withdrawn, and gone from both.
 */
import AxeBuilder from '@axe-core/playwright';
import ExcelJS from 'exceljs';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { PENALTY_COLUMNS, SAMPLING_COLUMNS } from '../../src/features/imports/official.ts';
import { createUserAsAdmin, ensureAdmin, firstSignIn, runCli, suffix } from './helpers/staff.ts';

test.beforeAll(() => ensureAdmin());

/** A day `days` before today in Asia/Shanghai, `YYYY-MM-DD`. */
function daysAgo(days: number): string {
  return new Date(Date.now() + 8 * 3600_000 - days * 86_400_000).toISOString().slice(0, 10);
}

type Cells = Partial<Record<string, string>>;
const csvOf = (columns: readonly string[], rows: Cells[]) =>
  [columns.join(','), ...rows.map((r) => columns.map((c) => r[c] ?? '').map((v) => (/[",\n]/u.test(v) ? `"${v.replace(/"/gu, '""')}"` : v)).join(','))].join('\n');

const penalty = (name: string, decisionNo: string, fine: string): Cells => ({
  行政相对人名称: name,
  行政相对人类别: '法人及非法人组织',
  行政处罚决定书文号: decisionNo,
  违法行为类型: '生产不符合食品安全标准的食品',
  违法事实: '生产铝的残留量超标的湿米粉',
  处罚类别: '罚款',
  '罚款金额(万元)': fine,
  处罚决定日期: daysAgo(20),
  处罚机关: '南昌县市场监督管理局',
});

async function samplingXlsx(rows: (string | null)[][]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('不合格产品');
  ws.addRow(['南昌市市场监督管理局食品安全监督抽检不合格产品信息']);
  ws.addRow([...SAMPLING_COLUMNS]);
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

async function uploadAndPreview(page: Page, kind: string, file: { name: string; mimeType: string; buffer: Buffer }, announcement?: Record<string, string>): Promise<void> {
  await page.goto('/admin/import');
  await page.getByLabel('表格类型').selectOption(kind);
  await page.getByLabel('文件', { exact: true }).setInputFiles(file);
  for (const [label, value] of Object.entries(announcement ?? {})) await page.getByLabel(label, { exact: true }).fill(value);
  await page.getByRole('button', { name: '上传并预览' }).click();
  await expect(page).toHaveURL(/\/admin\/import\/[0-9a-f]{24}(?:\?|#|$)/u);
}

async function commitAndWait(page: Page, rows: number): Promise<void> {
  await expect(page.getByTestId('ready')).toContainText(`将在一个事务中写入 ${rows} 行`);
  await page.getByRole('button', { name: '确认导入' }).click();
  // the page follows the commit by itself (polling with JavaScript, a refresh without)
  await expect(page.getByTestId('import-phase')).toHaveText('导入完成。', { timeout: 20_000 });
  await expect(page.getByTestId('import-written')).toContainText(`已在一个事务中写入 ${rows} 行记录`);
}

test('an import with a bad row', async ({ page }, info) => {
  test.setTimeout(90_000);
  const s = suffix(info);
  const username = `import-${s}`;
  await createUserAsAdmin(page, { username, name: '导入测试', role: '市级主管', division: '360100' });
  await firstSignIn(page, username);

  // a CSV (双公示 penalties, amounts in 万元): the second row's amount is not a number
  const mill = `鑫测${s}米粉加工厂`;
  const tofu = `鑫测${s}豆制品厂`;
  const csv = csvOf(PENALTY_COLUMNS, [penalty(mill, `洪南市监罚〔2026〕${s}01号`, '0.5'), penalty(tofu, `洪南市监罚〔2026〕${s}02号`, 'abc')]);
  await uploadAndPreview(page, 'penalties', { name: '处罚信息.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  const bad = page.getByTestId('problem-row-2');
  await expect(bad.getByTestId('row-errors-2')).toHaveText('第2行 · 罚款金额(万元)：金额“abc”不是有效数字');
  await expect(page.getByTestId('count-error')).toHaveText('1');
  await expect(page.getByRole('button', { name: '确认导入' })).toHaveCount(0);
  // corrected in place, checked again
  await bad.getByLabel('罚款金额(万元)').fill('0.3');
  await bad.getByRole('button', { name: '保存修改并重新检查' }).click();
  await expect(page.getByTestId('row-fixed')).toHaveText('第2行已修改并通过检查。');
  await expect(page.getByTestId('count-error')).toHaveText('0');
  // both parties are new: listed for a decision, then created
  await expect(page.getByTestId('count-undecided')).toHaveText('2');
  await page.getByRole('button', { name: '所有未匹配的行都新建主体' }).click();
  await expect(page.getByTestId('preview-rows').getByRole('row', { name: new RegExp(tofu, 'u') })).toContainText('新建主体（南昌市南昌县）');
  await commitAndWait(page, 2);
  await page.getByTestId('import-parties').getByRole('link', { name: tofu }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(tofu);
  const penalties = page.getByRole('region', { name: '行政处罚' });
  await expect(penalties).toContainText(`洪南市监罚〔2026〕${s}02号`);
  // 0.3 万元 = 3,000 yuan
  await expect(penalties).toContainText('3,000 元');

  // an XLSX (the sampling table, with a title row above the header): the bad row is excluded
  const producer = `鑫测${s}粉丝厂`;
  const xlsx = await samplingXlsx([
    ['1', producer, '江西省南昌市南昌县莲塘镇', '某某超市', '南昌市青山湖区', '红薯粉丝', '500克/袋', '/', '2026-09-01', '铝的残留量(干样品,以Al计)(mg/kg)║356║≤200', '南昌市食品药品检验所', null],
    ['2', `鑫测${s}另一厂`, '江西省南昌市南昌县', '某某超市', '南昌市', null, '', '', '', '', '', null],
  ]);
  await uploadAndPreview(page, 'sampling', { name: '不合格产品.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: xlsx }, {
    通告标题: `南昌市市场监督管理局食品安全监督抽检通告（测试${s}）`,
    通告日期: daysAgo(5),
    发布机关: '南昌市市场监督管理局',
    食品类别: '淀粉及淀粉制品',
  });
  await expect(page.getByTestId('row-errors-2')).toHaveText('第2行 · 食品名称：食品名称不能为空');
  await page.getByTestId('problem-row-2').getByRole('button', { name: '不导入此行（第2行）' }).click();
  await expect(page.getByTestId('count-error')).toHaveText('0');
  await page.getByTestId('problem-row-1').getByRole('button', { name: '新建主体' }).click();
  await commitAndWait(page, 1);
  await page.getByTestId('import-parties').getByRole('link', { name: producer }).click();
  const sampling = page.getByRole('region', { name: '监督抽检' });
  await expect(sampling).toContainText('红薯粉丝 · 不合格');
  await expect(sampling.getByRole('cell', { name: '356' })).toBeVisible();
});

test('a masked name is never matched by name, and a date without a year is kept as published (issue 9 points 6, 7)', async ({ page }, info) => {
  test.setTimeout(90_000);
  const s = suffix(info);
  const username = `masked-${s}`;
  await createUserAsAdmin(page, { username, name: '隐名测试', role: '市级主管', division: '360100' });
  await firstSignIn(page, username);
  // a stall named with its owner's name taken out, as the published rows are (南昌县[人名]包子店)
  const stall = `南昌县[人名]测试${s}包子店`;
  const csv = csvOf(SAMPLING_COLUMNS, [{ 序号: '1', 被抽样单位名称: stall, 食品名称: '油条', '不合格项目║检验结果║标准值': '铝的残留量(干样品,以Al计)(mg/kg)║356║≤100', 检验机构: '南昌市食品药品检验所' }]);
  const announcement = (n: string) => ({ 通告标题: `南昌市市场监督管理局食品安全监督抽检通告（测试${s}${n}）`, 通告日期: '3月25日', 发布机关: '南昌市市场监督管理局', 食品类别: '餐饮食品' });

  await uploadAndPreview(page, 'sampling', { name: '隐名一.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) }, announcement('甲'));
  await expect(page.getByTestId('preview-counts')).toContainText('3月25日（年份未公布）');
  await expect(page.getByTestId('no-name-match-1')).toContainText('不按名称匹配');
  await page.getByTestId('problem-row-1').getByRole('button', { name: '新建主体' }).click();
  await commitAndWait(page, 1);
  await page.getByTestId('import-parties').getByRole('link', { name: stall }).click();
  await expect(page.getByRole('region', { name: '监督抽检' })).toContainText('3月25日（年份未公布）');
  // no year: never 警示; 关注 while it may be within 24 months
  await expect(page.getByRole('region', { name: '信用提示' })).toContainText('关注');
  await expect(page.getByRole('region', { name: '信用提示' })).toContainText('3月25日（年份未公布）');

  // the same masked name in another announcement: not matched to the stall above, staff decide
  await uploadAndPreview(page, 'sampling', { name: '隐名二.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) }, announcement('乙'));
  await expect(page.getByTestId('count-undecided')).toHaveText('1');
  await expect(page.getByTestId('no-name-match-1')).toContainText('只按信用代码或登记证编号匹配');
  await expect(page.getByTestId('preview-rows').getByRole('row', { name: /隐去/u })).toContainText('未匹配到已有主体');
});

test('an exposure going live', async ({ page, request }, info) => {
  test.setTimeout(90_000);
  const s = suffix(info);
  const name = `鑫测${s}曝光食品厂`;
  const decisionNo = `洪南市监罚〔2026〕${s}99号`;
  // a party named in an official penalty table, imported with the seed's code (`npm run import`)
  const dir = mkdtempSync(path.join(tmpdir(), 'fangxin-e2e-import-'));
  try {
    const file = path.join(dir, 'penalties.csv');
    writeFileSync(file, csvOf(PENALTY_COLUMNS, [penalty(name, decisionNo, '0.8')]));
    const r = runCli('import.ts', ['penalties', file]);
    expect(r.stderr).toContain('imported 1 penalties (1 new parties');
    expect(r.status).toBe(0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const username = `expose-${s}`;
  await createUserAsAdmin(page, { username, name: '曝光测试', role: '市级主管', division: '360100' });
  await firstSignIn(page, username);
  await page.goto('/admin/exposures');
  await page.getByLabel('名称、登记证编号或统一社会信用代码').fill(name);
  await page.getByRole('button', { name: '查找' }).click();
  await page.getByTestId('party-hits').getByRole('link', { name: `选用 ${name}` }).click();
  await expect(page.getByTestId('chosen-party')).toHaveText(`${name}（南昌市南昌县）`);
  await page.getByLabel('查处情况').fill('使用工业明矾生产湿米粉，铝的残留量超标');
  await page.getByLabel('处理结果').fill('没收违法所得，罚款8000元，责令改正');
  await page.getByLabel('依据类型').selectOption({ label: '行政处罚决定书' });
  await page.getByLabel('决定书文号或通告标题').fill(decisionNo);
  await page.getByRole('button', { name: '发布曝光' }).click();
  await expect(page.getByTestId('exposure-done')).toHaveText(`已发布曝光：${name}。`);

  // live at once: on 曝光台 and flagged in search
  await page.goto('/exposures');
  const entry = page.getByRole('listitem').filter({ hasText: name });
  await expect(entry).toContainText(`依据：${decisionNo}`);
  await expect(entry).toContainText('地点：南昌县');
  await page.goto(`/search?q=${encodeURIComponent(name)}`);
  const hit = page.getByRole('listitem').filter({ has: page.getByRole('link', { name }) });
  await expect(hit.getByRole('link', { name: '已被曝光' })).toBeVisible();
  const api = await request.get(`/api/v1/search?q=${encodeURIComponent(name)}`);
  expect(((await api.json()) as { hits: { name: string }[] }).hits[0]?.name).toBe(name);

  // withdrawn: gone from both
  await page.goto('/admin/exposures');
  await page.getByRole('button', { name: `撤下“${name}”` }).click();
  await expect(page.getByTestId('exposure-done')).toHaveText(`已撤下曝光：${name}。`);
  await expect(page.getByTestId('exposure-list').getByRole('row', { name: new RegExp(name, 'u') })).toContainText('已撤下');
  await page.goto('/exposures');
  await expect(page.getByRole('listitem').filter({ hasText: name })).toHaveCount(0);
  await page.goto(`/search?q=${encodeURIComponent(name)}`);
  await expect(page.getByRole('link', { name })).toBeVisible();
  await expect(page.getByRole('listitem').filter({ has: page.getByRole('link', { name }) }).getByRole('link', { name: '已被曝光' })).toHaveCount(0);
});

test.describe('accessibility', () => {
  // axe runs inside the page: JavaScript on for these, in both projects
  test.use({ javaScriptEnabled: true });

  test('the import, preview, exposures, honors and replies pages have no detectable violations', async ({ page }, info) => {
    const s = suffix(info);
    const username = `a11y-pub-${s}`;
    await createUserAsAdmin(page, { username, name: '无障碍测试', role: '市级主管', division: '360100' });
    await firstSignIn(page, username);
    const check = async () => {
      const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
      expect(result.violations.map((v) => `${page.url()} ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
    };
    await page.goto('/admin/import');
    await check();
    const csv = csvOf(PENALTY_COLUMNS, [penalty(`鑫测${s}无障碍厂`, `洪南市监罚〔2026〕${s}77号`, 'x')]);
    await uploadAndPreview(page, 'penalties', { name: 'a11y.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await check();
    for (const p of ['/admin/exposures', '/admin/honors', '/admin/replies']) {
      await page.goto(p);
      await check();
    }
  });
});
