package dev.venice.runtime.metadata;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.apache.zookeeper.server.ServerCnxnFactory;
import org.apache.zookeeper.server.ZooKeeperServer;

/** A real standalone ZooKeeper on a free loopback port for this module's tests, and a waiter. */
final class TestZooKeeper implements AutoCloseable {
  private final ZooKeeperServer server;
  private final ServerCnxnFactory connections;

  TestZooKeeper(Path dataDir) throws IOException, InterruptedException {
    System.setProperty("zookeeper.admin.enableServer", "false");
    server = new ZooKeeperServer(dataDir.toFile(), dataDir.toFile(), 500);
    connections = ServerCnxnFactory.createFactory(new InetSocketAddress("127.0.0.1", 0), 100);
    connections.startup(server);
  }

  String address() {
    return "127.0.0.1:" + connections.getLocalPort();
  }

  @Override
  public void close() {
    connections.shutdown();
    server.shutdown();
  }

  /** Waits until {@code condition} holds; fails with {@code missing} at the deadline. */
  static void await(BooleanSupplier condition, Duration timeout, Supplier<String> missing) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail("after " + timeout.toMillis() + " ms: " + missing.get());
      }
      LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
    }
  }
}
