import { LitElement, html, nothing, render, type PropertyValues, type TemplateResult } from 'lit';
import { actions, isInputError } from 'astro:actions';
import { t } from '../i18n/zh-CN.ts';
import { tipForm as tf } from '../i18n/tip-form.zh-CN.ts';
import { formatAccessCode, formatReceiptNo, tipFormSchema } from '../features/tips/tip.ts';
import { safeDisplayName } from '../features/tips/evidence.ts';
import {
  TIP_STEPS,
  appendFiles,
  fieldErrorsFromServer,
  fieldErrorsOf,
  firstStepWithError,
  formatFileSize,
  isOverSizeLimit,
  previewKindOf,
  refusedFileIndex,
  shownFieldsOfStep,
  stepOfField,
  tipFormInput,
  type PreviewKind,
} from '../features/tips/tip-steps.ts';

/** What `tips.submit` returns: a new tip with its one-time access code, or the tip already filed with this form's `submissionToken`. */
type SubmitOutcome = { kind: 'created'; receiptNo: string; accessCode: string; submittedAt: string } | { kind: 'duplicate'; receiptNo: string };

/** A chosen evidence file and its preview: `url` is an object URL of an image (revoked when the file is removed), null otherwise. */
interface ChosenFile {
  file: File;
  kind: PreviewKind;
  url: string | null;
  /** the browser could not decode the image (a preview only: the server decides from the bytes) */
  broken: boolean;
}

/** The containers this element renders into, inside the server-rendered markup. */
interface Hosts {
  alert: HTMLElement;
  progress: HTMLElement;
  files: HTMLElement;
  summary: HTMLElement;
  nav: HTMLElement;
}

const LAST_STEP = TIP_STEPS.length;
const EVIDENCE_STEP = stepOfField('evidence') ?? LAST_STEP;

/** Whether this browser lets a script set `input.files` (to append to and remove from the chosen files). */
/** How long a submission waits for the proof-of-work widget to finish (ms). */
const PROOF_WAIT_MS = 10_000;

function canSetFiles(): boolean {
  try {
    return typeof DataTransfer === 'function' && new DataTransfer().files instanceof FileList;
  } catch {
    return false;
  }
}

/** Adds (`on`) or removes the id `id` from the element's `aria-describedby` list, keeping the others. */
function toggleDescribedBy(el: Element, id: string, on: boolean): void {
  const ids = (el.getAttribute('aria-describedby') ?? '').split(/\s+/u).filter((x) => x && x !== id);
  if (on) ids.push(id);
  if (ids.length) el.setAttribute('aria-describedby', ids.join(' '));
  else el.removeAttribute('aria-describedby');
}

/**
 * The tip-off form in four steps, around the working server-rendered form of /report.
 *
 * @summary Wraps (light DOM) the page's heading, error boxes and `<form>`, whose fields are grouped
 * in `[data-step="subject|content|evidence|reporter"]` containers (`TIP_STEPS`). With JavaScript the
 * groups become steps: a progress indicator (第 n 步，共 4 步, the step names), 上一步 / 下一步, focus
 * on the step heading, a live region; each step is checked with `tipFormSchema()` before the next
 * one, errors shown at their fields in the server's markup (`p.field-error#<name>-error`,
 * `aria-invalid`, `aria-describedby`). Hidden steps keep their fields (the `hidden` attribute). The
 * evidence step lists the chosen files with thumbnails, sizes and 移除 buttons; choosing again adds
 * files. The last step summarises the tip and submits it with `actions.tips.submit(FormData)`: a
 * refusal keeps every value and file and shows the errors at their fields (or in an alert: 413,
 * 429, network); success replaces the form by the receipt, rendered as the server renders it.
 * Without JavaScript nothing changes: the form posts to the Action and the page re-renders.
 * @slot - the heading, the lead, the error boxes and the `<form>` of /report
 * @event fx-tip-submitted - after the receipt is shown; `detail: { kind: 'created' | 'duplicate' }`
 */
export class FxTipForm extends LitElement {
  static override properties = {
    step: { type: Number, reflect: true },
    _files: { state: true },
    _sending: { state: true },
    _alert: { state: true },
    _result: { state: true },
    _announcement: { state: true },
  };

  /** the current step, 1-based (1 to `TIP_STEPS.length`) */
  declare step: number;
  declare _files: ChosenFile[];
  declare _sending: boolean;
  declare _alert: string;
  declare _result: SubmitOutcome | null;
  declare _announcement: string;

  private _form: HTMLFormElement | null = null;
  private _steps: HTMLElement[] = [];
  private _hosts: Hosts | null = null;
  private _submit: HTMLButtonElement | null = null;
  private _submitLabel = '';
  private _evidence: HTMLInputElement | null = null;
  /** the nodes rendered by the server, replaced by the receipt */
  private _serverNodes: ChildNode[] = [];
  /** the server's error boxes above the form: stale once the form is checked here */
  private _serverBoxes: Element[] = [];
  /** the evidence refusal of the last submission and the file it names (null: none of the chosen) */
  private _refusal: { message: string; file: File | null } | null = null;
  private _canSetFiles = false;
  private _schema = tipFormSchema();
  /** a pointer is pressed inside this element; re-checks wait for its release (see `_scheduleRefresh`) */
  private _pointerDown = false;
  private _refreshPending = false;

  constructor() {
    super();
    this.step = 1;
    this._files = [];
    this._sending = false;
    this._alert = '';
    this._result = null;
    this._announcement = '';
  }

  /** Renders in light DOM: the form, its fields and the receipt are the page's own markup. */
  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (!this._form) this._enhance();
    const form = this._form;
    if (!form) return;
    form.addEventListener('submit', this._onSubmit);
    form.addEventListener('focusout', this._onFocusOut);
    form.addEventListener('change', this._onChange);
    form.addEventListener('input', this._onInput);
    this.addEventListener('click', this._onSummaryLink);
    this.addEventListener('pointerdown', this._onPointerDown);
    document.addEventListener('pointerup', this._onPointerUp);
    document.addEventListener('pointercancel', this._onPointerUp);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    const form = this._form;
    form?.removeEventListener('submit', this._onSubmit);
    form?.removeEventListener('focusout', this._onFocusOut);
    form?.removeEventListener('change', this._onChange);
    form?.removeEventListener('input', this._onInput);
    this.removeEventListener('click', this._onSummaryLink);
    this.removeEventListener('pointerdown', this._onPointerDown);
    document.removeEventListener('pointerup', this._onPointerUp);
    document.removeEventListener('pointercancel', this._onPointerUp);
  }

  /** Finds the server's form and step groups and adds the containers rendered into; leaves a form of another shape alone. */
  private _enhance(): void {
    const form = this.querySelector('form');
    if (!form) return;
    const steps = TIP_STEPS.map((s) => form.querySelector<HTMLElement>(`[data-step="${s.id}"]`));
    if (steps.some((s) => s === null)) return;
    this._steps = steps as HTMLElement[];
    this._form = form;
    this._serverNodes = [...this.childNodes];
    this._serverBoxes = [...this.querySelectorAll(':scope > .error-box')];
    this._submit = form.querySelector<HTMLButtonElement>('button[type="submit"]');
    this._submitLabel = this._submit?.textContent ?? '';
    this._evidence = form.querySelector<HTMLInputElement>('input[type="file"][name="evidence"]');
    this._canSetFiles = canSetFiles();

    const host = (className: string) => {
      const el = document.createElement('div');
      el.className = className;
      return el;
    };
    this._hosts = { alert: host('tip-alert'), progress: host('tip-progress'), files: host('tip-files'), summary: host('tip-summary'), nav: host('tip-nav') };
    form.before(this._hosts.alert);
    this._steps[0]?.before(this._hosts.progress);
    this._steps[EVIDENCE_STEP - 1]?.append(this._hosts.files);
    this._steps[LAST_STEP - 1]?.append(this._hosts.summary);
    if (this._submit) this._submit.before(this._hosts.nav);
    else form.append(this._hosts.nav);

    // files the browser kept (back/forward navigation) are listed too
    if (this._evidence?.files?.length) this._files = [...this._evidence.files].map((f) => this._chosen(f));
    // a page re-rendered by the server with errors opens at the first step that has one
    const invalid = [...form.querySelectorAll('[aria-invalid="true"][name]')].map((el) => el.getAttribute('name') ?? '');
    this.step = firstStepWithError(invalid) ?? 1;
    this.setAttribute('enhanced', '');
  }

  protected override willUpdate(changed: PropertyValues): void {
    if (changed.has('step')) this.step = Math.min(LAST_STEP, Math.max(1, Math.trunc(Number(this.step)) || 1));
  }

  override render(): TemplateResult | typeof nothing {
    const r = this._result;
    if (!r) return nothing;
    if (r.kind === 'created') {
      return html`<section class="receipt" aria-labelledby="receipt-heading">
        <h1 id="receipt-heading" tabindex="-1">${t.report.receiptTitle}</h1>
        <p><strong>${t.report.writeDown}</strong></p>
        <dl class="facts">
          <dt>${t.report.receiptNo}</dt>
          <dd class="code" data-testid="receipt-no">${formatReceiptNo(r.receiptNo)}</dd>
          <dt>${t.report.accessCode}</dt>
          <dd class="code" data-testid="access-code">${formatAccessCode(r.accessCode)}</dd>
          <dt>${t.track.submittedAt}</dt>
          <dd>${new Date(r.submittedAt).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai' })}</dd>
        </dl>
        <p><a href="/report/track">${t.report.trackLink}</a></p>
      </section>`;
    }
    return html`<section class="notice" role="status">
      <h1 tabindex="-1">${t.report.duplicate}</h1>
      <p>${t.report.receiptNo}：<span class="code">${formatReceiptNo(r.receiptNo)}</span></p>
      <p>${t.report.duplicateHint}</p>
      <p><a href="/report/track">${t.report.trackLink}</a></p>
    </section>`;
  }

  protected override updated(changed: PropertyValues): void {
    const hosts = this._hosts;
    if (!hosts) return;
    if (this._result) {
      if (changed.has('_result')) this._showReceipt();
      return;
    }
    this._steps.forEach((el, i) => {
      el.hidden = i + 1 !== this.step;
    });
    if (this._submit) {
      this._submit.hidden = this.step !== LAST_STEP;
      this._submit.disabled = this._sending;
      this._submit.textContent = this._sending ? tf.sending : this._submitLabel;
    }
    if (this._sending) this._form?.setAttribute('aria-busy', 'true');
    else this._form?.removeAttribute('aria-busy');
    const options = { host: this };
    render(this._alert ? html`<p class="error-box" role="alert" tabindex="-1">${this._alert}</p>` : nothing, hosts.alert, options);
    render(this._progressTemplate(), hosts.progress, options);
    render(this._filesTemplate(), hosts.files, options);
    render(this.step === LAST_STEP ? this._summaryTemplate() : nothing, hosts.summary, options);
    render(this._navTemplate(), hosts.nav, options);
  }

  private _progressTemplate(): TemplateResult {
    const current = TIP_STEPS[this.step - 1] ?? TIP_STEPS[0];
    return html`<h2 class="tip-step-heading" tabindex="-1"><span class="tip-step-count">${tf.progress(this.step, LAST_STEP)}：</span>${tf.steps[current.id]}</h2>
      <ol class="tip-step-list" aria-label=${tf.progressLabel}>
        ${TIP_STEPS.map((s, i) => {
          const n = i + 1;
          const state = n < this.step ? 'done' : n === this.step ? 'current' : 'todo';
          return html`<li class=${state} aria-current=${n === this.step ? 'step' : nothing}>
            ${n < this.step
              ? html`<button type="button" class="tip-step-link" aria-label=${tf.backTo(tf.steps[s.id])} ?disabled=${this._sending} @click=${() => void this._goTo(n)}>
                  <span class="tip-step-no" aria-hidden="true">✓</span><span class="tip-step-name">${tf.steps[s.id]}</span>
                </button>`
              : html`<span class="tip-step-no" aria-hidden="true">${n}</span><span class="tip-step-name">${tf.steps[s.id]}</span>`}
          </li>`;
        })}
      </ol>
      <p class="visually-hidden" role="status">${this._announcement}</p>`;
  }

  private _navTemplate(): TemplateResult {
    return html`${this.step > 1 ? html`<button type="button" class="secondary tip-prev" ?disabled=${this._sending} @click=${() => void this._goTo(this.step - 1)}>${tf.prev}</button>` : nothing}
    ${this.step < LAST_STEP ? html`<button type="submit" class="tip-next">${tf.next}</button>` : nothing}`;
  }

  private _filesTemplate(): TemplateResult {
    const refusedFile = this._refusal?.file ?? null;
    return html`<p class="hint">${this._canSetFiles ? tf.files.addMore : nothing}</p>
      ${this._files.length === 0
        ? html`<p class="hint">${tf.files.none}</p>`
        : html`<p class="hint">${tf.files.count(this._files.length)}</p>
            <ul class="tip-file-list" aria-label=${tf.files.listLabel}>
              ${this._files.map((c, i) => {
                const name = safeDisplayName(c.file.name);
                const notes = [
                  formatFileSize(c.file.size),
                  tf.files.kind[c.kind],
                  c.kind === 'heic' ? tf.files.heicNote : '',
                  // SVG, text, archives…: the server decides from the bytes, but say it now
                  c.kind === 'other' ? tf.files.unsupportedType : '',
                  c.broken ? tf.files.noThumbnail : '',
                  isOverSizeLimit(c.file) ? tf.files.tooLarge : '',
                  c.file === refusedFile ? tf.files.refused : '',
                ].filter(Boolean);
                const bad = isOverSizeLimit(c.file) || c.file === refusedFile;
                return html`<li class=${bad ? 'tip-file refused' : 'tip-file'}>
                  ${c.url && !c.broken
                    ? html`<img class="tip-file-thumb" src=${c.url} alt="" width="64" height="64" @error=${() => this._thumbnailFailed(c)} />`
                    : html`<span class="tip-file-thumb tip-file-badge" aria-hidden="true">${tf.files.badge[c.kind]}</span>`}
                  <span class="tip-file-info"><span class="tip-file-name">${name}</span><span class="tip-file-meta">${notes.join(' · ')}</span></span>
                  ${this._canSetFiles
                    ? html`<button type="button" class="secondary tip-file-remove" aria-label=${tf.files.removeFile(name)} ?disabled=${this._sending} @click=${() => void this._removeFile(i)}>
                        ${tf.files.remove}
                      </button>`
                    : nothing}
                </li>`;
              })}
            </ul>`}`;
  }

  /** What will be sent, read from the form each time the last step renders. */
  private _summaryTemplate(): TemplateResult {
    const form = this._form;
    const data = form ? new FormData(form) : new FormData();
    const text = (name: string) => {
      const v = data.get(name);
      return typeof v === 'string' ? v.trim() : '';
    };
    const county = form?.querySelector<HTMLSelectElement>('select[name="countyCode"]');
    const countyName = county?.value ? (county.selectedOptions[0]?.textContent?.trim() ?? '') : '';
    const place = [text('subjectPlace'), countyName].filter(Boolean).join('，');
    const chars = [...text('description')];
    const excerpt = chars.length > 60 ? `${chars.slice(0, 60).join('')}…` : chars.join('');
    const realName = text('reporterMode') === 'realName';
    const or = (v: string) => v || tf.summary.notGiven;
    const s = tf.summary;
    return html`<section aria-labelledby="tip-summary-heading">
      <h3 id="tip-summary-heading">${s.title}</h3>
      <dl class="facts">
        <dt>${s.subject}</dt>
        <dd>${or(text('subjectName'))}${text('workshopId') ? s.linked : ''}</dd>
        <dt>${s.place}</dt>
        <dd>${or(place)}</dd>
        <dt>${s.category}</dt>
        <dd>${or(t.tipCategory[text('category')] ?? '')}</dd>
        <dt>${s.occurredOn}</dt>
        <dd>${or(text('occurredOn'))}</dd>
        <dt>${s.description}</dt>
        <dd>${or(excerpt)}</dd>
        <dt>${s.evidence}</dt>
        <dd>${this._files.length ? tf.files.count(this._files.length) : s.noEvidence}</dd>
        <dt>${s.reporter}</dt>
        <dd>${realName ? `${t.report.realName}${text('reporterName') ? `（${text('reporterName')}）` : ''}` : t.report.anonymous}</dd>
        <dt>${s.reward}</dt>
        <dd>${data.get('claimReward') ? s.yes : s.no}</dd>
      </dl>
    </section>`;
  }

  // ---- steps and checks ------------------------------------------------------------------

  private _progressText(step: number): string {
    const s = TIP_STEPS[step - 1] ?? TIP_STEPS[0];
    return `${tf.progress(step, LAST_STEP)}：${tf.steps[s.id]}`;
  }

  /** Puts `text` in the live region (a repeated text is changed slightly so that it is read again). */
  private _announce(text: string): void {
    this._announcement = text === this._announcement ? `${text}\u00a0` : text;
  }

  /** Shows step `step`, then focuses the field `focusField` or else the step heading. */
  private async _goTo(step: number, focusField: string | null = null): Promise<void> {
    this.step = step;
    this._announce(this._progressText(step));
    await this.updateComplete;
    if (focusField) this._focusField(focusField);
    else this._hosts?.progress.querySelector<HTMLElement>('.tip-step-heading')?.focus();
  }

  /** The first message of each field with an error (keyed by shown field), of step `step` or of all steps; the evidence refusal included. */
  private _errors(step?: number): Record<string, string> {
    const form = this._form;
    if (!form) return {};
    const result = this._schema.safeParse(tipFormInput(new FormData(form)));
    const errors = result.success ? {} : fieldErrorsOf(result.error.issues, step);
    const refusal = this._refusal;
    if ((step === undefined || step === EVIDENCE_STEP) && refusal?.file && this._files.some((c) => c.file === refusal.file)) errors.evidence ??= refusal.message;
    return errors;
  }

  /** Checks the current step: shows its errors and focuses the first one, or goes to the next step. */
  private _next(): void {
    this._dropServerBoxes();
    const errors = this._errors(this.step);
    const fields = shownFieldsOfStep(this.step);
    for (const f of fields) this._setFieldError(f, errors[f] ?? null);
    const invalid = fields.filter((f) => errors[f]);
    if (invalid[0]) {
      this._announce(tf.fixErrors(invalid.length));
      this._focusField(invalid[0]);
      return;
    }
    void this._goTo(this.step + 1);
  }

  /** Shows `errors` (shown field → message) on every step, clears the others, and goes to the first step with one. */
  private async _showAllErrors(errors: Record<string, string>): Promise<void> {
    for (let step = 1; step <= LAST_STEP; step++) for (const f of shownFieldsOfStep(step)) this._setFieldError(f, errors[f] ?? null);
    const step = firstStepWithError(Object.keys(errors));
    if (step === null) return;
    const first = shownFieldsOfStep(step).find((f) => errors[f]) ?? null;
    await this._goTo(step, first);
    this._announce(tf.fixErrors(shownFieldsOfStep(step).filter((f) => errors[f]).length));
  }

  /**
   * Re-checks the shown errors after a blur or change; while a pointer is pressed, only after its
   * release: removing an error moves the buttons below it, and a press that starts on 下一步 and
   * ends elsewhere is not a click.
   */
  private _scheduleRefresh(): void {
    if (this._pointerDown) this._refreshPending = true;
    else this._refreshShownErrors();
  }

  /** Re-checks the fields of the current step that show an error: fixed ones are cleared, others updated. */
  private _refreshShownErrors(): void {
    const shown = shownFieldsOfStep(this.step).filter((f) => this._errorShown(f));
    if (!shown.length) return;
    const errors = this._errors(this.step);
    for (const f of shown) this._setFieldError(f, errors[f] ?? null);
  }

  /** The controls of field `name` (every radio of a group; hidden inputs excluded). */
  private _controlsOf(name: string): HTMLElement[] {
    const form = this._form;
    if (!form) return [];
    return [...form.querySelectorAll<HTMLElement>(`[name="${name}"]`)].filter((el) => !(el instanceof HTMLInputElement && el.type === 'hidden'));
  }

  private _errorShown(name: string): boolean {
    return this._controlsOf(name)[0]?.getAttribute('aria-invalid') === 'true';
  }

  /**
   * Shows `message` at field `name` as the server does (a `p.field-error#<name>-error` after the
   * control, its group or its label; `aria-invalid` and `aria-describedby` on the controls), or
   * clears it (null). A message for a field without a visible control goes to the alert.
   */
  private _setFieldError(name: string, message: string | null): void {
    const controls = this._controlsOf(name);
    const first = controls[0];
    if (!first) {
      if (message) this._alert = message;
      return;
    }
    const id = `${name}-error`;
    const anchor =
      name === 'reporterMode'
        ? (first.closest('.radio') ?? first)
        : first instanceof HTMLInputElement && first.type === 'checkbox'
          ? (first.closest('label') ?? first)
          : (first.closest('fx-search-box') ?? first);
    this._form?.querySelector(`#${id}`)?.remove();
    const after = anchor.nextElementSibling;
    if (after instanceof HTMLParagraphElement && after.classList.contains('field-error')) after.remove();
    for (const c of controls) {
      toggleDescribedBy(c, id, message !== null);
      if (message) c.setAttribute('aria-invalid', 'true');
      else c.removeAttribute('aria-invalid');
    }
    if (message) {
      const p = document.createElement('p');
      p.className = 'field-error';
      p.id = id;
      p.textContent = message;
      anchor.after(p);
    }
  }

  private _focusField(name: string): void {
    const controls = this._controlsOf(name);
    const target = controls.find((c) => c instanceof HTMLInputElement && c.type === 'radio' && c.checked) ?? controls[0];
    target?.focus();
  }

  private _dropServerBoxes(): void {
    for (const box of this._serverBoxes) box.remove();
    this._serverBoxes = [];
  }

  // ---- evidence files ---------------------------------------------------------------------

  private _chosen(file: File): ChosenFile {
    const kind = previewKindOf(file.name, file.type);
    return { file, kind, url: kind === 'image' ? URL.createObjectURL(file) : null, broken: false };
  }

  /** Adds the files just chosen to the list (or, where `input.files` cannot be set, takes them instead). */
  private _onFilesChosen(): void {
    const input = this._evidence;
    if (!input) return;
    const picked = [...(input.files ?? [])];
    const before = this._files.map((c) => c.file);
    const files = appendFiles(this._canSetFiles ? before : [], picked);
    for (const c of this._files) if (!files.includes(c.file) && c.url) URL.revokeObjectURL(c.url);
    const added = files.filter((f) => !before.includes(f));
    this._files = [...this._files.filter((c) => files.includes(c.file)), ...added.map((f) => this._chosen(f))];
    if (this._refusal && !this._refusal.file) this._refusal = null;
    this._syncInput();
    this._announce(tf.files.added(added.length, this._files.length));
    this._setFieldError('evidence', this._errors(EVIDENCE_STEP).evidence ?? null);
  }

  private async _removeFile(index: number): Promise<void> {
    const chosen = this._files[index];
    if (!chosen || this._sending) return;
    if (chosen.url) URL.revokeObjectURL(chosen.url);
    this._files = this._files.filter((_, i) => i !== index);
    if (this._refusal && (this._refusal.file === chosen.file || !this._refusal.file)) this._refusal = null;
    this._syncInput();
    this._announce(tf.files.removed(safeDisplayName(chosen.file.name), this._files.length));
    this._setFieldError('evidence', this._errors(EVIDENCE_STEP).evidence ?? null);
    await this.updateComplete;
    const buttons = this._hosts?.files.querySelectorAll<HTMLButtonElement>('.tip-file-remove');
    (buttons?.[index] ?? buttons?.[index - 1] ?? this._evidence)?.focus();
  }

  /** Makes the file input hold exactly the listed files, so that the form submits them. */
  private _syncInput(): void {
    const input = this._evidence;
    if (!input || !this._canSetFiles) return;
    const transfer = new DataTransfer();
    for (const c of this._files) transfer.items.add(c.file);
    input.files = transfer.files;
  }

  private _thumbnailFailed(chosen: ChosenFile): void {
    if (chosen.url) URL.revokeObjectURL(chosen.url);
    this._files = this._files.map((c) => (c === chosen ? { ...c, url: null, broken: true } : c));
  }

  private _revokeAll(): void {
    for (const c of this._files) if (c.url) URL.revokeObjectURL(c.url);
  }

  // ---- submitting -------------------------------------------------------------------------

  /**
   * Lets the proof-of-work widget (ALTCHA, in the form) finish before sending, at most
   * PROOF_WAIT_MS: a tip sent without it is accepted but flagged for staff
   * (src/features/tips/proof-of-work.server.ts). Never throws; without the widget it returns at once.
   */
  private async _finishProofOfWork(form: HTMLFormElement): Promise<void> {
    const widget = form.querySelector('altcha-widget') as (HTMLElement & { getState?: () => string; verify?: () => Promise<unknown> }) | null;
    if (!widget?.getState || !widget.verify || widget.getState() === 'verified') return;
    const timeout = new Promise<void>((resolve) => setTimeout(resolve, PROOF_WAIT_MS));
    await Promise.race([widget.verify().catch(() => null), timeout]);
  }

  /** Sends the form to the Action; keeps everything on a refusal; shows the receipt on success. */
  private async _send(): Promise<void> {
    const form = this._form;
    if (!form) return;
    this._dropServerBoxes();
    this._alert = '';
    const errors = this._errors();
    if (Object.keys(errors).length) {
      await this._showAllErrors(errors);
      return;
    }
    this._sending = true;
    this._announce(tf.sending);
    await this._finishProofOfWork(form);
    let outcome: Awaited<ReturnType<typeof actions.tips.submit>>;
    try {
      outcome = await actions.tips.submit(new FormData(form));
    } catch {
      // the request did not complete: nothing on the page is lost, the same submissionToken makes a retry safe
      this._sending = false;
      await this._showAlert(tf.network);
      return;
    }
    this._sending = false;
    if (!outcome.error) {
      this._result = outcome.data;
      return;
    }
    const error = outcome.error;
    if (isInputError(error)) {
      await this._showAllErrors(fieldErrorsFromServer(error.fields));
      return;
    }
    if (error.code === 'BAD_REQUEST') {
      // an evidence file refused from its bytes; its message names the file
      const index = refusedFileIndex(error.message, this._files.map((c) => c.file.name));
      this._refusal = { message: error.message, file: this._files[index]?.file ?? null };
      await this._showAllErrors({ evidence: error.message });
      return;
    }
    await this._showAlert(error.code === 'CONTENT_TOO_LARGE' ? t.report.tooLarge : error.code === 'TOO_MANY_REQUESTS' ? error.message : t.report.failed);
  }

  private async _showAlert(message: string): Promise<void> {
    this._alert = '';
    await this.updateComplete;
    this._alert = message;
    await this.updateComplete;
    this._hosts?.alert.querySelector<HTMLElement>('[role="alert"]')?.focus();
  }

  private _showReceipt(): void {
    this._revokeAll();
    for (const node of this._serverNodes) node.remove();
    this._hosts?.alert.remove();
    this.querySelector<HTMLElement>('h1[tabindex="-1"]')?.focus();
    const kind = this._result?.kind ?? 'created';
    this.dispatchEvent(new CustomEvent('fx-tip-submitted', { detail: { kind }, bubbles: true }));
  }

  // ---- events -----------------------------------------------------------------------------

  private _onSubmit = (e: SubmitEvent): void => {
    e.preventDefault();
    if (this._sending || this._result) return;
    if (this.step < LAST_STEP) this._next();
    else void this._send();
  };

  private _onFocusOut = (e: FocusEvent): void => {
    const target = e.target;
    if (target instanceof HTMLElement && target.getAttribute('aria-invalid') === 'true') this._scheduleRefresh();
  };

  private _onPointerDown = (): void => {
    this._pointerDown = true;
  };

  private _onPointerUp = (): void => {
    if (!this._pointerDown) return;
    this._pointerDown = false;
    if (!this._refreshPending) return;
    this._refreshPending = false;
    // after the click that follows this release
    setTimeout(() => this._refreshShownErrors(), 0);
  };

  private _onChange = (e: Event): void => {
    if (e.target === this._evidence) {
      this._onFilesChosen();
      return;
    }
    this._scheduleRefresh();
    if (this.step === LAST_STEP) this.requestUpdate();
  };

  private _onInput = (): void => {
    if (this.step === LAST_STEP) this.requestUpdate();
  };

  /** A link of the server's error summary (`#f-<name>`) opens the step of its field first. */
  private _onSummaryLink = (e: MouseEvent): void => {
    const link = e.target instanceof Element ? e.target.closest<HTMLAnchorElement>('a[href^="#f-"]') : null;
    if (!link || !this._form) return;
    const name = link.getAttribute('href')?.slice(3) ?? '';
    const step = stepOfField(name);
    if (step === null) return;
    e.preventDefault();
    void this._goTo(step, name === 'workshopId' ? 'subjectName' : name);
  };
}

customElements.define('fx-tip-form', FxTipForm);

declare global {
  interface HTMLElementTagNameMap {
    'fx-tip-form': FxTipForm;
  }
}
