import { LitElement, html, css } from 'lit';
import { JsonRpc } from 'jsonrpc';
import '@vaadin/grid';
import { columnBodyRenderer } from '@vaadin/grid/lit.js';
import '@vaadin/button';
import '@vaadin/integer-field';
import '@vaadin/progress-bar';

/**
 * Dead-letter topics of the consumed topics, with the number of records in each, and a replay of the records
 * dead-lettered in the last N minutes (at most M of them) back to their topic.
 */
export class QwcKafkaEventsDeadLetters extends LitElement {

    jsonRpc = new JsonRpc(this);

    static styles = css`
        :host {
            display: flex;
            flex-direction: column;
            gap: 10px;
            padding: 10px;
            height: 100%;
        }
        .toolbar {
            display: flex;
            align-items: baseline;
            gap: 10px;
        }
        .replay {
            display: flex;
            align-items: baseline;
            gap: 6px;
        }
        vaadin-integer-field {
            width: 7em;
        }
        .result {
            color: var(--lumo-success-text-color);
        }
        .error {
            color: var(--lumo-error-text-color);
        }
    `;

    static properties = {
        _topics: { state: true },
        _loadError: { state: true },
        _minutes: { state: true },
        _max: { state: true },
        _busy: { state: true },
        _outcomes: { state: true }
    };

    constructor() {
        super();
        this._topics = null;
        this._loadError = null;
        this._minutes = {};
        this._max = {};
        this._busy = {};
        this._outcomes = {};
    }

    connectedCallback() {
        super.connectedCallback();
        this._load();
    }

    render() {
        if (this._loadError) {
            return html`<span class="error">Could not read the dead-letter topics: ${this._loadError}</span>
                <vaadin-button @click=${this._load}>Retry</vaadin-button>`;
        }
        if (this._topics === null) {
            return html`<vaadin-progress-bar indeterminate></vaadin-progress-bar>`;
        }
        if (this._topics.length === 0) {
            return html`<span>The application has no event handlers, so nothing is dead-lettered.</span>`;
        }
        return html`
            <div class="toolbar">
                <vaadin-button theme="tertiary" @click=${this._load}>Refresh</vaadin-button>
            </div>
            <vaadin-grid .items=${this._topics} theme="row-stripes" all-rows-visible>
                <vaadin-grid-column header="Topic" path="topic" auto-width resizable></vaadin-grid-column>
                <vaadin-grid-column header="Dead-letter topic" auto-width resizable
                    ${columnBodyRenderer(t => html`${t.deadLetterTopic ?? html`<i>disabled</i>`}`, [])}></vaadin-grid-column>
                <vaadin-grid-column header="Records" path="records" auto-width text-align="end"></vaadin-grid-column>
                <vaadin-grid-column header="Replay to the topic" auto-width
                    ${columnBodyRenderer(t => this._replayCell(t), [this._minutes, this._max, this._busy, this._outcomes])}></vaadin-grid-column>
            </vaadin-grid>`;
    }

    _replayCell(t) {
        if (!t.deadLetterTopic) {
            return html``;
        }
        const outcome = this._outcomes[t.topic];
        return html`<div class="replay">
            <span>last</span>
            <vaadin-integer-field min="1" step-buttons-visible .value=${String(this._minutes[t.topic] ?? 60)}
                @change=${e => this._set('_minutes', t.topic, e.target.value)}></vaadin-integer-field>
            <span>minutes, at most</span>
            <vaadin-integer-field min="1" step-buttons-visible .value=${String(this._max[t.topic] ?? 100)}
                @change=${e => this._set('_max', t.topic, e.target.value)}></vaadin-integer-field>
            <vaadin-button theme="primary small" ?disabled=${this._busy[t.topic] || t.records === 0}
                @click=${() => this._replay(t.topic)}>Replay</vaadin-button>
            ${outcome ? html`<span class=${outcome.error ? 'error' : 'result'}>${outcome.text}</span>` : ''}
        </div>`;
    }

    _set(field, topic, value) {
        this[field] = { ...this[field], [topic]: parseInt(value, 10) };
    }

    _load() {
        this._loadError = null;
        this.jsonRpc.getDeadLetterTopics()
            .then(response => {
                this._topics = response.result;
            })
            .catch(response => {
                this._loadError = response.error?.message ?? String(response);
            });
    }

    _replay(topic) {
        const minutes = this._minutes[topic] ?? 60;
        const max = this._max[topic] ?? 100;
        this._busy = { ...this._busy, [topic]: true };
        this._outcomes = { ...this._outcomes, [topic]: null };
        this.jsonRpc.replay({ topic: topic, minutes: minutes, max: max })
            .then(response => {
                const count = response.result;
                this._outcomes = {
                    ...this._outcomes,
                    [topic]: { error: false, text: `Replayed ${count} record${count === 1 ? '' : 's'} to ${topic}` }
                };
                this._load();
            })
            .catch(response => {
                this._outcomes = {
                    ...this._outcomes,
                    [topic]: { error: true, text: response.error?.message ?? String(response) }
                };
            })
            .finally(() => {
                this._busy = { ...this._busy, [topic]: false };
            });
    }
}

customElements.define('qwc-kafka-events-dead-letters', QwcKafkaEventsDeadLetters);
