import { LitElement, html, css } from 'lit';
import { JsonRpc } from 'jsonrpc';
import { eventTypes } from 'build-time-data';
import '@vaadin/grid';
import { columnBodyRenderer } from '@vaadin/grid/lit.js';
import '@vaadin/button';
import '@vaadin/progress-bar';

/**
 * The application's event types as the running application resolved them: the topic each is published to under
 * the active profile, its delivery and format, and every handler in full with its consumer group.
 */
export class QwcKafkaEventsEventTypes extends LitElement {

    jsonRpc = new JsonRpc(this);

    static styles = css`
        :host {
            display: flex;
            flex-direction: column;
            gap: 10px;
            padding: 10px;
            height: 100%;
        }
        .handler {
            font-family: var(--lumo-font-family-monospace, monospace);
            font-size: var(--lumo-font-size-s);
            overflow-wrap: anywhere;
        }
        .group {
            color: var(--lumo-secondary-text-color);
        }
        .error {
            color: var(--lumo-error-text-color);
        }
    `;

    static properties = {
        _types: { state: true },
        _loadError: { state: true }
    };

    constructor() {
        super();
        this._types = null;
        this._loadError = null;
    }

    connectedCallback() {
        super.connectedCallback();
        this._load();
    }

    render() {
        if (this._loadError) {
            // the build-time view: topic base names, handlers without groups
            return html`<span class="error">Could not read the running application's event types:
                    ${this._loadError}</span>
                <vaadin-button @click=${this._load}>Retry</vaadin-button>
                <vaadin-grid .items=${eventTypes} theme="row-stripes wrap-cell-content" all-rows-visible>
                    <vaadin-grid-column header="Type" path="type" auto-width resizable></vaadin-grid-column>
                    <vaadin-grid-column header="Class" path="className" auto-width resizable></vaadin-grid-column>
                    <vaadin-grid-column header="Topic base name" path="topicBase" auto-width resizable></vaadin-grid-column>
                    <vaadin-grid-column header="Handlers" flex-grow="2" resizable
                        ${columnBodyRenderer(t => html`${t.handlers.map(h => html`<div class="handler">${h}</div>`)}`, [])}>
                    </vaadin-grid-column>
                </vaadin-grid>`;
        }
        if (this._types === null) {
            return html`<vaadin-progress-bar indeterminate></vaadin-progress-bar>`;
        }
        return html`
            <vaadin-grid .items=${this._types} theme="row-stripes wrap-cell-content" all-rows-visible>
                <vaadin-grid-column header="Type" path="type" auto-width resizable></vaadin-grid-column>
                <vaadin-grid-column header="Class" path="className" auto-width resizable></vaadin-grid-column>
                <vaadin-grid-column header="Topic" path="topic" auto-width resizable></vaadin-grid-column>
                <vaadin-grid-column header="Delivery" path="delivery" auto-width></vaadin-grid-column>
                <vaadin-grid-column header="Handlers (consumer group)" flex-grow="2" resizable
                    ${columnBodyRenderer(t => this._handlers(t), [])}></vaadin-grid-column>
            </vaadin-grid>`;
    }

    _handlers(t) {
        if (t.handlers.length === 0) {
            return html`<i>none in this application</i>`;
        }
        return html`${t.handlers.map(h => html`<div class="handler">${h.handler}
            <span class="group">(${h.group}; ${h.guarantee}${h.duplicates === undefined ? ''
                : html`, ${h.duplicates} duplicate(s) skipped`})</span></div>`)}`;
    }

    _load() {
        this._loadError = null;
        this.jsonRpc.getEventTypes()
            .then(response => {
                this._types = response.result;
            })
            .catch(response => {
                this._loadError = response.error?.message ?? String(response);
            });
    }
}

customElements.define('qwc-kafka-events-event-types', QwcKafkaEventsEventTypes);
