package io.wanapis.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.document.Document;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClient;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeClient;
import software.amazon.awssdk.services.bedrockruntime.model.AnyToolChoice;
import software.amazon.awssdk.services.bedrockruntime.model.BedrockRuntimeException;
import software.amazon.awssdk.services.bedrockruntime.model.ContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ConversationRole;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseRequest;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseResponse;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamRequest;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamResponseHandler;
import software.amazon.awssdk.services.bedrockruntime.model.ImageBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ImageFormat;
import software.amazon.awssdk.services.bedrockruntime.model.ImageSource;
import software.amazon.awssdk.services.bedrockruntime.model.InferenceConfiguration;
import software.amazon.awssdk.services.bedrockruntime.model.Message;
import software.amazon.awssdk.services.bedrockruntime.model.ServiceUnavailableException;
import software.amazon.awssdk.services.bedrockruntime.model.StopReason;
import software.amazon.awssdk.services.bedrockruntime.model.SystemContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ThrottlingException;
import software.amazon.awssdk.services.bedrockruntime.model.Tool;
import software.amazon.awssdk.services.bedrockruntime.model.ToolChoice;
import software.amazon.awssdk.services.bedrockruntime.model.ToolConfiguration;
import software.amazon.awssdk.services.bedrockruntime.model.ToolInputSchema;
import software.amazon.awssdk.services.bedrockruntime.model.ToolResultBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ToolResultContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ToolSpecification;
import software.amazon.awssdk.services.bedrockruntime.model.ToolUseBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ValidationException;

/**
 * The AWS SDK for Java v2's Bedrock Runtime clients (sync over Apache, async over Netty for the event stream) must
 * be able to use the simulator as if it were bedrock-runtime.us-east-1.amazonaws.com: they sign with SigV4, whose
 * access key id the simulator checks.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BedrockSdkTest {

  private static final String ACCESS_KEY = "AKIDSIMULATOR0000001";
  private static final String NOVA = "us.amazon.nova-micro-v1:0";
  private static final String CLAUDE = "us.anthropic.claude-sonnet-4-20250514-v1:0";

  private SimulatorHarness harness;
  private BedrockRuntimeClient client;
  private BedrockRuntimeAsyncClient async;

  @BeforeAll
  void start() {
    harness = SimulatorHarness.start(SimulatorOptions.fast().withApiKey(ACCESS_KEY));
    client = BedrockRuntimeClient.builder()
        .endpointOverride(URI.create("http://127.0.0.1:" + harness.port))
        .region(Region.US_EAST_1)
        .credentialsProvider(credentials(ACCESS_KEY))
        .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
        .build();
    async = BedrockRuntimeAsyncClient.builder()
        .endpointOverride(URI.create("http://127.0.0.1:" + harness.port))
        .region(Region.US_EAST_1)
        .credentialsProvider(credentials(ACCESS_KEY))
        .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
        .build();
  }

  @AfterAll
  void stop() {
    client.close();
    async.close();
    harness.close();
  }

  @Test
  void converseTextWithSystemPrompt() {
    ConverseResponse response = client.converse(ConverseRequest.builder()
        .modelId(NOVA)
        .system(SystemContentBlock.fromText("You are a chatbot."))
        .messages(user(ContentBlock.fromText("Hello!")))
        .inferenceConfig(InferenceConfiguration.builder().temperature(0.5f).build())
        .build());

    assertThat(response.stopReason()).isEqualTo(StopReason.END_TURN);
    assertThat(response.output().message().role()).isEqualTo(ConversationRole.ASSISTANT);
    assertThat(response.output().message().content().get(0).text())
        .startsWith("Hello! This is the WanAPIs simulator answering as " + NOVA + ".");
    assertThat(response.usage().inputTokens()).isEqualTo(7);
    assertThat(response.usage().totalTokens()).isEqualTo(7 + response.usage().outputTokens());
    assertThat(response.metrics().latencyMs()).isNotNull();
    assertThat(response.responseMetadata().requestId()).hasSize(36);
    // the SDK encoded the ':' of the model id into the path, and signed the request
    RecordedRequest recorded = lastRecorded();
    assertThat(recorded.uri()).isEqualTo("/model/us.amazon.nova-micro-v1%3A0/converse");
    assertThat(recorded.header("authorization")).startsWith("AWS4-HMAC-SHA256 Credential=" + ACCESS_KEY + "/");
  }

  @Test
  void toolUseThenToolResult() {
    Tool tool = Tool.fromToolSpec(ToolSpecification.builder()
        .name("get_weather").description("Weather in a city")
        .inputSchema(ToolInputSchema.fromJson(Document.mapBuilder()
            .putString("type", "object")
            .putDocument("properties", Document.mapBuilder()
                .putDocument("city", Document.mapBuilder().putString("type", "string").build()).build())
            .putList("required", List.of(Document.fromString("city")))
            .build()))
        .build());
    ToolConfiguration tools = ToolConfiguration.builder().tools(tool)
        .toolChoice(ToolChoice.fromAny(AnyToolChoice.builder().build())).build();
    Message question = user(ContentBlock.fromText("Weather in Paris?"));

    ConverseResponse call = client.converse(ConverseRequest.builder().modelId(NOVA).messages(question)
        .toolConfig(tools).build());

    assertThat(call.stopReason()).isEqualTo(StopReason.TOOL_USE);
    ToolUseBlock use = call.output().message().content().get(0).toolUse();
    assertThat(use.name()).isEqualTo("get_weather");
    assertThat(use.toolUseId()).matches("tooluse_[A-Za-z0-9_-]{22}");
    assertThat(use.input().asMap().get("city").isString()).isTrue();

    ConverseResponse answer = client.converse(ConverseRequest.builder().modelId(NOVA)
        .messages(question, call.output().message(), user(ContentBlock.fromToolResult(ToolResultBlock.builder()
            .toolUseId(use.toolUseId()).content(ToolResultContentBlock.fromText("21°C")).build())))
        .toolConfig(tools.toBuilder().toolChoice((ToolChoice) null).build())
        .build());

    assertThat(answer.stopReason()).isEqualTo(StopReason.END_TURN);
    assertThat(answer.output().message().content().get(0).text()).contains("The tool get_weather returned: 21°C.");
  }

  @Test
  void imagesAndReasoning() {
    ConverseResponse image = client.converse(ConverseRequest.builder().modelId(NOVA)
        .messages(user(ContentBlock.fromText("What is this?"), ContentBlock.fromImage(ImageBlock.builder()
            .format(ImageFormat.PNG).source(ImageSource.fromBytes(SdkBytes.fromByteArray(new byte[] {1, 2, 3}))).build())))
        .build());
    assertThat(image.output().message().content().get(0).text()).contains("I saw 1 image.");

    ConverseResponse reasoning = client.converse(ConverseRequest.builder().modelId(CLAUDE)
        .messages(user(ContentBlock.fromText("Hello")))
        .inferenceConfig(InferenceConfiguration.builder().maxTokens(4096).build())
        .additionalModelRequestFields(Document.mapBuilder().putDocument("thinking", Document.mapBuilder()
            .putString("type", "enabled").putNumber("budget_tokens", 1024).build()).build())
        .build());
    ContentBlock first = reasoning.output().message().content().get(0);
    assertThat(first.reasoningContent().reasoningText().text()).startsWith("The user wrote: \"Hello\".");
    assertThat(first.reasoningContent().reasoningText().signature()).isNotBlank();
    assertThat(reasoning.output().message().content().get(1).text()).startsWith("Hello! This is the WanAPIs simulator");
  }

  @Test
  void errorsBecomeTheSdksModelledExceptions() {
    assertThatThrownBy(() -> client.converse(ConverseRequest.builder().modelId("us.does-not-exist-model-v1:0")
        .messages(user(ContentBlock.fromText("hello"))).build()))
        .isInstanceOfSatisfying(ValidationException.class, e -> {
          assertThat(e.statusCode()).isEqualTo(400);
          assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("The provided model identifier is invalid.");
        });
    assertThatThrownBy(() -> client.converse(ConverseRequest.builder().modelId(NOVA)
        .messages(user(ContentBlock.fromText("hello")))
        .overrideConfiguration(o -> o.putHeader(Simulator.FAULT_HEADER, "status=429")).build()))
        .isInstanceOfSatisfying(ThrottlingException.class, e -> assertThat(e.statusCode()).isEqualTo(429));

    try (BedrockRuntimeClient stranger = BedrockRuntimeClient.builder()
        .endpointOverride(URI.create("http://127.0.0.1:" + harness.port)).region(Region.US_EAST_1)
        .credentialsProvider(credentials("AKIDSOMEBODYELSE0001")).build()) {
      assertThatThrownBy(() -> stranger.converse(ConverseRequest.builder().modelId(NOVA)
          .messages(user(ContentBlock.fromText("hello"))).build()))
          .isInstanceOfSatisfying(BedrockRuntimeException.class, e -> {
            assertThat(e.statusCode()).isEqualTo(403);
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("UnrecognizedClientException");
          });
    }
  }

  @Test
  void converseStreamThroughTheAsyncClient() throws Exception {
    var text = new StringBuilder();
    List<String> events = new ArrayList<>();
    var stop = new StopReason[1];
    var usage = new Integer[1];
    ConverseStreamResponseHandler handler = ConverseStreamResponseHandler.builder()
        .subscriber(ConverseStreamResponseHandler.Visitor.builder()
            .onMessageStart(e -> events.add("messageStart"))
            .onContentBlockDelta(e -> {
              events.add("contentBlockDelta");
              text.append(e.delta().text());
            })
            .onContentBlockStop(e -> events.add("contentBlockStop"))
            .onMessageStop(e -> {
              events.add("messageStop");
              stop[0] = e.stopReason();
            })
            .onMetadata(e -> {
              events.add("metadata");
              usage[0] = e.usage().inputTokens();
            })
            .build())
        .build();

    async.converseStream(ConverseStreamRequest.builder().modelId(NOVA)
        .system(SystemContentBlock.fromText("You are a chatbot."))
        .messages(user(ContentBlock.fromText("Hello!"))).build(), handler).get(20, TimeUnit.SECONDS);

    assertThat(events.get(0)).isEqualTo("messageStart");
    assertThat(events.subList(events.size() - 3, events.size())).containsExactly("contentBlockStop", "messageStop", "metadata");
    assertThat(text.toString()).startsWith("Hello! This is the WanAPIs simulator answering as " + NOVA + ".");
    assertThat(stop[0]).isEqualTo(StopReason.END_TURN);
    assertThat(usage[0]).isEqualTo(7);
  }

  @Test
  void anExceptionFrameFailsTheSdksStream() {
    var deltas = new ArrayList<String>();
    ConverseStreamResponseHandler handler = ConverseStreamResponseHandler.builder()
        .subscriber(ConverseStreamResponseHandler.Visitor.builder()
            .onContentBlockDelta(e -> deltas.add(e.delta().text())).build())
        .build();

    var future = async.converseStream(ConverseStreamRequest.builder().modelId(NOVA)
        .messages(user(ContentBlock.fromText("Tell me a long story about printing presses.")))
        .overrideConfiguration(o -> o.putHeader(Simulator.FAULT_HEADER, "stream_error_after=2"))
        .build(), handler);

    assertThatThrownBy(() -> future.get(20, TimeUnit.SECONDS))
        .hasCauseInstanceOf(ServiceUnavailableException.class)
        .cause().hasMessageContaining("Bedrock is unable to process your request.");
    assertThat(deltas).hasSize(2);
  }

  // ---- helpers

  private static Message user(ContentBlock... content) {
    return Message.builder().role(ConversationRole.USER).content(content).build();
  }

  private static StaticCredentialsProvider credentials(String accessKey) {
    return StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, "not-checked-by-the-simulator"));
  }

  private RecordedRequest lastRecorded() {
    List<RecordedRequest> all = harness.stats().recent();
    return all.get(all.size() - 1);
  }
}
