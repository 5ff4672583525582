package io.wanapis.budget;

import io.wanapis.auth.Principal;
import io.wanapis.catalog.Pricing;
import io.wanapis.catalog.ModelInfo;
import io.wanapis.errors.ApiError;
import io.wanapis.providers.InboundCall;
import io.wanapis.routing.ModelRoute;
import io.wanapis.routing.Target;
import io.wanapis.usage.Attribution;
import io.wanapis.usage.BodyFields;
import io.wanapis.usage.Metering;
import java.time.Instant;
import java.util.Locale;

/**
 * The pipeline's budget step: before routing, reserve an estimate of the request's cost against
 * every budget of its key, team and project, or refuse it. The estimate is priced at the most
 * expensive deployment of the route (routing has not chosen yet) from the prompt estimated as a
 * third of the body's bytes (JSON syntax and English text make it an over-count, the safe side;
 * tokenizing would be the largest cost of a budgeted request) plus {@code max_tokens}, or {@code usage.reserve_output_tokens} when the request sets none.
 */
public final class BudgetGate {
  private final BudgetBook book;
  private final Metering metering;
  private final int defaultOutputTokens;

  public BudgetGate(BudgetBook book, Metering metering, int defaultOutputTokens) {
    this.book = book;
    this.metering = metering;
    this.defaultOutputTokens = defaultOutputTokens;
  }

  public BudgetBook book() { return book; }

  /** Reserves, or returns the error to answer with (null: go on). */
  public ApiError reserve(Principal p, InboundCall call, ModelRoute route) {
    Attribution a = metering.attribution(p.keyId());
    BudgetRefusal r = book.reserve(call.requestId(), p.keyId(), a.teamId(), a.projectId(), () -> estimate(call, route));
    return r == null ? null : error(r, System.currentTimeMillis());
  }

  double estimate(InboundCall call, ModelRoute route) {
    // a third of the body's bytes: an over-count for English and code, close for CJK text, and free;
    // the bound on overspend is the in-flight reservations' error either way (docs/budgets.md)
    long prompt = call.bodyLength() / 3;
    // with max_tokens present, the largest of the output caps (a second, narrow read); with only
    // max_completion_tokens, the ingress's peek already has it
    long max = call.peek().hasMaxTokens() ? BodyFields.read(call.body(), call.bodyLength()).maxTokens()
        : call.peek().maxTokens() > 0 ? call.peek().maxTokens() : -1;
    long out = "embeddings".equals(call.endpoint().id()) ? 0 : max >= 0 ? max : defaultOutputTokens;
    double worst = 0;
    for (Target t : route.targets()) {
      ModelInfo m = metering.price(t.spec(), t.upstreamModel());
      worst = Math.max(worst, Pricing.estimate(prompt, out, m));
    }
    return worst;
  }

  static ApiError error(BudgetRefusal r, long now) {
    Budget b = r.budget();
    if (r.storeUnavailable()) {
      return new ApiError(503, "server_error", "quota_store_unavailable", "The shared budget store (Redis) cannot be reached, the "
          + b.describe() + " is hard, and this gateway is configured to refuse such requests then (on_failure: closed). Retry shortly.",
          null, "1");
    }
    boolean never = r.resetsAtMs() == Long.MAX_VALUE;
    String resets = never ? "It does not reset (a total budget): raise it or use another key."
        : "It resets at " + Instant.ofEpochMilli(r.resetsAtMs()) + ".";
    String msg = String.format(Locale.ROOT,
        "This request would exceed the %s: $%.6f spent, $%.6f reserved by requests in flight, this request estimated at $%.6f. %s",
        b.describe(), r.spentUsd(), r.reservedUsd(), r.estimateUsd(), resets);
    String retryAfter = never ? null : String.valueOf(Math.max(1, (r.resetsAtMs() - now + 999) / 1000));
    return new ApiError(429, "insufficient_quota", "budget_exceeded", msg, null, retryAfter);
  }
}
