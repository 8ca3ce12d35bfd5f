package dev.venice.runtime.localcluster;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Breaks the local cluster on purpose, and mends it: stall a server or router (SIGSTOP), crash one
 * (SIGKILL) and restart it, or slow the client's calls to one replica. Every fault still in place
 * is undone when the injector (or its cluster) closes, so faults never leak into the next test.
 */
public final class FaultInjector implements AutoCloseable {
  private final Set<ExternalProcess> paused = ConcurrentHashMap.newKeySet();

  FaultInjector() {}

  /** Stalls an external process: it keeps its connections and sessions but answers nothing. */
  public void pause(ExternalProcess process) {
    process.pause();
    paused.add(process);
  }

  /** Resumes a stalled process. */
  public void resume(ExternalProcess process) {
    process.resume();
    paused.remove(process);
  }

  /** Crashes an external process (SIGKILL): no clean shutdown of RocksDB, Kafka or Helix. */
  public void kill(ExternalProcess process) {
    paused.remove(process);
    process.kill();
  }

  /**
   * Starts a killed (or stopped) process again with its configuration, data and ports, and waits
   * until it is healthy.
   */
  public ExternalProcess restart(ExternalProcess process, Duration timeout) throws Exception {
    if (process.isAlive()) {
      throw new IllegalStateException(process + " is still running; kill it first");
    }
    return process.start(timeout);
  }

  /**
   * Client plugin settings that make {@code fraction} of a fast client's calls to the replica
   * {@code instanceId} wait {@code delay} (the {@code fault-replica-latency} decorator, on every
   * local cluster's class path). Pass them to {@code VeniceClients.Builder.pluginConfig}; the fault
   * lasts as long as that client.
   */
  public Map<String, String> slowReplica(String instanceId, Duration delay, double fraction) {
    return Map.of("plugins.fault-replica-latency.enabled", "true",
        "plugins.fault-replica-latency.replica", instanceId,
        "plugins.fault-replica-latency.delay", delay.toMillis() + "ms",
        "plugins.fault-replica-latency.probability", Double.toString(fraction));
  }

  /** Resumes every process still stalled. */
  @Override
  public void close() {
    for (ExternalProcess process : paused) {
      if (process.isAlive()) {
        process.resume();
      }
    }
    paused.clear();
  }
}
