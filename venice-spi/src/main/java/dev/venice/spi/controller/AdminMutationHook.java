package dev.venice.spi.controller;

/**
 * Called around every mutating admin operation on the leader controller. {@link #before} runs on
 * the request thread, before anything is changed; {@link #after} runs once the operation succeeded
 * or failed and must not block (hand slow work, such as publishing, to a queue).
 */
public interface AdminMutationHook {
  /** Validate or veto. Also called for dry runs, where the operation is never carried out. */
  default AdminVerdict before(AdminMutation mutation) {
    return AdminVerdict.PROCEED;
  }

  /** Observe the outcome (not called for dry runs). */
  default void after(AdminMutation mutation, AdminOutcome outcome) {}
}
