package dev.venice.spi.controller;

import java.util.Map;
import java.util.Objects;

/**
 * How an admin operation ended.
 *
 * @param success whether it was carried out
 * @param error the error or veto message when it was not, otherwise {@code null}
 * @param after the target's state afterwards (JSON-shaped; empty when it no longer exists)
 */
public record AdminOutcome(boolean success, String error, Map<String, Object> after) {
  /** Validates the fields. */
  public AdminOutcome {
    Objects.requireNonNull(after, "after");
    if (!success && error == null) {
      throw new IllegalArgumentException("a failed outcome needs an error message");
    }
  }
}
