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
  /** Dispatches the request; the future completes with the replica's answer or its failure. */
  CompletableFuture<ReplicaResponse> dispatch(ReplicaRequest request);
}
