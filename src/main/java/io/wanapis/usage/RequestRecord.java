package io.wanapis.usage;

/**
 * What the gateway knows about one finished request: the unit of metering. Written to the access
 * log now; the usage ledger and budgets consume the same record.
 *
 * <p>Times are milliseconds with microsecond precision; {@code ttftMs} is -1 for non-streams.
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
    String user) {}
