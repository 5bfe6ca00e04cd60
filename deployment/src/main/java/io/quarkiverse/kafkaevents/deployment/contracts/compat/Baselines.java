package io.quarkiverse.kafkaevents.deployment.contracts.compat;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The folder of committed baselines: {@code <folder>/<event type>/v<version>.json}, the JSON Schema of the type as a
 * version was released.
 */
final class Baselines {

    private static final Pattern NUMBERED = Pattern.compile("[vV]?(\\d+)");

    private final Path folder;

    Baselines(Path folder) {
        this.folder = folder;
    }

    /** The folder of the setting: an absolute path as is, a relative one under the module's directory. */
    static Baselines of(String setting, Path outputDirectory) {
        Path path = Path.of(setting);
        if (!path.isAbsolute()) {
            Path module = outputDirectory.toAbsolutePath().getParent();
            path = module == null ? path.toAbsolutePath() : module.resolve(path);
        }
        return new Baselines(path.normalize());
    }

    Path folder() {
        return folder;
    }

    /**
     * The version as a number: {@code 1} for a type without version, {@code n} for {@code "vn"} or {@code "n"},
     * {@code 0} for another label.
     */
    static int number(String version) {
        if (version == null || version.isEmpty()) {
            return 1;
        }
        Matcher matcher = NUMBERED.matcher(version);
        return matcher.matches() ? Integer.parseInt(matcher.group(1)) : 0;
    }

    /** The baseline file of a type and version: {@code v<n>.json}, or {@code <label>.json} for another label. */
    Path file(String type, String version) {
        int number = number(version);
        return folder.resolve(type).resolve((number > 0 ? "v" + number : version) + ".json");
    }

    Optional<String> read(Path file) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Files.readString(file, UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("Kafka Events: could not read the contract baseline " + file, e);
        }
    }

    void write(Path file, String schema) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, schema.endsWith("\n") ? schema : schema + "\n", UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Kafka Events: could not write the contract baseline " + file, e);
        }
    }
}
