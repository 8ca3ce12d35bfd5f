package dev.venice.plugins.gracefuldrain;

import dev.venice.spi.plugin.LifecycleHook;
import dev.venice.spi.plugin.ServingState;
import org.slf4j.Logger;

/**
 * Holds the process's stop in {@link #onDrain()} until the drain is done or its deadline passed
 * ({@link DrainCoordinator#awaitDrained()}), and begins the drain as soon as the process enters
 * {@link ServingState#DRAINING} ({@link #onServingState}, a serving-lifecycle listener), so calls
 * that arrive between the state change and {@code onDrain} are timed too. Thread-safe.
 */
final class DrainLifecycleHook implements LifecycleHook {
  private final DrainCoordinator coordinator;
  private final Logger log;

  DrainLifecycleHook(DrainCoordinator coordinator, Logger log) {
    this.coordinator = coordinator;
    this.log = log;
  }

  /** A serving-state listener: begins the drain when the process starts draining. Never blocks. */
  void onServingState(ServingState state) {
    if (state == ServingState.DRAINING && coordinator.begin(null)) {
      DrainCoordinator.Status status = coordinator.status();
      log.info("draining: waiting for {} read call(s) in flight and a quiet period of {} ms,"
          + " at most {} s", status.inFlight(), status.quietPeriod().toMillis(),
          status.timeout().toSeconds());
    }
  }

  /** Blocks until the drain is done or its deadline passed; never longer than that deadline. */
  @Override
  public void onDrain() {
    try {
      DrainCoordinator.Phase outcome = coordinator.awaitDrained();
      DrainCoordinator.Status status = coordinator.status();
      if (outcome == DrainCoordinator.Phase.DRAINED) {
        log.info("drained in {} ms; the last call started {} ms after the drain began",
            status.drainDuration().toMillis(), status.lastRequestAfterStart().toMillis());
      } else {
        log.warn("drain deadline of {} s passed with {} read call(s) in flight; refusing new"
            + " calls until the process stops", status.timeout().toSeconds(), status.inFlight());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      log.warn("drain interrupted with {} read call(s) in flight; stopping now",
          coordinator.inFlight());
    }
  }
}
