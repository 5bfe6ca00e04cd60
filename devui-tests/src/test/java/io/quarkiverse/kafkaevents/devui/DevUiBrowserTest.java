package io.quarkiverse.kafkaevents.devui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkus.test.QuarkusDevModeTest;

/**
 * The Dev UI pages in a headless Chromium at 1400x1000, as a person sees them, against an application in dev mode
 * with the dev broker and the dev PostgreSQL: the event types page lists the three event types with their topics and
 * handlers; the dead-letters page counts the three parcels the failing handler dead-lettered and, once the courier is
 * back, replays them so that the handler sees them; the outbox page shows the booking the broker refused as FAILED,
 * with its error, and the later booking of its key as PENDING. On every page, every column and every action button
 * is inside the viewport and its grid, not clipped, at 1400 and at 1280 pixels wide. The AsyncAPI document is served
 * at {@code /q/kafka-events/asyncapi} and linked from the card. Screenshots of each page go to
 * {@code target/screenshots}.
 */
public class DevUiBrowserTest {

    static final String NAMESPACE = "quarkus-kafka-events";
    static final int PORT = freePort();
    /** Unique per run: the dev broker may outlive the run (and be adopted by the next), topics with it. */
    static final String ENVIRONMENT = "browser" + Long.toString(System.currentTimeMillis(), 36);
    static final String PARCELS = ENVIRONMENT + ".browser.public.parcels";
    static final String BOOKINGS = ENVIRONMENT + ".browser.public.bookings";

    static final String EVENT_TYPES = "qwc-kafka-events-event-types";
    static final String DEAD_LETTERS = "qwc-kafka-events-dead-letters";
    static final String OUTBOX = "qwc-kafka-events-outbox";

    @RegisterExtension
    static final QuarkusDevModeTest app = new QuarkusDevModeTest()
            .withApplicationRoot(jar -> jar.addClasses(DevUiBrowserApp.class, DevUiBrowserApp.ParcelShipped.class,
                    DevUiBrowserApp.InvoiceIssued.class, DevUiBrowserApp.TicketBooked.class,
                    DevUiBrowserApp.Courier.class, DevUiBrowserApp.Couriers.class, DevUiBrowserApp.Accounting.class,
                    DevUiBrowserApp.Bookings.class, DevUiBrowserApp.TestRoutes.class)
                    .addAsResource(new StringAsset(String.join("\n",
                            "quarkus.http.port=" + PORT,
                            "quarkus.application.name=devui-browser",
                            "quarkus.kafka-events.failure.mode=none",
                            "quarkus.kafka-events.group-id=browser-group",
                            "quarkus.kafka-events.environment=" + ENVIRONMENT,
                            "quarkus.kafka-events.events.\"TicketBooked\".delivery=outbox",
                            "quarkus.kafka-events.events.\"TicketBooked\".config.\"max.message.bytes\"=4096",
                            "quarkus.kafka-events.outbox.relay-interval=200ms")), "application.properties"));

    private final HttpClient http = HttpClient.newHttpClient();
    private final Map<String, List<Map<String, Object>>> notVisible = new TreeMap<>();

    // one test method: QuarkusDevModeTest starts the application anew for each
    @Test
    void pagesShowWhatHappenedAndEveryColumnAndAction() throws Exception {
        post("/browser-app/parcels");
        post("/browser-app/book?show=show-1&seat=big&size=8000"); // over the topic's max.message.bytes: refused
        post("/browser-app/book?show=show-1&seat=after&size=0"); // same key: waits behind the refused row

        // the AsyncAPI document, served in dev mode without a setting, and linked from the card
        String asyncApi = get("/q/kafka-events/asyncapi");
        assertTrue(asyncApi.contains("\"asyncapi\" : \"3.0.0\"") && asyncApi.contains("\"" + PARCELS + "\""),
                asyncApi);
        assertTrue(get("/q/dev-ui/devui-data.js").contains("/q/kafka-events/asyncapi"), "no AsyncAPI page");

        try (DevUiBrowser browser = new DevUiBrowser(Path.of(System.getProperty("devui.screenshots",
                "target/screenshots")))) {
            assertEquals(DevUiBrowser.WIDTH, browser.innerWidth(), "headless window width");

            // event types: three rows, each with its resolved topic; the handlers in full with their group
            browser.open(page("event-types"));
            List<String> types = browser.awaitCells(EVENT_TYPES, c -> c.contains("TicketBooked"));
            assertTrue(types.containsAll(List.of("InvoiceIssued", "ParcelShipped", "TicketBooked", PARCELS,
                    BOOKINGS)), types.toString());
            assertTrue(types.stream().anyMatch(c -> c.contains(DevUiBrowserApp.Couriers.class.getName() + "#on")
                    && c.contains("browser-group")), types.toString());
            checkAllVisible(browser, EVENT_TYPES, "event-types");

            // dead letters: the failing handler's three parcels, counted on the parcels topic's row
            browser.open(page("dead-letters"));
            browser.awaitCells(DEAD_LETTERS, c -> c.contains(PARCELS));
            List<String> deadLetters = awaitAfterRefresh(browser, DEAD_LETTERS,
                    c -> c.indexOf(PARCELS) >= 0 && c.contains("3"));
            assertTrue(deadLetters.contains(PARCELS + ".dead-letter"), deadLetters.toString());
            checkAllVisible(browser, DEAD_LETTERS, "dead-letters");

            // replay once the courier is back: the page reports three replayed, the handler sees all three
            post("/browser-app/courier-up");
            browser.click(DEAD_LETTERS, "Replay", indexOfRow(deadLetters, PARCELS, browser));
            awaitText(browser, DEAD_LETTERS, "Replayed 3 records to " + PARCELS);
            awaitDelivered("p-1,p-2,p-3");
            browser.screenshot("dead-letters-replayed");

            // outbox: the refused booking FAILED with the broker's error, the later one of its key PENDING
            browser.open(page("outbox"));
            List<String> outbox = browser.awaitCells(OUTBOX, c -> c.contains("FAILED") && c.contains("PENDING"));
            assertTrue(outbox.stream().anyMatch(c -> c.contains("RecordTooLarge")), outbox.toString());
            assertEquals(2, outbox.stream().filter(c -> c.equals("show-1")).count(), outbox.toString());
            checkAllVisible(browser, OUTBOX, "outbox");
            String text = browser.text(OUTBOX);
            assertTrue(text.contains("Retry") && text.contains("Skip"), text);
        }
        assertTrue(notVisible.isEmpty(), "cells or buttons not visible whole: " + notVisible);
    }

    /**
     * Notes the page's grid cells and buttons not seen whole at 1400x1000 and at a 1280 pixels wide laptop screen
     * (asserted at the end, so that one run reports every page); a screenshot of the page at each width.
     */
    private void checkAllVisible(DevUiBrowser browser, String tag, String screenshot) {
        for (int width : new int[] { DevUiBrowser.WIDTH, 1280 }) {
            browser.resize(width, DevUiBrowser.HEIGHT);
            browser.screenshot(screenshot + "-" + width);
            List<Map<String, Object>> hidden = browser.hiddenCellsAndButtons(tag);
            if (!hidden.isEmpty()) {
                notVisible.put(tag + " at " + width + "x" + DevUiBrowser.HEIGHT, hidden);
            }
        }
        browser.resize(DevUiBrowser.WIDTH, DevUiBrowser.HEIGHT);
    }

    /** The dead-letters page's rows are one per consumed topic; the replay button of the given topic's row. */
    private static int indexOfRow(List<String> cells, String topic, DevUiBrowser browser) {
        // consumed topics are sorted and each has a dead-letter topic here: the nth consumed topic, the nth button
        int index = 0;
        for (String cell : cells) {
            if (cell.equals(topic)) {
                return index;
            }
            if (cell.endsWith(".public.invoices") || cell.endsWith(".public.parcels")) {
                index++;
            }
        }
        throw new AssertionError(topic + " not among " + cells);
    }

    private static List<String> awaitAfterRefresh(DevUiBrowser browser, String tag,
            java.util.function.Predicate<List<String>> ready) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            List<String> cells = browser.cells(tag);
            if (ready.test(cells)) {
                return cells;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(tag + " not as expected within 30 s: " + cells);
            }
            browser.click(tag, "Refresh", 0);
            Thread.sleep(500);
        }
    }

    private static void awaitText(DevUiBrowser browser, String tag, String expected) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!browser.text(tag).contains(expected)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("'" + expected + "' not shown within 30 s: " + browser.text(tag));
            }
            Thread.sleep(200);
        }
    }

    private void awaitDelivered(String expected) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        String delivered;
        while (!(delivered = get("/browser-app/delivered")).equals(expected)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the handler saw " + delivered + ", expected " + expected);
            }
            Thread.sleep(200);
        }
    }

    private static String page(String name) {
        return "http://localhost:" + PORT + "/q/dev-ui/" + NAMESPACE + "/" + name;
    }

    private String get(String path) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    private void post(String path) throws Exception {
        send(HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.noBody()));
    }

    private String send(HttpRequest.Builder request) throws Exception {
        HttpResponse<String> response = http.send(request.timeout(Duration.ofSeconds(60)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), request.build().uri() + ": " + response.body());
        return response.body();
    }

    private static URI uri(String path) {
        return URI.create("http://localhost:" + PORT + path);
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
