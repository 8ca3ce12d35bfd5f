package dev.venice.plugins.circuitbreaker;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * One server instance's circuit breaker: CLOSED (calls go through, outcomes counted) to OPEN (every
 * call refused) when {@code consecutive-failure-threshold} failures come in a row or the failure
 * rate of the last {@code sliding-window-size} calls reaches {@code failure-rate-threshold} (once
 * {@code minimum-number-of-calls} were recorded); OPEN to HALF_OPEN on the first call after {@code
 * wait-duration-in-open-state}; HALF_OPEN lets at most {@code max-probes-in-flight} probes be in
 * flight at once and refuses every other call; {@code success-threshold} successful probes close
 * it, one failed probe opens it again.
 *
 * <p><b>Atomic transitions.</b> The breaker is one reference to an immutable-state {@link Phase}
 * object (a stay in one state, with that stay's counters); a transition is a compare-and-set from
 * the phase a thread saw to a new one, so when many threads see the threshold reached at once
 * exactly one of them wins, and only the winner tells the {@link TransitionListener}.
 *
 * <p><b>Permits.</b> {@link #tryAcquirePermission} returns the phase that let the call through, and
 * the call's outcome is reported against that phase: an outcome arriving after the breaker moved on
 * (a slow call let through while CLOSED, answering after the breaker opened) only touches its
 * finished phase, and cannot move the current one. Every permitted call must report exactly one
 * outcome ({@link #onSuccess}, {@link #onFailure} or {@link #onIgnored}), or a HALF_OPEN probe
 * permit is never given back.
 *
 * <p><b>Cost.</b> No lock. In CLOSED, asking costs one volatile read and recording an outcome two
 * or three atomic operations; nothing is allocated except on a transition (the new phase) or when
 * the window size setting changes. The clock is read only while OPEN or on a transition to OPEN.
 *
 * <p>Thread-safe. Settings are passed in on each call, so a store's changed settings apply at once;
 * a changed {@code sliding-window-size} starts a new, empty CLOSED window (not a transition).
 */
final class CircuitBreaker {
  /** The breaker's states, with the value the state gauge reports. */
  enum State {
    /** Calls go through and their outcomes are counted. */
    CLOSED(0),
    /** Every call is refused until the wait in the open state is over. */
    OPEN(1),
    /** A limited number of probes go through; every other call is refused. */
    HALF_OPEN(2);

    final int gaugeValue;

    State(int gaugeValue) {
      this.gaugeValue = gaugeValue;
    }
  }

  /** Told of each transition exactly once, on the thread that made it. Must not throw. */
  @FunctionalInterface
  interface TransitionListener {
    void onTransition(State from, State to);
  }

  private final LongSupplier clock;
  private final TransitionListener listener;
  private final AtomicReference<Phase> phase;

  /**
   * A CLOSED breaker.
   *
   * @param config the settings its first window is sized by
   * @param clock monotonic nanoseconds (the plugin's {@code TimeSource::nanoTime})
   * @param listener told of every transition
   */
  CircuitBreaker(CircuitBreakerConfig config, LongSupplier clock, TransitionListener listener) {
    this.clock = clock;
    this.listener = listener;
    this.phase = new AtomicReference<>(new Closed(config.slidingWindowSize()));
  }

  /** The current state (an OPEN breaker past its wait stays OPEN until a call asks). */
  State state() {
    return phase.get().state;
  }

  /**
   * Whether a call would be let through now, without taking a permit or changing anything: CLOSED,
   * OPEN past its wait, or HALF_OPEN with a probe permit free. What replica selection asks.
   */
  boolean admitsCalls(CircuitBreakerConfig config) {
    Phase current = phase.get();
    if (current instanceof Open open) {
      return waitIsOver(open, config);
    }
    if (current instanceof HalfOpen halfOpen) {
      return halfOpen.hasFreeProbe(config.maxProbesInFlight());
    }
    return true;
  }

  /**
   * Asks to let one call through, moving an OPEN breaker whose wait is over to HALF_OPEN.
   *
   * @return the permit (the phase that let the call through), to report the outcome against; or
   *     {@code null} when the call is refused (OPEN, or HALF_OPEN with every probe permit taken)
   */
  Phase tryAcquirePermission(CircuitBreakerConfig config) {
    while (true) {
      Phase current = phase.get();
      if (current instanceof Closed closed) {
        if (closed.window.size() == config.slidingWindowSize()) {
          return closed;
        }
        phase.compareAndSet(closed, new Closed(config.slidingWindowSize()));
      } else if (current instanceof Open open) {
        if (!waitIsOver(open, config)) {
          return null;
        }
        transition(open, new HalfOpen());
      } else {
        HalfOpen halfOpen = (HalfOpen) current;
        return halfOpen.tryTakeProbe(config.maxProbesInFlight())
            ? halfOpen : null;
      }
    }
  }

  /** Reports a permitted call's success: counted while CLOSED; a probe toward closing. */
  void onSuccess(Phase permit, CircuitBreakerConfig config) {
    if (permit instanceof Closed closed) {
      if (closed.consecutiveFailures.get() != 0) {
        closed.consecutiveFailures.set(0); // written only when needed: the line stays shared
      }
      if (config.failureRateThreshold() > 0) {
        closed.window.recordSuccess();
      }
    } else if (permit instanceof HalfOpen halfOpen
        && halfOpen.probeSucceeded() >= config.successThreshold() && phase.get() == halfOpen) {
      transition(halfOpen, new Closed(config.slidingWindowSize()));
    }
  }

  /** Reports a permitted call's failure: counted while CLOSED (maybe opening); a failed probe. */
  void onFailure(Phase permit, CircuitBreakerConfig config) {
    if (permit instanceof Closed closed) {
      int threshold = config.consecutiveFailureThreshold();
      boolean trip = threshold > 0 && closed.consecutiveFailures.incrementAndGet() >= threshold;
      if (config.failureRateThreshold() > 0) {
        closed.window.recordFailure();
        trip |= closed.window.calls() >= config.minimumNumberOfCalls()
            && closed.window.failureRate() >= config.failureRateThreshold();
      }
      if (trip) {
        open(closed);
      }
    } else if (permit instanceof HalfOpen halfOpen) {
      open(halfOpen);
    }
  }

  /** Reports a permitted call whose outcome says nothing about the instance: frees its probe. */
  void onIgnored(Phase permit) {
    if (permit instanceof HalfOpen halfOpen) {
      halfOpen.releaseProbe();
    }
  }

  private boolean waitIsOver(Open open, CircuitBreakerConfig config) {
    return clock.getAsLong() - open.openedAt >= config.waitDurationInOpenState().toNanos();
  }

  private void open(Phase from) {
    if (phase.get() == from) { // else another thread moved it on: allocate nothing
      transition(from, new Open(clock.getAsLong()));
    }
  }

  private void transition(Phase from, Phase to) {
    if (phase.compareAndSet(from, to)) {
      listener.onTransition(from.state, to.state);
    }
  }

  @Override
  public String toString() {
    return phase.get().toString();
  }

  /** One stay in one state; a permit is the phase that granted it. */
  abstract static class Phase {
    final State state;

    private Phase(State state) {
      this.state = state;
    }
  }

  /** CLOSED: the window of outcomes and the failures in a row since the breaker closed. */
  private static final class Closed extends Phase {
    final OutcomeWindow window;
    final AtomicInteger consecutiveFailures = new AtomicInteger();

    Closed(int windowSize) {
      super(State.CLOSED);
      this.window = new OutcomeWindow(windowSize);
    }

    @Override
    public String toString() {
      return "CLOSED (" + consecutiveFailures.get() + " failures in a row, " + window + ")";
    }
  }

  /** OPEN since {@code openedAt} (clock nanoseconds). */
  private static final class Open extends Phase {
    final long openedAt;

    Open(long openedAt) {
      super(State.OPEN);
      this.openedAt = openedAt;
    }

    @Override
    public String toString() {
      return "OPEN (since " + openedAt + " ns)";
    }
  }

  /**
   * HALF_OPEN: the probes in flight (low 32 bits) and the successful probes so far (high 32 bits)
   * in one atomic long, so a probe's success frees its permit and counts in one operation.
   */
  private static final class HalfOpen extends Phase {
    private static final long ONE_SUCCESS = 1L << 32;

    private final AtomicLong probes = new AtomicLong();

    HalfOpen() {
      super(State.HALF_OPEN);
    }

    boolean hasFreeProbe(int permitted) {
      return (int) probes.get() < permitted;
    }

    boolean tryTakeProbe(int permitted) {
      while (true) {
        long current = probes.get();
        if ((int) current >= permitted) {
          return false;
        }
        if (probes.compareAndSet(current, current + 1)) {
          return true;
        }
      }
    }

    /** Frees the probe's permit and counts its success; returns the successes so far. */
    int probeSucceeded() {
      return (int) (probes.addAndGet(ONE_SUCCESS - 1) >>> 32);
    }

    void releaseProbe() {
      probes.decrementAndGet();
    }

    @Override
    public String toString() {
      long current = probes.get();
      return "HALF_OPEN (" + (int) current + " probes in flight, " + (current >>> 32)
          + " succeeded)";
    }
  }
}
