package io.wanapis.json;

import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Rewrites a JSON body by replacing byte spans, leaving every other byte (unknown fields,
 * whitespace, key order) exactly as the client sent it. Edits must not overlap.
 */
public final class BodySplicer {
  private record Edit(int start, int end, byte[] replacement) {}

  private final byte[] source;
  private final int length;
  private final List<Edit> edits = new ArrayList<>(2);

  public BodySplicer(byte[] source, int length) {
    this.source = source;
    this.length = length;
  }

  public BodySplicer replace(int start, int end, byte[] replacement) {
    edits.add(new Edit(start, end, replacement));
    return this;
  }

  public BodySplicer insert(int at, byte[] text) {
    return replace(at, at, text);
  }

  public boolean isUnchanged() {
    return edits.isEmpty();
  }

  public Buffer toBuffer() {
    edits.sort(Comparator.comparingInt(Edit::start));
    int size = length;
    for (Edit e : edits) size += e.replacement.length - (e.end - e.start);
    Buffer out = Buffer.buffer(size);
    int pos = 0;
    for (Edit e : edits) {
      if (e.start < pos) throw new IllegalStateException("overlapping edits");
      out.appendBytes(source, pos, e.start - pos);
      out.appendBytes(e.replacement);
      pos = e.end;
    }
    out.appendBytes(source, pos, length - pos);
    return out;
  }
}
