import { LitElement, html, nothing } from 'lit';
import { t } from '../i18n/zh-CN.ts';

/**
 * "Near me": on a click, asks the browser for its position and re-runs the search sorted by
 * distance (`sort=distance&lat=&lng=` added to the enclosing GET form).
 *
 * @summary A button that exists only with JavaScript (the element renders it). When the position
 * is refused or unavailable, a message says so and focus moves to the county filter
 * (`county-select` attribute: the id of the `<select>`).
 * @event fx-near-me-error - `detail: { code: number }` (GeolocationPositionError code)
 */
export class FxNearMe extends LitElement {
  static override properties = {
    countySelect: { type: String, attribute: 'county-select' },
    _state: { state: true },
    _message: { state: true },
  };

  declare countySelect: string;
  declare _state: 'idle' | 'locating' | 'error';
  declare _message: string;

  constructor() {
    super();
    this.countySelect = '';
    this._state = 'idle';
    this._message = '';
  }

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  private _locate(): void {
    const form = this.closest('form');
    if (!form || !('geolocation' in navigator)) {
      this._fail(0, t.search.nearMeUnavailable);
      return;
    }
    this._state = 'locating';
    navigator.geolocation.getCurrentPosition(
      (pos) => {
        const set = (name: string, value: string) => {
          let input = form.querySelector<HTMLInputElement>(`input[type=hidden][name="${name}"]`);
          if (!input) {
            input = document.createElement('input');
            input.type = 'hidden';
            input.name = name;
            form.append(input);
          }
          input.value = value;
        };
        set('lat', pos.coords.latitude.toFixed(5));
        set('lng', pos.coords.longitude.toFixed(5));
        const sort = form.querySelector<HTMLSelectElement>('select[name="sort"]');
        if (sort) {
          // the server lists 距离 only once a position is known
          if (![...sort.options].some((o) => o.value === 'distance')) sort.add(new Option(t.search.sortOrder.distance ?? 'distance', 'distance'));
          sort.value = 'distance';
        } else set('sort', 'distance');
        form.requestSubmit();
      },
      (err) => this._fail(err.code, err.code === 1 ? t.search.nearMeDenied : t.search.nearMeUnavailable),
      { enableHighAccuracy: false, timeout: 10_000, maximumAge: 300_000 },
    );
  }

  private _fail(code: number, message: string): void {
    this._state = 'error';
    this._message = message;
    this.dispatchEvent(new CustomEvent('fx-near-me-error', { detail: { code }, bubbles: true }));
    const select = this.countySelect ? document.getElementById(this.countySelect) : null;
    if (select instanceof HTMLElement) select.focus();
  }

  override render() {
    return html`<button type="button" class="secondary" @click=${() => this._locate()} ?disabled=${this._state === 'locating'}>
        ${this._state === 'locating' ? t.search.nearMeLocating : t.search.nearMe}
      </button>
      ${this._state === 'error' ? html`<p class="field-error" role="alert">${this._message}</p>` : nothing}`;
  }
}

customElements.define('fx-near-me', FxNearMe);

declare global {
  interface HTMLElementTagNameMap {
    'fx-near-me': FxNearMe;
  }
}
