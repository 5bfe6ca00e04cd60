package io.quarkiverse.kafkaevents.deployment.devservices;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Properties;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import io.quarkiverse.kafkaevents.devbroker.DevBrokerCluster;

/**
 * Measures the dev broker: time from launch to ready, and resident memory once ready and after 10,000 records.
 * Not a test: run it with
 *
 * <pre>
 * ./mvnw -q -pl deployment test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=io.quarkiverse.kafkaevents.deployment.devservices.DevBrokerBenchmark [-Dexec.args="5 3"]
 * </pre>
 *
 * Arguments: runs per variant (5), number of nodes (1). With several nodes the memory is that of one node (the
 * median over nodes) and the heap 256m.
 */
public class DevBrokerBenchmark {

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int nodes = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        Path cache = Files.createTempDirectory("kafka-events-dev-broker-benchmark");
        System.out.printf("Dev broker benchmark: %d node(s), %d runs per variant, JDK %s, %d cores%n", nodes, runs,
                System.getProperty("java.version"), Runtime.getRuntime().availableProcessors());
        for (boolean cds : new boolean[] { false, true }) {
            List<Long> ready = new ArrayList<>();
            List<Long> rssReady = new ArrayList<>();
            List<Long> rssLoaded = new ArrayList<>();
            // with class data sharing, the first run writes the archive and is not counted
            for (int i = cds ? -1 : 0; i < runs; i++) {
                System.clearProperty(DevBroker.RUNNING_BROKER);
                DevBroker broker = new DevBroker(new DevBrokerSettings("4.1.1", OptionalInt.empty(),
                        nodes == 1 ? "128m" : "256m", List.of(), null, Map.of(), 1, "INFO", Duration.ofSeconds(60), cds)
                        .withNodes(nodes), cache);
                long start = System.nanoTime();
                broker.start();
                long millis = (System.nanoTime() - start) / 1_000_000;
                long rss1 = rssKb(broker);
                produce(broker.getConnectionInfo(), 10_000);
                long rss2 = rssKb(broker);
                broker.stop();
                if (i >= 0) {
                    ready.add(millis);
                    rssReady.add(rss1);
                    rssLoaded.add(rss2);
                }
            }
            System.out.printf("%-28s ready ms: median %5d (min %5d, max %5d) | RSS MB ready: median %4d | after 10k"
                    + " records: median %4d%n", cds ? "with AppCDS archive" : "without class data sharing",
                    median(ready), Collections.min(ready), Collections.max(ready), median(rssReady) / 1024,
                    median(rssLoaded) / 1024);
        }
        DevBroker.deleteRecursively(cache);
    }

    private static void produce(String bootstrap, int count) {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrap);
        props.put("key.serializer", StringSerializer.class.getName());
        props.put("value.serializer", StringSerializer.class.getName());
        String payload = "x".repeat(200);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>("benchmark", Integer.toString(i), payload));
            }
            producer.flush();
        }
    }

    /** Resident memory of one node: the median over the nodes. */
    private static long rssKb(DevBroker broker) throws IOException {
        List<Long> values = new ArrayList<>();
        for (DevBrokerCluster.Node node : DevBrokerCluster.at(broker.workDir()).nodes()) {
            values.add(rssKb(node.pid()));
        }
        return median(values);
    }

    private static long rssKb(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }

    private static long median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }
}
