package dev.venice.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.venice.runtime.controller.VeniceController;
import dev.venice.runtime.localcluster.LocalCluster;
import dev.venice.runtime.router.VeniceRouter;
import dev.venice.runtime.server.VeniceServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The endpoints of the local cluster a {@code venice cluster start} or {@code venice quickstart}
 * is running, kept in {@code ~/.venice/local-cluster.json} (or under {@code $VENICE_HOME}) so other
 * commands find it without flags. The file names the owning process and counts only while it lives.
 *
 * @param pid the process running the cluster
 * @param cluster the cluster name
 * @param zookeeper ZooKeeper connect string
 * @param kafka Kafka bootstrap servers
 * @param controllers controller admin URLs
 * @param routers router admin URLs
 * @param servers server admin URLs
 */
public record LocalClusterState(long pid, String cluster, String zookeeper, String kafka,
    List<String> controllers, List<String> routers, List<String> servers) {
  private static final ObjectMapper JSON = new ObjectMapper();

  static Path file() {
    String home = System.getProperty("venice.home", System.getenv("VENICE_HOME"));
    Path dir = home != null ? Path.of(home) : Path.of(System.getProperty("user.home"), ".venice");
    return dir.resolve("local-cluster.json");
  }

  /** The running local cluster's endpoints, if one is running. */
  static Optional<LocalClusterState> read() {
    Path file = file();
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      LocalClusterState state = JSON.readValue(file.toFile(), LocalClusterState.class);
      boolean alive = ProcessHandle.of(state.pid()).map(ProcessHandle::isAlive).orElse(false);
      return alive ? Optional.of(state) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** Records {@code cluster} as the running local cluster. */
  static LocalClusterState write(LocalCluster cluster) {
    LocalClusterState state = new LocalClusterState(ProcessHandle.current().pid(),
        cluster.clusterName(), cluster.zooKeeperAddress(), cluster.kafkaBootstrapServers(),
        cluster.controllers().stream().map(VeniceController::url).toList(),
        cluster.routers().stream().map(VeniceRouter::adminUrl).toList(),
        cluster.servers().stream().map(VeniceServer::adminUrl).toList());
    try {
      Files.createDirectories(file().getParent());
      JSON.writerWithDefaultPrettyPrinter().writeValue(file().toFile(), state);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file(), e);
    }
    return state;
  }

  /** Forgets the local cluster (when its process stops it). */
  static void clear() {
    try {
      Files.deleteIfExists(file());
    } catch (IOException e) {
      // a stale file is ignored anyway: its process is gone
    }
  }

  String controller() {
    return controllers.get(0);
  }

  String router() {
    if (routers.isEmpty()) {
      throw new CliException("the local cluster has no router");
    }
    return routers.get(0);
  }
}
