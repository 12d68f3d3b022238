import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { t } from '../i18n/zh-CN.ts';

/** One suggestion as /api/v1/search returns it. */
interface Suggestion {
  id: number;
  name: string;
  nameHtml: string;
  status: string;
  kind: string;
  countyCode: string | null;
  countyName: string | null;
  demo: boolean;
  url: string;
}

/** Splits server-escaped HTML with `<mark>` into text runs, decoding the five entities; no HTML is rendered. */
function markRuns(escaped: string): { text: string; marked: boolean }[] {
  const decode = (s: string) => s.replace(/&(amp|lt|gt|quot|#39);/gu, (_, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[e] ?? '');
  const runs: { text: string; marked: boolean }[] = [];
  let marked = false;
  for (const part of escaped.split(/(<mark>|<\/mark>)/u)) {
    if (part === '<mark>') marked = true;
    else if (part === '</mark>') marked = false;
    else if (part) runs.push({ text: decode(part), marked });
  }
  return runs;
}

/**
 * Search suggestions as you type, around a working server-rendered input.
 *
 * @summary Enhances an input (`input-selector`, default the `type=search` one) into an ARIA
 * combobox with a listbox of workshops (name with highlights, verdict badge). Debounced (250 ms); a
 * newer keystroke aborts the older request. Arrow keys move, Escape closes. In `navigate` mode
 * (default) Enter or a click opens the workshop; without JavaScript the form submits to /search.
 * In `pick` mode (the tip form) choosing a workshop fills the input with its name, the hidden field
 * `picked-field` with its id and the select `county-field` with its county; typing again unlinks it.
 * @slot - the form or field (light DOM; the list is rendered after it)
 * @event fx-suggestions - after suggestions arrive; `detail: { count: number }`
 * @event fx-pick - in pick mode, after a workshop is chosen; `detail: { id: number; name: string }`
 */
export class FxSearchBox extends LitElement {
  static override properties = {
    endpoint: { type: String },
    mode: { type: String },
    inputSelector: { type: String, attribute: 'input-selector' },
    pickedField: { type: String, attribute: 'picked-field' },
    countyField: { type: String, attribute: 'county-field' },
    _picked: { state: true },
    labelEmpty: { type: String, attribute: 'label-empty' },
    labelLoading: { type: String, attribute: 'label-loading' },
    _items: { state: true },
    _open: { state: true },
    _active: { state: true },
    _loading: { state: true },
  };

  declare endpoint: string;
  declare mode: 'navigate' | 'pick';
  declare inputSelector: string;
  declare pickedField: string;
  declare countyField: string;
  declare _picked: Suggestion | null;
  declare labelEmpty: string;
  declare labelLoading: string;
  declare _items: Suggestion[];
  declare _open: boolean;
  declare _active: number;
  declare _loading: boolean;

  private _input: HTMLInputElement | null = null;
  private _timer: ReturnType<typeof setTimeout> | undefined;
  private _abort: AbortController | null = null;
  private _listId = `fx-suggest-${Math.random().toString(36).slice(2, 9)}`;
  private _lastQuery = '';

  constructor() {
    super();
    this.endpoint = '/api/v1/search';
    this.mode = 'navigate';
    this.inputSelector = 'input[type="search"]';
    this.pickedField = '';
    this.countyField = '';
    this._picked = null;
    this.labelEmpty = t.search.noSuggestions;
    this.labelLoading = t.search.loading;
    this._items = [];
    this._open = false;
    this._active = -1;
    this._loading = false;
  }

  /** Renders in light DOM so that the input and the listbox share one ID scope (aria-controls). */
  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    const input = this.querySelector<HTMLInputElement>(this.getAttribute('input-selector') ?? this.inputSelector);
    if (!input) return;
    this._input = input;
    input.setAttribute('role', 'combobox');
    input.setAttribute('aria-autocomplete', 'list');
    input.setAttribute('aria-expanded', 'false');
    input.setAttribute('aria-controls', this._listId);
    input.addEventListener('input', this._onInput);
    input.addEventListener('keydown', this._onKeydown);
    input.addEventListener('blur', this._onBlur);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this._input?.removeEventListener('input', this._onInput);
    this._input?.removeEventListener('keydown', this._onKeydown);
    this._input?.removeEventListener('blur', this._onBlur);
    this._abort?.abort();
    clearTimeout(this._timer);
  }

  protected override updated(changed: PropertyValues): void {
    if (!this._input) return;
    if (changed.has('_open')) this._input.setAttribute('aria-expanded', String(this._open));
    if (changed.has('_active') || changed.has('_open')) {
      if (this._open && this._active >= 0) this._input.setAttribute('aria-activedescendant', `${this._listId}-${this._active}`);
      else this._input.removeAttribute('aria-activedescendant');
    }
  }

  private _onInput = (): void => {
    clearTimeout(this._timer);
    // any typing in pick mode makes the name free text again, also after a server round trip
    if (this.mode === 'pick') this._unpick();
    const q = this._input?.value.trim() ?? '';
    if (!q) {
      this._abort?.abort();
      this._items = [];
      this._open = false;
      return;
    }
    this._timer = setTimeout(() => void this._fetch(q), 250);
  };

  private async _fetch(q: string): Promise<void> {
    this._abort?.abort();
    const abort = new AbortController();
    this._abort = abort;
    this._lastQuery = q;
    this._loading = true;
    this._open = true;
    try {
      const res = await fetch(`${this.endpoint}?q=${encodeURIComponent(q)}`, { signal: abort.signal, headers: { Accept: 'application/json' } });
      if (!res.ok) throw new Error(String(res.status));
      const body = (await res.json()) as { hits: Suggestion[] };
      if (abort.signal.aborted || q !== this._lastQuery) return;
      this._items = body.hits.slice(0, 8);
      this._active = -1;
      this.dispatchEvent(new CustomEvent('fx-suggestions', { detail: { count: this._items.length }, bubbles: true }));
    } catch (e) {
      if ((e as Error).name === 'AbortError') return;
      this._items = [];
    } finally {
      if (this._abort === abort) this._loading = false;
    }
  }

  private _onKeydown = (e: KeyboardEvent): void => {
    // keys that pick a candidate in a Chinese input method belong to the input method
    if (e.isComposing || e.keyCode === 229) return;
    if (e.key === 'ArrowDown' && this._items.length) {
      e.preventDefault();
      this._open = true;
      this._active = (this._active + 1) % this._items.length;
    } else if (e.key === 'ArrowUp' && this._items.length) {
      e.preventDefault();
      this._active = this._active <= 0 ? this._items.length - 1 : this._active - 1;
    } else if (e.key === 'Enter' && this._open && this._active >= 0) {
      const item = this._items[this._active];
      if (item) {
        e.preventDefault();
        this._choose(item);
      }
    } else if (e.key === 'Escape') {
      // an open list only closes: the browser's own Escape would also clear a type=search field
      if (this._open) e.preventDefault();
      this._open = false;
      this._active = -1;
    }
  };

  /** Opens the workshop (navigate mode) or links it to the form (pick mode). */
  private _choose(item: Suggestion): void {
    if (this.mode !== 'pick') {
      window.location.assign(item.url);
      return;
    }
    const byId = (id: string) => (id ? document.getElementById(id) : null);
    if (this._input) this._input.value = item.name;
    const hidden = byId(this.pickedField);
    if (hidden instanceof HTMLInputElement) hidden.value = String(item.id);
    const county = byId(this.countyField);
    if (county instanceof HTMLSelectElement && item.countyCode) county.value = item.countyCode;
    this._picked = item;
    this._open = false;
    this._active = -1;
    this.dispatchEvent(new CustomEvent('fx-pick', { detail: { id: item.id, name: item.name }, bubbles: true }));
  }

  /** Forgets the linked workshop: the name typed is then free text. */
  private _unpick(): void {
    const hidden = this.pickedField ? document.getElementById(this.pickedField) : null;
    if (hidden instanceof HTMLInputElement) hidden.value = '';
    this._picked = null;
  }

  private _onBlur = (): void => {
    // let a click on an option land before the list closes
    setTimeout(() => {
      this._open = false;
    }, 150);
  };

  override render() {
    if (!this._open) {
      return this._picked
        ? html`<p class="hint" role="status">
            ${t.report.linkedWorkshop}${this._picked.name}${t.status[this._picked.status] ? html` <span class="badge ${this._picked.status}">${t.status[this._picked.status]}</span>` : nothing}
          </p>`
        : nothing;
    }
    return html`<ul class="suggest-list" id=${this._listId} role="listbox" aria-label=${t.search.suggestions}>
      ${this._loading && this._items.length === 0
        ? html`<li role="option" aria-disabled="true" aria-selected="false">${this.labelLoading}</li>`
        : this._items.length === 0
          ? html`<li role="option" aria-disabled="true" aria-selected="false">${this.labelEmpty}</li>`
          : this._items.map(
              (item, i) => html`<li
                role="option"
                id=${`${this._listId}-${i}`}
                aria-selected=${String(i === this._active)}
                @mousedown=${(e: Event) => e.preventDefault()}
                @click=${() => this._choose(item)}
              >
                <span>${markRuns(item.nameHtml).map((r) => (r.marked ? html`<mark>${r.text}</mark>` : r.text))}<small class="meta">
                    ${item.countyName ? ` · ${item.countyName}` : ''}${item.demo ? ` · ${t.site.demoTag}` : ''}</small
                  ></span
                >
                ${t.status[item.status] ? html`<span class="badge ${item.status}">${t.status[item.status]}</span>` : nothing}
              </li>`,
            )}
    </ul>`;
  }
}

customElements.define('fx-search-box', FxSearchBox);

declare global {
  interface HTMLElementTagNameMap {
    'fx-search-box': FxSearchBox;
  }
}
