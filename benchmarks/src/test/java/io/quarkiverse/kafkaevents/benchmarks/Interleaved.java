package io.quarkiverse.kafkaevents.benchmarks;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Runs contestants interleaved: warm-up iterations first (numbered below zero, not recorded), then the measured ones;
 * every iteration runs each contestant once, starting with a different contestant each time so that none always runs
 * right after the same other one.
 */
public final class Interleaved {

    /** One iteration: the contestants in the order to run them. */
    @FunctionalInterface
    public interface Iteration<C> {
        void run(int iteration, List<C> order) throws Exception;
    }

    private Interleaved() {
    }

    public static <C> void run(int warmups, int iterations, List<C> contestants, Iteration<C> body) throws Exception {
        for (int iteration = -warmups; iteration < iterations; iteration++) {
            List<C> order = new ArrayList<>(contestants);
            Collections.rotate(order, -Math.floorMod(iteration, contestants.size()));
            body.run(iteration, order);
        }
    }

    /** Between two measured runs: collect garbage and let the broker and the clients settle. */
    public static void settle() throws InterruptedException {
        System.gc();
        Thread.sleep(300);
    }
}
