package io.quarkiverse.kafkaevents.it.orders;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

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
        String bootstrap = ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
        Map<TopicPartition, Long> deadLetterStart = endOffsets(bootstrap, DEAD_LETTER_TOPIC);

        RecordMetadata sent = send(bootstrap, poison);

        // The consumer goes on: an order placed after the poison record, on the same partition, is confirmed.
        // Records of a partition are handled one after the other, so the poison record has been dealt with by then.
        assertLaterOrderOnSamePartitionIsConfirmed(poison, sent);

        if (poison.deadLetter()) {
            List<ConsumerRecord<String, byte[]>> dead = awaitDeadLetters(bootstrap, deadLetterStart, poison.key,
                    Duration.ofSeconds(20));
            assertEquals(1, dead.size(), poison + ": dead-letter records with key " + poison.key + ": "
                    + describeRecords(dead));
            assertDeadLetter(poison, sent, dead.get(0));
        } else {
            List<ConsumerRecord<String, byte[]>> dead = awaitDeadLetters(bootstrap, deadLetterStart, poison.key,
                    Duration.ofSeconds(3));
            assertEquals(List.of(), describeRecords(dead), poison + ": expected to be skipped, but was dead-lettered");
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
    private static void assertDeadLetter(PoisonCase poison, RecordMetadata sent, ConsumerRecord<String, byte[]> dead) {
        String reason = header(dead, DLT + "reason");
        String group = header(dead, DLT + "group");
        String firstFailure = header(dead, DLT + "first-failure-time");
        List<String> kept = describe(dead.headers());
        List<String> original = describe(poison.headers);
        assertAll(poison + ": dead-letter record " + describeRecords(List.of(dead)),
                () -> assertTrue(reason != null && reason.startsWith(poison.reasonPrefix),
                        "reason should start with '" + poison.reasonPrefix + "' but was '" + reason + "'"),
                () -> assertTrue(poison.reasonContains == null
                        || reason != null && reason.contains(poison.reasonContains),
                        "reason should contain '" + poison.reasonContains + "' but was '" + reason + "'"),
                () -> assertArrayEquals(poison.value, dead.value(), "dead-letter value "
                        + (dead.value() == null ? "null"
                                : "'" + new String(dead.value(), StandardCharsets.UTF_8) + "'")),
                () -> assertEquals(TOPIC, header(dead, DLT + "original-topic"), "original topic"),
                () -> assertEquals(Integer.toString(sent.partition()), header(dead, DLT + "original-partition"),
                        "original partition"),
                () -> assertEquals(Long.toString(sent.offset()), header(dead, DLT + "original-offset"),
                        "original offset"),
                () -> assertEquals("0", header(dead, DLT + "attempts"),
                        "attempts (poison records are never retried)"),
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

    private static RecordMetadata send(String bootstrap, PoisonCase poison) throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(),
                new ByteArraySerializer())) {
            Headers headers = new RecordHeaders();
            for (Header header : poison.headers) {
                headers.add(header);
            }
            return producer.send(new ProducerRecord<>(TOPIC, null, poison.key, poison.value, headers)).get();
        }
    }

    /**
     * The records with the given key written to the dead-letter topic since the given offsets, polling until at least
     * one appears or the time is up.
     */
    private static List<ConsumerRecord<String, byte[]>> awaitDeadLetters(String bootstrap,
            Map<TopicPartition, Long> from, String key, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<ConsumerRecord<String, byte[]>> mine;
        do {
            mine = readFrom(bootstrap, from).stream().filter(r -> key.equals(r.key())).toList();
            if (mine.isEmpty()) {
                sleep(250);
            }
        } while (mine.isEmpty() && System.nanoTime() < deadline);
        return mine;
    }

    private static KafkaConsumer<String, byte[]> consumer(String bootstrap) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        return new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    }

    private static List<TopicPartition> partitions(KafkaConsumer<?, ?> consumer, String topic) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (PartitionInfo info : consumer.partitionsFor(topic, Duration.ofSeconds(10))) {
            partitions.add(new TopicPartition(topic, info.partition()));
        }
        assertFalse(partitions.isEmpty(), "no partitions for " + topic);
        return partitions;
    }

    private static Map<TopicPartition, Long> endOffsets(String bootstrap, String topic) {
        try (KafkaConsumer<String, byte[]> consumer = consumer(bootstrap)) {
            return new HashMap<>(consumer.endOffsets(partitions(consumer, topic), Duration.ofSeconds(10)));
        }
    }

    /** Every record of the topic from the given offsets up to the current end of each partition. */
    private static List<ConsumerRecord<String, byte[]>> readFrom(String bootstrap, Map<TopicPartition, Long> from) {
        try (KafkaConsumer<String, byte[]> consumer = consumer(bootstrap)) {
            List<TopicPartition> partitions = new ArrayList<>(from.keySet());
            consumer.assign(partitions);
            for (TopicPartition partition : partitions) {
                consumer.seek(partition, from.get(partition));
            }
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(10));
            List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (!reached(consumer, end) && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            if (!reached(consumer, end)) {
                throw new AssertionError("could not read " + partitions + " up to " + end);
            }
            return records;
        }
    }

    private static boolean reached(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    private static String header(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static List<String> describeRecords(List<ConsumerRecord<String, byte[]>> records) {
        return records.stream().map(r -> r.topic() + "-" + r.partition() + "@" + r.offset() + " key=" + r.key()
                + " headers=" + describe(r.headers())).toList();
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
