package io.wanapis.limits;

import io.wanapis.providers.InboundCall;

/**
 * The tokens a request reserves against a TPM limit before it is sent: the prompt counted with
 * the cl100k tokenizer over the body's texts (see {@link PromptTokens}), plus {@code max_tokens} when given, else the plan's max_tokens cap,
 * else {@value #DEFAULT_OUTPUT}.
 * Only computed for keys that have a TPM limit.
 */
public final class TokenEstimate {
  public static final int DEFAULT_OUTPUT = 1024;

  private TokenEstimate() {}

  /**
   * @param cap the plan's max_tokens cap, used instead of the default when the request sets none
   * @param fast texts seen for the first time are estimated from their bytes (see {@link PromptTokens}) */
  public static long of(InboundCall call, Integer cap, boolean fast) {
    long prompt = call.promptTokenEstimate(fast);
    int max = call.peek().maxTokens();
    return prompt + (max > 0 ? max : cap != null ? cap : DEFAULT_OUTPUT);
  }
}
