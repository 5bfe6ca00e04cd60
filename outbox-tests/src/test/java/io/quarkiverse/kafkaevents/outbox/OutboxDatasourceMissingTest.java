package io.quarkiverse.kafkaevents.outbox;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.kafkaevents.EventTopic;
import io.quarkiverse.kafkaevents.PartitionKey;
import io.quarkus.test.QuarkusUnitTest;

/**
 * {@code delivery=outbox} with the JDBC and JTA extensions present but no datasource to write to (no JDBC URL, and
 * neither the dev PostgreSQL nor Quarkus' Dev Service to supply one): start-up fails, naming the datasource, the
 * setting to give it a URL and the setting that chooses another one. (It failed with a bare CDI error, "No bean found
 * for required type AgroalDataSource", when no datasource was defined at all.)
 */
public class OutboxDatasourceMissingTest {

    @EventTopic(value = "vouchers", domain = "nodatasource")
    public record VoucherIssued(@PartitionKey String id) {
    }

    @RegisterExtension
    static final QuarkusUnitTest app = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(VoucherIssued.class))
            .overrideConfigKey("quarkus.http.test-port", "0")
            .overrideConfigKey("quarkus.kafka-events.delivery", "outbox")
            .overrideConfigKey("quarkus.kafka-events.devservices.postgres.enabled", "false")
            .overrideConfigKey("quarkus.datasource.devservices.enabled", "false")
            .assertException(failure -> {
                StringBuilder all = new StringBuilder();
                for (Throwable t = failure; t != null; t = t.getCause()) {
                    all.append(t.getMessage()).append('\n');
                }
                String messages = all.toString();
                assertTrue(messages.contains("delivery=outbox needs the default datasource, which is not configured or"
                        + " not active: set quarkus.datasource.jdbc.url (or choose another one with"
                        + " quarkus.kafka-events.outbox.datasource)"), messages);
            });

    @Test
    void startUpFails() {
        fail("the application must not start without a datasource for its outbox");
    }
}
