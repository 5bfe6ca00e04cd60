package io.quarkiverse.kafkaevents.deployment.contracts.compat;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import org.jboss.jandex.IndexView;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkiverse.kafkaevents.deployment.KafkaEventsBuildTimeConfig;
import io.quarkiverse.kafkaevents.deployment.contracts.AsyncApiProcessor;
import io.quarkiverse.kafkaevents.deployment.contracts.EventSchemaBuildItem;
import io.quarkiverse.kafkaevents.deployment.handlers.HandlerBuildItem;
import io.quarkus.deployment.annotations.BuildProducer;
import io.quarkus.deployment.annotations.BuildStep;
import io.quarkus.deployment.builditem.ApplicationArchivesBuildItem;
import io.quarkus.deployment.builditem.GeneratedResourceBuildItem;
import io.quarkus.deployment.builditem.LaunchModeBuildItem;
import io.quarkus.deployment.pkg.builditem.OutputTargetBuildItem;
import io.quarkus.runtime.LaunchMode;

/**
 * The compatibility gate: compares each event type's schema with the committed baseline of its version, by the
 * service's role for the type, and fails the build on a breaking change (a warning in dev mode). The verdicts are
 * shipped as {@code META-INF/kafka-events/compatibility.json} and written to {@code target/kafka-events/}.
 */
public class CompatibilityProcessor {

    private static final Logger LOG = Logger.getLogger(CompatibilityProcessor.class);
    static final String FILE = "kafka-events/compatibility.json";
    static final String RESOURCE = "META-INF/" + FILE;
    private static final String SETTING = "quarkus.kafka-events.contracts.";

    @BuildStep
    void gate(List<EventSchemaBuildItem> schemas, List<HandlerBuildItem> handlers, ApplicationArchivesBuildItem archives,
            KafkaEventsBuildTimeConfig config, OutputTargetBuildItem output, LaunchModeBuildItem launchMode,
            BuildProducer<GeneratedResourceBuildItem> resources) throws IOException {
        if (schemas.isEmpty()) {
            return;
        }
        ContractsBuildTimeConfig contracts = config.contracts();
        Baselines baselines = Baselines.of(contracts.baselines(), output.getOutputDirectory());
        Set<String> handled = new HashSet<>();
        for (HandlerBuildItem handler : handlers) {
            handled.add(handler.eventType().className());
        }
        IndexView index = archives.getRootArchive().getIndex();
        ObjectMapper mapper = new ObjectMapper();
        Map<String, Verdict> verdicts = new TreeMap<>();
        List<String> breaking = new ArrayList<>();
        for (EventSchemaBuildItem schema : schemas) {
            boolean handles = handled.contains(schema.className());
            // a type the service neither creates nor handles is judged as published: the stricter reading
            boolean publishes = !handles || AsyncApiProcessor.published(index, schema.className());
            Path file = baselines.file(schema.type(), schema.version());
            Verdict verdict = judge(schema, file, baselines.read(file), publishes, handles, contracts, mapper);
            verdicts.put(schema.type(), verdict);
            if (verdict.outcome() == Verdict.Outcome.BREAKING) {
                breaking.add(report(verdict, file, publishes, handles));
            } else if (verdict.outcome() == Verdict.Outcome.ACCEPTED) {
                LOG.warnf("Kafka Events: breaking change of event type %s version %d accepted by %saccept-breaking"
                        + ".\"%s\"=true (refresh the baseline %s and remove the setting):%n  %s", verdict.type(),
                        verdict.versionNumber(), SETTING, verdict.type(), file,
                        String.join("\n  ", verdict.messages()));
            }
            if (contracts.writeBaselines()) {
                baselines.write(file, schema.schema());
            }
        }
        byte[] json = VerdictsJson.of(verdicts.values()).getBytes(UTF_8);
        resources.produce(new GeneratedResourceBuildItem(RESOURCE, json));
        write(output.getOutputDirectory().resolve(FILE), json);
        if (contracts.writeBaselines()) {
            LOG.infof("Kafka Events: contract baselines of %d event type(s) written to %s", schemas.size(),
                    baselines.folder());
            return;
        }
        if (breaking.isEmpty()) {
            return;
        }
        ContractBreakException failure = new ContractBreakException(breaking);
        if (launchMode.getLaunchMode() == LaunchMode.DEVELOPMENT) {
            // dev mode shows the verdict and goes on: the reload must not fail while the change is being made
            LOG.warn(failure.getMessage());
            return;
        }
        throw failure;
    }

    private static Verdict judge(EventSchemaBuildItem schema, Path file, Optional<String> baseline, boolean publishes,
            boolean handles, ContractsBuildTimeConfig contracts, ObjectMapper mapper) throws IOException {
        if (baseline.isEmpty()) {
            return new Verdict(schema.type(), schema.className(), schema.version(), Verdict.Outcome.NEW,
                    List.of("no baseline at " + file + " (written by -D" + SETTING + "write-baselines=true)"));
        }
        JsonNode was;
        try {
            was = mapper.readTree(baseline.get());
        } catch (IOException e) {
            throw new IllegalStateException("Kafka Events: the contract baseline " + file + " of event type "
                    + schema.type() + " is not valid JSON: " + e.getMessage(), e);
        }
        JsonNode now = mapper.readTree(schema.schema());
        Set<String> changes = new LinkedHashSet<>();
        if (publishes) {
            changes.addAll(SchemaDiff.breakingChanges(was, now, Direction.WRITER));
        }
        if (handles) {
            changes.addAll(SchemaDiff.breakingChanges(was, now, Direction.READER));
        }
        Verdict.Outcome outcome = changes.isEmpty() ? Verdict.Outcome.COMPATIBLE
                : contracts.acceptBreaking().getOrDefault(schema.type(), false) ? Verdict.Outcome.ACCEPTED
                        : Verdict.Outcome.BREAKING;
        return new Verdict(schema.type(), schema.className(), schema.version(), outcome, new ArrayList<>(changes));
    }

    private static String report(Verdict verdict, Path file, boolean publishes, boolean handles) {
        int version = verdict.versionNumber();
        String role = publishes && handles ? "publishes and handles" : publishes ? "publishes" : "handles";
        String next = version > 0 ? "v" + (version + 1) : "<a new label>";
        return "  - event type " + verdict.type() + " (" + verdict.className() + "), version " + version
                + " (this service " + role + " it), against the baseline " + file + ":\n      "
                + String.join("\n      ", verdict.messages())
                + "\n    To proceed: bump the version (@EventTopic(version = \"" + next + "\") on "
                + verdict.className() + "; the type then moves to a new topic, which readers of version " + version
                + " do not read), or accept the change with " + SETTING + "accept-breaking.\"" + verdict.type()
                + "\"=true once every reader can take it, then refresh the baseline with -D" + SETTING
                + "write-baselines=true and remove the setting.";
    }

    private static void write(Path file, byte[] bytes) {
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("Kafka Events: could not write " + file, e);
        }
    }
}
