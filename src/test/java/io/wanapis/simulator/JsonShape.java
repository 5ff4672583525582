package io.wanapis.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The structure of a JSON document: every key path (array elements as {@code []}) with the JSON types
 * seen there. Used to check that the simulator's bodies have every field a real recording has.
 */
final class JsonShape {

  private JsonShape() {}

  static Map<String, Set<String>> of(JsonNode node) {
    Map<String, Set<String>> paths = new TreeMap<>();
    collect(node, "$", paths);
    return paths;
  }

  /**
   * Problems found when checking that {@code actual} has every path of {@code expected} with the same
   * type; where the recording has {@code null} any value is accepted.
   */
  static List<String> missingFrom(JsonNode actual, JsonNode expected) {
    Map<String, Set<String>> want = of(expected);
    Map<String, Set<String>> got = of(actual);
    List<String> problems = new ArrayList<>();
    want.forEach((path, types) -> {
      Set<String> actualTypes = got.get(path);
      if (actualTypes == null) {
        problems.add("missing " + path + " (" + types + ")");
        return;
      }
      if (types.contains("null")) {
        return;
      }
      if (!types.containsAll(actualTypes)) {
        problems.add(path + " is " + actualTypes + " but the recording has " + types);
      }
    });
    return problems;
  }

  private static void collect(JsonNode node, String path, Map<String, Set<String>> paths) {
    paths.computeIfAbsent(path, p -> new TreeSet<>()).add(type(node));
    if (node.isObject()) {
      node.properties().forEach(f -> collect(f.getValue(), path + "." + f.getKey(), paths));
    } else if (node.isArray()) {
      node.forEach(item -> collect(item, path + "[]", paths));
    }
  }

  static String type(JsonNode node) {
    if (node.isObject()) {
      return "object";
    }
    if (node.isArray()) {
      return "array";
    }
    if (node.isTextual()) {
      return "string";
    }
    if (node.isIntegralNumber()) {
      return "integer";
    }
    if (node.isNumber()) {
      return "number";
    }
    if (node.isBoolean()) {
      return "boolean";
    }
    return "null";
  }
}
