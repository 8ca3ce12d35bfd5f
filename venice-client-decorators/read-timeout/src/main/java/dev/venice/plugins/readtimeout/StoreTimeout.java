package dev.venice.plugins.readtimeout;

import dev.venice.spi.plugin.StoreSettings;
import java.time.Duration;

/**
 * The read timeout in force for one store, looked up on every call from the host-kept settings:
 * one lock-free map read ({@link StoreSettings#get} is a {@code ConcurrentHashMap} lookup of an
 * immutable {@link ReadTimeoutConfig} that the host swaps when the store's metadata changes), no
 * parsing, no lock. Thread-safe.
 *
 * <p>Which timeout:
 *
 * <ul>
 *   <li>the store's settings were read: its {@code read-timeout-ms} (over the process's), or none;
 *   <li>they could not be (the host has no metadata for the store, its metadata cannot be read, or
 *       it held a refused value before any good one): {@code read-timeout-fallback-ms}, else the
 *       process's {@code read-timeout-ms}, else none.
 * </ul>
 *
 * <p>"Could not be read" is the host's promise in {@link StoreSettings#get}: a store it cannot
 * read gets {@link StoreSettings#processWide() the process-wide object} itself, while a store it
 * read gets an object built from its settings; the identity tells the two apart at no cost.
 */
final class StoreTimeout {
  private final StoreSettings<ReadTimeoutConfig> settings;
  private final String store;
  private final ReadTimeoutConfig processWide;
  /** The timeout for a store whose settings cannot be read, or {@code null}. */
  private final Duration unreadable;

  StoreTimeout(StoreSettings<ReadTimeoutConfig> settings, String store) {
    this.settings = settings;
    this.store = store;
    this.processWide = settings.processWide();
    this.unreadable = processWide.fallback() != null ? processWide.fallback()
        : processWide.readTimeout();
  }

  /** The store this timeout is for. */
  String store() {
    return store;
  }

  /** The timeout in force now, or {@code null} when the client's global timeout applies. */
  Duration current() {
    ReadTimeoutConfig config = settings.get(store);
    return config == processWide ? unreadable : config.readTimeout();
  }

  /** {@link #current()} in milliseconds, 0 when none (the metrics' gauge). */
  double currentMillis() {
    Duration timeout = current();
    return timeout == null ? 0 : timeout.toMillis();
  }
}
