package dev.venice.runtime.localcluster;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import org.apache.zookeeper.server.ServerCnxnFactory;
import org.apache.zookeeper.server.ZooKeeperServer;

/** A standalone ZooKeeper server on a free loopback port, with its data in {@code dataDir}. */
public final class EmbeddedZooKeeper implements AutoCloseable {
  private static final int TICK_MILLIS = 500;

  private final ZooKeeperServer server;
  private final ServerCnxnFactory connections;

  private EmbeddedZooKeeper(ZooKeeperServer server, ServerCnxnFactory connections) {
    this.server = server;
    this.connections = connections;
  }

  /**
   * Starts ZooKeeper; its admin web server stays off (it would clash with other Jetty versions and
   * is not needed).
   */
  public static EmbeddedZooKeeper start(Path dataDir) throws IOException, InterruptedException {
    System.setProperty("zookeeper.admin.enableServer", "false");
    ZooKeeperServer server =
        new ZooKeeperServer(dataDir.toFile(), dataDir.toFile(), TICK_MILLIS);
    ServerCnxnFactory connections =
        ServerCnxnFactory.createFactory(new InetSocketAddress("127.0.0.1", 0), 200);
    try {
      connections.startup(server);
    } catch (IOException | InterruptedException | RuntimeException e) {
      connections.shutdown();
      server.shutdown();
      throw e;
    }
    return new EmbeddedZooKeeper(server, connections);
  }

  /** The connect string, {@code 127.0.0.1:<port>}. */
  public String address() {
    return "127.0.0.1:" + connections.getLocalPort();
  }

  @Override
  public void close() {
    connections.shutdown();
    server.shutdown();
  }
}
