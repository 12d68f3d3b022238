/**
 * The text fields of a posted back-office form, to show again after a refusal (never files or
 * passwords), like `typedFields` of src/features/staff/form-result.ts but without its 200-character cut.
 */

/** Values of `names` in the posted form (each at most `max` characters); `{}` for a GET or an unreadable body. */
export async function formValues(request: Request, names: readonly string[], max = 4000): Promise<Record<string, string>> {
  if (request.method !== 'POST') return {};
  try {
    const form = await request.formData();
    const out: Record<string, string> = {};
    for (const name of names) {
      const v = form.get(name);
      if (typeof v === 'string') out[name] = v.slice(0, max);
    }
    return out;
  } catch {
    return {};
  }
}
