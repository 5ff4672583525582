package io.wanapis.simulator;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Faults to inject into one request, parsed from the {@code x-sim-fault} header or
 * {@link SimulatorOptions#defaultFault()}.
 *
 * <p>Syntax: comma-separated directives, each {@code key=value} or a bare flag, e.g.
 * {@code status=429,retry_after=2} or {@code latency_ms=300,cut_after=5}. Values are
 * URL-decoded, so a message with a comma is written {@code message=a%2C+b}.
 *
 * <ul>
 *   <li>{@code status=<code>} answer with that HTTP status and an OpenAI error body; refine it with
 *       {@code retry_after=<seconds>} (429 defaults to 1), {@code code=<error code>},
 *       {@code message=<text>}
 *   <li>{@code latency_ms=N} wait N ms before sending the response headers
 *   <li>{@code reset} close the connection without any response
 *   <li>{@code hang} never answer
 *   <li>{@code cut_after=N} (streams) close the connection after N data chunks, without {@code [DONE]}
 *   <li>{@code ttft_ms=N}, {@code tps=N} override the streaming pace for this request
 *   <li>{@code stream_error_after=N} (streams) after N content deltas, send the protocol's in-stream error
 *       event (Anthropic: {@code event: error} with {@code overloaded_error}; Bedrock: an exception frame,
 *       {@code serviceUnavailableException} or the one {@code code=} names) and end the stream there
 * </ul>
 *
 * The error bodies follow the protocol of the request (OpenAI, Azure, Anthropic, Gemini, Bedrock).
 *
 * Absent numeric values are {@code -1} ({@code tps}: {@code NaN}).
 */
public record FaultPlan(
    int status,
    long retryAfterSeconds,
    String code,
    String message,
    long latencyMs,
    boolean reset,
    boolean hang,
    int cutAfter,
    long ttftMs,
    double tokensPerSecond,
    int streamErrorAfter) {

  public static final FaultPlan NONE = new FaultPlan(-1, -1, null, null, -1, false, false, -1, -1, Double.NaN, -1);

  /** A plan without {@code stream_error_after}. */
  public FaultPlan(int status, long retryAfterSeconds, String code, String message, long latencyMs, boolean reset,
      boolean hang, int cutAfter, long ttftMs, double tokensPerSecond) {
    this(status, retryAfterSeconds, code, message, latencyMs, reset, hang, cutAfter, ttftMs, tokensPerSecond, -1);
  }

  /** Parses directives; {@code null} or blank gives {@link #NONE}. */
  public static FaultPlan parse(String spec) {
    if (spec == null || spec.isBlank()) {
      return NONE;
    }
    var b = new Builder();
    for (String raw : spec.split(",")) {
      String directive = raw.trim();
      if (directive.isEmpty()) {
        continue;
      }
      int eq = directive.indexOf('=');
      String key = (eq < 0 ? directive : directive.substring(0, eq)).trim().toLowerCase(Locale.ROOT);
      String value = eq < 0 ? null : URLDecoder.decode(directive.substring(eq + 1).trim(), StandardCharsets.UTF_8);
      b.apply(key, value);
    }
    return b.build();
  }

  public boolean hasStatus() {
    return status > 0;
  }

  /** Seconds for the {@code retry-after} header of a 429: as given, else 1. */
  public long retryAfterOrDefault() {
    return retryAfterSeconds >= 0 ? retryAfterSeconds : 1;
  }

  public long effectiveTtftMs(SimulatorOptions options) {
    return ttftMs >= 0 ? ttftMs : options.ttftMs();
  }

  public double effectiveTokensPerSecond(SimulatorOptions options) {
    return Double.isNaN(tokensPerSecond) ? options.tokensPerSecond() : tokensPerSecond;
  }

  private static final class Builder {
    int status = -1;
    long retryAfter = -1;
    String code;
    String message;
    long latencyMs = -1;
    boolean reset;
    boolean hang;
    int cutAfter = -1;
    long ttftMs = -1;
    double tps = Double.NaN;
    int streamErrorAfter = -1;

    void apply(String key, String value) {
      switch (key) {
        case "status" -> {
          status = (int) number(key, value);
          if (status < 100 || status > 599) {
            throw new IllegalArgumentException("fault status must be an HTTP status, was " + value);
          }
        }
        case "retry_after" -> retryAfter = number(key, value);
        case "code" -> code = required(key, value);
        case "message" -> message = required(key, value);
        case "latency_ms" -> latencyMs = number(key, value);
        case "reset" -> reset = flag(key, value);
        case "hang" -> hang = flag(key, value);
        case "cut_after" -> cutAfter = (int) number(key, value);
        case "ttft_ms" -> ttftMs = number(key, value);
        case "stream_error_after" -> streamErrorAfter = (int) number(key, value);
        case "tps" -> {
          try {
            tps = Double.parseDouble(required(key, value));
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("fault directive tps needs a number, was " + value);
          }
        }
        default -> throw new IllegalArgumentException("unknown fault directive '" + key + "'");
      }
    }

    FaultPlan build() {
      return new FaultPlan(status, retryAfter, code, message, latencyMs, reset, hang, cutAfter, ttftMs, tps,
          streamErrorAfter);
    }

    private static String required(String key, String value) {
      if (value == null || value.isEmpty()) {
        throw new IllegalArgumentException("fault directive " + key + " needs a value");
      }
      return value;
    }

    private static long number(String key, String value) {
      try {
        long n = Long.parseLong(required(key, value));
        if (n < 0) {
          throw new IllegalArgumentException("fault directive " + key + " must be >= 0, was " + value);
        }
        return n;
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("fault directive " + key + " needs a whole number, was " + value);
      }
    }

    private static boolean flag(String key, String value) {
      if (value == null || value.equalsIgnoreCase("true") || value.equals("1")) {
        return true;
      }
      if (value.equalsIgnoreCase("false") || value.equals("0")) {
        return false;
      }
      throw new IllegalArgumentException("fault flag " + key + " takes no value (or true/false), was " + value);
    }
  }
}
