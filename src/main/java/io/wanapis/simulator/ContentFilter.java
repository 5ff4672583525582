package io.wanapis.simulator;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Azure's content-filter annotations, all categories passing (the shapes of the Azure fixtures). */
final class ContentFilter {

  private ContentFilter() {}

  /** {@code {hate, self_harm, sexual, violence}}, each {@code {filtered: false, severity: safe}}. */
  static ObjectNode results() {
    ObjectNode results = Json.object();
    for (String category : new String[] {"hate", "self_harm", "sexual", "violence"}) {
      results.putObject(category).put("filtered", false).put("severity", "safe");
    }
    return results;
  }

  /** {@code prompt_filter_results: [{prompt_index: 0, content_filter_results}]}. */
  static ArrayNode promptResults() {
    ArrayNode array = Json.array();
    ObjectNode first = array.addObject();
    first.put("prompt_index", 0);
    first.set("content_filter_results", results());
    return array;
  }
}
