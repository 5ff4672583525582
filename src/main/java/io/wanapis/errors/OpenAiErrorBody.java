package io.wanapis.errors;

import com.fasterxml.jackson.core.JsonGenerator;
import io.wanapis.json.Json;
import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Renders an {@link ApiError} in OpenAI's envelope: {@code {"error":{message,type,param,code}}}. */
public final class OpenAiErrorBody {
  private OpenAiErrorBody() {}

  public static Buffer render(ApiError e, String requestId) {
    return Buffer.buffer(bytes(e, requestId));
  }

  public static byte[] bytes(ApiError e, String requestId) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator g = Json.FACTORY.createGenerator(out)) {
      g.writeStartObject();
      g.writeObjectFieldStart("error");
      g.writeStringField("message", e.getMessage());
      g.writeStringField("type", e.type());
      g.writeStringField("param", e.param());
      g.writeStringField("code", e.code());
      // Not in OpenAI's schema, ignored by its SDKs, and the one thing support needs.
      if (requestId != null) g.writeStringField("request_id", requestId);
      g.writeEndObject();
      g.writeEndObject();
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
    return out.toByteArray();
  }
}
