package dev.venice.spi.host;

import java.util.List;

/** Storage statistics of the partitions this host holds. */
public interface StorageStatsService {
  /** Statistics of every partition held here. */
  List<PartitionStats> partitions();
}
