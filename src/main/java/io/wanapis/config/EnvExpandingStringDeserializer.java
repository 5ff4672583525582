package io.wanapis.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import java.io.IOException;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Expands {@code ${VAR}} and {@code ${VAR:-default}} in every string value of the config while
 * it is parsed, so a missing variable is reported with the line it is on. Only values are
 * expanded (never keys or comments). {@code $${...}} writes a literal {@code ${...}}.
 */
final class EnvExpandingStringDeserializer extends StdScalarDeserializer<String> {
  private static final Pattern REF = Pattern.compile("\\$\\$\\{|\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");

  private final transient Function<String, String> env;

  EnvExpandingStringDeserializer(Function<String, String> env) {
    super(String.class);
    this.env = env;
  }

  @Override
  public String deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
    if (!p.hasToken(JsonToken.VALUE_STRING) && !p.currentToken().isScalarValue()) {
      return (String) ctxt.handleUnexpectedToken(String.class, p);
    }
    String raw = p.getText();
    if (raw.indexOf('$') < 0) return raw;
    Matcher m = REF.matcher(raw);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String replacement;
      if (m.group().equals("$${")) {
        replacement = "${";
      } else {
        String value = env.apply(m.group(1));
        if (value == null || value.isEmpty()) value = m.group(2);
        if (value == null) {
          throw JsonMappingException.from(p, "environment variable " + m.group(1) + " is not set (write ${"
              + m.group(1) + ":-default} to give a default)");
        }
        replacement = value;
      }
      m.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    m.appendTail(out);
    return out.toString();
  }

  static Function<String, String> systemEnv() {
    Map<String, String> e = System.getenv();
    return e::get;
  }
}
