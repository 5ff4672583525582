package io.wanapis.routing;

import io.wanapis.canonical.ChatRequest;
import io.wanapis.canonical.Message;
import io.wanapis.canonical.Part;
import io.wanapis.canonical.ResponseFormat;
import io.wanapis.config.GatewayConfig.AutoConfig;
import io.wanapis.config.GatewayConfig.SplitConfig;
import io.wanapis.errors.ApiError;
import io.wanapis.providers.InboundCall;
import io.wanapis.usage.TokenCounter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Turns a virtual model into a concrete one before the request is sent: an A/B {@code split}
 * (sticky per end user or key) or {@code auto} (the cheapest model that can serve the request).
 */
public final class Router {
  /** The concrete route, and what was chosen (the split's variant or auto's pick) for usage analysis. */
  public record Resolution(ModelRoute route, String variant, String reason) {}

  private final ModelRegistry registry;

  public Router(ModelRegistry registry) {
    this.registry = registry;
  }

  public ModelRegistry registry() {
    return registry;
  }

  public Resolution resolve(ModelRoute requested, InboundCall call, String keyId) {
    ModelRoute r = requested;
    String variant = null;
    String reason = null;
    for (int depth = 0; depth < 4 && r.isVirtual(); depth++) {
      if (!r.routing().split().isEmpty()) {
        String pick = split(r.routing().split(), stickyValue(r.routing().sticky(), call, keyId));
        variant = pick;
        reason = "split";
        r = registry.resolve(pick);
      } else if (r.routing().auto() != null) {
        Resolution a = auto(r, call);
        variant = a.variant();
        reason = a.reason();
        r = a.route();
      } else {
        break;
      }
      if (r == null) throw ApiError.internal("resolving model '" + requested.name() + "'");
    }
    return new Resolution(r, variant, reason);
  }

  // ------------------------------------------------------------------ A/B split

  private static String stickyValue(String sticky, InboundCall call, String keyId) {
    return switch (sticky) {
      case "key" -> keyId;
      case "none" -> null;
      default -> call.peek().user() != null ? call.peek().user() : keyId;
    };
  }

  /** Deterministic for a sticky value (same user → same variant), uniform across values. */
  static String split(List<SplitConfig> split, String stickyValue) {
    int total = 0;
    for (SplitConfig s : split) total += s.weight() == null ? 1 : s.weight();
    long h = stickyValue == null ? ThreadLocalRandom.current().nextLong() : mix(stickyValue);
    long slot = Math.floorMod(h, (long) Math.max(total, 1));
    for (SplitConfig s : split) {
      slot -= s.weight() == null ? 1 : s.weight();
      if (slot < 0) return s.model();
    }
    return split.get(0).model();
  }

  /** 64-bit FNV-1a then a murmur finaliser: cheap, and well spread even for similar user ids. */
  static long mix(String s) {
    long h = 0xcbf29ce484222325L;
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xff;
      h *= 0x100000001b3L;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }

  // ------------------------------------------------------------------ auto

  /** What a request needs from a model, read from its canonical form. */
  record Needs(boolean tools, boolean vision, boolean jsonSchema, boolean reasoning, int promptTokens, int maxTokens) {
    String describe() {
      List<String> n = new ArrayList<>();
      if (tools) n.add("tools");
      if (vision) n.add("vision");
      if (jsonSchema) n.add("json_schema");
      if (reasoning) n.add("reasoning");
      n.add("~" + promptTokens + " prompt tokens");
      return String.join(", ", n);
    }
  }

  static Needs needs(ChatRequest r) {
    boolean vision = false;
    StringBuilder text = new StringBuilder();
    if (r.systemText() != null) text.append(r.systemText());
    for (Message m : r.messages()) {
      for (Part p : m.content()) {
        if (p instanceof Part.Image) vision = true;
        else if (p instanceof Part.Text t) text.append(t.text()).append('\n');
        else if (p instanceof Part.ToolResult tr) tr.content().forEach(x -> { if (x instanceof Part.Text t) text.append(t.text()); });
        else if (p instanceof Part.ToolCall c) text.append(c.arguments());
      }
    }
    boolean json = r.responseFormat() != null && r.responseFormat().kind() == ResponseFormat.Kind.JSON_SCHEMA;
    return new Needs(r.tools() != null && !r.tools().isEmpty(), vision, json, r.reasoning() != null,
        TokenCounter.count(text.toString()), r.maxTokens() == null ? 0 : r.maxTokens());
  }

  /**
   * The rule (docs/routing.md): a request is "large" when it asks for reasoning or its prompt is
   * over {@code large_prompt_tokens} (default 4000); large requests choose among {@code large},
   * others among {@code small}; without tiers, among {@code candidates}. Among the models that
   * have the needed capabilities and a big enough context window, the cheapest wins (input +
   * output price per million tokens; ties keep the configured order).
   */
  private Resolution auto(ModelRoute auto, InboundCall call) {
    AutoConfig cfg = auto.routing().auto();
    Needs needs = needs(call.canonical());
    int threshold = cfg.largePromptTokens() != null ? cfg.largePromptTokens() : 4000;
    boolean large = needs.reasoning() || needs.promptTokens() > threshold;
    List<String> pool = new ArrayList<>();
    String tier;
    if (large && cfg.large() != null && !cfg.large().isEmpty()) {
      pool.addAll(cfg.large());
      tier = "large";
    } else if (!large && cfg.small() != null && !cfg.small().isEmpty()) {
      pool.addAll(cfg.small());
      tier = "small";
    } else {
      tier = "any";
    }
    if (cfg.candidates() != null) pool.addAll(cfg.candidates());
    ModelRoute best = null;
    double bestCost = Double.POSITIVE_INFINITY;
    for (String name : pool) {
      ModelRoute m = registry.resolve(name);
      if (m == null || m.isVirtual() || !fits(m, needs)) continue;
      double cost = cost(m);
      if (best == null || cost < bestCost) {
        best = m;
        bestCost = cost;
      }
    }
    if (best == null) {
      throw new ApiError(400, "invalid_request_error", "no_model_fits",
          "No model behind '" + auto.name() + "' can serve this request (it needs: " + needs.describe() + ").", "model");
    }
    return new Resolution(best, best.name(), "auto:" + tier);
  }

  /** Declared capabilities (none declared = no restriction) and context window (unknown = no limit). */
  static boolean fits(ModelRoute m, Needs n) {
    List<String> caps = m.routing().capabilities();
    if (!caps.isEmpty()) {
      if (n.tools() && !caps.contains("tools")) return false;
      if (n.vision() && !caps.contains("vision")) return false;
      if (n.jsonSchema() && !caps.contains("json_schema")) return false;
      if (n.reasoning() && !caps.contains("reasoning")) return false;
    }
    Integer window = m.routing().contextWindow();
    return window == null || n.promptTokens() + n.maxTokens() <= window;
  }

  static double cost(ModelRoute m) {
    var r = m.routing();
    if (r.inputCostPerMtok() != null || r.outputCostPerMtok() != null) {
      return (r.inputCostPerMtok() == null ? 0 : r.inputCostPerMtok()) + (r.outputCostPerMtok() == null ? 0 : r.outputCostPerMtok());
    }
    double best = Double.POSITIVE_INFINITY;
    for (Target t : m.targets()) best = Math.min(best, t.unitCost());
    return best;
  }
}
