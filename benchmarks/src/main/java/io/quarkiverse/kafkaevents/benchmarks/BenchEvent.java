package io.quarkiverse.kafkaevents.benchmarks;

/**
 * The payload every contestant sends: an order-like event whose JSON is about 200 bytes. Public fields, so that the
 * raw clients, SmallRye and the extension all (de)serialize it with Jackson the same way.
 * <p>
 * The concrete classes ({@link BenchEvents}) differ only in the topic and format the extension gives them.
 */
public abstract class BenchEvent {

    /** Pads the JSON of an event to about 200 bytes (with a 16-digit {@code sentAt}). */
    static final String NOTE = "x".repeat(56);

    /** The record key: {@code ev-} and a zero-padded sequence number. */
    public String id;
    /** {@link System#nanoTime()} when the event was (meant to be) published: the latency benchmark reads it. */
    public long sentAt;
    public String customerId;
    public String item;
    public int quantity;
    public long priceCents;
    public String note;

    /** Fills in the fields of event number {@code sequence}, published at {@code sentAt}. */
    @SuppressWarnings("unchecked")
    public <T extends BenchEvent> T fill(long sequence, long sentAt) {
        this.id = String.format("ev-%012d", sequence);
        this.sentAt = sentAt;
        this.customerId = "customer-" + (sequence % 1000);
        this.item = "espresso-beans-1kg";
        this.quantity = (int) (sequence % 5) + 1;
        this.priceCents = 1299;
        this.note = NOTE;
        return (T) this;
    }

    /** The record key (the extension reads it through {@link io.quarkiverse.kafkaevents.DistributedEvent}). */
    public String partitionKey() {
        return id;
    }
}
