package dev.venice.runtime.metadata;

import static dev.venice.runtime.metadata.TestZooKeeper.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.venice.runtime.common.meta.CompressionStrategy;
import dev.venice.runtime.common.meta.SchemaCompatibility;
import dev.venice.runtime.common.meta.Store;
import dev.venice.runtime.common.meta.ZkPaths;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.helix.zookeeper.impl.client.ZkClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ZkStoreRepository#addListener} on a real ZooKeeper: a listener hears of a store created
 * after it subscribed, never read by this process before, and of later changes to any store.
 */
class ZkStoreRepositoryListenerTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;

  @Test
  void listenersHearOfNewStoresAndOfChangesToStoresNeverRead() throws Exception {
    try (TestZooKeeper zooKeeper = new TestZooKeeper(dir)) {
      ZkClient zk = ZooKeeperConnections.metadataClient(zooKeeper.address(), Duration.ofSeconds(6));
      try {
        zk.createPersistent(ZkPaths.stores("c"), true);
        write(zk, store("before", 0), true);
        ZkStoreRepository repository = new ZkStoreRepository(zk, "c");
        Queue<String> heard = new ConcurrentLinkedQueue<>();
        repository.addListener(s -> heard.add(s.name() + "@" + s.currentVersion()));

        write(zk, store("created-later", 0), true);
        await(() -> heard.contains("created-later@0"), WAIT, () -> "heard " + heard);
        write(zk, store("before", 1), false);
        await(() -> heard.contains("before@1"), WAIT, () -> "heard " + heard);
        write(zk, store("created-later", 2), false);
        await(() -> heard.contains("created-later@2"), WAIT, () -> "heard " + heard);
      } finally {
        zk.close();
      }
    }
  }

  private static Store store(String name, int currentVersion) {
    return new Store(name, "\"string\"", 1, 1, CompressionStrategy.NO_OP, null,
        SchemaCompatibility.FULL, 2, currentVersion, currentVersion, List.of(), Map.of(), 0);
  }

  private static void write(ZkClient zk, Store store, boolean create) throws Exception {
    String path = ZkPaths.store("c", store.name());
    byte[] data = JSON.writeValueAsBytes(store);
    if (create) {
      zk.createPersistent(path, data);
    } else {
      zk.writeData(path, data);
    }
  }
}
