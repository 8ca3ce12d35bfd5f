package dev.venice.plugins.partitionskew;

import dev.venice.spi.controller.AdminMutation;
import dev.venice.spi.controller.AdminMutationHook;
import dev.venice.spi.controller.AdminOperation;
import dev.venice.spi.controller.AdminOutcome;

/**
 * Controllers: starts the end-of-push skew check ({@link PushSkewChecker#check}) when a push goes
 * online, that is after a successful {@link AdminOperation#SWAP_VERSION} whose request carries
 * {@code "status": "ONLINE"} (the leader's push monitor ending a push; a manual swap or rollback
 * to an older version carries no status and is not checked). {@link #after} only schedules the
 * work and returns. The host calls it on the leader controller only, and not for stores where the
 * plugin is switched off. Thread-safe.
 */
final class PushSkewHook implements AdminMutationHook {
  private final PushSkewChecker checker;

  PushSkewHook(PushSkewChecker checker) {
    this.checker = checker;
  }

  @Override
  public void after(AdminMutation mutation, AdminOutcome outcome) {
    if (outcome.success() && mutation.operation() == AdminOperation.SWAP_VERSION
        && mutation.store() != null && "ONLINE".equals(mutation.requested().get("status"))
        && mutation.requested().get("version") instanceof Number version) {
      checker.check(mutation.store(), version.intValue());
    }
  }
}
