package io.quarkiverse.kafkaevents.runtime.internal.handle;

import java.time.Duration;
import java.util.Collection;

import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

/**
 * The drain on shutdown: records not started yet and pending retries are dropped (left unacknowledged, for
 * redelivery); handler calls already running get up to the shutdown timeout to finish, so their records are
 * acknowledged, and their offsets committed ({@link OffsetCommits}) before SmallRye closes the consumers.
 */
final class HandlerShutdown {

    private static final Logger LOG = Logger.getLogger(HandlerShutdown.class);

    private HandlerShutdown() {
    }

    /** Call once intake has stopped (the dispatcher starts no record any more). */
    static void drain(Iterable<HandlerChannel> channels, Duration timeout) {
        int queued = 0;
        for (HandlerChannel handlers : channels) {
            queued += handlers.queued();
            handlers.revokeAll();
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        int running = running(channels);
        while (running > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            running = running(channels);
        }
        if (running > 0) {
            LOG.warnf("Kafka Events: %d handler call(s) still running after the shutdown timeout of %d ms; their"
                    + " records are not acknowledged and will be delivered again", running, timeout.toMillis());
        }
        if (queued > 0) {
            LOG.infof("Kafka Events stopped handling: %d record(s) were queued or running; those not finished are left"
                    + " unacknowledged and will be delivered again", queued);
        }
    }

    /**
     * On a revocation (the partitions already revoked: nothing more is started on them), waits up to {@code timeout}
     * for the handler calls running on records of these partitions, so that their records are committed by this
     * instance rather than handled again by the partitions' new owner.
     */
    static void awaitRunning(HandlerChannel handlers, Collection<TopicPartition> partitions, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int running = handlers.progress.handling(partitions);
        while (running > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            running = handlers.progress.handling(partitions);
        }
        if (running > 0) {
            LOG.warnf("Kafka Events: %d handler call(s) on partitions %s still running after the revocation timeout of"
                    + " %d ms (group %s); their records are not committed and their new owner handles them again",
                    running, partitions, timeout.toMillis(), handlers.group);
        }
    }

    private static int running(Iterable<HandlerChannel> channels) {
        int running = 0;
        for (HandlerChannel handlers : channels) {
            running += handlers.progress.handling();
        }
        return running;
    }
}
