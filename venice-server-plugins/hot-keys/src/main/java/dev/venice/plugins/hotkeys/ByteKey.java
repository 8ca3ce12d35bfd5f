package dev.venice.plugins.hotkeys;

import java.util.Arrays;

/**
 * A serialized key compared as bytes, never deserialized, with its hash computed once. A probe
 * built for a lookup wraps the request's bytes without copying them; the copy kept in a summary is
 * made by {@link #copy()} when a key enters it. Immutable as long as the wrapped bytes are not
 * changed; thread-safe.
 */
final class ByteKey {
  private final byte[] bytes;
  private final int hash;

  /** Wraps {@code bytes} (not copied: the caller must not change them while the key is used). */
  ByteKey(byte[] bytes) {
    this.bytes = bytes;
    this.hash = Arrays.hashCode(bytes);
  }

  private ByteKey(byte[] bytes, int hash) {
    this.bytes = bytes;
    this.hash = hash;
  }

  /** A key holding its own copy of the bytes, for keeping beyond the request. */
  ByteKey copy() {
    return new ByteKey(bytes.clone(), hash);
  }

  /** The bytes (shared: read-only). */
  byte[] bytes() {
    return bytes;
  }

  @Override
  public int hashCode() {
    return hash;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof ByteKey k && k.hash == hash && Arrays.equals(k.bytes, bytes);
  }
}
