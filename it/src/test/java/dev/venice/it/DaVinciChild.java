package dev.venice.it;

import dev.venice.runtime.client.DaVinciClient;
import dev.venice.runtime.client.DaVinciConfig;
import dev.venice.spi.client.UnknownStoreException;
import dev.venice.runtime.localcluster.LocalCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.rocksdb.RocksDB;

/**
 * A Da Vinci client in a JVM of its own, for tests that must see the whole process: which threads
 * a client leaves behind (none may be left but the JVM's own). Prints one {@code RESULT ...} line
 * and exits 0 when the check passed.
 *
 * <p>Arguments: {@code threads <zookeeper> <cluster> <kafka> <data dir> <store>}.
 */
public final class DaVinciChild {
  private DaVinciChild() {}

  public static void main(String[] args) throws Exception {
    String zookeeper = args[1];
    String cluster = args[2];
    String kafka = args[3];
    Path dir = Path.of(args[4]);
    String store = args[5];
    DaVinciConfig config = DaVinciConfig.builder(zookeeper, cluster, kafka, dir).build();
    // RocksJava's one-time library load runs a process to tell the C library (the JDK's "process
    // reaper" thread then idles for a minute): the JVM's, not the client's, so before the baseline
    RocksDB.loadLibrary();
    Set<Thread> before = new HashSet<>(Thread.getAllStackTraces().keySet());
    try {
      DaVinciClient.start("no-such-store", config).close();
      System.out.println("RESULT a client of a missing store started");
      System.exit(2);
    } catch (UnknownStoreException expected) {
      // the failed start must leave nothing running either
    }
    try (DaVinciClient<String, Object> client = DaVinciClient.start(store, config)) {
      client.subscribeAll().get(60, TimeUnit.SECONDS);
      if (client.get("k-1").join() == null) {
        System.out.println("RESULT k-1 not found locally");
        System.exit(2);
      }
    }
    List<String> left = new ArrayList<>();
    try {
      LocalCluster.waitFor("the client's threads to end", Duration.ofSeconds(30), () -> {
        left.clear();
        Thread.getAllStackTraces().keySet().stream()
            .filter(t -> t.isAlive() && !before.contains(t)).map(Thread::getName).sorted()
            .forEach(left::add);
        return left.isEmpty();
      });
    } catch (IllegalStateException timedOut) {
      // reported below
    }
    System.out.println("RESULT threads left: " + left);
    System.exit(left.isEmpty() ? 0 : 3);
  }
}
