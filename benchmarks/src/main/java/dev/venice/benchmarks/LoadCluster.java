package dev.venice.benchmarks;

import dev.venice.runtime.common.controller.ControllerClient;
import dev.venice.runtime.localcluster.LocalCluster;
import dev.venice.runtime.push.PushJob;
import dev.venice.runtime.server.VeniceServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The cluster a load run reads from: a {@link LocalCluster} in this JVM (ZooKeeper, KRaft Kafka,
 * one controller, {@code servers} storage servers, one router), one store with string keys {@code
 * k0 .. k<records-1>} and a one-field record value, pushed by the push job and routable on every
 * replica before {@link #start} returns.
 */
public final class LoadCluster implements AutoCloseable {
  /** The value schema of every load store: a record with one string field, {@code payload}. */
  public static final String VALUE_SCHEMA = """
      {"type": "record", "name": "Row", "fields": [{"name": "payload", "type": "string"}]}""";
  private static final Pattern READ_KEYS =
      Pattern.compile("^venice_server_read_keys_total(?:\\{[^}]*\\})? (\\S+)$", Pattern.MULTILINE);
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private final LocalCluster cluster;
  private final String store;
  private final int partitions;
  private final int replication;
  private final int records;

  private LoadCluster(LocalCluster cluster, String store, int partitions, int replication,
      int records) {
    this.cluster = cluster;
    this.store = store;
    this.partitions = partitions;
    this.replication = replication;
    this.records = records;
  }

  /**
   * Starts the cluster and pushes the store.
   *
   * @param servers storage servers, at least {@code replication}
   * @param store the store's name
   * @param partitions the store's partitions
   * @param replication the replication factor (every partition on this many servers)
   * @param records the keys pushed, {@code k0} to {@code k<records-1>}
   * @param payload the {@code payload} field of key {@code k<i>}'s value
   * @throws IllegalArgumentException if there are fewer servers than replicas
   */
  public static LoadCluster start(int servers, String store, int partitions, int replication,
      int records, IntFunction<String> payload) throws Exception {
    if (servers < replication) {
      throw new IllegalArgumentException(servers + " servers cannot hold " + replication
          + " replicas of store " + store);
    }
    LocalCluster cluster = LocalCluster.builder().servers(servers).routers(1)
        .controllerConfig("push.monitor.interval", "50ms").build();
    try {
      new ControllerClient(cluster.controllerUrl())
          .createStore(store, "\"string\"", VALUE_SCHEMA, partitions, replication);
      Path data = Files.createTempFile("load-" + store + "-", ".jsonl");
      try {
        List<String> lines = new ArrayList<>(records);
        for (int i = 0; i < records; i++) {
          lines.add("{\"key\": \"k" + i + "\", \"value\": {\"payload\": \"" + payload.apply(i)
              + "\"}}");
        }
        PushJob.create(cluster.controllerUrl(), store, Files.write(data, lines)).run();
      } finally {
        Files.deleteIfExists(data);
      }
      cluster.awaitRoutable(store, Duration.ofSeconds(120));
      return new LoadCluster(cluster, store, partitions, replication, records);
    } catch (Exception | Error e) {
      cluster.close();
      throw e;
    }
  }

  /** The local cluster. */
  public LocalCluster cluster() {
    return cluster;
  }

  /** The router's URL, for {@code VeniceClients.builder}. */
  public String routerUrl() {
    return cluster.routerUrl();
  }

  /** The store's name. */
  public String store() {
    return store;
  }

  /** The store's partition count. */
  public int partitions() {
    return partitions;
  }

  /** The store's replication factor. */
  public int replication() {
    return replication;
  }

  /** The number of keys pushed. */
  public int records() {
    return records;
  }

  /** The storage servers. */
  public List<VeniceServer> servers() {
    return cluster.servers();
  }

  /**
   * Keys looked up by all servers so far: {@code venice_server_read_keys_total} summed over their
   * {@code /metrics}. The difference over an interval in which one client reads is the key load
   * that client put on the servers, hedges and retries that reached a server included.
   *
   * @throws IOException if a server's metrics cannot be read
   */
  public double serverKeysRead() throws IOException, InterruptedException {
    double total = 0;
    for (VeniceServer server : cluster.servers()) {
      String text = HTTP.send(HttpRequest.newBuilder(URI.create(server.adminUrl() + "/metrics"))
          .build(), HttpResponse.BodyHandlers.ofString()).body();
      Matcher m = READ_KEYS.matcher(text);
      while (m.find()) {
        total += Double.parseDouble(m.group(1));
      }
    }
    return total;
  }

  @Override
  public void close() {
    cluster.close();
  }
}
