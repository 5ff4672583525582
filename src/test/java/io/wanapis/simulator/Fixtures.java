package io.wanapis.simulator;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The shared recordings of real provider traffic. Their folder comes from the system property
 * {@code wanapis.fixtures}, by default {@code fixtures/} in the repository (a copy of ../shared/fixtures); a missing folder
 * fails the test, because silently skipping would hide that nothing was compared.
 */
final class Fixtures {

  static final String PROPERTY = "wanapis.fixtures";

  private Fixtures() {}

  static Path root() {
    Path dir = Path.of(System.getProperty(PROPERTY, "fixtures")).toAbsolutePath().normalize();
    if (!Files.isDirectory(dir.resolve("openai"))) {
      fail("Recorded fixtures not found at " + dir + " (expected an openai/ folder there). Point -D" + PROPERTY
          + "=<dir> at the shared fixtures folder, e.g. /work/shared/fixtures.");
    }
    return dir;
  }

  static Path openai(String relative) {
    Path file = root().resolve("openai").resolve(relative);
    if (!Files.exists(file)) {
      fail("Fixture missing: " + file);
    }
    return file;
  }

  /** A fixture of any provider, e.g. {@code provider("anthropic", "recorded/x.response.json")}. */
  static Path provider(String provider, String relative) {
    Path file = root().resolve(provider).resolve(relative);
    if (!Files.exists(file)) {
      fail("Fixture missing: " + file);
    }
    return file;
  }

  static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
