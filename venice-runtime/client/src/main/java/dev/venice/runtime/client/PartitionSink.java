package dev.venice.runtime.client;

/**
 * Where one partition's streamed answers go as they arrive, for the {@link StreamingCalls} of
 * every attempt at it (failover and hedges included). The fast client registers one per
 * partition request under the request's key list; an attempt whose request carries another key
 * list (a decorator that rebuilt it) finds none and returns its values in its response instead.
 * Implementations are thread-safe and deliver each key at most once.
 */
interface PartitionSink {
  /** A key's value, read from {@code version}. */
  void value(int version, int keyIndex, int schemaId, byte[] value);

  /** A key that does not exist. */
  void absent(int keyIndex);

  /**
   * A key the replica could not read ({@code INVALID_ARGUMENT}, {@code INTERNAL}); not for
   * {@code UNAVAILABLE}, which fails the attempt so another replica answers.
   */
  void failed(int keyIndex, String status, String message);

  /** The demand that paces this request's calls, or {@code null} for automatic flow control. */
  StreamDemand demand();
}
