package io.wanapis.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** The recorded provider traffic, copied from ../shared/fixtures into the repo so CI has it (override with -Dwanapis.fixtures). */
public final class Fixtures {
  private Fixtures() {}

  public static Path root() {
    Path p = Path.of(System.getProperty("wanapis.fixtures", "fixtures")).toAbsolutePath().normalize();
    if (!Files.isDirectory(p)) {
      throw new IllegalStateException("fixtures not found at " + p + " (set -Dwanapis.fixtures=<dir>)");
    }
    return p;
  }

  public static Path path(String relative) {
    return root().resolve(relative);
  }
}
