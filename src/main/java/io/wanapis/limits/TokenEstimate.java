package io.wanapis.limits;

import io.wanapis.providers.InboundCall;
import io.wanapis.usage.TokenCounter;
import java.nio.charset.StandardCharsets;

/**
 * The tokens a request reserves against a TPM limit before it is sent: the prompt counted with
 * the o200k tokenizer over the request body (the JSON syntax makes this a slight overestimate,
 * which errs on the safe side), plus {@code max_tokens} when given, else the plan's max_tokens cap,
 * else {@value #DEFAULT_OUTPUT}.
 * Only computed for keys that have a TPM limit.
 */
public final class TokenEstimate {
  public static final int DEFAULT_OUTPUT = 1024;

  private TokenEstimate() {}

  public static long of(InboundCall call) {
    return of(call, null);
  }

  /** @param cap the plan's max_tokens cap, used instead of the default when the request sets none */
  public static long of(InboundCall call, Integer cap) {
    long prompt = TokenCounter.count(new String(call.body(), 0, call.bodyLength(), StandardCharsets.UTF_8));
    int max = call.peek().maxTokens();
    return prompt + (max > 0 ? max : cap != null ? cap : DEFAULT_OUTPUT);
  }
}
