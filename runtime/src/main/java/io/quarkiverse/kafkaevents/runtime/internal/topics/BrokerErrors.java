package io.quarkiverse.kafkaevents.runtime.internal.topics;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;

/**
 * The messages of the provisioner's failures: which broker, which topics, what went wrong, and which of the
 * application's settings to check.
 */
final class BrokerErrors {

    private final Map<String, Object> adminConfig;
    private final Duration timeout;

    BrokerErrors(Map<String, Object> adminConfig, Duration timeout) {
        this.adminConfig = adminConfig;
        this.timeout = timeout;
    }

    static Throwable causeOf(ExecutionException e) {
        return e.getCause() != null ? e.getCause() : e;
    }

    void throwIfUnreachable(Throwable cause, Set<String> topics) {
        if (cause instanceof TimeoutException) {
            throw unreachable(cause, topics);
        }
        if (cause instanceof AuthenticationException) {
            throw new TopicProvisioningException("Could not authenticate to the Kafka broker at " + bootstrapServers()
                    + " to provision topics " + topics + ": " + describeError(cause) + "; " + securityHint(cause),
                    cause);
        }
    }

    /** Which of the application's settings to check for an authentication failure. */
    static String securityHint(Throwable cause) {
        if (cause instanceof SslAuthenticationException) {
            return "the TLS handshake failed: the broker's certificate is not trusted or names another host; check"
                    + " kafka.ssl.truststore.location, kafka.ssl.truststore.password and kafka.ssl.truststore.type"
                    + " (and kafka.security.protocol)";
        }
        if (cause instanceof SaslAuthenticationException) {
            return "the broker rejected the credentials: check the user and password in kafka.sasl.jaas.config and"
                    + " kafka.sasl.mechanism";
        }
        return "check kafka.security.protocol, kafka.sasl.* and kafka.ssl.*";
    }

    TopicProvisioningException unreachable(Throwable cause, Set<String> topics) {
        String tls = TlsDiagnosis.explain(adminConfig);
        if (tls != null) {
            return new TopicProvisioningException("Could not connect to the Kafka broker at " + bootstrapServers()
                    + " to provision topics " + topics + ": " + tls, cause);
        }
        return new TopicProvisioningException("Could not reach the Kafka broker at " + bootstrapServers() + " within "
                + format(timeout) + " to provision topics " + topics + ": " + describeError(cause), cause);
    }

    String bootstrapServers() {
        Object servers = adminConfig.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG);
        if (servers instanceof Collection<?> list) {
            return list.stream().map(String::valueOf).collect(Collectors.joining(","));
        }
        return servers == null ? "<" + AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG + " not set>" : servers.toString();
    }

    static String describeError(Throwable error) {
        String message = error.getMessage();
        String type = error.getClass().getSimpleName();
        return message == null || message.isBlank() ? type : type + ": " + message;
    }

    static String bulleted(List<String> lines) {
        return lines.stream().map(line -> "\n  - " + line).collect(Collectors.joining());
    }

    static String format(Duration duration) {
        long millis = duration.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
    }
}
