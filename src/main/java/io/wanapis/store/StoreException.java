package io.wanapis.store;

/** A store operation that did not happen. Whatever it was, its transaction was rolled back. */
public final class StoreException extends RuntimeException {
  public enum Kind {
    /** The database cannot be reached or failed: try again later (503). */
    UNAVAILABLE,
    /** A unique name or id is taken (409). */
    CONFLICT,
    /** A referenced row does not exist (400). */
    INVALID_REFERENCE,
    /** The row to change does not exist (404). */
    NOT_FOUND
  }

  private final Kind kind;

  public StoreException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public Kind kind() { return kind; }
}
