package dev.venice.plugins.gracefuldrain;

import dev.venice.spi.plugin.TimeSource;
import dev.venice.spi.server.RequestEnd;
import dev.venice.spi.server.RequestScope;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The drain of one process: counts the read calls in flight, and once a drain has begun waits until
 * none is in flight and none has started for the quiet period, or until the drain's deadline,
 * after which it refuses new calls. No SPI context in it: time comes from the injected {@link
 * TimeSource}, so tests move a manual clock.
 *
 * <h2>Counting</h2>
 *
 * <p>{@link #open()} adds one to a {@link LongAdder} and {@link RequestScope#onEnd} (of the scope
 * it returns) takes one off. A {@code LongAdder} because every gRPC thread of the process opens and
 * ends calls: its increments land in a cell picked by the thread, so threads on different cores do
 * not write one shared cache line, as they would with an {@code AtomicLong} (a contended CAS per
 * call and per end). Its sum is read only by the drain, the gauges and the status endpoint.
 * Besides the count, a call reads two volatile fields (the phase when it opens, whether the drain
 * waits for the calls in flight when it ends); the time of a call's start is read and written only
 * once a drain has begun. The scope returned while serving is one shared
 * object: nothing is allocated per call.
 *
 * <h2>Phases</h2>
 *
 * <pre>SERVING → DRAINING → DRAINED (quiet) or DEADLINE_PASSED (timed out)</pre>
 *
 * <p>In {@code DEADLINE_PASSED}, until the process stops, {@link #open()} answers {@link
 * RequestScope#refused} (the host fails the call with {@code UNAVAILABLE}, the client fails over)
 * and counts the refusal; calls already in flight run on.
 *
 * <h2>Waiting</h2>
 *
 * <p>{@link #awaitDrained()} waits on a condition, never sleeps: the wait is timed to the next
 * moment the outcome can change by the clock (the end of the quiet period or the deadline), and
 * while it waits for calls in flight, the end that leaves none signals it (only then does an end
 * read the sum and take the lock). With a clock other than the system's (a test's
 * manual clock), {@link #recheck()} after moving the clock wakes it to look again.
 *
 * <p>Thread-safe: {@link #open()} and the scopes' ends run on any number of threads, without a
 * lock while serving; {@link #begin}, {@link #awaitDrained()} and {@link #status()} take a short
 * lock.
 */
final class DrainCoordinator {
  /** Where the drain is. */
  enum Phase {
    /** No drain has begun: calls are counted, nothing else. */
    SERVING,
    /** A drain has begun: waiting for the calls in flight and the quiet period. */
    DRAINING,
    /** The drain ended quietly: nothing in flight, nothing started for the quiet period. */
    DRAINED,
    /** The drain's deadline passed first: new calls are refused until the process stops. */
    DEADLINE_PASSED
  }

  /**
   * What the drain looks like now.
   *
   * @param phase where the drain is
   * @param inFlight read calls in flight (opened, not ended)
   * @param timeout the drain's deadline after its start: the one in force once it has begun, else
   *     the configured one
   * @param quietPeriod how long no call may start, none in flight, before the drain is done
   * @param drainStartedAt when the drain began (wall clock); null before
   * @param lastRequestAt when the last call that started during the drain started (wall clock);
   *     null when none has
   * @param drainDuration how long the drain has run (to its end once it has ended); zero before
   * @param lastRequestAfterStart from the drain's start to the last call that started during it;
   *     zero when none has
   * @param refusedAfterDeadline calls refused since the deadline passed
   */
  record Status(Phase phase, long inFlight, Duration timeout, Duration quietPeriod,
      Instant drainStartedAt, Instant lastRequestAt, Duration drainDuration,
      Duration lastRequestAfterStart, long refusedAfterDeadline) {}

  /** {@link #lastStartNanos} when no call has started during the drain. */
  private static final long NONE = Long.MIN_VALUE;

  private final TimeSource time;
  private final Duration configuredTimeout;
  private final long quietNanos;
  private final Duration quietPeriod;
  private final LongAdder inFlight = new LongAdder();
  private final LongAdder refused = new LongAdder();
  private final RequestScope counted = new CountedScope();
  private final RequestScope refusal;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();

  private volatile Phase phase = Phase.SERVING;
  /** Written by calls that start during a drain; racing writers may leave a nanosecond-older one. */
  private volatile long lastStartNanos = NONE;
  // Written under the lock before phase leaves SERVING; read after reading phase.
  private volatile long startNanos;
  private volatile Instant startedAt;
  private volatile Duration timeout;
  private volatile long endNanos = NONE;
  /** Set while {@link #awaitDrained()} waits for the calls in flight: only then do ends signal. */
  private volatile boolean waitingForIdle;

  /**
   * A coordinator in {@link Phase#SERVING}.
   *
   * @param time the clock
   * @param configuredTimeout a drain's deadline after its start, unless {@link #begin} names one
   * @param quietPeriod how long no call may start, none in flight, before a drain is done (zero:
   *     done as soon as none is in flight)
   * @param refusalReason what a refused call's caller reads, e.g. "server h_7001 is stopping:
   *     drain deadline passed"
   */
  DrainCoordinator(TimeSource time, Duration configuredTimeout, Duration quietPeriod,
      String refusalReason) {
    this.time = Objects.requireNonNull(time, "time");
    this.configuredTimeout = requirePositive(configuredTimeout, "configuredTimeout");
    this.quietPeriod = Objects.requireNonNull(quietPeriod, "quietPeriod");
    if (quietPeriod.isNegative()) {
      throw new IllegalArgumentException("quietPeriod " + quietPeriod + " is negative");
    }
    this.quietNanos = quietPeriod.toNanos();
    this.refusal = RequestScope.refused(refusalReason);
    this.timeout = configuredTimeout;
  }

  /**
   * A read call arrived: counts it in flight and returns its scope, whose end takes it off; after
   * the deadline passed, counts a refusal instead and returns a refusing scope. Never blocks.
   */
  RequestScope open() {
    inFlight.increment(); // before reading the phase: a drain that begins now sees the call
    if (phase == Phase.SERVING) {
      return counted;
    }
    return openWhileDraining();
  }

  private RequestScope openWhileDraining() {
    if (phase == Phase.DEADLINE_PASSED) {
      inFlight.decrement();
      refused.increment();
      return refusal;
    }
    lastStartNanos = time.nanoTime();
    return counted;
  }

  /** The end of a call {@link #open()} counted. */
  private void ended() {
    inFlight.decrement(); // before reading the flag: a wait that sets it now sees the decrement
    if (waitingForIdle && inFlight.sum() == 0) {
      recheck();
    }
  }

  /**
   * Begins the drain, once: from now the calls that start are timed, and the deadline is {@code
   * timeout} (or the configured one) away. A second call changes nothing.
   *
   * @param override the deadline after the start, or null for the configured one
   * @return whether this call began it
   * @throws IllegalArgumentException when {@code override} is zero or negative
   */
  boolean begin(Duration override) {
    Duration chosen = override == null ? configuredTimeout : requirePositive(override, "timeout");
    lock.lock();
    try {
      if (phase != Phase.SERVING) {
        return false;
      }
      startNanos = time.nanoTime();
      startedAt = time.now();
      timeout = chosen;
      phase = Phase.DRAINING;
      changed.signalAll();
      return true;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Begins the drain if no one has ({@link #begin}), then waits until no call is in flight and none
   * has started for the quiet period ({@link Phase#DRAINED}), or until the deadline ({@link
   * Phase#DEADLINE_PASSED}: new calls are refused from then on). Returns at once when the drain
   * already ended.
   *
   * @return how the drain ended
   * @throws InterruptedException when interrupted while waiting (the drain stays {@link
   *     Phase#DRAINING}: calls are still served)
   */
  Phase awaitDrained() throws InterruptedException {
    begin(null);
    lock.lock();
    try {
      while (true) {
        Phase now = phase;
        if (now == Phase.DRAINED || now == Phase.DEADLINE_PASSED) {
          return now;
        }
        long clock = time.nanoTime();
        long deadline = startNanos + timeout.toNanos();
        long last = lastStartNanos;
        long quietUntil = (last == NONE ? startNanos : Math.max(startNanos, last)) + quietNanos;
        waitingForIdle = true; // before reading the count: an end that makes it zero signals
        boolean idle = inFlight.sum() == 0;
        if (idle && clock - quietUntil >= 0) {
          return end(Phase.DRAINED, clock);
        }
        if (clock - deadline >= 0) {
          return end(Phase.DEADLINE_PASSED, clock);
        }
        waitingForIdle = !idle; // idle: only the quiet period's end (the timed wait) matters
        changed.awaitNanos((idle ? Math.min(quietUntil, deadline) : deadline) - clock);
      }
    } finally {
      waitingForIdle = false;
      lock.unlock();
    }
  }

  private Phase end(Phase outcome, long clock) {
    endNanos = clock;
    phase = outcome;
    changed.signalAll();
    return outcome;
  }

  /**
   * Wakes {@link #awaitDrained()} to look at the count and the clock again. The wait does this by
   * itself when a call ends with none left in flight and when its timed wait ends; call it after
   * moving a clock that is not the system's.
   */
  void recheck() {
    lock.lock();
    try {
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Where the drain is now. */
  Phase phase() {
    return phase;
  }

  /** Read calls in flight (a moment's sum, exact when no call starts or ends meanwhile). */
  long inFlight() {
    return inFlight.sum();
  }

  /** Calls refused since the deadline passed. */
  long refusedAfterDeadline() {
    return refused.sum();
  }

  /** How long the drain has run, to its end once it has ended; zero before it began. */
  Duration drainDuration() {
    if (phase == Phase.SERVING) {
      return Duration.ZERO;
    }
    long end = endNanos;
    return Duration.ofNanos((end == NONE ? time.nanoTime() : end) - startNanos);
  }

  /**
   * From the drain's start to the start of the last call that started during it (the time the
   * routing change took to reach every caller); zero when none has.
   */
  Duration lastRequestAfterStart() {
    long last = lastStartNanos;
    return phase == Phase.SERVING || last == NONE ? Duration.ZERO
        : Duration.ofNanos(Math.max(0, last - startNanos));
  }

  /** A snapshot for the status endpoint. */
  Status status() {
    Phase now = phase;
    Instant started = now == Phase.SERVING ? null : startedAt;
    Duration lastAfter = lastRequestAfterStart();
    Instant lastAt = started == null || lastStartNanos == NONE ? null : started.plus(lastAfter);
    return new Status(now, inFlight(), timeout, quietPeriod, started, lastAt, drainDuration(),
        lastAfter, refusedAfterDeadline());
  }

  private static Duration requirePositive(Duration d, String what) {
    Objects.requireNonNull(d, what);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(what + " " + d + " is not positive");
    }
    return d;
  }

  /** The scope of a counted call: its end takes it off the count. Shared by every call. */
  private final class CountedScope implements RequestScope {
    @Override
    public void onEnd(RequestEnd end) {
      ended();
    }
  }

  /** How long {@code d} is in seconds, with a fraction. */
  static double seconds(Duration d) {
    return d.toNanos() / (double) TimeUnit.SECONDS.toNanos(1);
  }
}
