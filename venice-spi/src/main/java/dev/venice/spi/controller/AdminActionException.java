package dev.venice.spi.controller;

import dev.venice.spi.Experimental;
import java.util.Objects;

/**
 * An {@link AdminActions} call that changed nothing, with why. The message names the store and,
 * for a veto, the plugin and its reason.
 */
@Experimental(since = "1.7.0")
public final class AdminActionException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Why an admin action was refused. */
  public enum Reason {
    /** This controller is not the leader now; the leader's own task will act. */
    NOT_LEADER,
    /** The store, version or topic does not exist. */
    NOT_FOUND,
    /** The request itself is wrong (a topic that is not the store's, an empty batch). */
    INVALID,
    /** A plugin's before-hook vetoed it. */
    VETOED,
    /**
     * The store's state forbids it now (a replica rebalance while the store has a push in
     * progress); a later call may succeed.
     */
    CONFLICT,
    /** Kafka, Helix or ZooKeeper failed or refused; retrying later may succeed. */
    FAILED
  }

  private final Reason reason;

  /**
   * @param reason why
   * @param message names the store and what was refused
   */
  public AdminActionException(Reason reason, String message) {
    super(message);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  /** Why the action was refused. */
  public Reason reason() {
    return reason;
  }
}
