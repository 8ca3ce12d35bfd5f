package dev.venice.spi.server;

import dev.venice.spi.Experimental;

/**
 * Called once per read call a server or router receives (get, batch get, streaming batch get),
 * around the whole call rather than per key ({@link ReadHook} is per key): a tracing plugin opens
 * its server span here and ends it in {@link RequestScope#onEnd}. Runs on the gRPC thread that
 * delivered the request message, before the call is handled: keep it short and non-blocking. A
 * hook that throws is treated as {@link RequestScope#NONE}; the call goes on.
 *
 * <p>The host offers the hooks of the plugins that are on for the request's store; with none, the
 * call pays one check. Added with {@link dev.venice.spi.plugin.Extensions#addRequestHook}.
 *
 * @since 1.3.0
 */
@Experimental(since = "1.3.0")
public interface RequestHook {
  /**
   * The call's request has arrived.
   *
   * @return what the hook keeps while the call runs; {@link RequestScope#NONE} for nothing
   */
  RequestScope onRequest(InboundRequest request);
}
