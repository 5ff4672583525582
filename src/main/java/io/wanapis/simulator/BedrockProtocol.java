package io.wanapis.simulator;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.wanapis.providers.bedrock.EventStreamDecoder;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * AWS Bedrock Runtime's Converse API: {@code POST /model/{modelId}/converse} (JSON) and
 * {@code POST /model/{modelId}/converse-stream} (binary {@code application/vnd.amazon.eventstream}); the model id
 * is URL-encoded in the path ({@code us.amazon.nova-micro-v1%3A0}). Credentials: a SigV4
 * {@code Authorization: AWS4-HMAC-SHA256 Credential=<access key id>/...} header (the signature is not checked:
 * the simulator does not know the secret) or a Bedrock API key as {@code Bearer}. Errors are {@code {"message"}}
 * with the type in {@code x-amzn-ErrorType}; the request id is {@code x-amzn-RequestId}.
 */
final class BedrockProtocol implements Protocol {

  static final BedrockProtocol INSTANCE = new BedrockProtocol();

  static final Pattern PATH = Pattern.compile("/model/([^/]+)/(converse|converse-stream)/?");
  private static final Pattern SIGV4_CREDENTIAL = Pattern.compile("Credential=([^/,\\s]+)/");

  /** Geographic prefixes of cross-region inference profiles ({@code us.amazon.nova-micro-v1:0}). */
  private static final Pattern GEO = Pattern.compile("^(us|eu|apac|jp|au|ca|us-gov|global)\\.");
  /** Vendors whose models Bedrock serves; a model id is {@code <vendor>.<model>}. */
  private static final java.util.Set<String> VENDORS = java.util.Set.of("amazon", "anthropic", "meta", "mistral",
      "cohere", "ai21", "deepseek", "openai", "qwen", "writer", "twelvelabs", "stability", "moonshot", "minimax",
      "google", "nvidia");

  private BedrockProtocol() {}

  static boolean handles(String path) {
    return path.startsWith("/model/");
  }

  /** The decoded model id and the operation ({@code converse} or {@code converse-stream}), or {@code null}. */
  static String[] parts(String path) {
    Matcher m = PATH.matcher(path);
    if (!m.matches()) {
      return null;
    }
    String raw = m.group(1).replace("+", "%2B");
    return new String[] {URLDecoder.decode(raw, StandardCharsets.UTF_8), m.group(2)};
  }

  /** Whether the model id names a Bedrock model: {@code [geo.]vendor.model} or an ARN. */
  static boolean knownModel(String modelId) {
    if (modelId.startsWith("arn:")) {
      return modelId.startsWith("arn:aws") && modelId.contains(":bedrock:");
    }
    String id = GEO.matcher(modelId).replaceFirst("");
    int dot = id.indexOf('.');
    return dot > 0 && dot < id.length() - 1 && VENDORS.contains(id.substring(0, dot));
  }

  /** Whether the model is one of Anthropic's (they answer extended thinking with a reasoning block). */
  static boolean anthropicModel(String modelId) {
    String id = modelId.startsWith("arn:") ? modelId.substring(modelId.lastIndexOf('/') + 1) : modelId;
    return GEO.matcher(id).replaceFirst("").startsWith("anthropic.");
  }

  @Override
  public String newRequestId() {
    return Ids.uuid();
  }

  /**
   * With {@link SimulatorOptions#apiKey()} set, the request needs {@code Bearer <key>} or a SigV4 header whose
   * access key id is the key; otherwise anything (or nothing) passes.
   */
  @Override
  public void authenticate(HttpServerRequest request, SimulatorOptions options) {
    if (options.apiKey() == null) {
      return;
    }
    String authorization = request.getHeader("authorization");
    if (authorization == null || authorization.isBlank()) {
      throw new ApiException(BedrockError.missingAuthentication());
    }
    String value = authorization.trim();
    String presented = null;
    if (value.regionMatches(true, 0, "Bearer ", 0, 7)) {
      presented = value.substring(7).trim();
    } else if (value.startsWith("AWS4-HMAC-SHA256")) {
      Matcher m = SIGV4_CREDENTIAL.matcher(value);
      presented = m.find() ? m.group(1) : null;
    }
    if (!options.apiKey().equals(presented)) {
      throw new ApiException(BedrockError.unrecognizedClient());
    }
  }

  @Override
  public Endpoint route(HttpServerRequest request) {
    String[] parts = parts(request.path());
    if (parts == null || !request.method().equals(HttpMethod.POST)) {
      throw new ApiException(new BedrockError(404, "UnknownOperationException", "Unknown operation: "
          + request.method().name() + " " + request.path()));
    }
    if (!knownModel(parts[0])) {
      throw new ApiException(BedrockError.invalidModel());
    }
    return new BedrockConverseEndpoint(parts[0], parts[1].equals("converse-stream"));
  }

  @Override
  public String jsonContentType() {
    return "application/json";
  }

  @Override
  public String streamContentType() {
    return "application/vnd.amazon.eventstream";
  }

  @Override
  public String streamEnd() {
    return "";
  }

  @Override
  public void headers(HttpServerResponse response, String requestId, long processingMs, long tokensRequested) {
    response
        .putHeader("x-amzn-RequestId", requestId)
        .putHeader("date", DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC)));
  }

  /** AWS sends no {@code retry-after} of its own; a fault's {@code retry_after=} still adds one. */
  @Override
  public void rateLimited(HttpServerResponse response, long retryAfterSeconds) {}

  @Override
  public WireError faultError(FaultPlan fault, HttpServerRequest request, String body) {
    String[] parts = parts(request.path());
    return BedrockError.forFault(fault, parts == null ? "us.amazon.nova-micro-v1:0" : parts[0]);
  }

  @Override
  public WireError badFaultHeader(String message) {
    return BedrockError.validation(message);
  }

  @Override
  public WireError bug(RuntimeException e) {
    return new BedrockError(500, "InternalServerException", "The WanAPIs simulator failed while answering: " + e);
  }

  @Override
  public SseEvent streamError(String requestId) {
    return streamError(requestId, FaultPlan.NONE);
  }

  /**
   * An exception frame ({@code :message-type: exception}); its {@code :exception-type} is one of the stream's
   * exception members: {@code serviceUnavailableException} by default, or the one {@code code=} names
   * ({@code throttlingException}, {@code modelStreamErrorException}, {@code internalServerException},
   * {@code validationException}; a capitalised type name works too).
   */
  @Override
  public SseEvent streamError(String requestId, FaultPlan fault) {
    String type = fault.code() == null ? "serviceUnavailableException" : lowerFirst(fault.code());
    String message = fault.message() != null ? fault.message() : switch (type) {
      case "throttlingException" -> "Too many requests, please wait before trying again.";
      case "modelStreamErrorException" -> "The model returned an error while streaming. Try your request again.";
      case "internalServerException" -> "The server encountered an internal error. Try your request again.";
      case "validationException" -> "The input fails to satisfy the constraints specified by Amazon Bedrock.";
      default -> BedrockError.serviceUnavailable().message();
    };
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put(":exception-type", type);
    headers.put(":content-type", "application/json");
    headers.put(":message-type", "exception");
    byte[] payload = Json.write(Json.object().put("message", message)).getBytes(StandardCharsets.UTF_8);
    return SseEvent.binary(EventStreamDecoder.encode(headers, payload), 0);
  }

  /** An event frame: {@code :event-type}, {@code :content-type: application/json}, {@code :message-type: event}. */
  static Buffer eventFrame(String eventType, String json) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put(":event-type", eventType);
    headers.put(":content-type", "application/json");
    headers.put(":message-type", "event");
    return EventStreamDecoder.encode(headers, json.getBytes(StandardCharsets.UTF_8));
  }

  static String lowerFirst(String s) {
    return s.isEmpty() ? s : s.substring(0, 1).toLowerCase(Locale.ROOT) + s.substring(1);
  }
}
