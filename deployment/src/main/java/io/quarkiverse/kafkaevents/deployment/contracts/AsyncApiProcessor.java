package io.quarkiverse.kafkaevents.deployment.contracts;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.jandex.ClassInfo;
import org.jboss.jandex.DotName;
import org.jboss.jandex.IndexView;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import io.quarkiverse.kafkaevents.deployment.events.EventTypeBuildItem;
import io.quarkiverse.kafkaevents.deployment.handlers.HandlerBuildItem;
import io.quarkiverse.kafkaevents.runtime.internal.EnvironmentConfigBuilder;
import io.quarkiverse.kafkaevents.runtime.internal.KafkaEventsFixedConfig;
import io.quarkiverse.kafkaevents.runtime.internal.handle.channel.RetryTopicNames;
import io.quarkiverse.kafkaevents.runtime.internal.topics.TopicNames;
import io.quarkus.deployment.annotations.BuildProducer;
import io.quarkus.deployment.annotations.BuildStep;
import io.quarkus.deployment.builditem.ApplicationArchivesBuildItem;
import io.quarkus.deployment.builditem.ApplicationInfoBuildItem;
import io.quarkus.deployment.builditem.GeneratedResourceBuildItem;
import io.quarkus.deployment.builditem.LaunchModeBuildItem;
import io.quarkus.deployment.pkg.builditem.OutputTargetBuildItem;
import io.quarkus.gizmo.Gizmo;
import io.quarkus.runtime.LaunchMode;
import io.smallrye.config.SmallRyeConfig;

/**
 * The service's AsyncAPI 3.0 document, generated at build time from its event types, handlers and schemas, written to
 * {@code target/kafka-events/asyncapi.json} and shipped as the class-path resource
 * {@code META-INF/kafka-events/asyncapi.json}.
 * <p>
 * Topic names, formats, groups and failure topics are those the configuration gives for the profile of the build (the
 * {@code prod} profile for {@code mvn package}): settings changed when the application is deployed are not reflected.
 */
public class AsyncApiProcessor {

    static final String FILE = "kafka-events/asyncapi.json";
    static final String RESOURCE = "META-INF/" + FILE;
    private static final String PREFIX = "quarkus.kafka-events.";

    @BuildStep
    void asyncApi(List<EventSchemaBuildItem> schemas, List<EventTypeBuildItem> eventTypes,
            List<HandlerBuildItem> handlers, ApplicationInfoBuildItem application, ApplicationArchivesBuildItem archives,
            KafkaEventsFixedConfig fixed, OutputTargetBuildItem output, LaunchModeBuildItem launchMode,
            BuildProducer<GeneratedResourceBuildItem> resources)
            throws IOException {
        if (eventTypes.isEmpty()) {
            return;
        }
        SmallRyeConfig config = ConfigProvider.getConfig().unwrap(SmallRyeConfig.class);
        String environment = config.getOptionalValue(PREFIX + "environment", String.class)
                .orElse(EnvironmentConfigBuilder.environmentOf(config.getProfiles()));
        String name = application.getName();
        String domain = config.getOptionalValue(PREFIX + "domain", String.class).orElse(name);
        String source = config.getOptionalValue(PREFIX + "source", String.class).orElse("/" + name);
        String defaultGroup = config.getOptionalValue(PREFIX + "group-id", String.class)
                .orElse(environment.toLowerCase(Locale.ROOT) + "." + name);
        boolean deadLetters = config.getOptionalValue(PREFIX + "failure.dead-letter.enabled", Boolean.class).orElse(true);
        String deadLetterSuffix = config.getOptionalValue(PREFIX + "failure.dead-letter.suffix", String.class)
                .orElse(".dead-letter");
        boolean retryMode = fixed.failure().mode() == KafkaEventsFixedConfig.FailureMode.RETRY_TOPICS;
        int attempts = config.getOptionalValue(PREFIX + "failure.retry.max-attempts", Integer.class).orElse(3);

        Map<String, JsonNode> schemaByClass = new HashMap<>();
        ObjectMapper mapper = new ObjectMapper();
        for (EventSchemaBuildItem schema : schemas) {
            schemaByClass.put(schema.className(), mapper.readTree(schema.schema()));
        }
        Map<String, SortedSet<String>> groupsByClass = new HashMap<>();
        // the attempts of a handler: its own setting, else its type's, else the application's
        Map<String, Integer> attemptsByClass = new HashMap<>();
        for (HandlerBuildItem handler : handlers) {
            EventTypeBuildItem eventType = handler.eventType();
            groupsByClass.computeIfAbsent(eventType.className(), c -> new TreeSet<>())
                    .add(handler.group().isEmpty() ? defaultGroup : handler.group());
            int handlerAttempts = config.getOptionalValue(PREFIX + "handlers.\"" + handler.label() + "\".max-attempts",
                    Integer.class).orElse(
                            typeSetting(config, eventType.type(), "max-attempts").map(Integer::valueOf)
                                    .orElse(attempts));
            attemptsByClass.merge(eventType.className(), handlerAttempts, Math::max);
        }
        // retry topics belong to a topic: as many as the handler of its types with the most attempts needs
        Map<String, String> topicByClass = new HashMap<>();
        Map<String, Integer> attemptsByTopic = new HashMap<>();
        Map<String, TopicBindings> bindingsByTopic = new HashMap<>();
        for (EventTypeBuildItem eventType : eventTypes) {
            String topic = typeSetting(config, eventType.type(), "topic").orElse(TopicNames.name(environment,
                    eventType.domain().isEmpty() ? domain : eventType.domain(), eventType.internal(),
                    eventType.topicBase(), eventType.version()));
            topicByClass.put(eventType.className(), topic);
            attemptsByTopic.merge(topic, attemptsByClass.getOrDefault(eventType.className(), 1), Math::max);
            bindingsByTopic.merge(topic, TopicBindings.of(config, eventType.type()), TopicBindings::merge);
        }
        IndexView index = archives.getRootArchive().getIndex();
        SortedMap<String, AsyncApiDocument.Type> types = new TreeMap<>();
        for (EventTypeBuildItem eventType : eventTypes) {
            JsonNode schema = schemaByClass.get(eventType.className());
            if (schema == null) {
                continue; // reported by EventSchemaProcessor
            }
            String type = eventType.type();
            String topic = topicByClass.get(eventType.className());
            String format = typeSetting(config, type, "format")
                    .orElse(config.getOptionalValue(PREFIX + "format", String.class).orElse("binary"))
                    .toLowerCase(Locale.ROOT);
            SortedSet<String> groups = groupsByClass.getOrDefault(eventType.className(), new TreeSet<>());
            List<String> retryTopics = new ArrayList<>();
            for (int i = 1; retryMode && !groups.isEmpty() && i < attemptsByTopic.get(topic); i++) {
                retryTopics.add(RetryTopicNames.of(topic, i));
            }
            types.put(type, new AsyncApiDocument.Type(type, topic, format, key(eventType), schema,
                    published(index, eventType.className()), groups,
                    deadLetters && !groups.isEmpty() ? topic + deadLetterSuffix : null, retryTopics));
        }
        String document = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(
                AsyncApiDocument.of(name, application.getVersion(), environment, source, types, bindingsByTopic));
        byte[] bytes = document.getBytes(UTF_8);
        resources.produce(new GeneratedResourceBuildItem(RESOURCE, bytes));
        if (launchMode.getLaunchMode() != LaunchMode.NORMAL) {
            // the build output holds the production build's document; a test or dev build (its own profile's topic
            // names) must not overwrite it
            return;
        }
        Path file = output.getOutputDirectory().resolve(FILE);
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("Kafka Events: could not write the AsyncAPI document " + file, e);
        }
    }

    private static Optional<String> typeSetting(Config config, String type, String setting) {
        return config.getOptionalValue(PREFIX + "events.\"" + type + "\"." + setting, String.class);
    }

    private static List<String> key(EventTypeBuildItem eventType) {
        List<String> key = new ArrayList<>();
        switch (eventType.keyStyle()) {
            case MEMBERS -> eventType.keyMembers().forEach(member -> key.add(member.memberName()));
            case INTERFACE -> key.add("DistributedEvent.partitionKey()");
            default -> {
            }
        }
        return key;
    }

    /**
     * Whether the application publishes the type, as far as its classes tell: one of its own classes creates an event
     * of the type ({@code new}, or a static method of the event class). A class that only handles the type, or only
     * passes events on, does not count.
     */
    public static boolean published(IndexView application, String className) {
        DotName name = DotName.createSimple(className);
        String internal = className.replace('.', '/');
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        for (ClassInfo user : application.getKnownUsers(name)) {
            if (user.name().equals(name)) {
                continue;
            }
            try (InputStream in = loader.getResourceAsStream(user.name().toString().replace('.', '/') + ".class")) {
                if (in != null && creates(in.readAllBytes(), internal)) {
                    return true;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return false;
    }

    private static boolean creates(byte[] classFile, String internal) {
        boolean[] found = new boolean[1];
        new ClassReader(classFile).accept(new ClassVisitor(Gizmo.ASM_API_VERSION) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                    String[] exceptions) {
                return new MethodVisitor(Gizmo.ASM_API_VERSION) {
                    @Override
                    public void visitTypeInsn(int opcode, String type) {
                        found[0] |= opcode == Opcodes.NEW && type.equals(internal);
                    }

                    @Override
                    public void visitMethodInsn(int opcode, String owner, String name, String descriptor,
                            boolean isInterface) {
                        found[0] |= opcode == Opcodes.INVOKESTATIC && owner.equals(internal)
                                && descriptor.endsWith(")L" + internal + ";");
                    }
                };
            }
        }, ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
        return found[0];
    }
}
