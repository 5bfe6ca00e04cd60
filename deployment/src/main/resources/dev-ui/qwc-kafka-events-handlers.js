import { LitElement, html, css } from 'lit';
import { pageStyles } from './kafka-events-page-styles.js';
import { JsonRpc } from 'jsonrpc';
import '@vaadin/grid';
import { columnBodyRenderer } from '@vaadin/grid/lit.js';
import '@vaadin/button';
import '@vaadin/progress-bar';

/**
 * The application's handler methods: each with its consumer group and topics, the group's lag on them (read from the
 * broker), and since start-up the records handled and dead-lettered and the failed attempts, with the last failure.
 * Column widths are fixed, not taken from the content, so that every column fits a 1280 pixels wide screen.
 */
export class QwcKafkaEventsHandlers extends LitElement {

    jsonRpc = new JsonRpc(this);

    static styles = [pageStyles, css`
        .bad {
            color: var(--lumo-error-text-color);
            font-weight: bold;
        }
    `];

    static properties = {
        _handlers: { state: true },
        _loadError: { state: true }
    };

    constructor() {
        super();
        this._handlers = null;
        this._loadError = null;
    }

    connectedCallback() {
        super.connectedCallback();
        this._load();
    }

    render() {
        if (this._loadError) {
            return html`<span class="error">Could not read the handlers: ${this._loadError}</span>
                <vaadin-button @click=${this._load}>Retry</vaadin-button>`;
        }
        if (this._handlers === null) {
            return html`<vaadin-progress-bar indeterminate></vaadin-progress-bar>`;
        }
        if (this._handlers.length === 0) {
            return html`<span>The application has no event handlers.</span>`;
        }
        const lagError = this._handlers.find(h => h.lagError)?.lagError;
        return html`
            <div class="toolbar">
                <vaadin-button theme="tertiary" @click=${this._load}>Refresh</vaadin-button>
                <span class="secondary">Counts since the application started; lag from the broker now.</span>
                ${lagError ? html`<span class="error">Lag unknown: ${lagError}</span>` : ''}
            </div>
            <vaadin-grid .items=${this._handlers} theme="row-stripes wrap-cell-content" all-rows-visible>
                <vaadin-grid-column header="Handler" width="220px" flex-grow="3"
                    ${columnBodyRenderer(h => html`<span class="mono">${h.handler}</span>`, [])}></vaadin-grid-column>
                <vaadin-grid-column header="Type, topics" width="170px" flex-grow="2"
                    ${columnBodyRenderer(h => html`<div>${h.type}</div>
                        ${h.topics.map(t => html`<div class="secondary">${t}</div>`)}`, [])}></vaadin-grid-column>
                <vaadin-grid-column header="Group" path="group" width="120px" flex-grow="1"></vaadin-grid-column>
                <vaadin-grid-column header="Lag" width="70px" flex-grow="0" text-align="end"
                    ${columnBodyRenderer(h => html`${h.lag ?? '?'}`, [])}></vaadin-grid-column>
                <vaadin-grid-column header="Handled" path="handled" width="85px" flex-grow="0" text-align="end"></vaadin-grid-column>
                <vaadin-grid-column header="Failures" width="190px" flex-grow="2"
                    ${columnBodyRenderer(h => this._failures(h), [])}></vaadin-grid-column>
            </vaadin-grid>`;
    }

    _failures(h) {
        if (h.failed === 0 && h.deadLettered === 0) {
            return html`<span class="secondary">none</span>`;
        }
        return html`<div class=${h.deadLettered > 0 ? 'bad' : ''}>${h.failed} failed attempt${h.failed === 1 ? '' : 's'},
                ${h.deadLettered} dead-lettered</div>
            ${h.lastFailure ? html`<div class="secondary mono">last: ${h.lastFailure}</div>` : ''}`;
    }

    _load() {
        this._loadError = null;
        this.jsonRpc.getHandlers()
            .then(response => {
                this._handlers = response.result;
            })
            .catch(response => {
                this._loadError = response.error?.message ?? String(response);
            });
    }
}

customElements.define('qwc-kafka-events-handlers', QwcKafkaEventsHandlers);
