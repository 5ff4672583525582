package io.wanapis.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.azure.AzureOpenAIServiceVersion;
import com.openai.azure.AzureUrlPathMode;
import com.openai.azure.credential.AzureApiKeyCredential;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.RateLimitException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Azure OpenAI's URL shape, auth, api-version rule, content-filter annotations and error bodies. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AzureTest {

  private static final String CHAT = "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
  private static final String PATH = "/openai/deployments/my-gpt4o/chat/completions?api-version=2024-10-21";

  private SimulatorHarness harness;

  @BeforeAll
  void start() {
    harness = SimulatorHarness.start(SimulatorOptions.fast().withApiKey("azure-key"));
  }

  @AfterAll
  void stop() {
    harness.close();
  }

  @BeforeEach
  void reset() {
    harness.stats().reset();
  }

  @Test
  void deploymentIsTheModelAndTheAnswerCarriesContentFilterResults() {
    HttpResponse<String> response = harness.post(PATH, CHAT, "api-key", "azure-key", "authorization", "");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("apim-request-id")).hasValueSatisfying(
        id -> assertThat(id).matches("[0-9a-f-]{36}"));
    JsonNode body = Sse.json(response.body());
    assertThat(body.path("model").asText()).isEqualTo("my-gpt4o");
    assertThat(body.at("/choices/0/content_filter_results/hate/severity").asText()).isEqualTo("safe");
    assertThat(body.at("/prompt_filter_results/0/prompt_index").asInt()).isZero();
    JsonNode fixture = Sse.json(Fixtures.read(Fixtures.provider("azure", "stream-first-chunk-prompt-filter-results.json")));
    assertThat(JsonShape.missingFrom(body.at("/prompt_filter_results"), fixture.get("prompt_filter_results"))).isEmpty();
  }

  @Test
  void streamStartsWithThePromptFilterChunkLikeTheRecordedOne() {
    HttpResponse<String> response = harness.post(PATH,
        "{\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hello there\"}]}", "api-key", "azure-key");

    List<JsonNode> chunks = Sse.chunks(response.body());
    JsonNode first = chunks.get(0);
    JsonNode recorded = Sse.json(Fixtures.read(Fixtures.provider("azure", "stream-first-chunk-prompt-filter-results.json")));
    assertThat(JsonShape.missingFrom(first, recorded)).isEmpty();
    assertThat(first.path("id").asText()).isEmpty();
    assertThat(first.path("choices")).isEmpty();
    assertThat(chunks.get(1).at("/choices/0/delta/role").asText()).isEqualTo("assistant");
    assertThat(chunks.get(1).at("/choices/0/content_filter_results").isObject()).isTrue();
    assertThat(chunks.get(2).at("/choices/0/content_filter_results/violence/filtered").asBoolean(true)).isFalse();
    assertThat(chunks).allSatisfy(c -> assertThat(c.has("obfuscation")).isFalse());
    assertThat(response.body()).endsWith("data: [DONE]\n\n");
  }

  @Test
  void apiVersionAndKeyAreRequiredWithAzuresAnswers() {
    HttpResponse<String> noVersion = harness.post("/openai/deployments/my-gpt4o/chat/completions", CHAT,
        "api-key", "azure-key");
    // Azure answers a missing api-version with 404 "Resource not found" (not 400)
    assertThat(noVersion.statusCode()).isEqualTo(404);
    assertThat(Sse.json(noVersion.body()).at("/error/message").asText()).isEqualTo("Resource not found");
    assertThat(Sse.json(noVersion.body()).at("/error/code").asText()).isEqualTo("404");

    HttpResponse<String> wrongKey = harness.post(PATH, CHAT, "api-key", "nope", "authorization", "");
    assertThat(wrongKey.statusCode()).isEqualTo(401);
    assertThat(Sse.json(wrongKey.body()).at("/error/message").asText()).startsWith("Access denied due to invalid subscription key");

    assertThat(harness.post(PATH, CHAT, "authorization", "Bearer azure-key").statusCode()).isEqualTo(200);
  }

  @Test
  void embeddingsCompletionsAndTheV1Surface() {
    HttpResponse<String> embeddings = harness.post("/openai/deployments/emb/embeddings?api-version=2024-10-21",
        "{\"input\":\"hello\"}", "api-key", "azure-key");
    assertThat(Sse.json(embeddings.body()).path("model").asText()).isEqualTo("emb");
    assertThat(Sse.json(embeddings.body()).at("/data/0/embedding").size()).isEqualTo(1536);

    HttpResponse<String> completions = harness.post("/openai/deployments/instruct/completions?api-version=2024-10-21",
        "{\"prompt\":\"Once\"}", "api-key", "azure-key");
    assertThat(Sse.json(completions.body()).path("object").asText()).isEqualTo("text_completion");

    HttpResponse<String> v1 = harness.post("/openai/v1/chat/completions",
        "{\"model\":\"gpt-4.1\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "api-key", "azure-key");
    assertThat(v1.statusCode()).isEqualTo(200);
    assertThat(Sse.json(v1.body()).path("model").asText()).isEqualTo("gpt-4.1");
    assertThat(Sse.json(v1.body()).has("prompt_filter_results")).isTrue();
  }

  @Test
  void faultsUseAzuresErrorBodies() {
    HttpResponse<String> limited = harness.post(PATH, CHAT, "api-key", "azure-key", Simulator.FAULT_HEADER,
        "status=429,retry_after=4");
    assertThat(limited.statusCode()).isEqualTo(429);
    assertThat(limited.headers().firstValue("retry-after")).hasValue("4");
    assertThat(limited.headers().firstValue("retry-after-ms")).hasValue("4000");
    assertThat(Sse.json(limited.body()).at("/error/message").asText())
        .contains("API version 2024-10-21 have exceeded token rate limit").contains("retry after 4 seconds");

    HttpResponse<String> filtered = harness.post(PATH, CHAT, "api-key", "azure-key", Simulator.FAULT_HEADER,
        "status=400,code=content_filter");
    JsonNode recorded = Sse.json(Fixtures.read(Fixtures.provider("azure", "errors/error-400-content-filter-innererror.json")));
    assertThat(JsonShape.missingFrom(Sse.json(filtered.body()), recorded)).isEmpty();
    assertThat(JsonShape.missingFrom(recorded, Sse.json(filtered.body()))).isEmpty();

    HttpResponse<String> missing = harness.post(PATH, CHAT, "api-key", "azure-key", Simulator.FAULT_HEADER, "status=404");
    assertThat(Sse.json(missing.body()).at("/error/code").asText()).isEqualTo("DeploymentNotFound");
  }

  @Test
  void cutAfterAndCancellationWorkOnAzureStreams() throws IOException {
    String stream = "{\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"a long story about ships\"}]}";
    try (RawHttp raw = RawHttp.post(harness.port, PATH, stream, "api-key", "azure-key", Simulator.FAULT_HEADER, "cut_after=2")) {
      String received = raw.readToEnd(5000);
      assertThat(received).contains("prompt_filter_results").doesNotContain("[DONE]");
      assertThat(received.split("data: ", -1).length - 1).isEqualTo(2);
    }
    try (RawHttp raw = RawHttp.post(harness.port, PATH, stream, "api-key", "azure-key", Simulator.FAULT_HEADER, "tps=20")) {
      raw.readUntil("\"content\":\"", 5000);
    }
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).until(() -> harness.stats().cancelled() == 1);
  }

  @Test
  void theOpenAiSdkInAzureModeUsesTheDeploymentPath() {
    OpenAIClient azure = OpenAIOkHttpClient.builder()
        .baseUrl("http://127.0.0.1:" + harness.port) // the SDK adds /openai/deployments/{model}
        .credential(AzureApiKeyCredential.create("azure-key"))
        .azureServiceVersion(AzureOpenAIServiceVersion.fromString("2024-10-21"))
        .azureUrlPathMode(AzureUrlPathMode.LEGACY)
        .maxRetries(0).build();
    try {
      ChatCompletion completion;
      try {
        completion = azure.chat().completions().create(ChatCompletionCreateParams.builder()
            .model("my-gpt4o").addUserMessage("hi").build());
      } catch (RuntimeException e) {
        throw new AssertionError("sent: " + harness.stats().recent(), e);
      }
      assertThat(completion.model()).isEqualTo("my-gpt4o");
      assertThat(completion.choices().get(0).message().content()).hasValueSatisfying(t -> assertThat(t).startsWith("Hello!"));
      RecordedRequest sent = harness.stats().recent().get(0);
      assertThat(sent.uri()).isEqualTo(PATH);
      assertThat(sent.header("api-key")).isEqualTo("azure-key");

      OpenAIClient limited = azure.withOptions(o -> o.putHeader(Simulator.FAULT_HEADER, "status=429"));
      assertThatThrownBy(() -> limited.chat().completions().create(ChatCompletionCreateParams.builder()
          .model("my-gpt4o").addUserMessage("hi").build())).isInstanceOf(RateLimitException.class);
    } finally {
      azure.close();
    }
  }
}
