package dev.venice.plugins.deadletterqueue;

import dev.venice.spi.server.DeadLetterMessage;
import dev.venice.spi.server.DeadLetterRecord;
import dev.venice.spi.server.IngestionRecordHook;
import java.util.Optional;

/**
 * The ingestion hook: for a store with the dead-letter queue on, encodes each dead letter the host
 * hands it as the {@code <store>_dlq} record ({@link DeadLetterEncoder}); the host writes it
 * (exactly once for a real-time record, in the leader's transaction; acknowledged before the
 * replica moves on for a version-topic one) and waits while it cannot. Off for the store: nothing
 * is kept (the host only counts and logs the record). Also makes sure the store's topic is being
 * created, in case its metadata change was missed. Called on ingestion threads; thread-safe.
 */
final class DeadLetterQueueHook implements IngestionRecordHook {
  private final DeadLetterSwitch stores;
  private final DeadLetterEncoder encoder;
  private final TopicProvisioner topics;
  private final DeadLetterQueueMetrics metrics;

  DeadLetterQueueHook(DeadLetterSwitch stores, DeadLetterEncoder encoder,
      TopicProvisioner topics, DeadLetterQueueMetrics metrics) {
    this.stores = stores;
    this.encoder = encoder;
    this.topics = topics;
    this.metrics = metrics;
  }

  @Override
  public Optional<DeadLetterMessage> deadLetterMessage(DeadLetterRecord record) {
    if (!stores.on(record.store())) {
      return Optional.empty();
    }
    topics.want(record.store());
    metrics.encoded(record.store(), record.reason());
    return Optional.of(encoder.encode(record));
  }
}
