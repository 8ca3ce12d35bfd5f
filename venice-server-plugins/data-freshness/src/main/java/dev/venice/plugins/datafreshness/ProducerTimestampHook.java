package dev.venice.plugins.datafreshness;

import dev.venice.spi.server.IngestionRecord;
import dev.venice.spi.server.IngestionRecordHook;
import dev.venice.spi.server.PartitionEvent;

/**
 * The ingestion hook: after each applied record, the partition's newest producer timestamp is
 * max-updated ({@link FreshnessTracker#observe}); a record without one (an envelope that says
 * "not available", which the host passes as a non-positive value) is skipped. A replica opening
 * and closing starts and ends its partition's tracking. Thread-safe (see {@link
 * FreshnessTracker}).
 */
final class ProducerTimestampHook implements IngestionRecordHook {
  private final FreshnessTracker tracker;

  ProducerTimestampHook(FreshnessTracker tracker) {
    this.tracker = tracker;
  }

  @Override
  public void afterApply(IngestionRecord record) {
    long timestamp = record.producerTimestampMs();
    if (timestamp > 0) {
      tracker.observe(record.store(), record.partition(), timestamp);
    }
  }

  @Override
  public void onPartitionOpened(PartitionEvent event) {
    tracker.opened(event.store(), event.partition());
  }

  @Override
  public void onPartitionClosed(PartitionEvent event) {
    tracker.closed(event.store(), event.partition());
  }
}
