import { LitElement, html, css } from 'lit';
import { pageStyles } from './kafka-events-page-styles.js';
import { JsonRpc } from 'jsonrpc';
import '@vaadin/grid';
import { columnBodyRenderer } from '@vaadin/grid/lit.js';
import '@vaadin/button';
import '@vaadin/integer-field';
import '@vaadin/progress-bar';

/**
 * The outbox's rows waiting to be sent (PENDING) or resolved (FAILED: refused by the broker), failed ones first,
 * with the explicit actions on a failed row: retry (after fixing the cause) and skip (never send it). Each row
 * shows its age (a row stuck for minutes stands out) and the oldest pending row's age heads the table. Column widths
 * are fixed, not taken from the content, so that every column and action fits a 1280 pixels wide screen.
 */
export class QwcKafkaEventsOutbox extends LitElement {

    jsonRpc = new JsonRpc(this);

    static styles = [pageStyles, css`
        .age {
            color: var(--lumo-secondary-text-color);
            font-size: var(--lumo-font-size-s);
        }
        .age.stale {
            color: var(--lumo-error-text-color);
            font-weight: bold;
        }
        .actions {
            display: flex;
            flex-direction: column;
            align-items: stretch;
            gap: 4px;
        }
        .mono {
            overflow-wrap: anywhere;
        }
        .failed {
            color: var(--lumo-error-text-color);
            font-weight: bold;
        }
    `];

    static properties = {
        _outbox: { state: true },
        _loadError: { state: true },
        _limit: { state: true },
        _busy: { state: true },
        _outcome: { state: true }
    };

    constructor() {
        super();
        this._outbox = null;
        this._loadError = null;
        this._limit = 100;
        this._busy = {};
        this._outcome = null;
    }

    connectedCallback() {
        super.connectedCallback();
        this._load();
    }

    render() {
        if (this._loadError) {
            return html`<span class="error">Could not read the outbox: ${this._loadError}</span>
                <vaadin-button @click=${this._load}>Retry</vaadin-button>`;
        }
        if (this._outbox === null) {
            return html`<vaadin-progress-bar indeterminate></vaadin-progress-bar>`;
        }
        const o = this._outbox;
        return html`
            <div class="toolbar">
                <vaadin-button theme="tertiary" @click=${this._load}>Refresh</vaadin-button>
                <span>Table <code>${o.table}</code>: ${o.pending ?? '?'} pending, ${o.failed ?? '?'} failed${
                    o.oldestPendingMillis ? html`, the oldest waiting for <b>${this._age(o.oldestPendingMillis)}</b>` : ''}.
                    Showing at most</span>
                <vaadin-integer-field min="1" max="500" step-buttons-visible .value=${String(this._limit)}
                    @change=${e => { this._limit = parseInt(e.target.value, 10) || 100; this._load(); }}></vaadin-integer-field>
                <span>rows.</span>
                ${this._outcome ? html`<span class=${this._outcome.error ? 'error' : 'result'}>${this._outcome.text}</span>` : ''}
            </div>
            ${o.rows.length === 0 ? html`<span>Nothing waiting: every event was sent.</span>` : html`
            <vaadin-grid .items=${o.rows} theme="row-stripes wrap-cell-content" all-rows-visible>
                <vaadin-grid-column header="Status, age" width="110px" flex-grow="0"
                    ${columnBodyRenderer(r => this._status(r), [])}></vaadin-grid-column>
                <vaadin-grid-column header="Id" width="120px" flex-grow="1" resizable
                    ${columnBodyRenderer(r => html`<span class="mono">${r.id}</span>`, [])}></vaadin-grid-column>
                <vaadin-grid-column header="Type, topic" width="150px" flex-grow="2" resizable
                    ${columnBodyRenderer(r => html`<div>${r.type}</div> <div class="secondary">${r.topic}</div>`, [])}></vaadin-grid-column>
                <vaadin-grid-column header="Key" path="key" width="80px" flex-grow="1" resizable></vaadin-grid-column>
                <vaadin-grid-column header="Attempts, next" width="120px" flex-grow="0"
                    ${columnBodyRenderer(r => this._attempts(r), [])}></vaadin-grid-column>
                <vaadin-grid-column header="Last error" width="150px" flex-grow="3" resizable
                    ${columnBodyRenderer(r => html`<span class="mono">${r.lastError ?? ''}</span>`, [])}></vaadin-grid-column>
                <vaadin-grid-column header="Actions" width="90px" flex-grow="0"
                    ${columnBodyRenderer(r => this._actions(r), [this._busy])}></vaadin-grid-column>
            </vaadin-grid>`}`;
    }

    _status(r) {
        const status = r.status === 'FAILED' ? html`<span class="failed">FAILED</span>`
            : html`<span>${r.sending ? 'SENDING' : r.status}</span>`;
        // a row waiting for minutes stands out from one written a moment ago
        const stale = r.ageMillis !== null && r.ageMillis >= 60000;
        return html`<div>${status}</div>
            <div class="age ${stale ? 'stale' : ''}" title="written ${r.created ?? '?'}">${this._age(r.ageMillis)} old</div>`;
    }

    _age(millis) {
        if (millis === null || millis === undefined) {
            return '?';
        }
        const seconds = Math.floor(millis / 1000);
        if (seconds < 60) {
            return `${seconds} s`;
        }
        const minutes = Math.floor(seconds / 60);
        if (minutes < 60) {
            return `${minutes} min ${seconds % 60} s`;
        }
        const hours = Math.floor(minutes / 60);
        return hours < 48 ? `${hours} h ${minutes % 60} min` : `${Math.floor(hours / 24)} days`;
    }

    _attempts(r) {
        return html`<div>${r.attempts}</div>
            ${r.nextAttempt ? html`<div class="secondary" title=${r.nextAttempt}>next ${this._time(r.nextAttempt)}</div>` : ''}`;
    }

    _time(iso) {
        const date = new Date(iso);
        return isNaN(date) ? iso : date.toLocaleTimeString();
    }

    _actions(r) {
        if (r.status !== 'FAILED') {
            return html``;
        }
        return html`<div class="actions">
            <vaadin-button theme="primary small" ?disabled=${this._busy[r.id]}
                @click=${() => this._resolve(r, 'retryOutboxRow', 'Retrying')}>Retry</vaadin-button>
            <vaadin-button theme="error small" ?disabled=${this._busy[r.id]}
                @click=${() => this._resolve(r, 'skipOutboxRow', 'Skipped')}>Skip</vaadin-button></div>`;
    }

    _load() {
        this._loadError = null;
        this.jsonRpc.getOutbox({ limit: this._limit })
            .then(response => {
                this._outbox = response.result;
            })
            .catch(response => {
                this._loadError = response.error?.message ?? String(response);
            });
    }

    _resolve(row, method, done) {
        if (method === 'skipOutboxRow'
                && !confirm(`Skip event ${row.id}? It is deleted and never sent; the later events of key ${row.key} go on.`)) {
            return;
        }
        this._busy = { ...this._busy, [row.id]: true };
        this.jsonRpc[method]({ id: row.id })
            .then(() => {
                this._outcome = { error: false, text: `${done} ${row.id}` };
                this._load();
            })
            .catch(response => {
                this._outcome = { error: true, text: response.error?.message ?? String(response) };
            })
            .finally(() => {
                this._busy = { ...this._busy, [row.id]: false };
            });
    }
}

customElements.define('qwc-kafka-events-outbox', QwcKafkaEventsOutbox);
