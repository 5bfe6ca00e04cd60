package io.quarkiverse.kafkaevents.deployment;

import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * What the tests of build and start-up errors look into: the messages users see, and the exception of a given type
 * among the causes.
 */
public final class StartupFailures {

    private StartupFailures() {
    }

    /** The messages of a failure, its causes and what they suppressed, one per line. */
    public static String messages(Throwable failure) {
        StringBuilder all = new StringBuilder();
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            all.append(cause.getMessage()).append('\n');
            for (Throwable suppressed : cause.getSuppressed()) {
                all.append(suppressed.getMessage()).append('\n');
            }
        }
        return all.toString();
    }

    /**
     * The exception of the given type among the causes (and suppressed exceptions) of {@code failure}, compared by name
     * since the build may load it in another class loader; {@code null} when there is none.
     */
    public static Throwable find(Throwable failure, Class<? extends Throwable> type) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Throwable> todo = new ArrayDeque<>();
        todo.add(failure);
        while (!todo.isEmpty()) {
            Throwable current = todo.poll();
            if (!seen.add(current)) {
                continue;
            }
            if (current.getClass().getName().equals(type.getName())) {
                return current;
            }
            if (current.getCause() != null) {
                todo.add(current.getCause());
            }
            Collections.addAll(todo, current.getSuppressed());
        }
        return null;
    }
}
