package io.quarkiverse.kafkaevents.deployment.handlers;

import java.util.List;

import io.quarkiverse.kafkaevents.deployment.events.DefinitionProblemBuildItem;
import io.quarkiverse.kafkaevents.runtime.internal.handle.channel.EventInvoker;
import io.quarkus.deployment.annotations.BuildProducer;
import io.quarkus.deployment.annotations.BuildStep;

/**
 * Build errors for {@code @EventHandler(kafkaTransaction = true)} on a handler that cannot run in a Kafka transaction:
 * what it publishes is collected on the thread of its call, so it must be a blocking handler of one event. (Settings
 * made at run time, and handlers sharing a channel with one in a transaction, are checked at start-up.)
 */
public class KafkaTransactionProcessor {

    @BuildStep
    void check(List<HandlerBuildItem> handlers, BuildProducer<DefinitionProblemBuildItem> problems) {
        for (HandlerBuildItem handler : handlers) {
            if (!handler.kafkaTransaction()) {
                continue;
            }
            if (handler.batch()) {
                problems.produce(new DefinitionProblemBuildItem("@EventHandler(kafkaTransaction = true) "
                        + handler.label() + " is a batch handler (it takes a List of events): a Kafka transaction"
                        + " needs a blocking handler of one event, returning void"));
            } else if (handler.kind() != EventInvoker.BLOCKING) {
                problems.produce(new DefinitionProblemBuildItem("@EventHandler(kafkaTransaction = true) "
                        + handler.label() + " is non-blocking (it returns " + handler.method().returnType().name().local()
                        + "): the events a handler publishes join its Kafka transaction on the thread of its call, so"
                        + " it needs a blocking handler returning void"));
            }
        }
    }
}
