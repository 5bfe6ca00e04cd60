package io.quarkiverse.kafkaevents.devui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkiverse.kafkaevents.deployment.events.RawRecords;
import io.quarkus.test.QuarkusDevModeTest;

/**
 * The Dev UI pages in a headless Chromium at 1400x1000, as a person sees them, against an application in dev mode
 * with the dev broker and the dev PostgreSQL: the event types page lists the three event types with their topics and
 * handlers; the dead-letters page counts the three parcels the failing handler dead-lettered, lists them record by
 * record with the handler's exception and, once the courier is back, replays one of them, then the time window of
 * all three, so that the handler sees first the one, then all; the outbox
 * page shows the booking the broker refused as FAILED,
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
    static final String INVOICES = ENVIRONMENT + ".browser.public.invoices";
    static final ObjectMapper JSON = new ObjectMapper();

    static final String EVENT_TYPES = "qwc-kafka-events-event-types";
    static final String DEAD_LETTERS = "qwc-kafka-events-dead-letters";
    static final String OUTBOX = "qwc-kafka-events-outbox";
    static final String HANDLERS = "qwc-kafka-events-handlers";
    /** Committed contract baselines of the app's event types (the gate reads them at build time). */
    static final String BASELINES = Path.of("src/test/resources/baselines").toAbsolutePath().toString();

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
                            "quarkus.kafka-events.outbox.relay-interval=200ms",
                            // the compatibility gate against a committed baseline of ParcelShipped that still has a
                            // field the class dropped: breaking for its readers, which dev mode shows and starts with
                            "quarkus.kafka-events.contracts.baselines=" + BASELINES)), "application.properties"));

    private final HttpClient http = HttpClient.newHttpClient();
    private final Map<String, List<Map<String, Object>>> notVisible = new TreeMap<>();

    // one test method: QuarkusDevModeTest starts the application anew for each
    @Test
    void pagesShowWhatHappenedAndEveryColumnAndAction() throws Exception {
        post("/browser-app/parcels");
        post("/browser-app/book?show=show-1&seat=big&size=8000"); // over the topic's max.message.bytes: refused
        post("/browser-app/book?show=show-1&seat=after&size=0"); // same key: waits behind the refused row
        long booked = System.nanoTime();

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
            List<String> types = browser.awaitCells(EVENT_TYPES,
                    c -> c.contains("TicketBooked") && c.contains("breaking Details"));
            assertTrue(types.containsAll(List.of("InvoiceIssued", "ParcelShipped", "TicketBooked", PARCELS,
                    BOOKINGS)), types.toString());
            assertTrue(types.stream().anyMatch(c -> c.contains(DevUiBrowserApp.Couriers.class.getName() + "#on")
                    && c.contains("browser-group")), types.toString());
            checkAllVisible(browser, EVENT_TYPES, "event-types");

            // a type's contract: the gate's verdict (ParcelShipped breaks its baseline; the others have none: new), the
            // partition key, the schema, a form pre-filled with an example made from the schema
            assertTrue(types.contains("breaking Details"), "ParcelShipped's verdict in the grid: " + types);
            browser.click(EVENT_TYPES, "Details", 1);
            awaitText(browser, EVENT_TYPES, "$.grams: field removed (readers of the version still read it)");
            browser.click(EVENT_TYPES, "Details", 0);
            awaitText(browser, EVENT_TYPES, "no baseline at ");
            String invoice = browser.text(EVENT_TYPES);
            assertTrue(invoice.contains("Partition key | number"), invoice);
            assertTrue(invoice.contains(INVOICES), invoice);
            JsonNode example = JSON.readTree(browser.value(EVENT_TYPES, "vaadin-text-area.event"));
            assertEquals(JSON.readTree("{\"number\": \"string\", \"cents\": 0}"), example, invoice);
            checkAllVisible(browser, EVENT_TYPES, "event-catalog");

            // publish from the form: refused by the schema check with the broken rule named, then published
            browser.type(EVENT_TYPES, "vaadin-text-area.event", "{\"number\": \"i-bad\", \"cents\": \"lots\"}");
            browser.click(EVENT_TYPES, "Publish", 0);
            awaitText(browser, EVENT_TYPES, "does not match its JSON Schema");
            String refused = browser.text(EVENT_TYPES);
            assertTrue(refused.contains("Event of type InvoiceIssued") && refused.contains("/cents"), refused);
            browser.type(EVENT_TYPES, "vaadin-text-area.event", "{\"number\": \"i-42\", \"cents\": 4200}");
            browser.click(EVENT_TYPES, "Publish", 0);
            awaitText(browser, EVENT_TYPES, "Published ");
            Matcher published = Pattern.compile("Published (\\S+) to " + Pattern.quote(INVOICES)
                    + ", partition (\\d+), offset (\\d+)").matcher(browser.text(EVENT_TYPES));
            assertTrue(published.find(), browser.text(EVENT_TYPES));
            ConsumerRecord<String, byte[]> record = RawRecords.readAll(get("/browser-app/bootstrap"), INVOICES).stream()
                    .filter(r -> r.partition() == Integer.parseInt(published.group(2))
                            && r.offset() == Long.parseLong(published.group(3)))
                    .findFirst().orElseThrow(() -> new AssertionError("no record at " + published.group()));
            assertEquals(published.group(1),
                    new String(record.headers().lastHeader("ce_id").value(), StandardCharsets.UTF_8));
            assertTrue(new String(record.value(), StandardCharsets.UTF_8).contains("i-42"));
            browser.screenshot("event-catalog-published");

            // dead letters: the failing handler's three parcels, counted on the parcels topic's row
            browser.open(page("dead-letters"));
            browser.awaitCells(DEAD_LETTERS, c -> c.contains(PARCELS));
            List<String> deadLetters = awaitAfterRefresh(browser, DEAD_LETTERS,
                    c -> c.indexOf(PARCELS) >= 0 && c.contains("3 Show"));
            assertTrue(deadLetters.contains(PARCELS + ".dead-letter"), deadLetters.toString());
            // record by record, with why each failed: the handler's exception, one attempt (failure mode none)
            browser.click(DEAD_LETTERS, "Show", 0);
            List<String> records = browser.awaitCells(DEAD_LETTERS,
                    c -> c.stream().filter(cell -> cell.contains("courier API down for parcel")).count() == 3);
            for (String parcel : List.of("p-1", "p-2", "p-3")) {
                assertTrue(records.stream().anyMatch(c -> c.contains(
                        "java.lang.IllegalStateException: courier API down for parcel " + parcel)), records.toString());
            }
            assertEquals(3, records.stream().filter(c -> c.startsWith("1 attempt first ")).count(), records.toString());
            assertEquals(3, records.stream().filter(c -> c.equals("browser-group")).count(), records.toString());
            checkAllVisible(browser, DEAD_LETTERS, "dead-letters");

            // once the courier is back: replay one record (p-2), and the handler sees only it; then the window of the
            // records shown, and the handler sees all three
            post("/browser-app/courier-up");
            List<List<String>> shown = browser.rows(DEAD_LETTERS, 1);
            int p2 = -1;
            for (int i = 0; i < shown.size(); i++) {
                if (shown.get(i).get(1).startsWith("p-2 ")) {
                    p2 = i;
                }
            }
            assertTrue(p2 >= 0, shown.toString());
            browser.click(DEAD_LETTERS, "Replay one", p2);
            awaitText(browser, DEAD_LETTERS, "Replayed p-2 (");
            awaitDelivered("p-2");
            browser.click(DEAD_LETTERS, "Replay window", 0);
            awaitText(browser, DEAD_LETTERS, "Replayed 3 records dead-lettered between ");
            awaitDelivered("p-1,p-2,p-3");
            browser.screenshot("dead-letters-replayed");

            // handlers: the courier's three failed attempts and dead letters with its exception, the replayed ones
            // handled; accounting's two invoices handled; no lag once all is committed
            browser.open(page("handlers"));
            browser.awaitCells(HANDLERS, c -> c.contains("browser-group"));
            List<List<String>> handlers = awaitRowsAfterRefresh(browser, HANDLERS, rows -> rows.size() == 2
                    && rows.get(0).size() == 6 && rows.get(1).size() == 6 && rows.get(0).get(3).equals("0")
                    && rows.get(1).get(3).equals("0") && rows.get(1).get(4).equals("4"));
            List<String> accounting = handlers.get(0);
            assertEquals(DevUiBrowserApp.Accounting.class.getName() + "#on", accounting.get(0), handlers.toString());
            assertEquals("InvoiceIssued " + ENVIRONMENT + ".browser.public.invoices", accounting.get(1));
            // i-1, and i-42 published from the form
            assertEquals(List.of("browser-group", "0", "2", "none"), accounting.subList(2, 6), handlers.toString());
            List<String> couriers = handlers.get(1);
            assertEquals(DevUiBrowserApp.Couriers.class.getName() + "#on", couriers.get(0), handlers.toString());
            // p-2 replayed alone, then with the window's three
            assertEquals(List.of("browser-group", "0", "4"), couriers.subList(2, 5), handlers.toString());
            assertTrue(couriers.get(5).startsWith("3 failed attempts, 3 dead-lettered last: ")
                    && couriers.get(5).contains("java.lang.IllegalStateException: courier API down for parcel p-"),
                    handlers.toString());
            checkAllVisible(browser, HANDLERS, "handlers");

            // outbox: the refused booking FAILED with the broker's error, the later one of its key PENDING
            browser.open(page("outbox"));
            List<String> outbox = browser.awaitCells(OUTBOX, c -> c.stream().anyMatch(t -> t.startsWith("FAILED "))
                    && c.stream().anyMatch(t -> t.startsWith("PENDING ")));
            // each row's age: how long ago it was written (both a moment after the test booked them), not a date to
            // compare in one's head
            long waited = Duration.ofNanos(System.nanoTime() - booked).toSeconds();
            List<List<String>> outboxRows = browser.rows(OUTBOX, 0);
            assertEquals(2, outboxRows.size(), outboxRows.toString());
            for (List<String> row : outboxRows) {
                Matcher age = Pattern.compile("(FAILED|PENDING) (?:(\\d+) min )?(\\d+) s old").matcher(row.get(0));
                assertTrue(age.matches(), row.toString());
                long seconds = (age.group(2) == null ? 0 : 60 * Long.parseLong(age.group(2)))
                        + Long.parseLong(age.group(3));
                assertTrue(seconds >= waited - 3 && seconds <= waited + 3, "age " + row.get(0) + ", booked "
                        + waited + " s ago (3 s margin)");
            }
            assertTrue(browser.text(OUTBOX).contains("the oldest waiting for"), browser.text(OUTBOX));
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

    private static List<List<String>> awaitRowsAfterRefresh(DevUiBrowser browser, String tag,
            java.util.function.Predicate<List<List<String>>> ready) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            List<List<String>> rows = browser.rows(tag, 0);
            if (ready.test(rows)) {
                return rows;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(tag + " rows not as expected within 30 s: " + rows);
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
