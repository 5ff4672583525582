package io.wanapis.usage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.wanapis.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class AccessLogTest {
  static RequestRecord record(int i) {
    return new RequestRecord(1_764_000_000_000L + i, "req_" + i, "key_" + i, "chat", "gpt-4o-mini", "sim", "gpt-4o-mini",
        200, null, i % 2 == 0, new Usage(10 + i, 5, 0, 0, false), 12.5, i % 2 == 0 ? 3.25 : -1, 1, null, "gpt-4o-mini", null, false);
  }

  @Test
  void oneJsonObjectPerLineWrittenInBatches() throws Exception {
    Path file = Files.createTempDirectory("alog").resolve("access.log");
    AccessLog log = AccessLog.open(file.toString());
    for (int i = 0; i < 500; i++) log.onRequest(record(i));
    log.close();
    List<String> lines = Files.readAllLines(file);
    assertThat(lines).hasSize(500);
    for (int i = 0; i < 500; i++) {
      JsonNode n = Json.MAPPER.readTree(lines.get(i));
      assertThat(lines.get(i)).startsWith("{\"ts\":");
      assertThat(n.path("id").asText()).isEqualTo("req_" + i);
      assertThat(n.path("tokens_in").asLong()).isEqualTo(10 + i);
      assertThat(n.has("ttft_ms")).isEqualTo(i % 2 == 0);
    }
  }
}
