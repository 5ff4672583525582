package io.wanapis.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Reads the YAML config into {@link GatewayConfig}: expands environment variables, refuses
 * unknown keys, and reports every problem as {@code file:line:column: what and how to fix}.
 */
public final class ConfigLoader {
  private final Function<String, String> env;

  public ConfigLoader(Function<String, String> env) {
    this.env = env;
  }

  public static ConfigLoader withSystemEnv() {
    return new ConfigLoader(EnvExpandingStringDeserializer.systemEnv());
  }

  public GatewayConfig load(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new ConfigException(file + ": config file not found");
    } catch (IOException e) {
      throw new ConfigException(file + ": cannot read config file: " + e.getMessage());
    }
    return parse(text, file.toString());
  }

  public GatewayConfig parse(String yaml, String fileName) {
    try {
      GatewayConfig cfg = mapper().readValue(yaml, GatewayConfig.class);
      if (cfg == null) cfg = new GatewayConfig(null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null);
      return cfg;
    } catch (UnrecognizedPropertyException e) {
      String known = e.getKnownPropertyIds() == null ? "" : e.getKnownPropertyIds().stream()
          .map(Object::toString).sorted(Comparator.naturalOrder()).collect(Collectors.joining(", "));
      throw new ConfigException(where(fileName, YamlLines.locate(yaml, e.getPath(), e.getLocation())) + "unknown key '" + e.getPropertyName() + "' in "
          + path(e, 1) + " (known keys: " + known + ")");
    } catch (JsonMappingException e) {
      throw new ConfigException(where(fileName, YamlLines.locate(yaml, e.getPath(), e.getLocation())) + e.getOriginalMessage() + " (at " + path(e, 0) + ")");
    } catch (IOException e) {
      throw new ConfigException(fileName + ": not valid YAML: " + e.getMessage());
    }
  }

  private ObjectMapper mapper() {
    ObjectMapper m = new ObjectMapper(new YAMLFactory());
    m.setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
    m.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    m.enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
    m.registerModule(new SimpleModule("env").addDeserializer(String.class, new EnvExpandingStringDeserializer(env)));
    return m;
  }

  private static String where(String file, JsonLocation loc) {
    if (loc == null || loc.getLineNr() < 0) return file + ": ";
    return file + ":" + loc.getLineNr() + ":" + loc.getColumnNr() + ": ";
  }

  /** The config path of the error, e.g. {@code providers[0].base_url}. */
  private static String path(JsonMappingException e, int dropLast) {
    StringBuilder sb = new StringBuilder();
    var refs = e.getPath();
    for (JsonMappingException.Reference ref : refs.subList(0, Math.max(0, refs.size() - dropLast))) {
      if (ref.getIndex() >= 0) sb.append('[').append(ref.getIndex()).append(']');
      else if (ref.getFieldName() != null) {
        if (sb.length() > 0) sb.append('.');
        sb.append(ref.getFieldName());
      }
    }
    return sb.length() == 0 ? "the top level" : sb.toString();
  }
}
