package dev.venice.spi.controller;

import java.util.Objects;

/** A before-hook's decision: let the operation proceed, or veto it with a reason for the caller. */
public final class AdminVerdict {
  /** Let the operation proceed. */
  public static final AdminVerdict PROCEED = new AdminVerdict(null);

  private final String vetoReason;

  private AdminVerdict(String vetoReason) {
    this.vetoReason = vetoReason;
  }

  /** Refuse the operation; the caller receives {@code reason}, prefixed with the plugin id. */
  public static AdminVerdict veto(String reason) {
    return new AdminVerdict(Objects.requireNonNull(reason, "reason"));
  }

  /** Whether the operation is vetoed. */
  public boolean vetoed() {
    return vetoReason != null;
  }

  /** The veto reason, {@code null} when proceeding. */
  public String reason() {
    return vetoReason;
  }
}
