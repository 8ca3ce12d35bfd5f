package dev.venice.plugins.circuitbreaker;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The outcomes of the latest {@code size} calls (a count-based sliding window, as Resilience4j's
 * {@code COUNT_BASED} one), kept without a lock: a ring of slots claimed by an atomic call number,
 * and a failure count adjusted by what each slot held before. No allocation per call.
 *
 * <p>Thread-safe. Each slot is exchanged atomically and the failure count adjusted by the exchange,
 * so the count always equals the failures in the ring once writers are done. When more than {@code
 * size} calls are recorded at the same instant, two may claim the same slot and the later write
 * wins; the window then still holds {@code size} real outcomes.
 */
final class OutcomeWindow {
  // slots start at 0: empty
  private static final int SUCCESS = 1;
  private static final int FAILURE = 2;

  private final int size;
  private final AtomicIntegerArray slots;
  private final AtomicLong recorded = new AtomicLong();
  private final AtomicInteger failures = new AtomicInteger();

  /** @param size how many of the latest outcomes are kept, at least 1 */
  OutcomeWindow(int size) {
    this.size = size;
    this.slots = new AtomicIntegerArray(size);
  }

  /** How many outcomes the window keeps. */
  int size() {
    return size;
  }

  /** Records a success. A slot already holding a success is left alone (nothing changes). */
  void recordSuccess() {
    int slot = (int) (recorded.getAndIncrement() % size);
    if (slots.get(slot) != SUCCESS && slots.getAndSet(slot, SUCCESS) == FAILURE) {
      failures.decrementAndGet();
    }
  }

  /** Records a failure. */
  void recordFailure() {
    int slot = (int) (recorded.getAndIncrement() % size);
    if (slots.getAndSet(slot, FAILURE) != FAILURE) {
      failures.incrementAndGet();
    }
  }

  /** The outcomes in the window: the calls recorded so far, at most {@link #size()}. */
  int calls() {
    return (int) Math.min(recorded.get(), size);
  }

  /** The failure percentage of the window (0 to 100); 0 for an empty window. */
  double failureRate() {
    int calls = calls();
    return calls == 0 ? 0 : Math.min(100.0, 100.0 * failures.get() / calls);
  }

  @Override
  public String toString() {
    return failures.get() + " failures in the last " + calls() + " calls (window " + size + ")";
  }
}
