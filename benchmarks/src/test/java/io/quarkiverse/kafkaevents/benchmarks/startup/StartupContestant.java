package io.quarkiverse.kafkaevents.benchmarks.startup;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;

/**
 * One of the two tiny "orders" applications under {@code benchmarks/startup-apps}: built with its own Maven invocation
 * into a fast-jar, launched in prod mode. Each launch gets fresh topics, named from an environment segment of its own.
 *
 * @param name as reported
 * @param directory the Maven project of the application
 * @param topicProperties {@code -D} options naming the topic of one launch, from that launch's environment segment
 * @param topics the topics the application needs (created by the harness before the launch), from the same segment
 */
public record StartupContestant(String name, Path directory, Function<String, List<String>> topicProperties,
        Function<String, List<String>> topics) {

    /** The sample's topic naming: {@code {environment}.sales.public.orders}. */
    public static String topic(String environment) {
        return environment + ".sales.public.orders";
    }

    public static StartupContestant smallRye(Path apps) {
        return new StartupContestant("SmallRye (@Channel MutinyEmitter, @Incoming, Jackson by hand)",
                apps.resolve("smallrye"), environment -> List.of("-Dorders.topic=" + topic(environment)),
                environment -> List.of(topic(environment)));
    }

    public static StartupContestant extension(Path apps) {
        return new StartupContestant("Kafka Events (@EventTopic, EventPublisher, @EventHandler)",
                apps.resolve("extension"), environment -> List.of("-Dquarkus.kafka-events.environment=" + environment),
                // in prod mode the extension validates that its topics exist, the dead-letter topic included
                environment -> List.of(topic(environment), topic(environment) + ".dead-letter"));
    }

    public Path runner() {
        return directory.resolve("target").resolve("quarkus-app").resolve("quarkus-run.jar");
    }
}
