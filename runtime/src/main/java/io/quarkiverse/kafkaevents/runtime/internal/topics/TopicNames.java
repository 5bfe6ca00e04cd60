package io.quarkiverse.kafkaevents.runtime.internal.topics;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The topic naming rule: {@code {environment}.{domain}.{public|internal}.{topic}[.{version}]}, lower case.
 */
public final class TopicNames {

    /** Kafka's own limit. */
    public static final int MAX_LENGTH = 249;
    private static final Pattern LEGAL = Pattern.compile("[a-zA-Z0-9._-]+");

    private TopicNames() {
    }

    public static String name(String environment, String domain, boolean internal, String topic, String version) {
        StringBuilder name = new StringBuilder()
                .append(environment).append('.')
                .append(domain).append('.')
                .append(internal ? "internal" : "public").append('.')
                .append(topic);
        if (version != null && !version.isEmpty()) {
            name.append('.').append(version);
        }
        return name.toString().toLowerCase(Locale.ROOT);
    }

    /**
     * Why the name is not a legal Kafka topic name, or {@code null} when it is.
     */
    public static String problem(String name) {
        if (name.isEmpty()) {
            return "it is empty";
        }
        if (name.length() > MAX_LENGTH) {
            return "it is " + name.length() + " characters long, more than Kafka's limit of " + MAX_LENGTH;
        }
        if (!LEGAL.matcher(name).matches()) {
            return "it contains characters other than ASCII letters, digits, '.', '_' and '-'";
        }
        if (name.equals(".") || name.equals("..")) {
            return "'.' and '..' are not allowed";
        }
        return null;
    }
}
