package io.wanapis.usage;

/**
 * What the gateway knows about one finished request: the unit of metering. Written to the access
 * log now; the usage ledger and budgets consume the same record.
 *
 * <p>{@code model} is what the client asked for, {@code routedModel} the model that answered
 * (after A/B split, auto choice, fallback or degradation), {@code variant} the split's or auto's
 * pick. Times are milliseconds with microsecond precision; {@code ttftMs} is -1 for non-streams.
 */
public record RequestRecord(
    long timestampMs,
    String requestId,
    String keyId,
    String endpoint,
    String model,
    String provider,
    String deployment,
    int status,
    String errorCode,
    boolean stream,
    Usage usage,
    double latencyMs,
    double ttftMs,
    int attempts,
    String user,
    String routedModel,
    String variant,
    boolean cacheHit) {}
