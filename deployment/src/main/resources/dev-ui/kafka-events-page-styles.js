import { css } from 'lit';

/**
 * What every Kafka Events Dev UI page shares: a column layout filling the page, a toolbar that wraps on narrow
 * screens, grid cells that wrap long names instead of widening their column, and the text styles for secondary
 * facts, identifiers, results and errors. A page adds its own rules after these.
 */
export const pageStyles = css`
    :host {
        display: flex;
        flex-direction: column;
        gap: 10px;
        padding: 10px;
        height: 100%;
    }
    .toolbar {
        display: flex;
        flex-wrap: wrap;
        align-items: baseline;
        gap: 10px;
    }
    vaadin-grid-cell-content {
        overflow-wrap: anywhere;
    }
    vaadin-integer-field {
        width: 8.5em;
    }
    .secondary {
        color: var(--lumo-secondary-text-color);
        font-size: var(--lumo-font-size-s);
    }
    .mono {
        font-family: var(--lumo-font-family-monospace, monospace);
        font-size: var(--lumo-font-size-s);
    }
    .result {
        color: var(--lumo-success-text-color);
    }
    .error {
        color: var(--lumo-error-text-color);
    }
`;
