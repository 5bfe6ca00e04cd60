package io.quarkiverse.kafkaevents.deployment.events;

import java.util.Locale;
import java.util.Map;

/**
 * Turns entity names into topic base names: kebab case ({@code OrderLine} to {@code order-line}) and English plurals
 * ({@code category} to {@code categories}).
 */
public final class TopicNaming {

    private static final Map<String, String> IRREGULAR = Map.of(
            "person", "people",
            "child", "children",
            "man", "men",
            "woman", "women",
            "mouse", "mice",
            "goose", "geese",
            "datum", "data",
            "index", "indices");

    private TopicNaming() {
    }

    /**
     * {@code OrderLine} becomes {@code order-line}, {@code HTTPRequest} becomes {@code http-request}, {@code order_line}
     * becomes {@code order-line}.
     */
    public static String kebab(String name) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '_' || c == ' ') {
                appendHyphen(out);
                continue;
            }
            if (Character.isUpperCase(c)) {
                boolean previousLowerOrDigit = i > 0
                        && (Character.isLowerCase(name.charAt(i - 1)) || Character.isDigit(name.charAt(i - 1)));
                boolean endOfAcronym = i > 0 && Character.isUpperCase(name.charAt(i - 1)) && i + 1 < name.length()
                        && Character.isLowerCase(name.charAt(i + 1));
                if (previousLowerOrDigit || endOfAcronym) {
                    appendHyphen(out);
                }
                out.append(Character.toLowerCase(c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static void appendHyphen(StringBuilder out) {
        if (out.length() > 0 && out.charAt(out.length() - 1) != '-') {
            out.append('-');
        }
    }

    /**
     * Pluralizes the last word of a kebab-case name: {@code order-line} to {@code order-lines}, {@code category} to
     * {@code categories}, {@code box} to {@code boxes}. A word already ending in a single {@code s} is taken as plural
     * and kept.
     */
    public static String pluralize(String name) {
        int dash = name.lastIndexOf('-');
        String head = name.substring(0, dash + 1);
        String word = name.substring(dash + 1);
        String lower = word.toLowerCase(Locale.ROOT);
        if (word.isEmpty()) {
            return name;
        }
        String irregular = IRREGULAR.get(lower);
        if (irregular != null) {
            return head + irregular;
        }
        if (IRREGULAR.containsValue(lower)) {
            return name;
        }
        if (lower.endsWith("y") && lower.length() > 1 && !isVowel(lower.charAt(lower.length() - 2))) {
            return head + word.substring(0, word.length() - 1) + "ies";
        }
        if (lower.endsWith("ss") || lower.endsWith("x") || lower.endsWith("z") || lower.endsWith("ch")
                || lower.endsWith("sh")) {
            return head + word + "es";
        }
        if (lower.endsWith("s")) {
            return name;
        }
        return head + word + "s";
    }

    private static boolean isVowel(char c) {
        return "aeiou".indexOf(c) >= 0;
    }
}
