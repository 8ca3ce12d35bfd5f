package dev.venice.spi.plugin;

/**
 * Called as the host process moves through its life: start, ready (serving), drain (about to stop
 * serving: finish in-flight work), stop. A plugin may also vote on the process's readiness.
 */
public interface LifecycleHook {
  /** The process started its components but does not serve yet. */
  default void onStart() {}

  /** The process is ready and serving. */
  default void onReady() {}

  /** The process is draining: it stops taking new work and finishes what is in flight. */
  default void onDrain() {}

  /** The process is stopping. */
  default void onStop() {}

  /**
   * This plugin's vote on whether the process is ready; the process is ready only when every vote
   * is. Called by health checks: must be cheap and must not block.
   */
  default Readiness readiness() {
    return Readiness.READY;
  }
}
