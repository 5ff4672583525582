package io.wanapis.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.databind.JsonMappingException;
import java.io.StringReader;
import java.util.List;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Finds the line of a config path (e.g. {@code providers[0].base_ur}) in the YAML text.
 * Jackson's own locations are unreliable for records, whose properties it buffers before
 * construction; SnakeYAML's node tree keeps every key's exact position.
 */
final class YamlLines {
  private YamlLines() {}

  static JsonLocation locate(String yaml, List<JsonMappingException.Reference> path, JsonLocation fallback) {
    try {
      Node node = new Yaml(new LoaderOptions()).compose(new StringReader(yaml));
      Node found = null;
      for (JsonMappingException.Reference ref : path) {
        if (node == null) break;
        if (ref.getIndex() >= 0 && node instanceof SequenceNode seq) {
          node = ref.getIndex() < seq.getValue().size() ? seq.getValue().get(ref.getIndex()) : null;
          found = node;
        } else if (ref.getFieldName() != null && node instanceof MappingNode map) {
          Node next = null;
          for (NodeTuple t : map.getValue()) {
            if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals(ref.getFieldName())) {
              found = t.getKeyNode();
              next = t.getValueNode();
              break;
            }
          }
          node = next;
        } else {
          break;
        }
      }
      if (found != null) {
        var mark = found.getStartMark();
        return new JsonLocation(null, -1, mark.getLine() + 1, mark.getColumn() + 1);
      }
    } catch (RuntimeException ignored) {
      // the text is broken in a way Jackson reported already; use its location
    }
    return fallback;
  }
}
