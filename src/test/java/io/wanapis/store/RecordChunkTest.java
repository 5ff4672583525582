package io.wanapis.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wanapis.usage.RequestRecord;
import io.wanapis.usage.Usage;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The ledger's chunk encoding gives back every field of every record (seeded random records). */
class RecordChunkTest {
  private static final String[] WORDS = {"gpt-4o-mini", "claude-sonnet-4-5", "", "é漢字🙂", "key_a", "team x", "a\nb\"c\\d"};

  static String pick(Random r) {
    int i = r.nextInt(WORDS.length + 2);
    return i >= WORDS.length ? (i == WORDS.length ? null : "w" + r.nextInt(1000)) : WORDS[i];
  }

  static long tokens(Random r) {
    return r.nextInt(5) == 0 ? -1 : r.nextInt(4) == 0 ? (long) r.nextInt(Integer.MAX_VALUE) * 1000 : r.nextInt(5000);
  }

  static RequestRecord random(Random r, int i) {
    List<String> tags = new ArrayList<>();
    for (int t = r.nextInt(4); t > 0; t--) tags.add("tag:" + r.nextInt(5));
    Usage u = new Usage(tokens(r), tokens(r), tokens(r), tokens(r), tokens(r), r.nextBoolean());
    return new RequestRecord(1_764_000_000_000L + r.nextInt(1_000_000), String.format("req_%024x", i), pick(r), pick(r), pick(r),
        pick(r), pick(r), 100 + r.nextInt(500), pick(r), r.nextBoolean(), u, r.nextDouble() * 1e4, r.nextBoolean() ? -1 : r.nextDouble() * 100,
        1 + r.nextInt(3), pick(r), pick(r), pick(r), r.nextBoolean(), pick(r), pick(r), tags, r.nextBoolean() ? 0 : r.nextDouble() / 7,
        r.nextBoolean());
  }

  @Test
  void everyFieldSurvivesEncodingForRandomBatches() {
    Random r = new Random(42);
    for (int round = 0; round < 200; round++) {
      List<RequestRecord> batch = new ArrayList<>();
      for (int i = r.nextInt(600) + 1; i > 0; i--) batch.add(random(r, round * 1000 + i));
      byte[] data = RecordChunk.encode(batch);
      assertThat(RecordChunk.decode(data)).as("round %d", round).containsExactlyElementsOf(batch);
    }
  }

  @Test
  void runsOfEqualStringsAndStringsThatComeBackAreReferencedRight() {
    // the encoder reuses the previous record's reference when a field repeats (equal, not only the
    // same instance) and looks the table up when it changes: runs, alternation, nulls in between
    String[] keys = {"key_a", "key_a", "key_b", "key_a", null, "key_a", "key_c", "key_c", "key_b", null, null, "key_b"};
    List<RequestRecord> batch = new ArrayList<>();
    for (int i = 0; i < keys.length; i++) {
      String key = keys[i] == null ? null : new String(keys[i]); // a new instance each time, as parsed requests give
      String model = i % 3 == 0 ? "gpt-4o" : new String("gpt-4o-mini");
      batch.add(new RequestRecord(1_764_000_000_000L + i, String.format("req_%024x", i), key, "chat", model, "openai", model, 200,
          null, false, new Usage(1, 2, 0, 0, -1, false), 1.0, -1, 1, null, model, null, false, key, null, List.of(model), 0.5, false));
    }
    List<RequestRecord> back = RecordChunk.decode(RecordChunk.encode(batch));
    assertThat(back).containsExactlyElementsOf(batch);
    assertThat(back).extracting(RequestRecord::keyId).containsExactly(keys);
  }

  @Test
  void theCostSummaryAddsUpEachKeyTeamAndProjectAcrossRunsAndReturns() throws Exception {
    String[][] who = {{"key_a", "team_1", null}, {"key_a", "team_1", null}, {"key_b", "team_1", "proj_x"}, {"key_a", null, null},
        {"key_b", "team_2", "proj_x"}, {"key_a", "team_1", null}};
    double[] usd = {0.25, 0.5, 1.0, 2.0, 4.0, 0}; // the last costs nothing and is left out
    List<RequestRecord> batch = new ArrayList<>();
    for (int i = 0; i < who.length; i++) {
      batch.add(new RequestRecord(1_764_000_000_000L + i, String.format("req_%024x", i), new String(who[i][0]), "chat", "gpt-4o-mini",
          "openai", "gpt-4o-mini", 200, null, false, new Usage(1, 2, 0, 0, -1, false), 1.0, -1, 1, null, "gpt-4o-mini", null, false,
          who[i][1], who[i][2], List.of(), usd[i], false));
    }
    var costs = io.wanapis.json.Json.MAPPER.readTree(JdbcUsageChunks.costs(batch));
    assertThat(costs.get("key").get("key_a").asDouble()).isEqualTo(2.75);
    assertThat(costs.get("key").get("key_b").asDouble()).isEqualTo(5.0);
    assertThat(costs.get("team").get("team_1").asDouble()).isEqualTo(1.75);
    assertThat(costs.get("team").get("team_2").asDouble()).isEqualTo(4.0);
    assertThat(costs.get("project").get("proj_x").asDouble()).isEqualTo(5.0);
    assertThat(costs.get("project").size()).isEqualTo(1);
  }

  @Test
  void aTypicalRecordTakesFarLessThanARow() {
    Random r = new Random(1);
    List<RequestRecord> batch = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      batch.add(new RequestRecord(1_764_000_000_000L + i, String.format("req_%024x", i), "key_abc123", "chat", "gpt-4o-mini", "openai",
          "gpt-4o-mini", 200, null, false, new Usage(25 + r.nextInt(100), 9 + r.nextInt(300), 0, 0, -1, false), r.nextDouble() * 900,
          -1, 1, null, "gpt-4o-mini", null, false, "team_1", null, List.of(), r.nextDouble() / 1000, false));
    }
    // timestamp 8, id 29, references 12, status and flags 3, tokens ~6, three doubles 24: under 90 bytes a record
    // (a row of usage_records takes over 250 bytes before its five indexes)
    assertThat(RecordChunk.encode(batch).length).isLessThan(90 * 500);
  }

  @Test
  void theIdNamesTheBatchSoARetryIsRecognised() {
    Random r = new Random(3);
    List<RequestRecord> batch = List.of(random(r, 1), random(r, 2), random(r, 3));
    assertThat(RecordChunk.id(batch)).isEqualTo(batch.get(0).requestId() + "/3/" + batch.get(2).requestId());
    assertThat(RecordChunk.id(List.copyOf(batch))).isEqualTo(RecordChunk.id(batch));
    assertThat(RecordChunk.id(batch.subList(0, 2))).isNotEqualTo(RecordChunk.id(batch));
  }

  @Test
  void aChunkOfAnotherVersionIsRefusedByName() {
    byte[] data = RecordChunk.encode(List.of(random(new Random(5), 1)));
    data[0] = 9;
    assertThatThrownBy(() -> RecordChunk.decode(data)).hasMessageContaining("version 9");
  }
}
