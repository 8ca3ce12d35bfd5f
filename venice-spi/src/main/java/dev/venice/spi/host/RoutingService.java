package dev.venice.spi.host;

import dev.venice.spi.client.Replica;
import java.util.List;

/** Which replicas serve which partitions, as the host's routing table knows it. */
public interface RoutingService {
  /** The ready replicas of one partition of a store version; empty when none is ready. */
  List<Replica> readyReplicas(String store, int version, int partition);
}
