import { LitElement, html, css } from 'lit';
import { pageStyles } from './kafka-events-page-styles.js';
import { JsonRpc } from 'jsonrpc';
import '@vaadin/grid';
import { columnBodyRenderer } from '@vaadin/grid/lit.js';
import '@vaadin/button';
import '@vaadin/integer-field';
import '@vaadin/progress-bar';

/**
 * Dead-letter topics of the consumed topics, with the number of records in each, and a replay of the records
 * dead-lettered in the last N minutes (at most M of them) back to their topic; Show lists a topic's newest dead letters
 * record by record with why each failed (reason, exception, attempts, first failure, group). Column widths are fixed, not taken
 * from the content, so that every column and the replay button fit a 1280 pixels wide screen: long names wrap.
 */
export class QwcKafkaEventsDeadLetters extends LitElement {

    jsonRpc = new JsonRpc(this);

    static styles = [pageStyles, css`
        .replay {
            display: flex;
            flex-wrap: wrap;
            align-items: baseline;
            gap: 4px 6px;
        }
        .records-title {
            margin: 10px 0 0 0;
        }
    `];

    static properties = {
        _topics: { state: true },
        _loadError: { state: true },
        _minutes: { state: true },
        _max: { state: true },
        _busy: { state: true },
        _outcomes: { state: true },
        _shown: { state: true }
    };

    constructor() {
        super();
        this._topics = null;
        this._loadError = null;
        this._minutes = {};
        this._max = {};
        this._busy = {};
        this._outcomes = {};
        this._shown = null;
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
            <vaadin-grid .items=${this._topics} theme="row-stripes wrap-cell-content" all-rows-visible>
                <vaadin-grid-column header="Topic" path="topic" width="180px" flex-grow="2" resizable></vaadin-grid-column>
                <vaadin-grid-column header="Dead-letter topic" width="180px" flex-grow="2" resizable
                    ${columnBodyRenderer(t => html`${t.deadLetterTopic ?? html`<i>disabled</i>`}`, [])}></vaadin-grid-column>
                <vaadin-grid-column header="Records" width="100px" flex-grow="0"
                    ${columnBodyRenderer(t => this._countCell(t), [this._shown])}></vaadin-grid-column>
                <vaadin-grid-column header="Replay to the topic" width="340px" flex-grow="1"
                    ${columnBodyRenderer(t => this._replayCell(t), [this._minutes, this._max, this._busy, this._outcomes])}></vaadin-grid-column>
            </vaadin-grid>
            ${this._recordsSection()}`;
    }

    _countCell(t) {
        return html`<div>${t.records}</div>${t.deadLetterTopic && t.records > 0 ? html`
            <vaadin-button theme="tertiary small" @click=${() => this._loadRecords(t.topic)}>Show</vaadin-button>` : ''}`;
    }

    _recordsSection() {
        const shown = this._shown;
        if (!shown) {
            return html``;
        }
        if (shown.error) {
            return html`<span class="error">Could not read the dead letters of ${shown.topic}: ${shown.error}</span>`;
        }
        if (!shown.records) {
            return html`<vaadin-progress-bar indeterminate></vaadin-progress-bar>`;
        }
        return html`
            <h4 class="records-title">The newest ${shown.records.length} dead letter${shown.records.length === 1 ? '' : 's'}
                of ${shown.topic}</h4>
            <div class="replay">
                <span>Replay those dead-lettered from</span>
                <input type="datetime-local" step="1" class="window-from" .value=${shown.from ?? ''}
                    @change=${e => { this._shown = { ...this._shown, from: e.target.value }; }}>
                <span>to</span>
                <input type="datetime-local" step="1" class="window-to" .value=${shown.to ?? ''}
                    @change=${e => { this._shown = { ...this._shown, to: e.target.value }; }}>
                <span>(your time zone), at most</span>
                <vaadin-integer-field class="window-max" min="1" step-buttons-visible .value=${String(shown.max ?? 100)}
                    @change=${e => { this._shown = { ...this._shown, max: parseInt(e.target.value, 10) }; }}></vaadin-integer-field>
                <vaadin-button theme="primary small" ?disabled=${this._busy[shown.topic]}
                    @click=${() => this._replayWindow(shown)}>Replay window</vaadin-button>
                ${this._outcomes[shown.topic] ? html`<span class=${this._outcomes[shown.topic].error ? 'error' : 'result'}>
                    ${this._outcomes[shown.topic].text}</span>` : ''}
            </div>
            <vaadin-grid class="records" .items=${shown.records} theme="row-stripes wrap-cell-content" all-rows-visible>
                <vaadin-grid-column header="Dead-lettered" width="150px" flex-grow="0"
                    ${columnBodyRenderer(r => html`<div title=${r.deadLettered}>${this._time(r.deadLettered)}</div>
                        <div class="secondary">partition ${r.partition}, offset ${r.offset}</div>`, [])}></vaadin-grid-column>
                <vaadin-grid-column header="Key, event id" width="150px" flex-grow="1"
                    ${columnBodyRenderer(r => html`<div>${r.key ?? ''}</div> <div class="secondary mono">${r.id ?? ''}</div>`, [])}></vaadin-grid-column>
                <vaadin-grid-column header="Why it failed" width="260px" flex-grow="3"
                    ${columnBodyRenderer(r => html`<div>${r.reason ?? ''}</div>
                        ${r.exceptionClass ? html`<div class="secondary mono">${r.exceptionClass}: ${r.exceptionMessage}</div>` : ''}`, [])}></vaadin-grid-column>
                <vaadin-grid-column header="Attempts, first failure" width="150px" flex-grow="0"
                    ${columnBodyRenderer(r => html`<div>${r.attempts ?? '?'} attempt${r.attempts === 1 ? '' : 's'}</div>
                        <div class="secondary" title=${r.firstFailure ?? ''}>first ${this._time(r.firstFailure)}</div>`, [])}></vaadin-grid-column>
                <vaadin-grid-column header="Group" path="group" width="110px" flex-grow="1"></vaadin-grid-column>
                <vaadin-grid-column header="Action" width="140px" flex-grow="0"
                    ${columnBodyRenderer(r => html`<vaadin-button theme="small" ?disabled=${this._busy[shown.topic]}
                        @click=${() => this._replayRecord(shown.topic, r)}>Replay one</vaadin-button>`, [this._busy])}></vaadin-grid-column>
            </vaadin-grid>`;
    }

    _time(iso) {
        if (!iso) {
            return '?';
        }
        const date = new Date(iso);
        return isNaN(date) ? iso : date.toLocaleString();
    }

    /** An instant as the value of a datetime-local input: local time, to the second. */
    _local(millis) {
        const date = new Date(millis);
        const pad = n => String(n).padStart(2, '0');
        return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:`
            + `${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
    }

    _loadRecords(topic) {
        this._shown = { topic: topic };
        this.jsonRpc.getDeadLetters({ topic: topic, max: 50 })
            .then(response => {
                const records = response.result;
                const times = records.map(r => Date.parse(r.deadLettered)).filter(t => !isNaN(t));
                // the window of the records shown: from the oldest's second to just after the newest
                this._shown = {
                    topic: topic, records: records,
                    from: times.length ? this._local(Math.min(...times)) : '',
                    to: times.length ? this._local(Math.max(...times) + 1000) : ''
                };
            })
            .catch(response => {
                this._shown = { topic: topic, error: response.error?.message ?? String(response) };
            });
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

    _replayRecord(topic, record) {
        this._busy = { ...this._busy, [topic]: true };
        this.jsonRpc.replayRecord({ topic: topic, partition: record.partition, offset: record.offset })
            .then(response => {
                this._outcomes = {
                    ...this._outcomes,
                    [topic]: { error: false, text: `Replayed ${record.key ?? ''} (${response.result ?? 'no id'}) to ${topic}` }
                };
            })
            .catch(response => {
                this._outcomes = { ...this._outcomes, [topic]: { error: true, text: response.error?.message ?? String(response) } };
            })
            .finally(() => {
                this._busy = { ...this._busy, [topic]: false };
            });
    }

    _replayWindow(shown) {
        const topic = shown.topic;
        const from = new Date(shown.from);
        const to = new Date(shown.to);
        if (isNaN(from) || isNaN(to)) {
            this._outcomes = { ...this._outcomes, [topic]: { error: true, text: 'Give the start and the end of the window' } };
            return;
        }
        this._busy = { ...this._busy, [topic]: true };
        this.jsonRpc.replayWindow({ topic: topic, from: from.toISOString(), to: to.toISOString(), max: shown.max ?? 100 })
            .then(response => {
                const count = response.result;
                this._outcomes = {
                    ...this._outcomes,
                    [topic]: { error: false, text: `Replayed ${count} record${count === 1 ? '' : 's'} dead-lettered between `
                        + `${from.toLocaleString()} and ${to.toLocaleString()} to ${topic}` }
                };
            })
            .catch(response => {
                this._outcomes = { ...this._outcomes, [topic]: { error: true, text: response.error?.message ?? String(response) } };
            })
            .finally(() => {
                this._busy = { ...this._busy, [topic]: false };
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
