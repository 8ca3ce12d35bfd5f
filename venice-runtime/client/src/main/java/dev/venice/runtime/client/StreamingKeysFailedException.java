package dev.venice.runtime.client;

import dev.venice.spi.client.VeniceClientException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A fast client's streaming batch get in which the replicas answered some keys with an error (a
 * key that is not a valid encoding of the key schema, a failed storage read) while every other key
 * was delivered: the request's future fails with this once the rest is done. Not retriable.
 */
public final class StreamingKeysFailedException extends VeniceClientException {
  private static final long serialVersionUID = 1L;
  private static final int LISTED = 5;

  private final transient Map<Object, String> failures;

  StreamingKeysFailedException(String store, int keys, Map<Object, String> failures) {
    super(store, failures.size() + " of " + keys + " keys failed: " + failures.entrySet()
        .stream().limit(LISTED).map(e -> "key " + e.getKey() + ": " + e.getValue())
        .collect(Collectors.joining("; ")) + (failures.size() > LISTED ? "; ..." : ""), null);
    this.failures = Collections.unmodifiableMap(new LinkedHashMap<>(failures));
  }

  /** Each failed key with the replica's reason, {@code STATUS: message}. */
  public Map<Object, String> failures() {
    return failures;
  }
}
