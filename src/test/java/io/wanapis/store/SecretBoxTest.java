package io.wanapis.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretBoxTest {
  static byte[] key(int fill) {
    byte[] k = new byte[32];
    java.util.Arrays.fill(k, (byte) fill);
    return k;
  }

  @Test
  void sealsAndOpensAndRefusesTamperingOrAnotherRow() {
    SecretBox box = new SecretBox(key(1), List.of());
    SecretBox.Sealed s = box.seal("sk-upstream-secret", "row-a");
    assertThat(s.ciphertext()).doesNotContain("upstream");
    assertThat(box.open(s, "row-a")).isEqualTo("sk-upstream-secret");
    assertThat(box.seal("sk-upstream-secret", "row-a").nonce()).isNotEqualTo(s.nonce());
    assertThatThrownBy(() -> box.open(s, "row-b")).hasMessageContaining("does not decrypt");
    byte[] ct = Base64.getDecoder().decode(s.ciphertext());
    ct[0] ^= 1;
    SecretBox.Sealed flipped = new SecretBox.Sealed(s.keyId(), s.nonce(), Base64.getEncoder().encodeToString(ct));
    assertThatThrownBy(() -> box.open(flipped, "row-a")).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void rotatedKeysStillOpenOldValues() {
    SecretBox old = new SecretBox(key(1), List.of());
    SecretBox.Sealed s = old.seal("v", "n");
    SecretBox rotated = new SecretBox(key(2), List.of(key(1)));
    assertThat(rotated.currentKeyId()).isNotEqualTo(old.currentKeyId());
    assertThat(rotated.open(s, "n")).isEqualTo("v");
    assertThat(rotated.seal("v", "n").keyId()).isEqualTo(rotated.currentKeyId());
    assertThatThrownBy(() -> new SecretBox(key(2), List.of()).open(s, "n")).hasMessageContaining("WANAPIS_ENCRYPTION_KEYS_PREVIOUS");
  }

  @Test
  void keyFromEnvironmentOrAGeneratedOwnerOnlyFile(@TempDir Path dir) throws Exception {
    String b64 = Base64.getEncoder().encodeToString(key(7));
    assertThat(SecretBox.fromEnvironment(Map.of("WANAPIS_ENCRYPTION_KEY", b64)::get, dir).currentKeyId())
        .isEqualTo(new SecretBox(key(7), List.of()).currentKeyId());
    SecretBox generated = SecretBox.fromEnvironment(Map.<String, String>of()::get, dir);
    Path file = dir.resolve("encryption.key");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    assertThat(SecretBox.fromEnvironment(Map.<String, String>of()::get, dir).currentKeyId()).isEqualTo(generated.currentKeyId());
    assertThatThrownBy(() -> SecretBox.fromEnvironment(Map.of("WANAPIS_ENCRYPTION_KEY", "short")::get, dir))
        .hasMessageContaining("openssl rand -base64 32");
  }
}
