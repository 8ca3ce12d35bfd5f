package dev.venice.spi.security;

import dev.venice.spi.Experimental;

/**
 * What an operation needs, from least to most: each level implies the ones before it (an ACL
 * granting {@code WRITE} on a store also allows reading it).
 *
 * @since 1.9.0
 */
@Experimental(since = "1.9.0")
public enum AccessLevel {
  /** Reads of a store's data (get, batch get, streaming, compute) and of its metadata. */
  READ,
  /** Writing a store's data: starting a push, sending its dictionary and progress. */
  WRITE,
  /** Changing what exists: creating, updating and deleting stores, versions and settings. */
  ADMIN;

  /** Whether a grant of this level allows an operation needing {@code needed}. */
  public boolean implies(AccessLevel needed) {
    return compareTo(needed) >= 0;
  }
}
