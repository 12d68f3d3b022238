/**
 * The site's own HTTP server (src/cli/site-server.ts) as a client sees it: `/api/v1/search`
 * answered in front of Astro with the documented shape, field errors and the same security
 * headers as Astro's pages; an undecodable address gets a Chinese 400 page. Requests only, so
 * the spec runs in the `js` project alone (see `jsOnly` in playwright.config.ts).
 */
import { expect, test } from '@playwright/test';

test('GET /api/v1/search answers the documented JSON with security headers', async ({ request }) => {
  const res = await request.get('/api/v1/search?q=米粉&page=1');
  expect(res.status()).toBe(200);
  const h = res.headers();
  expect(h['content-type']).toBe('application/json; charset=utf-8');
  expect(h['x-content-type-options']).toBe('nosniff');
  expect(h['x-frame-options']).toBe('DENY');
  expect(h['server-timing']).toMatch(/^engine;dur=\d+, handler;dur=[\d.]+$/u);
  const body = (await res.json()) as { total: number; degraded: boolean; hits: { name: string; nameHtml: string; url: string }[]; facets: { county: unknown[] } };
  expect(body.degraded).toBe(false);
  expect(body.total).toBeGreaterThan(0);
  expect(body.hits.length).toBeGreaterThan(0);
  // 米粉 is found in names and in products; the names that contain it are marked
  expect(body.hits.some((hit) => hit.name.includes('米粉') && hit.nameHtml.includes('<mark>米粉</mark>'))).toBe(true);
  for (const hit of body.hits) expect(hit.url).toMatch(/^\/workshops\/\d+$/u);
  expect(body.facets.county.length).toBeGreaterThan(0);
});

test('GET /api/v1/search with bad parameters: 400 naming each field in Chinese', async ({ request }) => {
  const res = await request.get('/api/v1/search?q=米粉&page=0&county=abc');
  expect(res.status()).toBe(400);
  expect(res.headers()['x-frame-options']).toBe('DENY');
  const body = (await res.json()) as { error: string; fields: { field: string; message: string }[] };
  expect(body.error).toBe('查询参数有误');
  expect(body.fields.map((f) => f.field).sort()).toEqual(['county', 'page']);
  for (const f of body.fields) expect(f.message).toMatch(/\p{Script=Han}/u);
});

test('GET /api/v1/search takes a county or city by name; an ambiguous or unknown one is a 400 field error with the choices', async ({ request }) => {
  const answer = async (qs: string) => {
    const res = await request.get(`/api/v1/search?${qs}`);
    expect(res.status()).toBe(200);
    return (await res.json()) as { total: number; query: { county?: string; city?: string } };
  };
  const byCode = await answer('county=360102');
  const byName = await answer(`county=${encodeURIComponent('东湖区')}`);
  expect(byName.total).toBe(byCode.total);
  expect(byName.query.county).toBe('360102');
  expect((await answer(`city=${encodeURIComponent('南昌')}`)).total).toBe((await answer('city=360100')).total);

  const ambiguous = await request.get(`/api/v1/search?county=${encodeURIComponent('南昌')}`);
  expect(ambiguous.status()).toBe(400);
  expect(await ambiguous.json()).toEqual({
    error: '查询参数有误',
    fields: [
      {
        field: 'county',
        message: '“南昌”可以指南昌市南昌县、南昌市，请选择其中一个',
        choices: [
          { field: 'county', code: '360121', name: '南昌县', cityName: '南昌市' },
          { field: 'city', code: '360100', name: '南昌市', cityName: null },
        ],
      },
    ],
  });
  const wrongLevel = await request.get(`/api/v1/search?city=${encodeURIComponent('南昌县')}`);
  expect(wrongLevel.status()).toBe(400);
  expect(((await wrongLevel.json()) as { fields: { message: string }[] }).fields[0]?.message).toBe('“南昌县”是县（市、区）（南昌市南昌县），不是设区市');
});

test('the Astro route of the API gives the same answer (trailing slash goes to Astro)', async ({ request }) => {
  const fast = await (await request.get('/api/v1/search?q=腊肉')).json();
  const viaAstro = await request.get('/api/v1/search/?q=腊肉');
  expect(viaAstro.status()).toBe(200);
  expect(await viaAstro.json()).toEqual(fast);
});

test('an address with broken percent-encoding gets a Chinese 400 page, and the site keeps answering', async ({ request }) => {
  const res = await request.get('/search?q=%');
  expect(res.status()).toBe(400);
  expect(res.headers()['content-type']).toContain('text/html');
  expect(await res.text()).toContain('请求地址有误');
  expect((await request.get('/healthz')).status()).toBe(200);
});
