package dev.venice.spi.controller;

import java.util.Objects;

/**
 * Who asked for an admin operation.
 *
 * @param principal the authenticated principal, or {@code anonymous}
 * @param address the remote address the request came from, {@code host:port}
 */
public record Caller(String principal, String address) {
  /** Validates the fields. */
  public Caller {
    Objects.requireNonNull(principal, "principal");
    Objects.requireNonNull(address, "address");
  }
}
