package io.quarkiverse.kafkaevents.it.orders;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkiverse.kafkaevents.EventContext;

/**
 * Evidence for the fault suite (integration-tests {@code *IT}): when {@code orders.fault-ledger.file} is set, the
 * {@code OrderPlaced} handler appends a line when a call starts ({@code S}) and when it has finished its work
 * ({@code D}), so a test can tell what a killed instance handled. Off by default: the sample does nothing with it.
 * <p>
 * A line is {@code S|D <epoch millis> <event id> <order id> <customer id> <item> <topic>-<partition>@<offset>}. Each
 * line is one {@code write} call on an unbuffered file channel: once it returns, the line is in the kernel's page cache
 * and survives a {@code kill -9} of this JVM (only a crash of the machine could lose it, which the suite does not do),
 * so no {@code fsync} slows the handler down. The channel is never closed: a handler call that finishes during shutdown
 * must still be able to write; the file is closed when the process exits.
 */
@ApplicationScoped
public class FaultLedger {

    private final FileChannel file;
    private final Duration handlerDelay;

    FaultLedger(@ConfigProperty(name = "orders.fault-ledger.file") Optional<String> path,
            @ConfigProperty(name = "orders.fault-ledger.handler-delay", defaultValue = "0s") Duration handlerDelay) {
        this.handlerDelay = handlerDelay;
        try {
            this.file = path.isEmpty() ? null
                    : FileChannel.open(Path.of(path.get()), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                            StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot open the fault ledger " + path.get(), e);
        }
    }

    /** A handler call starts; with {@code orders.fault-ledger.handler-delay} set, it takes that long (blocking). */
    void started(OrderPlaced event, EventContext context) {
        if (file == null) {
            return;
        }
        append("S", event, context);
        if (!handlerDelay.isZero()) {
            try {
                Thread.sleep(handlerDelay.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** A handler call has done all its work. */
    void done(OrderPlaced event, EventContext context) {
        if (file != null) {
            append("D", event, context);
        }
    }

    private void append(String phase, OrderPlaced event, EventContext context) {
        String line = phase + " " + System.currentTimeMillis() + " " + context.id() + " " + event.orderId() + " "
                + event.customerId() + " " + event.item() + " " + context.topic() + "-" + context.partition() + "@"
                + context.offset() + "\n";
        ByteBuffer bytes = ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8));
        try {
            synchronized (file) {
                while (bytes.hasRemaining()) {
                    file.write(bytes);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the fault ledger", e);
        }
    }
}
