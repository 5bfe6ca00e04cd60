package io.quarkiverse.kafkaevents.runtime.internal.handle.channel;

/**
 * How retry topics are named: {@code <source topic>.retry-<n>}. Channels read them beside their source topics; the
 * failure handling writes them.
 */
public final class RetryTopicNames {

    /** Between the source topic and the retry's number. */
    public static final String INFIX = ".retry-";

    private RetryTopicNames() {
    }

    /** The {@code retry}-th retry topic of {@code source}. */
    public static String of(String source, int retry) {
        return source + INFIX + retry;
    }

    /** Whether {@code topic} is one of the retry topics of {@code source}. */
    public static boolean isRetryTopicOf(String topic, String source) {
        if (!topic.startsWith(source + INFIX)) {
            return false;
        }
        String number = topic.substring(source.length() + INFIX.length());
        return !number.isEmpty() && number.chars().allMatch(Character::isDigit);
    }
}
