/**
 * Search and workshop profiles, with and without JavaScript (both projects): the plain GET form,
 * the official seed records as they must appear, a penalty past its disclosure period that must not
 * appear, escaping of the query, the 设区市 filter and the 404 of an unknown workshop.
 */
import { expect, test, type Page } from '@playwright/test';

/** Types `q` into the home page's search box and submits it with Enter. */
async function searchFromHome(page: Page, q: string): Promise<void> {
  await page.goto('/');
  const box = page.getByLabel('搜索小作坊');
  await box.fill(q);
  await box.press('Enter');
  await page.waitForURL((url) => url.pathname === '/search' && url.searchParams.get('q') === q);
}

/** The results section of /search. */
const results = (page: Page) => page.getByRole('region', { name: /^查询结果/u });
/** The result entries (not the pagination). */
const resultItems = (page: Page) => results(page).locator('ol.results > li');

/** Searches `q`, opens the result named exactly `name` and waits for its profile. */
async function openProfile(page: Page, q: string, name: string): Promise<void> {
  await searchFromHome(page, q);
  await results(page).getByRole('link', { name, exact: true }).click();
  await page.waitForURL(/\/workshops\/\d+$/u);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(name);
}

test('searching 米粉 from the home page lists workshops; a demo profile shows its verdict and every section', async ({ page }) => {
  await searchFromHome(page, '米粉');
  await expect(page).toHaveURL(/\/search\?q=%E7%B1%B3%E7%B2%89$/u);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('“米粉”的查询结果');

  const items = resultItems(page);
  expect(await items.count()).toBeGreaterThan(0);
  const demoItem = items.filter({ has: page.getByText('演示数据', { exact: true }) }).first();
  const link = demoItem.getByRole('link').first();
  const name = (await link.textContent())?.trim() ?? '';
  expect(name.length).toBeGreaterThan(1);
  await link.click();
  await page.waitForURL(/\/workshops\/\d+$/u);

  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`${name}演示数据`);
  await expect(page.getByRole('note')).toContainText('演示数据：本页含系统生成的虚构小作坊与记录');

  const verdict = page.getByRole('region', { name: '信用提示', exact: true });
  await expect(verdict).toBeVisible();
  await expect(verdict.locator('.badge')).toHaveCount(1);
  await expect(verdict.locator('.badge')).toHaveText(/^(严重失信|警示|关注|示范|良好|待检查|已过期|已注销|无近期不良记录)$/u);
  await expect(verdict.getByRole('heading', { name: '依据', exact: true })).toBeVisible();
  expect(await verdict.getByRole('listitem').count()).toBeGreaterThan(0);
  await expect(verdict.getByRole('listitem').first()).not.toBeEmpty();

  for (const heading of ['登记信息', '日常监督检查', '监督抽检', '行政处罚', '荣誉']) {
    await expect(page.getByRole('heading', { level: 2, name: heading, exact: true })).toBeVisible();
  }
});

test('坤福: the 2018 failed sample of 冰糖姜丝 shows its item, result, limit and notice', async ({ page }) => {
  await openProfile(page, '坤福', '江西省坤福食品有限公司');
  const sampling = page.getByRole('region', { name: '监督抽检', exact: true });
  await expect(sampling.getByRole('heading', { level: 3 })).toContainText('冰糖姜丝');
  const row = sampling.getByRole('row').filter({ hasText: '苯甲酸及其钠盐(以苯甲酸计)' });
  await expect(row).toHaveCount(1);
  await expect(row.getByRole('cell').nth(1)).toHaveText('1.37 g/kg');
  await expect(row.getByRole('cell').nth(2)).toHaveText('≤1.0 g/kg');
  await expect(sampling).toContainText('通告：江西省食品药品监督管理局食品安全监督抽检信息通告(2018年,期号转载页未显示)');
  // not a registered workshop, and no demo banner on an official record
  await expect(page.getByText('该主体不是登记的食品小作坊，以下为官方公告中涉及它的记录。')).toBeVisible();
  await expect(page.getByRole('note')).toHaveCount(0);
});

test('开川: the 葛粉 sample shows all five results and the sampling plan', async ({ page }) => {
  await openProfile(page, '开川', '江西开川实业有限公司');
  const sampling = page.getByRole('region', { name: '监督抽检', exact: true });
  const row = sampling.getByRole('row').filter({ hasText: '6.2×10⁴' });
  await expect(row).toHaveCount(1);
  for (const value of ['6.2×10⁴', '4.7×10⁴', '8.2×10⁴', '4.5×10⁴', '4.6×10⁴']) {
    await expect(row.getByRole('cell').nth(1)).toContainText(value);
  }
  await expect(row.getByRole('cell').nth(0)).toContainText('菌落总数');
  await expect(row.getByRole('cell').nth(2)).toHaveText('n=5,c=2,m=10⁴,M=10⁵');
});

test('a penalty past its disclosure period is neither searchable nor shown', async ({ page }) => {
  await searchFromHome(page, '抚广市监稽罚决〔2020〕22号');
  await expect(results(page).getByText('没有找到符合条件的结果。')).toBeVisible();
  await expect(resultItems(page)).toHaveCount(0);

  // the company is known only through that penalty: with the penalty gone, so is the company
  await searchFromHome(page, '抚州嘉新正食品有限公司');
  await expect(results(page).getByRole('link', { name: '抚州嘉新正食品有限公司' })).toHaveCount(0);
  expect(await page.content()).not.toContain('抚广市监稽罚决');
});

test('a page number past the last page goes to the last page', async ({ page }) => {
  await page.goto('/search?q=米粉&page=999');
  await expect(page).toHaveURL(/page=(\d+)$/u);
  const last = Number(new URL(page.url()).searchParams.get('page'));
  expect(last).toBeLessThan(999);
  await expect(resultItems(page).first()).toBeVisible();
  await expect(page.getByRole('link', { name: '下一页' })).toHaveCount(0);
});

test('bad search parameters get a Chinese message, not a server error', async ({ page }) => {
  const response = await page.goto('/search?q=米粉&page=abc&status=foo');
  expect(response?.status()).toBe(400);
  await expect(page.getByRole('alert')).toContainText('页码应为1到10000之间的整数');
  await expect(page.getByRole('alert')).toContainText('信用提示的取值无效');
});

test('a query containing HTML is shown as text and never runs', async ({ page }) => {
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  const q = '<script>alert(1)</script>';
  await searchFromHome(page, q);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`“${q}”的查询结果`);
  await expect(page.getByLabel('搜索小作坊')).toHaveValue(q);
  await expect(page.locator('script', { hasText: 'alert(1)' })).toHaveCount(0);
  expect(dialogs).toEqual([]);
});

test('filtering by 设区市 keeps the query and lists only that city', async ({ page }) => {
  await searchFromHome(page, '米粉');
  const city = page.getByLabel('设区市');
  const options = await city.locator('option').evaluateAll((els) =>
    els.map((el) => ({ value: (el as HTMLOptionElement).value, label: (el.textContent ?? '').trim() })),
  );
  // the first city with results, e.g. "南昌市 (12)"
  const choice = options
    .map((o) => ({ ...o, count: Number(/\((\d+)\)$/u.exec(o.label)?.[1] ?? '0'), cityName: o.label.replace(/\s*\(\d+\)$/u, '') }))
    .find((o) => o.value !== '' && o.count > 0);
  expect(choice).toBeDefined();
  if (!choice) return;

  await city.selectOption(choice.value);
  await page.getByRole('button', { name: '筛选', exact: true }).click();
  await page.waitForURL((url) => url.searchParams.get('city') === choice.value);
  const url = new URL(page.url());
  expect(url.pathname).toBe('/search');
  expect(url.searchParams.get('q')).toBe('米粉');
  await expect(page.getByLabel('设区市')).toHaveValue(choice.value);

  await expect(results(page).getByRole('heading', { level: 2 })).toContainText(`共 ${choice.count} 条`);
  const items = resultItems(page);
  await expect(items.first()).toBeVisible();
  const count = await items.count();
  expect(count).toBeLessThanOrEqual(choice.count);
  for (let i = 0; i < count; i++) await expect(items.nth(i)).toContainText(` · ${choice.cityName}`);
  await expect(page.getByRole('link', { name: '清除筛选' })).toBeVisible();
});

test('an unknown workshop is a 404 page', async ({ page }) => {
  const response = await page.goto('/workshops/99999999');
  expect(response?.status()).toBe(404);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('没有找到这个主体。');
});

test.describe('a 设区市 or 县（市、区） given by name (issue 9 point 8)', () => {
  /** The total in the results heading of /search at `url`. */
  async function totalAt(page: Page, url: string): Promise<string> {
    const response = await page.goto(url);
    expect(response?.status()).toBe(200);
    return (await results(page).getByRole('heading', { level: 2 }).textContent()) ?? '';
  }

  test('county=东湖区 and city=南昌 filter like their codes', async ({ page }) => {
    const byCode = await totalAt(page, '/search?county=360102');
    expect(await totalAt(page, `/search?county=${encodeURIComponent('东湖区')}`)).toBe(byCode);
    await expect(page.getByLabel('县（市、区）')).toHaveValue('360102');
    await expect(page.getByTestId('place-problem-county')).toHaveCount(0);
    const city = await totalAt(page, '/search?city=360100');
    expect(await totalAt(page, `/search?city=${encodeURIComponent('南昌')}`)).toBe(city);
    await expect(page.getByLabel('设区市')).toHaveValue('360100');
  });

  test('an unknown name: the page answers with a message and without that filter', async ({ page }) => {
    const all = await totalAt(page, '/search?q=米粉');
    expect(await totalAt(page, `/search?q=米粉&county=${encodeURIComponent('东胡区')}`)).toBe(all);
    await expect(page.getByTestId('place-problem-county')).toContainText('没有找到名为“东胡区”的县（市、区）');
    await expect(page.getByTestId('place-problem-county')).toContainText('已忽略这一筛选条件');
    await expect(resultItems(page).first()).toBeVisible();
  });

  test('an ambiguous name is answered with the choices, each a working link', async ({ page }) => {
    await totalAt(page, `/search?q=米粉&county=${encodeURIComponent('南昌')}`);
    const problem = page.getByTestId('place-problem-county');
    await expect(problem).toContainText('“南昌”可以指南昌市南昌县、南昌市');
    await problem.getByRole('link', { name: '南昌市南昌县' }).click();
    await page.waitForURL((url) => url.searchParams.get('county') === '360121' && url.searchParams.get('q') === '米粉');
    await expect(page.getByLabel('县（市、区）')).toHaveValue('360121');
  });
});
