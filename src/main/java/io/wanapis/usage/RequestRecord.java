package io.wanapis.usage;

import java.util.List;

/**
 * What the gateway knows about one finished request: the unit of metering. Written to the access
 * log, the usage ledger, the budgets and the metrics.
 *
 * <p>{@code model} is what the client asked for, {@code routedModel} the model that answered
 * (after A/B split, auto choice, fallback or degradation), {@code variant} the split's or auto's
 * pick. Times are milliseconds with microsecond precision; {@code ttftMs} is -1 for non-streams.
 *
 * <p>Usage issue: {@code teamId}/{@code projectId} come from the key, {@code tags} from the
 * {@code x-wanapis-tags} header and the body's {@code metadata}; {@code costUsd} is priced at
 * request time from the catalog (so a later price change does not rewrite history), -1 when the
 * model has no known price; {@code costEstimated} when the tokens were counted by the gateway.
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
    boolean cacheHit,
    String teamId,
    String projectId,
    List<String> tags,
    double costUsd,
    boolean costEstimated) {

  public RequestRecord {
    tags = tags == null ? List.of() : List.copyOf(tags);
  }

  /** The record as the core knew it before metering (no attribution, no price). */
  public RequestRecord(long timestampMs, String requestId, String keyId, String endpoint, String model, String provider,
      String deployment, int status, String errorCode, boolean stream, Usage usage, double latencyMs, double ttftMs,
      int attempts, String user, String routedModel, String variant, boolean cacheHit) {
    this(timestampMs, requestId, keyId, endpoint, model, provider, deployment, status, errorCode, stream, usage, latencyMs,
        ttftMs, attempts, user, routedModel, variant, cacheHit, null, null, List.of(), -1, false);
  }

  public boolean error() {
    return status >= 400 || errorCode != null;
  }

  public RequestRecord withMetering(String team, String project, List<String> newTags, String newUser, Usage newUsage,
      double cost, boolean estimated) {
    return new RequestRecord(timestampMs, requestId, keyId, endpoint, model, provider, deployment, status, errorCode, stream,
        newUsage, latencyMs, ttftMs, attempts, newUser, routedModel, variant, cacheHit, team, project, newTags, cost, estimated);
  }
}
