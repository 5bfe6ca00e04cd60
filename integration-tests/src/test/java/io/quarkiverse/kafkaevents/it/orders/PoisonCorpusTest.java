package io.quarkiverse.kafkaevents.it.orders;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

import jakarta.inject.Inject;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.quarkiverse.kafkaevents.test.DeadLetter;
import io.quarkiverse.kafkaevents.test.EventRecorder;
import io.quarkiverse.kafkaevents.test.ForeignRecords;
import io.quarkiverse.kafkaevents.test.SessionReport;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * Replays the bad-input corpus of {@code src/test/resources/poison/} (see its README.md) against the orders topic:
 * each poison record is dead-lettered with a precise reason or skipped, and the consumer goes on with the next record
 * of its partition.
 */
@QuarkusTest
class PoisonCorpusTest {

    static final String TOPIC = "test.sales.public.orders";
    static final String DEAD_LETTER_TOPIC = TOPIC + ".dead-letter";
    static final String FOLDER = "poison/";
    static final String DLT = "kafka-events-dlt-";

    @Inject
    EventRecorder recorder;

    @Inject
    ForeignRecords foreign;

    /**
     * The cases of {@code index.txt}; {@code -Dpoison.cases=a,b} runs only the named ones (file names, with or without
     * {@code .properties}).
     */
    /** The case after which an order was no longer confirmed: later cases would only time out. */
    static volatile String consumerStoppedBy;

    static Stream<String> cases() throws IOException {
        String only = System.getProperty("poison.cases", "").strip();
        if (only.isEmpty()) {
            return PoisonCase.index().stream();
        }
        List<String> wanted = Stream.of(only.split(",")).map(String::strip).filter(n -> !n.isEmpty())
                .map(n -> n.endsWith(".properties") ? n : n + ".properties").toList();
        List<String> unknown = wanted.stream().filter(n -> {
            try {
                return !PoisonCase.index().contains(n);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).toList();
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("poison.cases names cases not in index.txt: " + unknown);
        }
        return wanted.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void poisonRecordIsDeadLetteredOrSkippedAndTheConsumerGoesOn(String file) throws Exception {
        PoisonCase poison = PoisonCase.load(file);
        if (consumerStoppedBy != null) {
            fail(poison + ": not replayed, the consumer was stopped by an earlier case: " + consumerStoppedBy
                    + "; run this case alone with -Dpoison.cases=" + file);
        }
        RecordMetadata[] sent = new RecordMetadata[1];
        SessionReport report;
        try {
            // returns once the handler groups have committed past the poison record: dead-lettered or skipped by then
            report = recorder.session().quietFor(Duration.ofMillis(200)).timeout(Duration.ofSeconds(20))
                    .expectFailures().expectDeadLetters().run(() -> sent[0] = foreign.send(
                            new ProducerRecord<>(TOPIC, null, poison.key, poison.value, new RecordHeaders(poison.headers))));
        } catch (AssertionError e) {
            consumerStoppedBy = poison.toString();
            throw e;
        }

        // The consumer goes on: an order placed after the poison record, on the same partition, is confirmed.
        assertLaterOrderOnSamePartitionIsConfirmed(poison, sent[0]);

        List<DeadLetter> dead = report.deadLetters().stream().filter(d -> poison.key.equals(d.key())).toList();
        if (poison.deadLetter()) {
            assertEquals(1, dead.size(), poison + ": dead-letter records with key " + poison.key + ": " + dead);
            assertDeadLetter(poison, sent[0], dead.get(0));
        } else {
            assertEquals(List.of(), dead, poison + ": expected to be skipped, but was dead-lettered");
        }
    }

    @Test
    void indexListsEveryCaseOfTheFolder() throws IOException, URISyntaxException {
        URL folder = Thread.currentThread().getContextClassLoader().getResource(FOLDER);
        assertNotNull(folder, "no " + FOLDER + " on the class path");
        List<String> index = PoisonCase.index();
        assertTrue(index.size() >= 8, "at least 8 poison cases: " + index);
        assertEquals(index.size(), index.stream().distinct().count(), "duplicate entries in index.txt: " + index);
        List<String> keys = new ArrayList<>();
        for (String file : index) {
            keys.add(PoisonCase.load(file).key);
        }
        assertEquals(keys.size(), keys.stream().distinct().count(), "keys must be unique per case: " + keys);
        if ("file".equals(folder.getProtocol())) {
            try (Stream<Path> files = Files.list(Path.of(folder.toURI()))) {
                List<String> onDisk = files.map(p -> p.getFileName().toString())
                        .filter(n -> n.endsWith(".properties")).sorted().toList();
                assertEquals(onDisk, index.stream().sorted().toList(), "index.txt and the files of " + FOLDER);
            }
        }
    }

    /** Checks everything and reports every mismatch at once. */
    private static void assertDeadLetter(PoisonCase poison, RecordMetadata sent, DeadLetter dead) {
        String reason = dead.reason();
        String group = dead.group();
        String firstFailure = dead.headers().get(DLT + "first-failure-time");
        List<String> kept = describe(dead.headers());
        List<String> original = describe(poison.headers);
        assertAll(poison + ": " + dead + " headers " + kept,
                () -> assertTrue(reason != null && reason.startsWith(poison.reasonPrefix),
                        "reason should start with '" + poison.reasonPrefix + "' but was '" + reason + "'"),
                () -> assertTrue(poison.reasonContains == null
                        || reason != null && reason.contains(poison.reasonContains),
                        "reason should contain '" + poison.reasonContains + "' but was '" + reason + "'"),
                () -> assertArrayEquals(poison.value, dead.value(), "dead-letter value "
                        + (dead.value() == null ? "null" : "'" + dead.valueAsString() + "'")),
                () -> assertEquals(DEAD_LETTER_TOPIC, dead.topic(), "dead-letter topic"),
                () -> assertEquals(TOPIC, dead.originalTopic(), "original topic"),
                () -> assertEquals(Integer.toString(sent.partition()), dead.headers().get(DLT + "original-partition"),
                        "original partition"),
                () -> assertEquals(Long.toString(sent.offset()), dead.headers().get(DLT + "original-offset"),
                        "original offset"),
                () -> assertEquals(0, dead.attempts(), "attempts (poison records are never retried)"),
                () -> assertTrue(group != null && !group.isBlank(), "group header: " + group),
                () -> assertNotNull(firstFailure == null ? null : Instant.parse(firstFailure),
                        "first-failure-time header"),
                // the original headers are kept, in order, first (other headers, such as trace context, may follow)
                () -> assertEquals(original, kept.subList(0, Math.min(original.size(), kept.size())),
                        "original headers first"));
    }

    /**
     * Places orders until one lands on the partition of the poison record, after it, and checks it is confirmed.
     */
    private static void assertLaterOrderOnSamePartitionIsConfirmed(PoisonCase poison, RecordMetadata sent) {
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            String id = given().contentType(ContentType.JSON)
                    .body("{\"customerId\":\"c-poison\",\"item\":\"after " + poison.key + "\",\"quantity\":1}")
                    .when().post("/orders")
                    .then().statusCode(201).extract().path("id");
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            String status;
            do {
                status = given().when().get("/orders/" + id).then().statusCode(200).extract().path("status");
                if (!"CONFIRMED".equals(status)) {
                    sleep(50);
                }
            } while (!"CONFIRMED".equals(status) && System.nanoTime() < deadline);
            List<Map<String, Object>> handled = given().when().get("/orders/events").then().statusCode(200)
                    .extract().jsonPath().getList("findAll { it.key == '" + id + "' }");
            if (!"CONFIRMED".equals(status)) {
                consumerStoppedBy = poison.toString();
            }
            assertEquals("CONFIRMED", status, poison + ": order " + id + " placed after the poison record "
                    + TOPIC + "-" + sent.partition() + "@" + sent.offset() + " was not confirmed (handled: "
                    + handled + "); orders placed before it: " + seen);
            assertEquals(1, handled.size(), poison + ": handled events of order " + id + ": " + handled);
            int partition = ((Number) handled.get(0).get("partition")).intValue();
            long offset = ((Number) handled.get(0).get("offset")).longValue();
            seen.add(id + " -> " + partition + "@" + offset);
            if (partition == sent.partition()) {
                assertTrue(offset > sent.offset(), poison + ": order " + id + " at offset " + offset
                        + " should come after the poison record at " + sent.offset());
                return;
            }
        }
        fail(poison + ": no order landed on partition " + sent.partition() + " of the poison record: " + seen);
    }

    private static List<String> describe(Map<String, String> headers) {
        List<String> list = new ArrayList<>();
        headers.forEach((name, value) -> list.add(name + "=" + (value == null ? "<null>" : value)));
        return list;
    }

    private static List<String> describe(Iterable<Header> headers) {
        List<String> list = new ArrayList<>();
        for (Header header : headers) {
            list.add(header.key() + "="
                    + (header.value() == null ? "<null>" : new String(header.value(), StandardCharsets.UTF_8)));
        }
        return list;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** One file of the corpus. */
    static final class PoisonCase {

        final String file;
        final String description;
        final String key;
        /** {@code null} for a tombstone. */
        final byte[] value;
        final List<Header> headers;
        final String expect;
        final String reasonPrefix;
        final String reasonContains;

        private PoisonCase(String file, Properties props) {
            this.file = file;
            this.description = required(file, props, "description");
            this.key = required(file, props, "key");
            String rawValue = props.getProperty("value");
            this.value = rawValue == null ? null : rawValue.getBytes(StandardCharsets.UTF_8);
            this.headers = parseHeaders(file, props.getProperty("headers", ""));
            this.expect = required(file, props, "expect");
            if (!"dead-letter".equals(expect) && !"skip".equals(expect)) {
                throw new IllegalArgumentException(file + ": expect must be dead-letter or skip, not " + expect);
            }
            this.reasonPrefix = deadLetter() ? required(file, props, "reason-prefix") : null;
            this.reasonContains = props.getProperty("reason-contains");
        }

        boolean deadLetter() {
            return "dead-letter".equals(expect);
        }

        static List<String> index() throws IOException {
            List<String> files = new ArrayList<>();
            for (String line : new String(resource(FOLDER + "index.txt"), StandardCharsets.UTF_8).split("\n")) {
                String name = line.strip();
                if (!name.isEmpty() && !name.startsWith("#")) {
                    files.add(name);
                }
            }
            return files;
        }

        static PoisonCase load(String file) throws IOException {
            Properties props = new Properties();
            // ISO-8859-1, as the README says
            props.load(new ByteArrayInputStream(resource(FOLDER + file)));
            return new PoisonCase(file, props);
        }

        private static byte[] resource(String name) throws IOException {
            try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(name)) {
                if (in == null) {
                    throw new IOException("no " + name + " on the class path");
                }
                return in.readAllBytes();
            }
        }

        private static String required(String file, Properties props, String name) {
            String value = props.getProperty(name);
            if (value == null || value.isEmpty()) {
                throw new IllegalArgumentException(file + ": missing " + name);
            }
            return value;
        }

        /** {@code name=value;name=value}, percent-decoded; see README.md. */
        static List<Header> parseHeaders(String file, String encoded) {
            List<Header> headers = new ArrayList<>();
            for (String entry : encoded.split(";")) {
                if (entry.isEmpty()) {
                    continue;
                }
                int eq = entry.indexOf('=');
                String name = percentDecode(file, eq < 0 ? entry : entry.substring(0, eq));
                byte[] value = eq < 0 ? null
                        : percentDecode(file, entry.substring(eq + 1)).getBytes(StandardCharsets.UTF_8);
                headers.add(new RecordHeaders().add(name, value).lastHeader(name));
            }
            return headers;
        }

        private static String percentDecode(String file, String text) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < bytes.length; i++) {
                if (bytes[i] == '%') {
                    if (i + 2 >= bytes.length) {
                        throw new IllegalArgumentException(file + ": bad percent escape in headers: " + text);
                    }
                    out.write(Integer.parseInt(new String(bytes, i + 1, 2, StandardCharsets.US_ASCII), 16));
                    i += 2;
                } else {
                    out.write(bytes[i]);
                }
            }
            return out.toString(StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return file + " (" + description + ")";
        }
    }
}
