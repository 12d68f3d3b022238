/**
 * Suggestions as you type (the `fx-search-box` element): needs JavaScript, so this file runs in the
 * `js` project only (see playwright.config.ts).
 */
import { expect, test } from '@playwright/test';

test('typing 米粉 opens a listbox of workshops with verdict badges; ArrowDown + Enter opens one', async ({ page }) => {
  await page.goto('/');
  const box = page.getByRole('combobox', { name: '搜索小作坊' });
  await expect(box).toHaveAttribute('aria-expanded', 'false');
  await expect(box).toHaveAttribute('aria-autocomplete', 'list');

  await box.pressSequentially('米粉');
  const listbox = page.getByRole('listbox', { name: '搜索建议' });
  await expect(listbox).toBeVisible();
  await expect(box).toHaveAttribute('aria-expanded', 'true');
  await expect(box).toHaveAttribute('aria-controls', (await listbox.getAttribute('id')) ?? 'missing');

  const options = listbox.getByRole('option');
  expect(await options.count()).toBeGreaterThan(0);
  expect(await options.count()).toBeLessThanOrEqual(8);
  await expect(options.first().locator('.badge')).toHaveText(/^(严重失信|警示|关注|示范|良好|待检查|已过期|已注销|无近期不良记录)$/u);
  const firstName = (await options.first().locator('span').first().textContent())?.split('·')[0]?.trim() ?? '';
  expect(firstName.length).toBeGreaterThan(1);

  await box.press('ArrowDown');
  await expect(options.first()).toHaveAttribute('aria-selected', 'true');
  await expect(box).toHaveAttribute('aria-activedescendant', (await options.first().getAttribute('id')) ?? 'missing');
  await box.press('Enter');
  await page.waitForURL(/\/workshops\/\d+$/u);
  await expect(page.getByRole('heading', { level: 1 })).toContainText(firstName);
});

test('Escape closes the suggestions and Enter then submits the plain search', async ({ page }) => {
  await page.goto('/');
  const box = page.getByRole('combobox', { name: '搜索小作坊' });
  await box.pressSequentially('米粉');
  await expect(page.getByRole('listbox')).toBeVisible();
  await box.press('Escape');
  await expect(page.getByRole('listbox')).toHaveCount(0);
  await expect(box).toHaveAttribute('aria-expanded', 'false');
  await expect(box).toHaveValue('米粉');
  await box.press('Enter');
  await page.waitForURL((url) => url.pathname === '/search' && url.searchParams.get('q') === '米粉');
});

test('the tip form links a registered workshop picked from the suggestions, and typing again unlinks it', async ({ page }) => {
  await page.goto('/report');
  const name = page.getByRole('combobox', { name: /小作坊名称或招牌/u });
  await name.pressSequentially('老李米粉', { delay: 30 });
  const option = page.getByRole('listbox').getByRole('option', { name: /老李米粉坊/u }).first();
  await expect(option).toBeVisible();
  await option.click();
  await expect(name).toHaveValue(/老李米粉坊/u);
  const linked = page.locator('#f-workshopId');
  await expect(linked).not.toHaveValue('');
  await expect(page.getByRole('status').filter({ hasText: '已关联登记主体' })).toBeVisible();
  await expect(page.getByLabel('所在县（市、区）')).not.toHaveValue('');

  await name.press('End');
  await name.pressSequentially('旁边', { delay: 30 });
  await expect(linked).toHaveValue('');
});
