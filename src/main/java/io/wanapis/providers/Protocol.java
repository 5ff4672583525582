package io.wanapis.providers;

import io.wanapis.canonical.ChatRequest;
import io.wanapis.canonical.Nodes;
import io.wanapis.errors.AnthropicErrorBody;
import io.wanapis.errors.ApiError;
import io.wanapis.errors.OpenAiErrorBody;
import io.wanapis.providers.anthropic.AnthropicCodec;
import io.wanapis.providers.openai.OpenAiCodec;
import io.vertx.core.buffer.Buffer;

/** A wire protocol a client can speak to the gateway, with how its errors look. */
public enum Protocol {
  OPENAI {
    @Override public byte[] errorBody(ApiError e, String requestId) { return OpenAiErrorBody.bytes(e, requestId); }

    @Override public Buffer streamError(ApiError e, String requestId) {
      return Buffer.buffer("data: ").appendBytes(OpenAiErrorBody.bytes(e, requestId)).appendString("\n\n");
    }

    @Override public ChatRequest decode(byte[] body, int len) { return OpenAiCodec.decodeRequest(Nodes.parse(body, 0, len)); }
  },
  ANTHROPIC {
    @Override public byte[] errorBody(ApiError e, String requestId) { return AnthropicErrorBody.bytes(e, requestId); }

    @Override public Buffer streamError(ApiError e, String requestId) {
      return Buffer.buffer("event: error\ndata: ").appendBytes(AnthropicErrorBody.bytes(e, requestId)).appendString("\n\n");
    }

    @Override public ChatRequest decode(byte[] body, int len) { return AnthropicCodec.decodeRequest(Nodes.parse(body, 0, len)); }
  };

  public abstract byte[] errorBody(ApiError e, String requestId);

  /** The in-band error event that ends a stream whose headers are already sent. */
  public abstract Buffer streamError(ApiError e, String requestId);

  /** The request body in canonical form (only for cross-protocol calls). */
  public abstract ChatRequest decode(byte[] body, int len);
}
