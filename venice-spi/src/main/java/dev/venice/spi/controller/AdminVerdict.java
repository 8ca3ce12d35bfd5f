package dev.venice.spi.controller;

import java.util.Objects;

/**
 * A before-hook's decision: let the operation proceed (optionally with a warning for the caller),
 * or veto it with a reason for the caller.
 */
public final class AdminVerdict {
  /** Let the operation proceed. */
  public static final AdminVerdict PROCEED = new AdminVerdict(null, null);

  private final String vetoReason;
  private final String warning;

  private AdminVerdict(String vetoReason, String warning) {
    this.vetoReason = vetoReason;
    this.warning = warning;
  }

  /** Refuse the operation; the caller receives {@code reason}, prefixed with the plugin id. */
  public static AdminVerdict veto(String reason) {
    return new AdminVerdict(Objects.requireNonNull(reason, "reason"), null);
  }

  /**
   * Let the operation proceed, and tell the caller something it should know (for example that
   * deleting a store leaves the stores that read it without their input). The controller logs it
   * and adds it, prefixed with the plugin id, to the answer's {@code warnings} list, a dry run's
   * too, so a tool can ask for confirmation before the real call. Not a veto: the operation runs.
   */
  @dev.venice.spi.Experimental(since = "1.6.0")
  public static AdminVerdict proceedWithWarning(String warning) {
    return new AdminVerdict(null, Objects.requireNonNull(warning, "warning"));
  }

  /** Whether the operation is vetoed. */
  public boolean vetoed() {
    return vetoReason != null;
  }

  /** The veto reason, {@code null} when proceeding. */
  public String reason() {
    return vetoReason;
  }

  /** The warning of a verdict that proceeds with one, else {@code null}. */
  @dev.venice.spi.Experimental(since = "1.6.0")
  public String warning() {
    return warning;
  }
}
