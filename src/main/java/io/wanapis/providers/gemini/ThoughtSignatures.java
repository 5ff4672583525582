package io.wanapis.providers.gemini;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;

/**
 * Gemini 3 signs its function calls ({@code thoughtSignature}) and wants the signature back with
 * the call in the next turn; OpenAI clients only send back the tool-call id. So the gateway keeps
 * id → signature for a while (bounded, in memory) and re-attaches it. A signature that expired
 * or lives on another instance is simply not sent (Gemini then answers without that context).
 */
final class ThoughtSignatures {
  private static final Cache<String, String> BY_CALL_ID = Caffeine.newBuilder()
      .maximumSize(100_000).expireAfterWrite(Duration.ofHours(6)).build();

  private ThoughtSignatures() {}

  static void remember(String callId, String signature) {
    if (callId != null && signature != null) BY_CALL_ID.put(callId, signature);
  }

  static String forCall(String callId) {
    return callId == null ? null : BY_CALL_ID.getIfPresent(callId);
  }
}
