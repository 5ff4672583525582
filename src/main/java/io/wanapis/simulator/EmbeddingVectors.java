package io.wanapis.simulator;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.SplittableRandom;

/**
 * Deterministic unit vectors: the text's SHA-256 seeds a random generator, so the same text always gives
 * the same vector and different texts give unrelated ones. A shorter {@code dimensions} keeps the first
 * components and renormalises, as OpenAI's shortened text-embedding-3 vectors do.
 */
final class EmbeddingVectors {

  private EmbeddingVectors() {}

  static float[] of(String text, int dimensions) {
    var random = new SplittableRandom(seed(text));
    double[] raw = new double[dimensions];
    double sumSquares = 0;
    for (int i = 0; i < dimensions; i++) {
      raw[i] = gaussian(random);
      sumSquares += raw[i] * raw[i];
    }
    double norm = Math.sqrt(sumSquares);
    float[] vector = new float[dimensions];
    for (int i = 0; i < dimensions; i++) {
      vector[i] = (float) (raw[i] / norm);
    }
    return vector;
  }

  /** The {@code encoding_format: base64} form: the float32 values, little-endian, base64-encoded. */
  static String base64(float[] vector) {
    ByteBuffer bytes = ByteBuffer.allocate(vector.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : vector) {
      bytes.putFloat(v);
    }
    return Base64.getEncoder().encodeToString(bytes.array());
  }

  /** Box-Muller: normal components make the direction uniform on the sphere. */
  private static double gaussian(SplittableRandom random) {
    double u1 = 1.0 - random.nextDouble(); // (0, 1], so the log is finite
    double u2 = random.nextDouble();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  private static long seed(String text) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return ByteBuffer.wrap(hash).getLong();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
