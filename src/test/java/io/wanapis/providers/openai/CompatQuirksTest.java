package io.wanapis.providers.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.wanapis.config.ProviderType;
import io.wanapis.json.Json;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

class CompatQuirksTest {
  @Test
  void mistralGetsNineCharacterIdsThatStayLinked() throws Exception {
    String body = """
        {"model":"mistral-large","messages":[{"role":"user","content":"x"},
         {"role":"assistant","content":null,"tool_calls":[{"id":"call_ZR5UUuTt3pf61kjwAJIYdVMj","type":"function","function":{"name":"f","arguments":"{}"}}]},
         {"role":"tool","tool_call_id":"call_ZR5UUuTt3pf61kjwAJIYdVMj","content":"ok"},
         {"role":"assistant","content":null,"tool_calls":[{"id":"abcDEF123","type":"function","function":{"name":"f","arguments":"{}"}}]}]}""";
    JsonNode out = Json.MAPPER.readTree(CompatQuirks.apply(ProviderType.MISTRAL, Buffer.buffer(body)).getBytes());
    String id = out.at("/messages/1/tool_calls/0/id").asText();
    assertThat(id).matches("[A-Za-z0-9]{9}");
    assertThat(out.at("/messages/2/tool_call_id").asText()).isEqualTo(id);
    assertThat(out.at("/messages/3/tool_calls/0/id").asText()).isEqualTo("abcDEF123"); // already valid: kept
  }

  @Test
  void deepSeekHistoryLosesReasoningContentAndOthersAreUntouched() throws Exception {
    String body = """
        {"model":"deepseek-reasoner","messages":[{"role":"assistant","content":"4","reasoning_content":"2+2"},{"role":"user","content":"and 3+3?"}]}""";
    JsonNode out = Json.MAPPER.readTree(CompatQuirks.apply(ProviderType.DEEPSEEK, Buffer.buffer(body)).getBytes());
    assertThat(out.at("/messages/0").has("reasoning_content")).isFalse();
    assertThat(out.at("/messages/0/content").asText()).isEqualTo("4");
    assertThat(CompatQuirks.apply(ProviderType.OPENAI, Buffer.buffer(body))).isNull();
    assertThat(CompatQuirks.apply(ProviderType.DEEPSEEK, Buffer.buffer("{\"model\":\"m\",\"messages\":[]}"))).isNull();
  }
}
