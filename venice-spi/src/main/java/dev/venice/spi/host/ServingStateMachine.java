package dev.venice.spi.host;

import dev.venice.spi.Experimental;
import dev.venice.spi.plugin.ServingState;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one implementation of {@link ServingLifecycle}'s rules, shared by hosts and the test kit (as
 * {@link dev.venice.spi.plugin.StoreScope} is), so a plugin's unit test sees exactly the ordering a
 * process gives it. The owner moves it with {@link #moveTo}; plugins see it as a {@link
 * ServingLifecycle}. Thread-safe: moves and subscriptions are serialized, listeners are called
 * under that serialization (in order, one call at a time).
 *
 * @since 1.4.0
 */
@Experimental(since = "1.4.0")
public final class ServingStateMachine implements ServingLifecycle {
  private static final Logger LOG = LoggerFactory.getLogger(ServingStateMachine.class);

  private final Runnable stopAction;
  private final AtomicBoolean stopRequested = new AtomicBoolean();
  private final List<Consumer<ServingState>> listeners = new CopyOnWriteArrayList<>();
  private volatile ServingState state = ServingState.STARTING;
  private volatile String reason;

  /**
   * A machine in {@link ServingState#STARTING}.
   *
   * @param startingReason why the process is not ready yet, e.g. "joining the cluster"
   * @param stopAction what {@link #requestStop} runs, once (the owner hands the stop to a thread
   *     of its own: this runs on the caller's)
   */
  public ServingStateMachine(String startingReason, Runnable stopAction) {
    this.reason = Objects.requireNonNull(startingReason, "startingReason");
    this.stopAction = Objects.requireNonNull(stopAction, "stopAction");
  }

  @Override
  public ServingState state() {
    return state;
  }

  @Override
  public String reason() {
    return reason;
  }

  /**
   * Moves to {@code next}, or updates the reason within the current state. A move backwards is
   * ignored (states only move forward), and so is a move to the current state with the same reason.
   *
   * @param next the new state
   * @param why why it is not ready ({@code ""} for {@link ServingState#READY})
   * @return whether the state changed (listeners were told)
   */
  public synchronized boolean moveTo(ServingState next, String why) {
    Objects.requireNonNull(next, "next");
    Objects.requireNonNull(why, "why");
    if (next.ordinal() < state.ordinal()) {
      return false;
    }
    reason = next == ServingState.READY ? "" : why;
    if (next == state) {
      return false;
    }
    state = next;
    for (Consumer<ServingState> listener : listeners) {
      tell(listener, next);
    }
    return true;
  }

  @Override
  public synchronized Subscription subscribe(Consumer<ServingState> listener) {
    Objects.requireNonNull(listener, "listener");
    listeners.add(listener);
    tell(listener, state);
    return () -> listeners.remove(listener);
  }

  @Override
  public void requestStop() {
    if (state != ServingState.STOPPING && stopRequested.compareAndSet(false, true)) {
      stopAction.run();
    }
  }

  /** Whether {@link #requestStop} was called (and ran its action). */
  public boolean stopRequested() {
    return stopRequested.get();
  }

  private static void tell(Consumer<ServingState> listener, ServingState state) {
    try {
      listener.accept(state);
    } catch (RuntimeException e) {
      LOG.warn("a serving-state listener failed on {}", state, e);
    }
  }
}
