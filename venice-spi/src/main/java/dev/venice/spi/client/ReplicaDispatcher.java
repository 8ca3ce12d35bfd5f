package dev.venice.spi.client;

import java.util.concurrent.CompletableFuture;

/**
 * Sends one partition's request to a replica. The runtime's innermost dispatcher sends to the first
 * of {@link ReplicaRequest#candidates()} (failing with {@link ServiceUnavailableException} when
 * there is none) and <b>cancels the transport call when the returned future is cancelled</b>, so a
 * decorator that gives up on an attempt (a losing hedge, a timeout) frees the server promptly.
 */
@FunctionalInterface
public interface ReplicaDispatcher {
  /**
   * Dispatches the request. Never throws: every failure (no candidate, a transport error, a
   * decorator's own error) completes the returned future exceptionally, so callers and decorators
   * handle failures in one place.
   *
   * @return a future completed with the replica's answer, or exceptionally with {@link
   *     ServiceUnavailableException}, {@link RequestTimeoutException} or another {@link
   *     VeniceClientException}; cancelling it cancels the transport call
   */
  CompletableFuture<ReplicaResponse> dispatch(ReplicaRequest request);
}
