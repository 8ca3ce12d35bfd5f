package dev.venice.plugins.dvcbootstrapcheckpoint;

import dev.venice.spi.davinci.LocalPartition;
import dev.venice.spi.davinci.LocalPartitions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Local partitions in memory: each with the offset a makeDurable returns; counts the calls. */
class FakeLocalPartitions implements LocalPartitions {
  private final Map<String, Long> offsets = new ConcurrentHashMap<>();
  private final Map<String, LocalPartition> partitions = new ConcurrentHashMap<>();
  final List<String> madeDurable = new ArrayList<>();

  FakeLocalPartitions put(String store, int version, int partition, long offset) {
    String key = store + "/" + version + "/" + partition;
    partitions.put(key, new LocalPartition(store, version, partition, store + "_v" + version,
        "id-" + store + "-" + version, false));
    offsets.put(key, offset);
    return this;
  }

  FakeLocalPartitions remove(String store, int version, int partition) {
    partitions.remove(store + "/" + version + "/" + partition);
    return this;
  }

  @Override
  public List<LocalPartition> partitions() {
    return new ArrayList<>(partitions.values());
  }

  @Override
  public synchronized long makeDurable(String store, int version, int partition) {
    String key = store + "/" + version + "/" + partition;
    if (!partitions.containsKey(key)) {
      throw new IllegalStateException("partition " + partition + " of " + store + "_v" + version
          + " is not held any more");
    }
    madeDurable.add(key);
    return offsets.get(key);
  }
}
