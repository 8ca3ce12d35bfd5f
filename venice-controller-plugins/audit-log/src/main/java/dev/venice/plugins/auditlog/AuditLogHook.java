package dev.venice.plugins.auditlog;

import dev.venice.spi.controller.AdminMutation;
import dev.venice.spi.controller.AdminMutationHook;
import dev.venice.spi.controller.AdminOutcome;

/**
 * The plugin's admin-mutation hook: after every mutating operation (succeeded or failed; dry runs
 * are not reported by the host), turns it into an {@link AuditEvents event} and offers it to the
 * {@link AuditPublisher}, which never blocks. Vetoes nothing. Thread-safe.
 */
final class AuditLogHook implements AdminMutationHook {
  private final AuditPublisher publisher;
  private final String controller;

  /** @param controller this controller's instance id, written into every event */
  AuditLogHook(AuditPublisher publisher, String controller) {
    this.publisher = publisher;
    this.controller = controller;
  }

  @Override
  public void after(AdminMutation mutation, AdminOutcome outcome) {
    publisher.offer(AuditEvents.event(mutation, outcome, controller));
  }
}
