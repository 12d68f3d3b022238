/**
 * An axe check (WCAG 2.1 A/AA rules) of every public page, with and without JavaScript.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';

const pages = ['/', '/search?q=米粉', '/search?q=开川', '/examples', '/exposures', '/report', '/report/track', '/about/method', '/rules/reward'];

for (const url of pages) {
  test(`${url} has no detectable accessibility violations`, async ({ page }) => {
    await page.goto(url);
    const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
    expect(result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
  });
}

test('a workshop profile has no detectable accessibility violations', async ({ page }) => {
  await page.goto('/search?q=开川');
  await page.getByRole('link', { name: '江西开川实业有限公司', exact: true }).click();
  await page.waitForURL(/\/workshops\/\d+$/u);
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  expect(result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
});
