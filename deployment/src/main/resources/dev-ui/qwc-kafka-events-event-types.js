import { LitElement, html, css } from 'lit';
import { pageStyles } from './kafka-events-page-styles.js';
import { JsonRpc } from 'jsonrpc';
import { eventTypes } from 'build-time-data';
import '@vaadin/grid';
import { columnBodyRenderer } from '@vaadin/grid/lit.js';
import '@vaadin/button';
import '@vaadin/progress-bar';
import '@vaadin/text-area';

/**
 * An example value for a JSON Schema: its const, first enum value, default or first example when it has one, else a
 * value of its type within its bounds (objects with every property, arrays with one item); $ref within the document
 * followed, nesting bounded.
 */
export function exampleOf(schema, root = schema, depth = 0) {
    if (!schema || typeof schema !== 'object' || depth > 10) {
        return null;
    }
    if (schema.$ref) {
        let target = root;
        for (const part of schema.$ref.replace(/^#\/?/, '').split('/').filter(p => p)) {
            target = target?.[decodeURIComponent(part.replace(/~1/g, '/').replace(/~0/g, '~'))];
        }
        return exampleOf(target, root, depth + 1);
    }
    if (schema.const !== undefined) return schema.const;
    if (Array.isArray(schema.enum) && schema.enum.length) return schema.enum[0];
    if (schema.default !== undefined) return schema.default;
    if (Array.isArray(schema.examples) && schema.examples.length) return schema.examples[0];
    for (const keyword of ['allOf', 'anyOf', 'oneOf']) {
        if (Array.isArray(schema[keyword]) && schema[keyword].length) {
            const choice = schema[keyword].find(s => s && s.type !== 'null') ?? schema[keyword][0];
            return exampleOf(choice, root, depth + 1);
        }
    }
    let type = Array.isArray(schema.type) ? (schema.type.find(t => t !== 'null') ?? 'null') : schema.type;
    if (!type && schema.properties) type = 'object';
    switch (type) {
        case 'object': {
            const value = {};
            for (const [name, property] of Object.entries(schema.properties ?? {})) {
                value[name] = exampleOf(property, root, depth + 1);
            }
            return value;
        }
        case 'array': {
            const item = exampleOf(schema.items, root, depth + 1);
            return Array(Math.max(1, schema.minItems ?? 1)).fill(item);
        }
        case 'string':
            return exampleString(schema);
        case 'integer':
        case 'number': {
            let value = schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : 0);
            if (schema.maximum !== undefined && value > schema.maximum) value = schema.maximum;
            return type === 'integer' ? Math.ceil(value) : value;
        }
        case 'boolean':
            return false;
        default:
            return null;
    }
}

function exampleString(schema) {
    switch (schema.format) {
        case 'date-time': return new Date().toISOString();
        case 'date': return new Date().toISOString().substring(0, 10);
        case 'time': return new Date().toISOString().substring(11, 19);
        case 'uuid': return '3f2b8c1e-5d4a-4e6b-9c7d-2a1f0e9b8c7d';
        case 'email': return 'someone@example.com';
        case 'uri': return 'https://example.com/';
        case 'duration': return 'PT1M';
        default: {
            let value = 'string';
            while (value.length < (schema.minLength ?? 0)) value += 'x';
            return schema.maxLength !== undefined ? value.substring(0, schema.maxLength) : value;
        }
    }
}

/**
 * The application's event types as the running application resolved them: the topic each is published to under
 * the active profile, its delivery and format, and every handler in full with its consumer group. Details opens a
 * type's contract: version, topic, format, partition key, compatibility verdict against the baseline (when the build
 * compared one), its JSON Schema, and a form to publish an event, pre-filled with an example made from the schema.
 * Column widths are
 * fixed, not taken from the content, so that every column fits a 1280 pixels wide screen: long names wrap.
 */
export class QwcKafkaEventsEventTypes extends LitElement {

    jsonRpc = new JsonRpc(this);

    static styles = [pageStyles, css`
        .handler {
            font-family: var(--lumo-font-family-monospace, monospace);
            font-size: var(--lumo-font-size-s);
            overflow-wrap: anywhere;
        }
        .group {
            color: var(--lumo-secondary-text-color);
        }
        .error {
            overflow-wrap: anywhere;
        }
        .result {
            overflow-wrap: anywhere;
        }
        .details {
            display: flex;
            flex-direction: column;
            gap: 8px;
            border-top: 1px solid var(--lumo-contrast-20pct);
            padding-top: 8px;
        }
        .facts {
            display: grid;
            grid-template-columns: max-content 1fr;
            gap: 2px 12px;
        }
        .facts dt {
            color: var(--lumo-secondary-text-color);
        }
        .facts dd {
            margin: 0;
            overflow-wrap: anywhere;
        }
        .panes {
            display: flex;
            flex-wrap: wrap;
            gap: 12px;
        }
        .pane {
            flex: 1 1 380px;
            min-width: 0;
            display: flex;
            flex-direction: column;
            gap: 6px;
        }
        pre {
            margin: 0;
            max-height: 420px;
            overflow: auto;
            background: var(--lumo-contrast-5pct);
            padding: 6px;
            font-size: var(--lumo-font-size-s);
        }
        vaadin-text-area {
            width: 100%;
            min-height: 200px;
            font-family: var(--lumo-font-family-monospace, monospace);
        }
        .verdict-compatible, .verdict-new, .verdict-accepted {
            color: var(--lumo-success-text-color);
            font-weight: bold;
        }
        .verdict-breaking {
            color: var(--lumo-error-text-color);
            font-weight: bold;
        }
    `];

    static properties = {
        _types: { state: true },
        _loadError: { state: true },
        _catalog: { state: true },
        _catalogError: { state: true },
        _selected: { state: true },
        _draft: { state: true },
        _publishing: { state: true },
        _published: { state: true }
    };

    constructor() {
        super();
        this._types = null;
        this._loadError = null;
        this._catalog = null;
        this._catalogError = null;
        this._selected = null;
        this._draft = '';
        this._publishing = false;
        this._published = null;
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
                    <vaadin-grid-column header="Type" path="type" width="130px" flex-grow="1" resizable></vaadin-grid-column>
                    <vaadin-grid-column header="Class" path="className" width="170px" flex-grow="2" resizable></vaadin-grid-column>
                    <vaadin-grid-column header="Topic base name" path="topicBase" width="170px" flex-grow="2" resizable></vaadin-grid-column>
                    <vaadin-grid-column header="Handlers" width="240px" flex-grow="3" resizable
                        ${columnBodyRenderer(t => html`${t.handlers.map(h => html`<div class="handler">${h}</div>`)}`, [])}>
                    </vaadin-grid-column>
                </vaadin-grid>`;
        }
        if (this._types === null) {
            return html`<vaadin-progress-bar indeterminate></vaadin-progress-bar>`;
        }
        return html`
            <vaadin-grid .items=${this._types} theme="row-stripes wrap-cell-content" all-rows-visible>
                <vaadin-grid-column header="Type" path="type" width="130px" flex-grow="1" resizable></vaadin-grid-column>
                <vaadin-grid-column header="Class" path="className" width="170px" flex-grow="2" resizable></vaadin-grid-column>
                <vaadin-grid-column header="Topic" path="topic" width="170px" flex-grow="2" resizable></vaadin-grid-column>
                <vaadin-grid-column header="Delivery, format" width="110px" flex-grow="0"
                    ${columnBodyRenderer(t => html`<div>${t.delivery}</div> <div class="group">${t.format}</div>`, [])}></vaadin-grid-column>
                <vaadin-grid-column header="Handlers (consumer group)" width="240px" flex-grow="3" resizable
                    ${columnBodyRenderer(t => this._handlers(t), [])}></vaadin-grid-column>
                <vaadin-grid-column header="Contract" width="120px" flex-grow="0"
                    ${columnBodyRenderer(t => this._contractCell(t), [this._catalog, this._selected])}></vaadin-grid-column>
            </vaadin-grid>
            ${this._details()}`;
    }

    _handlers(t) {
        if (t.handlers.length === 0) {
            return html`<i>none in this application</i>`;
        }
        return html`${t.handlers.map(h => html`<div class="handler">${h.handler}
            <span class="group">(${h.group}; ${h.guarantee}${h.duplicates === undefined ? ''
                : html`, ${h.duplicates} duplicate(s) skipped`})</span></div>`)}`;
    }

    _contractCell(t) {
        const entry = this._entry(t);
        const verdict = entry?.compatibility?.verdict;
        return html`${verdict ? html`<div class="verdict-${verdict}">${verdict}</div>` : ''}
            <vaadin-button theme="small" ?disabled=${!this._catalog}
                @click=${() => this._select(t)}>Details</vaadin-button>`;
    }

    _entry(t) {
        return this._catalog?.types.find(c => c.type === t.type && c.className === t.className);
    }

    _buildTime(t) {
        return eventTypes.find(b => b.type === t.type && b.className === t.className);
    }

    _select(t) {
        const entry = this._entry(t);
        this._selected = t;
        this._published = null;
        this._draft = entry?.schema ? JSON.stringify(exampleOf(JSON.parse(entry.schema)), null, 2) : '{}';
    }

    _details() {
        if (this._catalogError) {
            return html`<span class="error">Could not read the event catalog: ${this._catalogError}</span>`;
        }
        const t = this._selected;
        if (!t) {
            return html``;
        }
        const entry = this._entry(t) ?? {};
        const key = this._buildTime(t)?.partitionKey ?? [];
        const compatibility = entry.compatibility;
        return html`<div class="details">
            <h3>${t.type} <span class="group">${t.className}</span></h3>
            <dl class="facts">
                <dt>Version</dt><dd>${entry.version ?? html`<i>none</i>`}</dd>
                <dt>Topic</dt><dd>${t.topic}</dd>
                <dt>Format</dt><dd>${t.format}</dd>
                <dt>Partition key</dt><dd>${key.length ? key.join(', ') : html`<i>none: events spread over partitions</i>`}</dd>
                <dt>Compatibility</dt><dd>${compatibility ? html`<span class="verdict-${compatibility.verdict}">${compatibility.verdict}</span>
                    ${compatibility.version !== undefined ? html` (version ${compatibility.version})` : ''}
                    ${(compatibility.messages ?? []).map(m => html`<div>${m}</div>`)}`
                    : html`<i>${this._catalog?.baseline ? 'no verdict for this type' : 'no baseline'}</i>`}</dd>
            </dl>
            <div class="panes">
                <div class="pane">
                    <b>JSON Schema</b>
                    <pre class="schema">${entry.schema ? JSON.stringify(JSON.parse(entry.schema), null, 2) : 'none'}</pre>
                </div>
                <div class="pane">
                    <b>Publish an event</b> <span class="group">(pre-filled with an example made from the schema;
                        checked against the schema before it is published)</span>
                    <vaadin-text-area class="event" .value=${this._draft}
                        @value-changed=${e => { this._draft = e.detail.value; }}></vaadin-text-area>
                    <div>
                        <vaadin-button theme="primary" ?disabled=${this._publishing}
                            @click=${() => this._publish(t)}>Publish</vaadin-button>
                        <vaadin-button theme="tertiary" @click=${() => this._select(t)}>Reset to the example</vaadin-button>
                    </div>
                    ${this._published ? html`<div class=${this._published.error ? 'error' : 'result'}>${this._published.text}</div>` : ''}
                </div>
            </div>
        </div>`;
    }

    _publish(t) {
        try {
            JSON.parse(this._draft);
        } catch (e) {
            this._published = { error: true, text: `Not JSON: ${e.message}` };
            return;
        }
        this._publishing = true;
        this._published = null;
        this.jsonRpc.publish({ type: t.type, className: t.className, event: this._draft })
            .then(response => {
                const r = response.result;
                this._published = {
                    error: false,
                    text: r.offset === null || r.offset === undefined
                        ? `Accepted for ${r.topic} (${r.delivery} delivery: sent later)`
                        : `Published ${r.id} to ${r.topic}, partition ${r.partition}, offset ${r.offset}`
                };
            })
            .catch(response => {
                this._published = { error: true, text: response.error?.message ?? String(response) };
            })
            .finally(() => {
                this._publishing = false;
            });
    }

    _load() {
        this._loadError = null;
        this._catalogError = null;
        this.jsonRpc.getCatalog()
            .then(response => {
                this._catalog = response.result;
            })
            .catch(response => {
                this._catalogError = response.error?.message ?? String(response);
            });
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
