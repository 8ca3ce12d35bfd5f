package dev.venice.runtime.common.process;

import java.util.concurrent.CompletableFuture;

/** A started Venice process: it stops on {@link #close}, or by itself (a plugin's requestStop). */
public interface RunningProcess extends AutoCloseable {
  /** Completes once the process has stopped, whoever stopped it. */
  CompletableFuture<Void> stopped();

  /** Drains and stops the process; returns once it has stopped. */
  @Override
  void close();
}
