package io.quarkiverse.kafkaevents.devui;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's headless Chromium driven through {@code /usr/bin/chromedriver} (installed by {@code .ci/install-browser}),
 * with helpers that see into the Dev UI's shadow DOM: the text of a page's grid cells, clicking a button by its
 * label, and which cells and buttons a person cannot see because they lie outside the viewport or the grid.
 */
final class DevUiBrowser implements AutoCloseable {

    static final int WIDTH = 1400;
    static final int HEIGHT = 1000;

    /** Every element matching a selector, in the document and in every shadow root below it. */
    private static final String DEEP_ALL = """
            const deepAll = (root, selector, out) => {
                root.querySelectorAll(selector).forEach(e => out.push(e));
                root.querySelectorAll('*').forEach(e => { if (e.shadowRoot) deepAll(e.shadowRoot, selector, out); });
                return out;
            };
            const page = deepAll(document, arguments[0], [])[0];
            const root = page ? page.shadowRoot : null;
            """;

    private final ChromeDriver driver;
    private final Path screenshots;

    DevUiBrowser(Path screenshots) {
        this.screenshots = screenshots;
        Path profile;
        try {
            Files.createDirectories(screenshots);
            profile = Files.createTempDirectory("devui-chromium");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + profile, "--window-size=" + WIDTH + "," + HEIGHT);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(Path.of("/usr/bin/chromedriver").toFile()).usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
        driver.manage().window().setSize(new Dimension(WIDTH, HEIGHT));
    }

    /** Resizes the window and lets the page lay itself out again (two animation frames). */
    void resize(int width, int height) {
        driver.manage().window().setSize(new Dimension(width, height));
        driver.executeAsyncScript("const done = arguments[arguments.length - 1];"
                + " requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(done, 100)));");
    }

    void open(String url) {
        driver.get(url);
    }

    /** The viewport's inner width as the page sees it. */
    long innerWidth() {
        return ((Number) js().executeScript("return window.innerWidth;")).longValue();
    }

    /**
     * The text of each grid cell of the page component {@code tag} (header cells first), row by row as the grid
     * lays them out; waits up to 30 s for {@code ready} to accept them.
     */
    List<String> awaitCells(String tag, Predicate<List<String>> ready) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        List<String> cells = cells(tag);
        while (!ready.test(cells)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(tag + " did not show the expected cells within 30 s: " + cells
                        + "; page text: " + text(tag));
            }
            Thread.sleep(250);
            cells = cells(tag);
        }
        return cells;
    }

    @SuppressWarnings("unchecked")
    List<String> cells(String tag) {
        return (List<String>) js().executeScript(DEEP_ALL + """
                if (!root) return [];
                return [...root.querySelectorAll('vaadin-grid-cell-content')]
                    .map(c => c.textContent.replace(/\\s+/g, ' ').trim()).filter(t => t.length > 0);
                """, tag);
    }

    /**
     * The body rows of the page's {@code grid}th grid (from 0) in the order shown, each the texts of its cells from left
     * to right.
     */
    @SuppressWarnings("unchecked")
    List<List<String>> rows(String tag, int grid) {
        return (List<List<String>>) js().executeScript(DEEP_ALL + """
                const grid = root ? root.querySelectorAll('vaadin-grid')[arguments[1]] : null;
                if (!grid) return [];
                const rows = new Map();
                for (const c of grid.querySelectorAll('vaadin-grid-cell-content')) {
                    const td = c.assignedSlot ? c.assignedSlot.parentElement : null;
                    const tr = td ? td.parentElement : null;
                    if (!tr || !tr.parentElement || tr.parentElement.id !== 'items' || tr.hidden) continue;
                    if (!rows.has(tr)) rows.set(tr, []);
                    rows.get(tr).push({x: td.getBoundingClientRect().left,
                        t: c.textContent.replace(/\\s+/g, ' ').trim()});
                }
                return [...rows.entries()].sort((a, b) => a[0].index - b[0].index)
                    .map(([tr, cells]) => cells.sort((a, b) => a.x - b.x).map(c => c.t));
                """, tag, grid);
    }

    /** The {@code value} property of the first element of the page component matching {@code selector}. */
    String value(String tag, String selector) {
        return (String) js().executeScript(DEEP_ALL + """
                const e = root ? root.querySelector(arguments[1]) : null;
                return e ? String(e.value) : null;
                """, tag, selector);
    }

    /** Sets the {@code value} of the first element matching {@code selector}, as typing would (its change events). */
    void type(String tag, String selector, String value) {
        Object set = js().executeScript(DEEP_ALL + """
                const e = root ? root.querySelector(arguments[1]) : null;
                if (!e) return false;
                e.value = arguments[2];
                e.dispatchEvent(new Event('input', {bubbles: true, composed: true}));
                e.dispatchEvent(new Event('change', {bubbles: true, composed: true}));
                return true;
                """, tag, selector, value);
        if (!Boolean.TRUE.equals(set)) {
            throw new AssertionError("No " + selector + " on " + tag + ": " + text(tag));
        }
    }

    /** The visible text of the page component, grids included. */
    String text(String tag) {
        return (String) js().executeScript(DEEP_ALL + """
                return root ? [...root.querySelectorAll('*')]
                    .filter(e => e.tagName !== 'STYLE' && (e.children.length === 0 || e.tagName === 'SPAN'))
                    .map(e => e.textContent.replace(/\\s+/g, ' ').trim()).filter(t => t).join(' | ') : '';
                """, tag);
    }

    /** Clicks the {@code index}th button (from 0) of the page component labelled {@code label}; it must be enabled. */
    void click(String tag, String label, int index) {
        Object clicked = js().executeScript(DEEP_ALL + """
                const buttons = root ? [...root.querySelectorAll('vaadin-button')]
                    .filter(b => b.textContent.trim() === arguments[1]) : [];
                if (buttons.length <= arguments[2] || buttons[arguments[2]].disabled) return false;
                buttons[arguments[2]].click();
                return true;
                """, tag, label, index);
        if (!Boolean.TRUE.equals(clicked)) {
            throw new AssertionError("No enabled button '" + label + "' #" + index + " on " + tag + ": " + text(tag));
        }
    }

    /**
     * The cells (with text or a control) and buttons of the page's grids that a person cannot see whole: each is
     * described with its text and where it lies. An element counts as seen when its box is inside the viewport and
     * inside its grid horizontally, a button inside its cell, and the browser's hit test at its centre finds it
     * (nothing covers or clips it); a
     * button outside the grids counts as seen when it is inside the viewport horizontally.
     */
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> hiddenCellsAndButtons(String tag) {
        return (List<Map<String, Object>>) js().executeScript(DEEP_ALL + """
                if (!root) return [{text: 'no page ' + arguments[0]}];
                // the Dev UI's own toasts (e.g. its extension manager's) float over any page: out of the way
                deepAll(document, 'vaadin-notification-container', []).forEach(n => n.style.display = 'none');
                const hit = (x, y) => {
                    let e = document.elementFromPoint(x, y);
                    while (e && e.shadowRoot) {
                        const inner = e.shadowRoot.elementFromPoint(x, y);
                        if (!inner || inner === e) break;
                        e = inner;
                    }
                    return e;
                };
                const within = (found, target) => {
                    for (let e = found; e; e = e.assignedSlot || e.parentElement || e.getRootNode().host) {
                        if (e === target) return true;
                    }
                    return false;
                };
                const hidden = [];
                // buttons outside grids: inside the viewport horizontally
                for (const b of root.querySelectorAll('vaadin-button')) {
                    if (b.closest('vaadin-grid')) continue;
                    const r = b.getBoundingClientRect();
                    if (r.width === 0 || r.left < 0 || r.right > window.innerWidth + 1) {
                        hidden.push({text: b.textContent.trim(), tag: 'vaadin-button', left: Math.round(r.left),
                            right: Math.round(r.right), viewport: window.innerWidth, why: 'outside the viewport'});
                    }
                }
                for (const grid of root.querySelectorAll('vaadin-grid')) {
                    const g = grid.getBoundingClientRect();
                    const left = Math.max(0, g.left) - 1;
                    const right = Math.min(window.innerWidth, g.right) + 1;
                    const targets = [...grid.querySelectorAll('vaadin-grid-cell-content')]
                        .filter(c => c.textContent.trim().length > 0 || c.querySelector('vaadin-button, vaadin-integer-field'));
                    targets.push(...grid.querySelectorAll('vaadin-button'));
                    for (const t of targets) {
                        const r = t.getBoundingClientRect();
                        const text = t.textContent.replace(/\\s+/g, ' ').trim().substring(0, 60);
                        const where = {text: text, tag: t.tagName.toLowerCase(), left: Math.round(r.left),
                            right: Math.round(r.right), gridLeft: Math.round(g.left), gridRight: Math.round(g.right),
                            viewport: window.innerWidth};
                        const cell = t.tagName === 'VAADIN-BUTTON' ? t.closest('vaadin-grid-cell-content') : null;
                        const c = cell ? cell.getBoundingClientRect() : null;
                        if (r.width === 0 || r.left < left || r.right > right) {
                            hidden.push({...where, why: 'outside the viewport or its grid'});
                        } else if (c && (r.left < c.left - 1 || r.right > c.right + 1)) {
                            hidden.push({...where, why: 'wider than its cell (cut off)'});
                        } else if (!t.hasAttribute('disabled')) {
                            // whole horizontally: brought to the middle of the screen vertically (away from the Dev
                            // UI's footer), then hit-tested; a disabled button takes no pointer events, so is not
                            t.scrollIntoView({block: 'center', inline: 'nearest'});
                            const s = t.getBoundingClientRect();
                            if (!within(hit(s.left + s.width / 2, s.top + s.height / 2), t)) {
                                hidden.push({...where, why: 'covered or clipped'});
                            }
                        }
                    }
                }
                return hidden;
                """, tag);
    }

    void screenshot(String name) {
        try {
            Files.write(screenshots.resolve(name + ".png"), ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private JavascriptExecutor js() {
        return driver;
    }

    @Override
    public void close() {
        driver.quit();
    }
}
