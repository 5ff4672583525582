package io.wanapis.config;

/** A configuration problem, with a message that names the file, the line and the fix. */
public final class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message);
  }
}
