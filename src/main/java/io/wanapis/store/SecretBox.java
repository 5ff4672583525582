package io.wanapis.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM for provider credentials at rest. Every ciphertext records the id of the key that
 * made it, so the key can be rotated: set a new {@code WANAPIS_ENCRYPTION_KEY}, list the old one in
 * {@code WANAPIS_ENCRYPTION_KEYS_PREVIOUS}, and old rows still decrypt (and are re-encrypted with
 * the new key when next written). The row's name is the associated data, so a ciphertext copied
 * to another row does not decrypt.
 */
public final class SecretBox {
  /** One encrypted value. */
  public record Sealed(String keyId, String nonce, String ciphertext) {}

  private static final SecureRandom RANDOM = new SecureRandom();
  private final String currentId;
  private final Map<String, byte[]> keys;

  public SecretBox(byte[] current, java.util.List<byte[]> previous) {
    if (current.length != 32) throw new IllegalArgumentException("the encryption key must be 32 bytes (base64 of 32 random bytes)");
    keys = new LinkedHashMap<>();
    currentId = idOf(current);
    keys.put(currentId, current.clone());
    for (byte[] p : previous) keys.putIfAbsent(idOf(p), p.clone());
  }

  /**
   * The key from {@code WANAPIS_ENCRYPTION_KEY} (base64), else the file named by
   * {@code WANAPIS_ENCRYPTION_KEY_FILE}, else {@code <data_dir>/encryption.key}, generated on first
   * start with owner-only permissions.
   */
  public static SecretBox fromEnvironment(Function<String, String> env, Path dataDir) throws IOException {
    java.util.List<byte[]> previous = new java.util.ArrayList<>();
    String prev = env.apply("WANAPIS_ENCRYPTION_KEYS_PREVIOUS");
    if (prev != null) for (String p : prev.split(",")) if (!p.isBlank()) previous.add(decodeKey(p.trim(), "WANAPIS_ENCRYPTION_KEYS_PREVIOUS"));
    String inline = env.apply("WANAPIS_ENCRYPTION_KEY");
    if (inline != null && !inline.isBlank()) return new SecretBox(decodeKey(inline.trim(), "WANAPIS_ENCRYPTION_KEY"), previous);
    String fileVar = env.apply("WANAPIS_ENCRYPTION_KEY_FILE");
    Path file = fileVar != null && !fileVar.isBlank() ? Path.of(fileVar) : dataDir.resolve("encryption.key");
    if (!Files.exists(file)) {
      if (fileVar != null && !fileVar.isBlank()) throw new IOException("WANAPIS_ENCRYPTION_KEY_FILE " + file + " does not exist");
      generate(file);
    }
    return new SecretBox(decodeKey(Files.readString(file, StandardCharsets.UTF_8).trim(), file.toString()), previous);
  }

  private static void generate(Path file) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    byte[] k = new byte[32];
    RANDOM.nextBytes(k);
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, Base64.getEncoder().encodeToString(k) + "\n", StandardCharsets.UTF_8);
    try {
      Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException ignored) {
      // not a POSIX file system: the directory's ACLs apply
    }
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
  }

  private static byte[] decodeKey(String b64, String where) {
    try {
      byte[] k = Base64.getDecoder().decode(b64);
      if (k.length != 32) throw new IllegalArgumentException();
      return k;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + ": not a base64 encoded 32-byte key (make one with: openssl rand -base64 32)");
    }
  }

  public String currentKeyId() { return currentId; }

  public Sealed seal(String plaintext, String associatedData) {
    byte[] nonce = new byte[12];
    RANDOM.nextBytes(nonce);
    try {
      Cipher c = cipher(Cipher.ENCRYPT_MODE, keys.get(currentId), nonce, associatedData);
      byte[] ct = c.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
      Base64.Encoder b64 = Base64.getEncoder();
      return new Sealed(currentId, b64.encodeToString(nonce), b64.encodeToString(ct));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM encryption failed", e);
    }
  }

  public String open(Sealed s, String associatedData) {
    byte[] key = keys.get(s.keyId());
    if (key == null) {
      throw new IllegalStateException("value encrypted with key " + s.keyId() + ", which is not configured (current: " + currentId
          + "; add the old key to WANAPIS_ENCRYPTION_KEYS_PREVIOUS)");
    }
    try {
      Base64.Decoder b64 = Base64.getDecoder();
      Cipher c = cipher(Cipher.DECRYPT_MODE, key, b64.decode(s.nonce()), associatedData);
      return new String(c.doFinal(b64.decode(s.ciphertext())), StandardCharsets.UTF_8);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("stored credential does not decrypt (changed or moved in the database)");
    }
  }

  private static Cipher cipher(int mode, byte[] key, byte[] nonce, String aad) throws GeneralSecurityException {
    Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
    c.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
    c.updateAAD(aad.getBytes(StandardCharsets.UTF_8));
    return c;
  }

  /** Public fingerprint of a key: enough to tell keys apart, nothing about the key itself. */
  static String idOf(byte[] key) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(key);
      return "k" + HexFormat.of().formatHex(d, 0, 6);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
