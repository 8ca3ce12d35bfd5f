package dev.venice.spi.rpc;

import dev.venice.spi.Experimental;

/**
 * One call to an {@link RpcMethod}, answered by its handler. Thread-safe: the host serializes the
 * methods; after the call ended (completed, failed or cancelled by the caller) they do nothing.
 *
 * @since 1.4.0
 */
@Experimental(since = "1.4.0")
public interface RpcCall {
  /**
   * Sends a response message. A unary call sends exactly one before {@link #complete}.
   *
   * @param message the encoded message
   */
  void send(byte[] message);

  /** Ends the call with status {@code OK}. */
  void complete();

  /**
   * Ends the call with an error status.
   *
   * @param status not {@link RpcStatus#OK}
   * @param description what the caller reads, e.g. "unknown service x"
   */
  void fail(RpcStatus status, String description);

  /** Whether the call has ended (by the handler, or cancelled by the caller or the server). */
  boolean isDone();

  /**
   * Runs {@code action} once when the caller cancels or goes away (not when the handler ends the
   * call), at once if it already did. For releasing what a streaming call holds.
   */
  void onCancel(Runnable action);
}
