package io.quarkiverse.kafkaevents.runtime.internal.handle;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

import io.quarkiverse.kafkaevents.runtime.internal.ShutdownBudget;
import io.quarkiverse.kafkaevents.runtime.internal.handle.channel.HandlerChannel;
import io.quarkiverse.kafkaevents.runtime.internal.handle.commit.OffsetCommits;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;

/**
 * The stop of the handlers, within one budget ({@link ShutdownBudget}, {@code quarkus.kafka-events.shutdown.timeout},
 * shared with the outbox's stop) whatever the broker does: the drain (records not started yet and pending retries are
 * dropped, left unacknowledged for redelivery; handler calls already running get what is left of the budget to finish,
 * so their records are acknowledged), then the final commits of every consumer of every channel at once
 * ({@link OffsetCommits}), before SmallRye closes the consumers. What is left for redelivery is logged per channel.
 */
public final class HandlerShutdown {

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

    /**
     * After the drain: stops the periodic commits and commits what was finished, every consumer of every channel at
     * once, waiting at most what is left of the budget; then logs, per channel, the partitions whose records will be
     * delivered again and from which offset.
     */
    static void commit(Iterable<HandlerChannel> channels, Vertx vertx, ShutdownBudget budget) {
        List<Uni<Void>> commits = new ArrayList<>();
        for (HandlerChannel handlers : channels) {
            handlers.commits.stop(vertx);
        }
        for (HandlerChannel handlers : channels) {
            commits.addAll(handlers.commits.commitOnStop(budget.remaining()));
        }
        if (!commits.isEmpty()) {
            Duration left = budget.remaining();
            try {
                Uni.join().all(commits).andCollectFailures().await()
                        .atMost(left.isZero() ? Duration.ofMillis(1) : left);
            } catch (RuntimeException e) {
                LOG.warnf("Kafka Events: the final commits did not finish within the shutdown timeout of %d ms (%s);"
                        + " records handled since the last commit are delivered again", budget.timeout().toMillis(),
                        e.toString());
            }
        }
        for (HandlerChannel handlers : channels) {
            List<String> left = handlers.commits.leftForRedelivery();
            if (!left.isEmpty()) {
                LOG.infof("Kafka Events stopped channel %s (group %s); left for redelivery to the next owner: %s",
                        handlers.channel, handlers.consumerGroup, String.join(", ", left));
            }
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
