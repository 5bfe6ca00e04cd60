package io.quarkiverse.kafkaevents.runtime.internal.outbox;

import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.annotation.PreDestroy;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import jakarta.interceptor.Interceptor;
import jakarta.transaction.Status;
import jakarta.transaction.TransactionSynchronizationRegistry;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

import io.agroal.api.AgroalDataSource;
import io.quarkiverse.kafkaevents.runtime.internal.KafkaEventsConfig;
import io.quarkiverse.kafkaevents.runtime.internal.KafkaEventsOutboxConfig;
import io.quarkiverse.kafkaevents.runtime.internal.ShutdownBudget;
import io.quarkiverse.kafkaevents.runtime.internal.publish.EventRouting;
import io.quarkiverse.kafkaevents.runtime.internal.publish.KafkaEventPublisher;
import io.quarkiverse.kafkaevents.runtime.internal.publish.Outbox;
import io.quarkiverse.kafkaevents.runtime.internal.topics.StartupCheck;
import io.quarkus.agroal.runtime.AgroalDataSourceUtil;
import io.quarkus.datasource.common.runtime.DataSourceUtil;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.infrastructure.Infrastructure;

/**
 * The outbox on a JDBC datasource. A row is written with the connection of the caller's transaction; right after the
 * commit it is claimed, sent and, once the broker acknowledged it, deleted (the fast path, on a worker thread). The
 * {@link OutboxRelay} sends what the fast path did not (a crash between commit and send, a broker that was down).
 */
@Singleton
public class TransactionalOutbox implements Outbox, StartupCheck {

    private static final Logger LOG = Logger.getLogger(TransactionalOutbox.class);

    private final KafkaEventsOutboxConfig config;
    private final ShutdownBudget shutdownBudget;
    private final TransactionSynchronizationRegistry registry;
    private final KafkaEventPublisher publisher;
    private final EventRouting routing;
    private static final long BACKLOG_CACHE_NANOS = 2_000_000_000L;

    private record Backlog(long[] values, long readAt) {
    }

    private volatile OutboxStore store;
    private volatile OutboxRelay relay;
    private volatile Backlog backlog;
    /** The key of this outbox's {@link OutboxCommit} among the resources of a transaction. */
    private final Object commitKey = new Object();

    TransactionalOutbox(KafkaEventsConfig config, TransactionSynchronizationRegistry registry,
            KafkaEventPublisher publisher, EventRouting routing, ShutdownBudget shutdownBudget) {
        this.config = config.outbox();
        this.shutdownBudget = shutdownBudget;
        this.registry = registry;
        this.publisher = publisher;
        this.routing = routing;
    }

    /**
     * At start-up, before SmallRye starts any consumer (called by the topics' provisioning, whose failure lists every
     * start-up problem at once): when an event type uses the outbox, checks that its datasource is there and can be
     * connected to, creates or validates the table, and makes the outbox ready for writes.
     */
    @Override
    public List<String> problems() {
        boolean used = routing.routes().stream()
                .anyMatch(route -> route.delivery() == KafkaEventsConfig.Delivery.OUTBOX);
        if (!used) {
            return List.of();
        }
        String name = config.datasource().orElse(DataSourceUtil.DEFAULT_DATASOURCE_NAME);
        String described = DataSourceUtil.isDefault(name) ? "the default datasource" : "the datasource '" + name + "'";
        // with no datasource defined at all there is no bean, and dataSourceIfActive throws a bare CDI error
        Optional<AgroalDataSource> found = AgroalDataSourceUtil.dataSourceInstance(name).isResolvable()
                ? AgroalDataSourceUtil.dataSourceIfActive(name)
                : Optional.empty();
        if (found.isEmpty()) {
            return List.of("delivery=outbox needs " + described + ", which is not configured or not active: set"
                    + " quarkus.datasource" + (DataSourceUtil.isDefault(name) ? "" : ".\"" + name + "\"")
                    + ".jdbc.url (or choose another one with quarkus.kafka-events.outbox.datasource)");
        }
        AgroalDataSource dataSource = found.get();
        String url = dataSource.getConfiguration().connectionPoolConfiguration().connectionFactoryConfiguration()
                .jdbcUrl();
        if (url != null) {
            url = url.replaceAll("(?i)(password=)[^&;]*", "$1***"); // never a secret in a message
        }
        OutboxStore created;
        try {
            created = new OutboxStore(dataSource, config.table(), owner(),
                    config.ownerLock() == KafkaEventsOutboxConfig.OwnerLock.SESSION);
        } catch (IllegalArgumentException e) {
            return List.of(e.getMessage());
        }
        try {
            try (Connection connection = dataSource.getConnection()) {
                // a wrong address or password fails here, whatever the schema action
                connection.isValid(5);
            }
            switch (config.schema()) {
                case CREATE -> created.create();
                case VALIDATE -> created.validate();
                default -> {
                }
            }
        } catch (SQLException e) {
            return List.of("the outbox could not " + (config.schema() == KafkaEventsOutboxConfig.SchemaAction.NONE
                    ? "connect to"
                    : config.schema().name().toLowerCase() + " its table " + config.table() + " on")
                    + " " + described + " (" + url + "): " + e.getMessage() + ". Check quarkus.datasource"
                    + (DataSourceUtil.isDefault(name) ? "" : ".\"" + name + "\"") + ".jdbc.url, .username and"
                    + " .password, and that the database accepts connections from here");
        } catch (IllegalStateException e) {
            return List.of(e.getMessage());
        }
        if (config.ownerLock() == KafkaEventsOutboxConfig.OwnerLock.SESSION
                && registry.getTransactionStatus() == Status.STATUS_NO_TRANSACTION) {
            String pooled = transactionPooling(dataSource, described, url);
            if (pooled != null) {
                return List.of(pooled);
            }
        }
        this.store = created;
        return List.of();
    }

    /**
     * Starts the relay right after SmallRye started its channels (the producer), before the application's own
     * start-up observers: an event they publish in outbox mode is sent by the fast path. A row written earlier still
     * (an observer of a higher priority) waits in the table for the relay's first round.
     */
    void start(@Observes @Priority(Interceptor.Priority.LIBRARY_BEFORE + 1) StartupEvent startup) {
        OutboxStore created = store;
        if (created == null) {
            return;
        }
        long deliveryTimeout = ConfigProvider.getConfig().getOptionalValue("mp.messaging.outgoing."
                + KafkaEventPublisher.CHANNEL + ".delivery.timeout.ms", Long.class).orElse(120_000L);
        if (config.lease().toMillis() <= deliveryTimeout) {
            LOG.warnf("quarkus.kafka-events.outbox.lease (%d ms) is not longer than the publisher's delivery.timeout.ms"
                    + " (%d ms): while the broker is down, a row whose send still waits in the producer may be sent"
                    + " again by another claim", config.lease().toMillis(), deliveryTimeout);
        }
        OutboxRelay started = new OutboxRelay(created, publisher, config);
        started.start();
        this.relay = started;
    }

    @Override
    public void write(String id, ProducerRecord<String, byte[]> record) {
        OutboxStore current = store;
        if (current == null) {
            throw new IllegalStateException("The outbox is not ready: either no event type uses delivery=outbox, or"
                    + " this runs before start-up checked the outbox's table (a StartupEvent observer with a priority"
                    + " below Interceptor.Priority.LIBRARY_BEFORE - 100)");
        }
        byte[] headers = OutboxHeaders.encode(record.headers());
        String trace = OutboxTraceContext.capture();
        int status = registry.getTransactionStatus();
        if (status == Status.STATUS_NO_TRANSACTION) {
            QuarkusTransaction.requiringNew().run(() -> write(current, id, record, headers, trace));
            return;
        }
        if (status != Status.STATUS_ACTIVE) {
            throw new IllegalStateException("the current transaction cannot take an event any more (status " + status
                    + ", for example marked for rollback)");
        }
        write(current, id, record, headers, trace);
    }

    /** Inserts the row in the current transaction; its commit numbers the keyed rows, then sends them. */
    private void write(OutboxStore current, String id, ProducerRecord<String, byte[]> record, byte[] headers,
            String trace) {
        try {
            current.insert(id, record.topic(), record.key(), headers, record.value(), trace);
        } catch (SQLException e) {
            throw new IllegalStateException("Could not write event " + id + " to the outbox table " + current.table()
                    + ": " + e.getMessage(), e);
        }
        OutboxCommit commit = (OutboxCommit) registry.getResource(commitKey);
        if (commit == null) {
            commit = new OutboxCommit(current, this::sendSoon);
            registry.putResource(commitKey, commit);
            registry.registerInterposedSynchronization(commit);
        }
        commit.add(id, record, trace);
    }

    /**
     * The fast path, off the committing thread (which may still be associated with the finished transaction): the
     * rows of one transaction in the order they were written.
     */
    private void sendSoon(List<OutboxCommit.Written> written) {
        OutboxRelay current = relay;
        if (!config.fastPath() || current == null) {
            return;
        }
        Infrastructure.getDefaultWorkerPool().execute(() -> {
            for (OutboxCommit.Written row : written) {
                current.sendNow(row.id(), row.record(), row.trace());
            }
        });
    }

    @Override
    public long[] backlog() {
        OutboxStore current = store;
        if (current == null) {
            return null;
        }
        long now = System.nanoTime();
        Backlog cached = backlog;
        if (cached != null && now - cached.readAt() < BACKLOG_CACHE_NANOS) {
            return cached.values();
        }
        long[] values;
        try {
            values = current.backlog();
        } catch (SQLException e) {
            LOG.debugf(e, "Could not read the outbox backlog");
            values = null;
        }
        backlog = new Backlog(values, now);
        return values;
    }

    @Override
    public long relayed() {
        OutboxRelay current = relay;
        return current == null ? 0 : current.relayed();
    }

    @Override
    public long refused() {
        OutboxRelay current = relay;
        return current == null ? 0 : current.refused();
    }

    @Override
    public long lagThresholdMillis() {
        return config.lagThreshold().toMillis();
    }

    /** Whether the outbox is in use: an event type uses delivery=outbox, and the table was checked at start-up. */
    public boolean started() {
        return store != null;
    }

    /** The table's name. */
    public String table() {
        return config.table();
    }

    /**
     * Up to {@code limit} rows waiting to be sent or resolved, failed ones first, then in write order (the Dev UI);
     * empty when the outbox is not used.
     */
    public List<OutboxEntry> entries(int limit) throws SQLException {
        OutboxStore current = store;
        return current == null ? List.of() : current.entries(limit);
    }

    /** Makes a failed row pending again (an explicit action, after fixing the cause). */
    public boolean retryFailed(String id) throws SQLException {
        return store != null && store.retryFailed(id);
    }

    /** Deletes a failed row without sending it (an explicit action). */
    public boolean skipFailed(String id) throws SQLException {
        return store != null && store.skipFailed(id);
    }

    void stop(@Observes ShutdownEvent shutdown) {
        close();
    }

    @PreDestroy
    void close() {
        OutboxRelay current = relay;
        if (current != null) {
            current.stop(shutdownBudget);
        }
    }

    /** The problem of a session-level owner lock behind a pooler in transaction mode, or {@code null}. */
    private static String transactionPooling(AgroalDataSource dataSource, String described, String url) {
        int[] backends;
        try {
            backends = OutboxOwnership.sessionChanges(dataSource);
        } catch (SQLException e) {
            LOG.debugf(e, "Could not check whether the outbox's connections keep their database session");
            return null;
        }
        if (backends == null) {
            return null;
        }
        return "the connections of " + described + " (" + url + ") do not keep their database session: two"
                + " statements on one connection ran in PostgreSQL backends " + backends[0] + " and " + backends[1]
                + ", a transaction of another connection between them in backend " + backends[2] + ", as behind a"
                + " pooler in transaction mode (PgBouncer pool_mode=transaction). The outbox's owner"
                + " lock is a session-level advisory lock and does not work there: set"
                + " quarkus.kafka-events.outbox.owner-lock=none (a crashed instance's rows then wait for"
                + " quarkus.kafka-events.outbox.lease), or connect directly or through a pooler in session mode";
    }

    private static String owner() {
        return ManagementFactory.getRuntimeMXBean().getName() + "/" + UUID.randomUUID().toString().substring(0, 8);
    }
}
