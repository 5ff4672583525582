package io.wanapis.catalog;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The model catalog: the built-in entries ({@code models.json}, with the date its prices were
 * taken), laid over by the config's {@code catalog:} entries, laid over by entries set through the
 * admin API. Reads are lock-free (one immutable map swapped on change), so pricing a request on
 * the event loop costs a map lookup.
 *
 * <p>Lookup by the upstream model name is forgiving in the ways real names differ from catalog
 * ids: a {@code provider/} prefix, a date suffix ({@code -2024-08-06}, {@code -20250929}) or a
 * {@code -latest} suffix are tried away.
 */
public final class Catalog {
  static final ObjectMapper MAPPER = new ObjectMapper()
      .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
      .setSerializationInclusion(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL);
  private static final Pattern DATE_SUFFIX = Pattern.compile("-(\\d{4}-\\d{2}-\\d{2}|\\d{8})$");

  private final Map<String, ModelInfo> builtIn;
  private final String pricesAsOf;
  private volatile Map<String, ModelInfo> configured = Map.of();
  private volatile Map<String, ModelInfo> admin = Map.of();
  private volatile Map<String, ModelInfo> effective;

  private Catalog(Map<String, ModelInfo> builtIn, String pricesAsOf) {
    this.builtIn = builtIn;
    this.pricesAsOf = pricesAsOf;
    rebuild();
  }

  public static Catalog builtIn() {
    try (InputStream in = Catalog.class.getResourceAsStream("/io/wanapis/catalog/models.json")) {
      if (in == null) throw new IllegalStateException("catalog models.json missing from the jar");
      JsonNode root = MAPPER.readTree(in);
      Map<String, ModelInfo> m = new LinkedHashMap<>();
      for (JsonNode n : root.path("models")) {
        ModelInfo info = MAPPER.treeToValue(n, ModelInfo.class);
        m.put(info.id(), info);
      }
      return new Catalog(Map.copyOf(m), root.path("prices_as_of").asText(null));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The built-in catalog with the config's entries (partial entries overlay a built-in one of the same id). */
  public static Catalog withConfig(List<ModelInfo> fromConfig) {
    Catalog c = builtIn();
    Map<String, ModelInfo> m = new LinkedHashMap<>();
    for (ModelInfo i : fromConfig) m.put(i.id(), i);
    c.configured = Map.copyOf(m);
    c.rebuild();
    return c;
  }

  public String pricesAsOf() { return pricesAsOf; }

  /** An entry as JSON with the catalog file's snake_case names (store column, admin API). */
  public static String toJson(ModelInfo m) {
    try {
      return MAPPER.writeValueAsString(m);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static ModelInfo fromJson(String json) {
    try {
      return MAPPER.readValue(json, ModelInfo.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static JsonNode toTree(ModelInfo m) {
    return MAPPER.valueToTree(m);
  }

  public static ModelInfo fromTree(JsonNode n) {
    try {
      return MAPPER.treeToValue(n, ModelInfo.class);
    } catch (IOException e) {
      throw new IllegalArgumentException("not a catalog entry: " + e.getMessage(), e);
    }
  }

  /** Replaces the entries set through the admin API (loaded from the store at start, and on change). */
  public void setAdminEntries(Collection<ModelInfo> entries) {
    Map<String, ModelInfo> m = new LinkedHashMap<>();
    for (ModelInfo i : entries) m.put(i.id(), i);
    admin = Map.copyOf(m);
    rebuild();
  }

  public Map<String, ModelInfo> adminEntries() { return admin; }

  /** Where an entry comes from: admin, config or built-in (for GET /admin/catalog). */
  public String source(String id) {
    if (admin.containsKey(id)) return "admin";
    if (configured.containsKey(id)) return "config";
    return builtIn.containsKey(id) ? "built-in" : null;
  }

  private synchronized void rebuild() {
    Map<String, ModelInfo> m = new LinkedHashMap<>(builtIn);
    for (Map<String, ModelInfo> layer : List.of(configured, admin)) {
      for (ModelInfo o : layer.values()) {
        ModelInfo base = m.get(o.id());
        m.put(o.id(), base == null ? o : base.overlay(o));
      }
    }
    effective = Map.copyOf(m);
  }

  public List<ModelInfo> all() {
    List<ModelInfo> l = new ArrayList<>(effective.values());
    l.sort(java.util.Comparator.comparing(ModelInfo::provider, java.util.Comparator.nullsLast(String::compareTo)).thenComparing(ModelInfo::id));
    return l;
  }

  public ModelInfo get(String id) {
    return effective.get(id);
  }

  /** The entry for an upstream model name, or null. */
  public ModelInfo find(String model) {
    if (model == null) return null;
    Map<String, ModelInfo> m = effective;
    ModelInfo i = m.get(model);
    if (i != null) return i;
    String name = model;
    int slash = name.indexOf('/');
    if (slash > 0 && slash < name.length() - 1) {
      i = m.get(name.substring(slash + 1));
      if (i != null) return i;
      name = name.substring(slash + 1);
    }
    String undated = DATE_SUFFIX.matcher(name).replaceFirst("");
    if (!undated.equals(name) && (i = m.get(undated)) != null) return i;
    if (name.endsWith("-latest") && (i = m.get(name.substring(0, name.length() - 7))) != null) return i;
    return m.get(name + "-latest");
  }
}
