package io.wanapis.limits;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.wanapis.errors.ApiError;
import io.wanapis.keys.Limits;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Requests-per-minute and tokens-per-minute limits per virtual key, in memory (token buckets from
 * bucket4j: capacity = the per-minute limit, refilled continuously). Answers from memory on the
 * event loop; shared through Redis with the multi-instance work.
 *
 * <p>TPM is counted honestly: before the call an estimate is reserved (see
 * {@link TokenEstimate}); after it, the reservation is settled with the real usage (unused
 * tokens given back, extra tokens taken). The overshoot bound is in docs/limits.md.
 */
public final class KeyRateLimiter {
  /** A request that was let in: what it reserved, and the key's status for the response headers. */
  public record Admission(String keyId, long reservedTokens, RateLimitStatus status, Buckets buckets) {}

  /** The buckets of one key, rebuilt when its limits change. */
  public record Buckets(Integer rpm, Long tpm, Bucket requests, Bucket tokens) {}

  private final Function<String, Limits> limitsOf;
  private final ConcurrentHashMap<String, Buckets> buckets = new ConcurrentHashMap<>();

  public KeyRateLimiter(Function<String, Limits> limitsOf) {
    this.limitsOf = limitsOf;
  }

  /** Lets the request in or throws a 429 naming the limit, with retry-after. Null when the key has no limits. */
  public Admission admit(String keyId, java.util.function.LongSupplier estimatedTokens) {
    Limits l = limitsOf.apply(keyId);
    if (l == null || (l.rpm() == null && l.tpm() == null)) return null;
    Buckets b = bucketsFor(keyId, l);
    long rReset = 0, tReset = 0, rRemaining = 0, tRemaining = 0;
    if (b.requests() != null) {
      ConsumptionProbe p = b.requests().tryConsumeAndReturnRemaining(1);
      if (!p.isConsumed()) throw limited(keyId, "requests", b.rpm() + " requests per minute (RPM)", p.getNanosToWaitForRefill(),
          new RateLimitStatus(b.rpm(), 0, p.getNanosToWaitForReset(), b.tpm() == null ? 0 : b.tpm(),
              b.tokens() == null ? 0 : b.tokens().getAvailableTokens(), 0));
      rRemaining = p.getRemainingTokens();
      rReset = p.getNanosToWaitForReset();
    }
    long reserve = 0;
    if (b.tokens() != null) {
      reserve = estimatedTokens.getAsLong();
      if (reserve > b.tpm()) {
        if (b.requests() != null) b.requests().addTokens(1);
        // waiting cannot help a request larger than the whole limit: no retry-after
        throw new ApiError(429, "tokens", "rate_limit_exceeded", "Request too large for key " + keyId + ": it needs about "
            + reserve + " tokens (prompt + max_tokens) and the key's limit is " + b.tpm()
            + " tokens per minute (TPM). Send a smaller request or lower max_tokens.", null);
      }
      ConsumptionProbe p = b.tokens().tryConsumeAndReturnRemaining(Math.max(1, reserve));
      if (!p.isConsumed()) {
        if (b.requests() != null) b.requests().addTokens(1); // not sent: give the request back
        throw limited(keyId, "tokens", b.tpm() + " tokens per minute (TPM)", p.getNanosToWaitForRefill(),
            new RateLimitStatus(b.rpm() == null ? 0 : b.rpm(), rRemaining, rReset, b.tpm(), p.getRemainingTokens(), p.getNanosToWaitForReset()));
      }
      reserve = Math.max(1, reserve);
      tRemaining = p.getRemainingTokens();
      tReset = p.getNanosToWaitForReset();
    }
    return new Admission(keyId, reserve, new RateLimitStatus(b.rpm() == null ? 0 : b.rpm(), rRemaining, rReset,
        b.tpm() == null ? 0 : b.tpm(), tRemaining, tReset), b);
  }

  /** Replaces the reservation by the real token count (unknown: the reservation stands). */
  public void settle(Admission a, long actualTokens) {
    if (a == null || a.buckets().tokens() == null || actualTokens < 0) return;
    long diff = actualTokens - a.reservedTokens();
    if (diff > 0) a.buckets().tokens().consumeIgnoringRateLimits(diff);
    else if (diff < 0) a.buckets().tokens().addTokens(-diff);
  }

  private Buckets bucketsFor(String keyId, Limits l) {
    Buckets b = buckets.get(keyId);
    if (b != null && java.util.Objects.equals(b.rpm(), l.rpm()) && java.util.Objects.equals(b.tpm(), l.tpm())) return b;
    Buckets fresh = new Buckets(l.rpm(), l.tpm(), l.rpm() == null ? null : perMinute(l.rpm()), l.tpm() == null ? null : perMinute(l.tpm()));
    buckets.put(keyId, fresh); // a limit changed at run time applies from the next request
    return fresh;
  }

  private static Bucket perMinute(long n) {
    return Bucket.builder().addLimit(Bandwidth.builder().capacity(n).refillGreedy(n, Duration.ofMinutes(1)).build()).build();
  }

  private static ApiError limited(String keyId, String type, String limit, long waitNanos, RateLimitStatus status) {
    long seconds = Math.max(1, (waitNanos + 999_999_999L) / 1_000_000_000L);
    io.vertx.core.MultiMap h = io.vertx.core.MultiMap.caseInsensitiveMultiMap();
    status.writeTo(h);
    java.util.Map<String, String> headers = new java.util.LinkedHashMap<>();
    h.forEach(e -> headers.put(e.getKey(), e.getValue()));
    headers.put("retry-after-ms", Long.toString(Math.max(1, waitNanos / 1_000_000)));
    return new ApiError(429, type, "rate_limit_exceeded",
        "Rate limit reached for key " + keyId + " on " + limit + ". Retry after " + seconds + " s.", null, Long.toString(seconds))
        .withHeaders(headers);
  }
}
