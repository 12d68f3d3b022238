/**
 * Direct calls of the back-office end-to-end specs: form posts to Astro Actions as a script would
 * send them, a staff session token from a direct sign-in, and a read-only look at the e2e server's
 * database (DATA_DIR from ./staff.ts).
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { expect, type APIRequestContext } from '@playwright/test';
import { e2eDataDir } from './staff.ts';

/** A form POST to the Astro Action `action` (e.g. `staff.login`), Origin set (Astro refuses cross-site form posts), with a session token when given. */
export function callAction(request: APIRequestContext, baseURL: string, action: string, form: Record<string, string>, token?: string) {
  return request.post(`/_actions/${action}`, { form, headers: { Origin: baseURL, ...(token ? { Cookie: `fx_staff=${token}` } : {}) } });
}

/** Signs in with a direct call to `staff.login` and checks the cookie's flags; returns the session token. */
export async function tokenOf(request: APIRequestContext, baseURL: string, username: string, password: string): Promise<string> {
  const res = await callAction(request, baseURL, 'staff.login', { username, password, code: '' });
  expect(res.status()).toBe(200);
  const cookie = res.headersArray().find((h) => h.name.toLowerCase() === 'set-cookie' && h.value.startsWith('fx_staff='))?.value ?? '';
  expect(cookie).toMatch(/HttpOnly/iu);
  expect(cookie).toMatch(/SameSite=Strict/iu);
  expect(cookie).toMatch(/Path=\/admin/iu);
  return /^fx_staff=([^;]+)/u.exec(cookie)?.[1] ?? '';
}

/** Runs `read` on the e2e server's database, opened read-only. */
export function readE2eDb<T>(read: (db: Database.Database) => T): T {
  const db = new Database(path.join(e2eDataDir(), 'fangxin.db'), { readonly: true, fileMustExist: true });
  try {
    return read(db);
  } finally {
    db.close();
  }
}
