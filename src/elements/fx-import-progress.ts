import { LitElement } from 'lit';

/** What /admin/import/{id}.json answers. */
interface Progress {
  phase: 'writing' | 'indexing' | 'done';
  batches: { done: number; total: number };
}

/**
 * Follows a running import commit without reloading: polls `status-url` (the JSON of
 * /admin/import/{id}.json) and writes the batch count into the child marked `data-batches`
 * (`done / total`); once the commit is done (or the status is gone) it reloads the page, which the
 * server then renders as the result. Without JavaScript the page refreshes itself instead
 * (a `<meta http-equiv="refresh">` inside `<noscript>`).
 *
 * @summary Live progress of an import: enhances the server-rendered progress text (light DOM, renders nothing itself).
 * @event fx-import-progress-done - the commit finished; the page reloads right after.
 */
export class FxImportProgress extends LitElement {
  static override properties = {
    statusUrl: { type: String, attribute: 'status-url' },
    interval: { type: Number },
  };

  declare statusUrl: string;
  /** ms between polls */
  declare interval: number;

  private _timer: ReturnType<typeof setTimeout> | undefined;

  constructor() {
    super();
    this.statusUrl = '';
    this.interval = 700;
  }

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this._schedule();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this._timer);
  }

  private _schedule(): void {
    this._timer = setTimeout(() => void this._poll(), this.interval);
  }

  private async _poll(): Promise<void> {
    let progress: Progress | null;
    try {
      const res = await fetch(this.statusUrl, { headers: { Accept: 'application/json' }, credentials: 'same-origin' });
      // a signed-out session is redirected to the login page (HTML): the reload shows it
      progress = res.ok && (res.headers.get('content-type') ?? '').includes('json') ? ((await res.json()) as Progress) : null;
    } catch {
      // a failed poll: try again
      this._schedule();
      return;
    }
    if (!progress || progress.phase === 'done') {
      this.dispatchEvent(new CustomEvent('fx-import-progress-done', { bubbles: true, composed: true }));
      location.reload();
      return;
    }
    const batches = this.querySelector<HTMLElement>('[data-batches]');
    if (batches) batches.textContent = `${progress.batches.done} / ${progress.batches.total}`;
    this._schedule();
  }
}

customElements.define('fx-import-progress', FxImportProgress);

declare global {
  interface HTMLElementTagNameMap {
    'fx-import-progress': FxImportProgress;
  }
}
