package dev.venice.it;

import dev.venice.runtime.client.DaVinciClient;
import dev.venice.runtime.client.DaVinciConfig;
import dev.venice.runtime.localcluster.LocalCluster;
import dev.venice.spi.client.UnknownStoreException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.avro.generic.GenericRecord;
import org.rocksdb.RocksDB;

/**
 * A Da Vinci client in a JVM of its own, for tests that must see or kill the whole process. Prints
 * {@code RESULT ...} lines and exits 0 when its check passed. Modes (arguments after the mode:
 * {@code <zookeeper> <cluster> <kafka> <data dir> <store>}):
 *
 * <ul>
 *   <li>{@code threads}: a failed start, then a start, bootstrap, read and close; checks that no
 *       thread is left but the JVM's own;
 *   <li>{@code bootstrap <checkpoint dir or -> <records> <delay ns per record> [no-check]}:
 *       bootstraps the
 *       store (with {@code dvc-bootstrap-checkpoint} on unless the folder is {@code -}), paced by
 *       {@link DaVinciTestIngestionPlugin}, printing {@code PROGRESS} lines every 50 ms; once
 *       caught up prints {@code READY ms=<subscribe to caught up> ... sinceStartMs=<main to caught
 *       up>}, checks every key {@code k-<i>} holds
 *       {@code name-<i>} / {@code <i>} and that nothing else is there (unless {@code no-check}),
 *       prints {@code VERIFIED}.
 * </ul>
 */
public final class DaVinciChild {
  private static final String CHECKPOINT = "venice.da.vinci.client.dvc.bootstrap.checkpoint.";

  private DaVinciChild() {}

  /**
   * The class path to start a child with: this JVM's, without the plugin jars a Da Vinci client
   * does not use here (every plugin on the class path is loaded and asked for its descriptor:
   * dozens of them make each child start slower, and a test starts a dozen children).
   */
  public static String classPath() {
    return java.util.Arrays.stream(System.getProperty("java.class.path")
            .split(java.io.File.pathSeparator))
        .filter(entry -> !isUnusedPlugin(Path.of(entry).getFileName().toString()))
        .collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
  }

  private static boolean isUnusedPlugin(String file) {
    return file.startsWith("venice-") && file.endsWith(".jar") && !file.startsWith("venice-dvc-")
        && !file.startsWith("venice-runtime-") && !file.startsWith("venice-spi-")
        && !file.startsWith("venice-plugin-testkit-");
  }

  public static void main(String[] args) throws Exception {
    String mode = args[0];
    String zookeeper = args[1];
    String cluster = args[2];
    String kafka = args[3];
    Path dir = Path.of(args[4]);
    String store = args[5];
    if (mode.equals("threads")) {
      threads(DaVinciConfig.builder(zookeeper, cluster, kafka, dir).build(), store);
    } else {
      bootstrap(zookeeper, cluster, kafka, dir, store, args[6], Integer.parseInt(args[7]),
          Long.parseLong(args[8]), args.length <= 9 || !args[9].equals("no-check"));
    }
  }

  private static void threads(DaVinciConfig config, String store) throws Exception {
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

  private static void bootstrap(String zookeeper, String cluster, String kafka, Path dir,
      String store, String checkpoints, int records, long delayNanos, boolean check)
      throws Exception {
    long started = System.nanoTime();
    DaVinciTestIngestionPlugin.delayNanos = delayNanos;
    Map<String, String> plugins = new HashMap<>(Map.of(
        "plugins.test-dvc-ingestion.enabled", "true"));
    if (!checkpoints.equals("-")) {
      plugins.putAll(Map.of("plugins.dvc-bootstrap-checkpoint.enabled", "true",
          "plugins.dvc-bootstrap-checkpoint.directory", checkpoints,
          "plugins.dvc-bootstrap-checkpoint.interval", "200ms"));
    }
    MeterRegistry registry = new SimpleMeterRegistry();
    DaVinciConfig config = DaVinciConfig.builder(zookeeper, cluster, kafka, dir)
        .pluginConfig(plugins).meterRegistry(registry).build();
    ScheduledExecutorService progress = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "progress");
      t.setDaemon(true);
      return t;
    });
    progress.scheduleAtFixedRate(() -> System.out.println("PROGRESS applied="
        + DaVinciTestIngestionPlugin.applied.get()
        + " resumed=" + count(registry, CHECKPOINT + "decisions", "resumed")
        + " startedOver=" + count(registry, CHECKPOINT + "decisions", "started_over")
        + " skipped=" + count(registry, CHECKPOINT + "resumed.offsets", null)
        + " writes=" + count(registry, CHECKPOINT + "writes", null)), 0, 50,
        TimeUnit.MILLISECONDS);
    try (DaVinciClient<String, Object> client = DaVinciClient.start(store, config)) {
      long subscribed = System.nanoTime();
      client.subscribeAll().get(120, TimeUnit.SECONDS);
      long now = System.nanoTime();
      System.out.println("READY ms=" + TimeUnit.NANOSECONDS.toMillis(now - subscribed)
          + " resumed=" + count(registry, CHECKPOINT + "decisions", "resumed")
          + " skipped=" + count(registry, CHECKPOINT + "resumed.offsets", null)
          + " sinceStartMs=" + TimeUnit.NANOSECONDS.toMillis(now - started));
      if (check) { // one pass over the local copy: every key once, each with its pushed value
        boolean[] seen = new boolean[records];
        long[] wrong = {0};
        long held = client.scan((key, value) -> {
          int i = key.startsWith("k-") ? Integer.parseInt(key.substring(2)) : -1;
          GenericRecord user = (GenericRecord) value;
          if (i < 0 || i >= records || seen[i] || !user.get("name").toString().equals("name-" + i)
              || (Integer) user.get("age") != i) {
            wrong[0]++;
          } else {
            seen[i] = true;
          }
        }, Long.MAX_VALUE);
        if (held != records || wrong[0] != 0) {
          System.out.println("RESULT the local copy holds " + held + " records, " + wrong[0]
              + " of them not as pushed; expected " + records);
          System.exit(4);
        }
      }
    }
    progress.shutdownNow();
    System.out.println("VERIFIED");
    System.exit(0);
  }

  private static long count(MeterRegistry registry, String name, String outcome) {
    Counter counter = outcome == null ? registry.find(name).counter()
        : registry.find(name).tag("outcome", outcome).counter();
    return counter == null ? 0 : (long) counter.count();
  }
}
