package dev.venice.spi.plugin;

import java.util.Objects;

/**
 * A readiness vote.
 *
 * @param ready whether this plugin considers the process ready
 * @param reason why not, for the health endpoint; {@code ""} when ready
 */
public record Readiness(boolean ready, String reason) {
  /** The vote "ready". */
  public static final Readiness READY = new Readiness(true, "");

  /** Validates the fields. */
  public Readiness {
    Objects.requireNonNull(reason, "reason");
  }

  /** The vote "not ready", with the reason an operator will see. */
  public static Readiness notReady(String reason) {
    return new Readiness(false, reason);
  }
}
