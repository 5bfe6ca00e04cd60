package io.quarkiverse.kafkaevents.it.orders.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What one child instance handled, read from the file its {@code FaultLedger} wrote: {@code S} when a handler call
 * started, {@code D} when it had done its work. A line cut short by {@code kill -9} is ignored.
 */
record Ledger(List<Entry> entries) {

    record Entry(boolean done, long millis, String eventId, String orderId, String customerId, String item,
            String partition, long offset) {

        /** The event as the test published it: key (order id) and sequence number ({@code key/seq-<n>}). */
        String event() {
            return orderId + "/" + item;
        }

        /** The sequence number of the event within its key, carried in the item ({@code seq-<n>}). */
        int seq() {
            return Integer.parseInt(item.substring(item.indexOf('-') + 1));
        }
    }

    static Ledger read(Path file) {
        if (!Files.isRegularFile(file)) {
            return new Ledger(List.of());
        }
        List<Entry> entries = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String[] f = line.split(" ");
                if (f.length != 7 || !f[6].contains("@")) {
                    continue;
                }
                int at = f[6].lastIndexOf('@');
                entries.add(new Entry("D".equals(f[0]), Long.parseLong(f[1]), f[2], f[3], f[4], f[5],
                        f[6].substring(0, at), Long.parseLong(f[6].substring(at + 1))));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Ledger(entries);
    }

    /** The finished handler calls of one run (customer id), in the order they finished. */
    List<Entry> done(String run) {
        return entries.stream().filter(e -> e.done() && e.customerId().equals(run)).toList();
    }

    /** The started handler calls of one run. */
    List<Entry> started(String run) {
        return entries.stream().filter(e -> !e.done() && e.customerId().equals(run)).toList();
    }

    /** Events ({@link Entry#event()}) of calls that started but never finished (cut by a kill). */
    Set<String> halfDone(String run) {
        Map<String, Integer> open = new HashMap<>();
        for (Entry e : entries) {
            if (e.customerId().equals(run)) {
                open.merge(e.event(), e.done() ? -1 : 1, Integer::sum);
            }
        }
        return open.entrySet().stream().filter(e -> e.getValue() > 0).map(Map.Entry::getKey)
                .collect(Collectors.toSet());
    }

    /** Events ({@link Entry#event()}) of the finished calls of one run, once each. */
    Set<String> doneIds(String run) {
        return done(run).stream().map(Entry::event).collect(Collectors.toSet());
    }

    /** How many finished calls handled an event that an earlier finished call (of any of these ledgers) handled. */
    static int duplicates(String run, Collection<Ledger> ledgers) {
        Set<String> seen = new HashSet<>();
        int duplicates = 0;
        for (Ledger ledger : ledgers) {
            for (Entry e : ledger.done(run)) {
                if (!seen.add(e.event())) {
                    duplicates++;
                }
            }
        }
        return duplicates;
    }

    /** The finished calls of one run in all ledgers. */
    static Set<String> doneIds(String run, Collection<Ledger> ledgers) {
        Set<String> ids = new HashSet<>();
        ledgers.forEach(l -> ids.addAll(l.doneIds(run)));
        return ids;
    }
}
