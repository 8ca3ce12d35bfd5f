package dev.venice.plugins.dvcbootstrapcheckpoint;

import dev.venice.spi.davinci.LocalPartition;
import dev.venice.spi.davinci.LocalPartitions;
import dev.venice.spi.plugin.BackgroundTask;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;

/**
 * Every {@code interval}, and for one version after a swap ({@link #checkpoint(String, int)}):
 * makes each local partition durable ({@link LocalPartitions#makeDurable}: the offset read first,
 * then the partition's memory tables flushed and synced) and writes the offsets of each store
 * version to its checkpoint file ({@link BootstrapCheckpointManager#write}). So a checkpoint is
 * never ahead of what the local copy holds on disk. A partition unsubscribed meanwhile is left out;
 * a failed write is counted and logged, and the previous file stays.
 */
final class CheckpointTask implements BackgroundTask {
  private final LocalPartitions local;
  private final BootstrapCheckpointManager manager;
  private final DvcBootstrapCheckpointMetrics metrics;
  private final Duration interval;
  private final Logger logger;

  CheckpointTask(LocalPartitions local, BootstrapCheckpointManager manager,
      DvcBootstrapCheckpointMetrics metrics, Duration interval, Logger logger) {
    this.local = local;
    this.manager = manager;
    this.metrics = metrics;
    this.interval = interval;
    this.logger = logger;
  }

  @Override
  public String name() {
    return "checkpoint";
  }

  @Override
  public Duration interval() {
    return interval;
  }

  @Override
  public void run() {
    Map<String, Map<Integer, List<LocalPartition>>> byStoreVersion = local.partitions().stream()
        .collect(Collectors.groupingBy(LocalPartition::store, TreeMap::new,
            Collectors.groupingBy(LocalPartition::version, TreeMap::new, Collectors.toList())));
    byStoreVersion.forEach((store, versions) -> versions.forEach((version, partitions) ->
        write(store, version, partitions)));
  }

  /** Checkpoints one store version now (after a swap to it). */
  void checkpoint(String store, int version) {
    write(store, version, local.partitions().stream()
        .filter(p -> p.store().equals(store) && p.version() == version).toList());
  }

  private void write(String store, int version, List<LocalPartition> partitions) {
    if (partitions.isEmpty()) {
      return;
    }
    String topicId = partitions.stream().map(LocalPartition::topicId)
        .filter(id -> !id.isEmpty()).findFirst().orElse("");
    if (topicId.isEmpty()) {
      return; // Kafka named no topic id: a checkpoint would vouch for nothing
    }
    Map<Integer, Long> offsets = new TreeMap<>();
    for (LocalPartition partition : partitions) {
      try {
        offsets.put(partition.partition(), local.makeDurable(store, version,
            partition.partition()));
      } catch (IllegalStateException unsubscribed) {
        // gone since the listing: nothing to checkpoint for it
      } catch (UncheckedIOException flushFailed) { // the others are still checkpointed
        metrics.writeFailures.increment();
        logger.warn("dvc-bootstrap-checkpoint: could not make partition {} of store {} version {}"
            + " durable (left out of this checkpoint): {}", partition.partition(), store, version,
            flushFailed.toString());
      }
    }
    try {
      manager.write(store, version, topicId, offsets);
      metrics.written.increment();
    } catch (IOException | UncheckedIOException e) {
      metrics.writeFailures.increment();
      logger.warn("dvc-bootstrap-checkpoint: could not checkpoint store {} version {} (the"
          + " previous checkpoint stays): {}", store, version, e.toString());
    }
  }
}
