package dev.venice.plugins.deadletterqueue;

import dev.venice.spi.host.StoreInfo;
import dev.venice.spi.host.StoreMetadataService;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Whether a store keeps dead letters: only when its own settings say {@code
 * plugins.dead-letter-queue.enabled=true} (the seed's {@code dead.letter.queue.enabled}). Unlike
 * most plugins, a store that says nothing is off whatever the process's {@code
 * stores-enabled-by-default}: a dead-letter topic is a store owner's choice (default false).
 *
 * <p>The answer is read from the store's metadata each time (dead letters are rare) and
 * remembered, so that a moment when the host cannot read the metadata uses the last answer rather
 * than dropping a dead letter the store asked to keep. Thread-safe.
 */
final class DeadLetterSwitch {
  /** The store setting that switches the dead-letter queue on. */
  static final String SETTING = "plugins.dead-letter-queue.enabled";

  private final Optional<StoreMetadataService> metadata;
  private final Map<String, Boolean> last = new ConcurrentHashMap<>();

  DeadLetterSwitch(Optional<StoreMetadataService> metadata) {
    this.metadata = metadata;
  }

  /** Whether {@code info}'s settings switch the dead-letter queue on (and remembers it). */
  boolean on(StoreInfo info) {
    boolean on = "true".equalsIgnoreCase(info.pluginSettings().getOrDefault(SETTING, "").strip());
    last.put(info.name(), on);
    return on;
  }

  /**
   * Whether {@code store} keeps dead letters now; its last known answer when its metadata cannot be
   * read, false for a store never seen.
   */
  boolean on(String store) {
    Optional<StoreInfo> info;
    try {
      info = metadata.flatMap(m -> m.store(store));
    } catch (RuntimeException unavailable) {
      info = Optional.empty();
    }
    return info.map(this::on).orElseGet(() -> last.getOrDefault(store, false));
  }
}
