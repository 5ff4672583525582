package io.wanapis.store;

/** A provider credential as stored: the secret only in sealed form. */
public record StoredCredential(String name, String provider, SecretBox.Sealed sealed, long createdAt, long updatedAt) {}
