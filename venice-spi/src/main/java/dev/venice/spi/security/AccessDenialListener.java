package dev.venice.spi.security;

import dev.venice.spi.Experimental;

/**
 * Hears of denied operations, for an audit trail of who tried what: every denied admin mutation
 * and push start (controller), and denied reads (routers and servers) at most one per second per
 * process, since a misconfigured client can be denied thousands of times a second (every denial is
 * counted in {@code venice.<process>.access.denied}). Allowed admin mutations reach
 * {@link dev.venice.spi.controller.AdminMutationHook}s as before, with the authenticated principal
 * as their caller.
 *
 * <p>Called on the request's thread: return quickly (queue the event); what it throws is counted
 * against its plugin and never changes the answer.
 *
 * @since 1.9.0
 */
@Experimental(since = "1.9.0")
@FunctionalInterface
public interface AccessDenialListener {
  /** A denial. */
  void onDenied(AccessDenial denial);
}
