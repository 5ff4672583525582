package io.wanapis.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wanapis.errors.ApiError;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RequestPeekerTest {
  private static RequestPeek peek(String json) {
    byte[] b = json.getBytes(StandardCharsets.UTF_8);
    return RequestPeeker.peek(b, b.length);
  }

  @Test
  void findsModelStreamAndFieldsWithSpans() {
    String body = "{ \"messages\": [{\"role\":\"user\",\"content\":\"hé\"}], \"model\" : \"gpt-4o\", \"stream\": true, \"x\": {\"model\": \"no\"} }";
    RequestPeek p = peek(body);
    assertThat(p.model()).isEqualTo("gpt-4o");
    assertThat(p.stream()).isTrue();
    assertThat(p.hasMessages()).isTrue();
    assertThat(p.streamUsageRequested()).isFalse();
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    assertThat(new String(b, p.modelStart(), p.modelEnd() - p.modelStart(), StandardCharsets.UTF_8)).isEqualTo("\"gpt-4o\"");
  }

  @Test
  void readsStreamOptions() {
    RequestPeek p = peek("{\"model\":\"m\",\"stream\":true,\"stream_options\":{\"include_usage\":true},\"messages\":[]}");
    assertThat(p.streamUsageRequested()).isTrue();
    assertThat(p.hasStreamOptions()).isTrue();
  }

  @Test
  void spliceReplacesOnlyTheModelAndKeepsUnknownFields() {
    String body = "{\"model\":\"alias\",\"messages\":[],\"vendor_extra\":{\"a\":[1,2]}}";
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    RequestPeek p = RequestPeeker.peek(b, b.length);
    String out = new BodySplicer(b, b.length).replace(p.modelStart(), p.modelEnd(), Json.quotedUtf8("gpt-\"4o\"")).toBuffer().toString();
    assertThat(out).isEqualTo("{\"model\":\"gpt-\\\"4o\\\"\",\"messages\":[],\"vendor_extra\":{\"a\":[1,2]}}");
  }

  @Test
  void malformedJsonNamesTheProblemAndPosition() {
    assertThatThrownBy(() -> peek("{\"model\": \"m\", \"messages\": [}"))
        .isInstanceOf(ApiError.class)
        .hasMessageContaining("line 1")
        .satisfies(e -> assertThat(((ApiError) e).code()).isEqualTo("invalid_json"));
  }

  @Test
  void rejectsNonObjectsTrailingGarbageAndWrongTypes() {
    assertThatThrownBy(() -> peek("[1,2]")).hasMessageContaining("must be a JSON object");
    assertThatThrownBy(() -> peek("")).hasMessageContaining("empty");
    assertThatThrownBy(() -> peek("{\"model\":\"m\"} x")).isInstanceOf(ApiError.class);
    assertThatThrownBy(() -> peek("{\"model\":42}")).satisfies(e -> assertThat(((ApiError) e).param()).isEqualTo("model"));
    assertThatThrownBy(() -> peek("{\"model\":\"m\",\"stream\":\"yes\"}")).satisfies(e -> assertThat(((ApiError) e).param()).isEqualTo("stream"));
  }
}
