package dev.venice.plugins.auditlog;

import dev.venice.spi.security.AccessDenial;
import dev.venice.spi.security.AccessDenialListener;

/**
 * The plugin's access-denial listener, on controllers, servers and routers: turns every {@link
 * AccessDenial} the host reports into an {@link AuditEvents#denial audit event} ({@code decision}
 * {@code DENIED}, {@code error} {@code PERMISSION_DENIED}) and offers it to the {@link
 * AuditPublisher}, which never blocks, so the denied request's thread returns at once. Hosts call
 * it for every denied admin mutation and push start, and for denied reads at most once per second
 * per process; denials are recorded for every store, whatever the store's {@code
 * plugins.audit-log.enabled} says (the host applies no per-store switch to security hooks).
 * Thread-safe.
 */
final class AuditDenialListener implements AccessDenialListener {
  private final AuditPublisher publisher;
  private final String cluster;
  private final String recorder;

  /**
   * @param cluster the host's cluster name, written into {@code cluster}
   * @param recorder the host's instance id (a controller, server or router), written into {@code
   *     controller}
   */
  AuditDenialListener(AuditPublisher publisher, String cluster, String recorder) {
    this.publisher = publisher;
    this.cluster = cluster;
    this.recorder = recorder;
  }

  @Override
  public void onDenied(AccessDenial denial) {
    publisher.offer(AuditEvents.denial(denial, cluster, recorder));
  }
}
