package io.quarkiverse.kafkaevents.runtime.internal.contracts;

/**
 * Where the build puts the JSON Schema of each event type, for the runtime to read (a class-path resource) and for
 * people and tools (the build output).
 */
public final class SchemaResources {

    /** The class-path folder of the schemas. */
    public static final String FOLDER = "META-INF/kafka-events/schemas/";

    private SchemaResources() {
    }

    /**
     * The file name of a type's schema: {@code <type>-<version>.json}, or {@code <type>.json} for a type without
     * version; characters other than letters, digits, {@code .}, {@code _} and {@code -} become {@code _}.
     */
    public static String fileName(String type, String version) {
        String name = version == null || version.isEmpty() ? type : type + "-" + version;
        StringBuilder safe = new StringBuilder(name.length() + 5);
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            safe.append(Character.isLetterOrDigit(c) && c < 128 || c == '.' || c == '_' || c == '-' ? c : '_');
        }
        return safe.append(".json").toString();
    }

    /** The class-path resource of a type's schema. */
    public static String resource(String type, String version) {
        return FOLDER + fileName(type, version);
    }
}
