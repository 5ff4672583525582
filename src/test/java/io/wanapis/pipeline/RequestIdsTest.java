package io.wanapis.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RequestIdsTest {
  @Test
  void idsAreReqPlus24HexAndCarryTheirMillisecondFirst() {
    String id = RequestIds.of(0x0123456789abL, -1L);
    assertThat(id).isEqualTo("req_0123456789abffffffffffff");
    assertThat(RequestIds.next()).matches("req_[0-9a-f]{24}");
    long now = System.currentTimeMillis();
    long inId = Long.parseLong(RequestIds.next().substring(4, 16), 16);
    assertThat(inId).isBetween(now - 1_000, now + 1_000);
  }

  @Test
  void laterIdsSortAfterEarlierOnes() {
    // the ledger's primary key: new rows must land at the end of the index, not at random
    String earlier = RequestIds.of(1_764_000_000_000L, 0xffffffffffffL);
    String later = RequestIds.of(1_764_000_000_001L, 0L);
    assertThat(later).isGreaterThan(earlier);
  }

  @Test
  void aMillionIdsAreDistinct() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 1_000_000; i++) assertThat(seen.add(RequestIds.next())).isTrue();
  }
}
