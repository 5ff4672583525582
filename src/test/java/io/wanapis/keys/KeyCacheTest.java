package io.wanapis.keys;

import static org.assertj.core.api.Assertions.assertThat;

import io.wanapis.store.KeySecretRow;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KeyCacheTest {
  static VirtualKey key(long updatedAt, KeyStatus status) {
    return new VirtualKey("key_1", "k", "sk-wan-abcd…", KeyRole.APP, null, null, null, List.of("*"), Set.of("chat"), status,
        null, 0, updatedAt, null, Map.of(), Limits.NONE);
  }

  @Test
  void aStaleVersionNeverReplacesANewerOne() {
    KeyCache c = new KeyCache();
    c.put(key(10, KeyStatus.REVOKED), List.of(new KeySecretRow("h1", "key_1", 0, null)));
    c.put(key(5, KeyStatus.ACTIVE), List.of(new KeySecretRow("h1", "key_1", 0, null))); // a slow reload arriving late
    assertThat(c.lookup("h1", 100).status()).isEqualTo(KeyCache.Status.REVOKED);
  }

  @Test
  void replacedSecretsAreForgottenAndRotatedOnesExpire() {
    KeyCache c = new KeyCache();
    c.put(key(1, KeyStatus.ACTIVE), List.of(new KeySecretRow("old", "key_1", 0, null)));
    c.put(key(2, KeyStatus.ACTIVE), List.of(new KeySecretRow("old", "key_1", 0, 1000L), new KeySecretRow("new", "key_1", 2, null)));
    assertThat(c.lookup("old", 999).status()).isEqualTo(KeyCache.Status.OK);
    assertThat(c.lookup("old", 1000).status()).isEqualTo(KeyCache.Status.ROTATED_OUT);
    assertThat(c.lookup("new", 5000).status()).isEqualTo(KeyCache.Status.OK);
    c.put(key(3, KeyStatus.ACTIVE), List.of(new KeySecretRow("new", "key_1", 2, null)));
    assertThat(c.lookup("old", 0).status()).isEqualTo(KeyCache.Status.UNKNOWN);
  }
}
