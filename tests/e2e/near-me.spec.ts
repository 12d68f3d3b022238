/**
 * "Near me" (JavaScript only): with the location granted, results are sorted by distance and show
 * it; with the location refused, a message says so and the county filter takes the focus.
 */
import { expect, test } from '@playwright/test';

test.describe('with the location granted', () => {
  test.use({ geolocation: { latitude: 28.68, longitude: 115.86 }, permissions: ['geolocation'] });

  test('results are sorted by distance and show it', async ({ page }) => {
    await page.goto('/search?q=米粉');
    await page.getByRole('button', { name: '附近的小作坊' }).click();
    await page.waitForURL((url) => url.searchParams.get('sort') === 'distance');
    const url = new URL(page.url());
    expect(url.searchParams.get('lat')).toBe('28.68000');
    expect(url.searchParams.get('q')).toBe('米粉');
    const distances = await page.locator('ol.results > li .meta', { hasText: /^\d+(\.\d)? (米|公里)$/u }).allTextContents();
    expect(distances.length).toBeGreaterThan(1);
    const metres = distances.map((d) => (d.endsWith('公里') ? Number.parseFloat(d) * 1000 : Number.parseFloat(d)));
    expect(metres).toEqual([...metres].sort((a, b) => a - b));
  });
});

test.describe('with the location refused', () => {
  test.use({ permissions: [] });

  test('a clear message, and the county filter instead', async ({ page, context }) => {
    await context.clearPermissions();
    await page.goto('/search?q=米粉');
    await page.getByRole('button', { name: '附近的小作坊' }).click();
    await expect(page.getByRole('alert')).toContainText('县（市、区）');
    await expect(page.getByLabel('县（市、区）')).toBeFocused();
    expect(new URL(page.url()).searchParams.get('sort')).toBeNull();
  });
});
