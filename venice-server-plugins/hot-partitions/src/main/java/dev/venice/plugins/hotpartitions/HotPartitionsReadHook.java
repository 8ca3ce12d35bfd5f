package dev.venice.plugins.hotpartitions;

import dev.venice.spi.server.ReadHook;
import dev.venice.spi.server.ReadOutcome;
import dev.venice.spi.server.ReadRequest;

/**
 * Counts every key lookup the server serves (a single get one, a batch get one per key, found or
 * not, also those another hook answered) in {@link PartitionRates}, after the lookup, without
 * allocating (the partition's id is cached). Thread-safe.
 */
final class HotPartitionsReadHook implements ReadHook {
  private final PartitionRates rates;

  HotPartitionsReadHook(PartitionRates rates) {
    this.rates = rates;
  }

  @Override
  public void afterRead(ReadRequest request, ReadOutcome outcome) {
    rates.record(request.store(), request.version(), request.partition());
  }
}
