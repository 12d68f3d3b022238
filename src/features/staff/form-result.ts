/**
 * Reading an action's result on an /admin page (Astro only: uses `astro:actions`): field problems
 * from the input schema (`isInputError`) and from the feature (`{ ok: false, fields }`) merged, and
 * the message of any other refusal.
 */
import { isInputError } from 'astro:actions';
import { admin as t } from '../../i18n/admin.zh-CN.ts';

/** A result as `Astro.getActionResult` gives it. */
interface ResultLike {
  data?: unknown;
  error?: { code?: string; message: string } | undefined;
}

/** Field → Chinese messages, from either kind of problem. */
export function fieldProblems(result: ResultLike | undefined): Record<string, string[] | undefined> {
  if (!result) return {};
  if (result.error && isInputError(result.error)) return result.error.fields as Record<string, string[] | undefined>;
  const data = result.data as { ok?: boolean; fields?: Record<string, string[]> } | undefined;
  if (data && data.ok === false && data.fields) return data.fields;
  return {};
}

/** The message of a refusal that is not about a field (forbidden, locked…), with its code; null otherwise. */
export function refusal(result: ResultLike | undefined): { code: string; message: string } | null {
  if (!result?.error || isInputError(result.error)) return null;
  const code = result.error.code ?? 'INTERNAL_SERVER_ERROR';
  // an unexpected failure's message is technical: not shown
  return { code, message: code === 'INTERNAL_SERVER_ERROR' ? t.errors.internal : result.error.message };
}

/** Whether the action succeeded (`{ ok: true, … }`). */
export function succeeded(result: ResultLike | undefined): boolean {
  return (result?.data as { ok?: boolean } | undefined)?.ok === true;
}

/** The text fields of the posted form (never the password fields), to show again after an error. */
export async function typedFields(request: Request, names: readonly string[]): Promise<Record<string, string>> {
  if (request.method !== 'POST') return {};
  try {
    const form = await request.formData();
    const out: Record<string, string> = {};
    for (const name of names) {
      const v = form.get(name);
      if (typeof v === 'string') out[name] = v.slice(0, 200);
    }
    return out;
  } catch {
    return {};
  }
}
