package dev.venice.runtime.metadata;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.helix.zookeeper.impl.client.ZkClient;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One embedded ZooKeeper for a test class ({@code @RegisterExtension static}), and the clients and
 * other parts a test opens, closed after it, last opened first.
 */
final class ZooKeeperExtension implements BeforeAllCallback, AfterAllCallback, AfterEachCallback {
  private final Duration session;
  private final List<AutoCloseable> afterTest = new ArrayList<>();
  private Path dir;
  private TestZooKeeper zooKeeper;

  /** @param session the session timeout of the clients {@link #client()} opens */
  ZooKeeperExtension(Duration session) {
    this.session = session;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    dir = Files.createTempDirectory("zookeeper-test-");
    zooKeeper = new TestZooKeeper(dir.resolve("zk"));
  }

  @Override
  public void afterAll(ExtensionContext context) throws IOException {
    zooKeeper.close();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(file);
      }
    }
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    for (int i = afterTest.size() - 1; i >= 0; i--) {
      afterTest.get(i).close();
    }
    afterTest.clear();
  }

  /** The ZooKeeper connect string. */
  String address() {
    return zooKeeper.address();
  }

  /** A connected metadata client (raw bytes), closed after the test. */
  ZkClient client() {
    ZkClient zk = ZooKeeperConnections.metadataClient(zooKeeper.address(), session);
    closeAfterTest(zk::close);
    return zk;
  }

  /** Closes {@code part} after the test, before what was registered earlier. */
  void closeAfterTest(AutoCloseable part) {
    afterTest.add(part);
  }
}
