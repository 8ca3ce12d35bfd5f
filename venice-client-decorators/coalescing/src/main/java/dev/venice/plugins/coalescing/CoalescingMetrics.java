package dev.venice.plugins.coalescing;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * One store's coalescing meters under the host-given prefix, created once per store client (not
 * per request). The hit rate is {@code coalesced / requests}; each coalesced get is one request
 * the servers did not receive. A get that joins a request is counted (in {@code requests} and
 * {@code coalesced}) when that request is answered, all its joiners at once, so that joining
 * touches no counter; every other get is counted when it is sent.
 */
final class CoalescingMetrics {
  /** The prefix of the meters of a client built by hand (as the host gives a client plugin). */
  static final String DEFAULT_PREFIX = "venice.client.coalescing.";

  final Counter requests;
  final Counter coalesced;
  final Counter bypassedFull;
  final Counter bypassedDeadline;
  final Counter bypassedKey;

  /**
   * @param prefix the host-given meter prefix ({@code venice.client.coalescing.})
   * @param store the store, the {@code store} tag
   */
  CoalescingMetrics(MeterRegistry registry, String prefix, String store) {
    this.requests = Counter.builder(prefix + "requests")
        .description("Single gets seen by the coalescing decorator").tag("store", store)
        .register(registry);
    this.coalesced = Counter.builder(prefix + "coalesced")
        .description("Single gets that joined a request already in flight: requests saved")
        .tag("store", store).register(registry);
    this.bypassedFull = bypassed(registry, prefix, store, "full",
        "the in-flight map held max-in-flight-keys keys");
    this.bypassedDeadline = bypassed(registry, prefix, store, "deadline",
        "the request in flight had a deadline other than the caller's (beyond the window)");
    this.bypassedKey = bypassed(registry, prefix, store, "key",
        "the key was null or an array, which has no value equality");
  }

  /** Counts {@code joiners} gets that joined one request, once it is answered. */
  void joined(int joiners) {
    if (joiners > 0) {
      requests.increment(joiners);
      coalesced.increment(joiners);
    }
  }

  private static Counter bypassed(MeterRegistry registry, String prefix, String store,
      String reason, String why) {
    return Counter.builder(prefix + "bypassed")
        .description("Single gets sent uncoalesced, by reason; reason=" + reason + ": " + why)
        .tags("store", store, "reason", reason).register(registry);
  }
}
