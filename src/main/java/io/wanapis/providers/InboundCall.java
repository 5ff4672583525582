package io.wanapis.providers;

import io.wanapis.canonical.ChatRequest;
import io.wanapis.json.RequestPeek;
import io.vertx.core.MultiMap;

/**
 * A client request as the adapters see it: the protocol it came in, the original body bytes,
 * what was peeked from them, and (decoded on first use, only when a translation needs it) the
 * canonical form.
 */
public final class InboundCall {
  private final String requestId;
  private final Protocol protocol;
  private final Endpoint endpoint;
  private final byte[] body;
  private final int bodyLength;
  private final RequestPeek peek;
  private final MultiMap clientHeaders;
  private ChatRequest canonical;
  private io.wanapis.limits.QuotaEnforcer.Admission rateLimit;

  public InboundCall(String requestId, Protocol protocol, Endpoint endpoint, byte[] body, int bodyLength, RequestPeek peek,
      MultiMap clientHeaders) {
    this.requestId = requestId;
    this.protocol = protocol;
    this.endpoint = endpoint;
    this.body = body;
    this.bodyLength = bodyLength;
    this.peek = peek;
    this.clientHeaders = clientHeaders;
  }

  public String requestId() { return requestId; }
  public Protocol protocol() { return protocol; }
  public Endpoint endpoint() { return endpoint; }
  public byte[] body() { return body; }
  public int bodyLength() { return bodyLength; }
  public RequestPeek peek() { return peek; }
  public MultiMap clientHeaders() { return clientHeaders; }

  /** The quota admission (null for the master key): released when the request ends; its headers go on every answer. */
  public io.wanapis.limits.QuotaEnforcer.Admission rateLimit() { return rateLimit; }

  public void rateLimit(io.wanapis.limits.QuotaEnforcer.Admission a) { this.rateLimit = a; }

  private long promptEstimate = -1;

  /**
   * The prompt's tokens for a TPM reservation, computed once per request (see
   * {@link io.wanapis.limits.PromptTokens}: the tokenizer over the body's texts, with a cache of
   * the texts seen before).
   */
  public long promptTokenEstimate(boolean fast) {
    if (promptEstimate < 0) promptEstimate = io.wanapis.limits.PromptTokens.count(body, bodyLength, fast);
    return promptEstimate;
  }

  private String tenant;
  private int weight = 1;

  /**
   * Who the request is scheduled for when a deployment's concurrency limit makes it wait
   * (weighted fair queueing between tenants): the key's team, else the key; the weight comes from
   * the tenant's plan. Set by the pipeline before the exchange starts.
   */
  public void schedule(String tenant, int weight) {
    this.tenant = tenant;
    this.weight = Math.max(1, weight);
  }

  /** The scheduling tenant (null: not set, the request is its own tenant). */
  public String tenant() { return tenant; }

  /** The tenant's scheduling weight, at least 1. */
  public int weight() { return weight; }

  public ChatRequest canonical() {
    if (canonical == null) canonical = protocol.decode(body, bodyLength);
    return canonical;
  }
}
