package dev.venice.plugins.coalescing;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Instant;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentMap;
import java.util.function.BiConsumer;

/**
 * One shared single get of one key and the callers waiting for it: the core of coalescing.
 *
 * <p>Each caller, the first (the leader, who sends the request) and every one who {@linkplain
 * #tryJoin joins} it, gets a {@link Waiter} of its own, so that a caller cancelling or timing out
 * its future touches no other caller's. When the request completes, the entry leaves the
 * in-flight map first (so a call that sees any caller's answer makes a fresh request), then every
 * waiter gets the request's value or its failure, the same object for all: never a mix. When every
 * waiter has left (cancelled or completed its own future), nobody wants the answer: the entry
 * leaves the map and the request is cancelled, which cancels its replica call.
 *
 * <p>Thread-safe; its own state is lock-free. The waiters form a stack whose head is swapped for
 * {@link #CLOSED} when the request is answered or abandoned; a closed request takes no joiners.
 * Joining is one allocation (the caller's future, which is also the stack's node) and one CAS.
 * Leaving, which is rare, walks the stack from the newest waiter and stops at the first still
 * waiting, so callers leaving in the order they came (as timeouts do) cost one step each.
 *
 * @param <K> the key type (value equality)
 * @param <V> the value type
 */
final class InFlightGet<K, V> implements BiConsumer<V, Throwable> {
  /** The stack's head once the request is answered or abandoned. */
  private static final Waiter<?> CLOSED = new Waiter<>(null);
  private static final VarHandle STACK;

  static {
    try {
      STACK = MethodHandles.lookup().findVarHandle(InFlightGet.class, "stack", Waiter.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final K key;
  private final long startNanos;
  private final Instant deadline;
  private final ConcurrentMap<K, InFlightGet<K, V>> inFlight;
  private final CoalescingMetrics metrics;
  private final Waiter<V> leader;
  private volatile Waiter<V> stack;
  private volatile CompletableFuture<V> call;

  /**
   * An open request with its leader as the only waiter; {@link #send} gives it its call.
   *
   * @param startNanos when it was started, on the window's clock (ns)
   * @param deadline the leader's deadline, which the shared call is sent with; null for none
   * @param inFlight the map it is entered in, which it leaves when answered or abandoned
   * @param metrics where its joiners are counted, all at once when it is answered or abandoned
   */
  InFlightGet(K key, long startNanos, Instant deadline,
      ConcurrentMap<K, InFlightGet<K, V>> inFlight, CoalescingMetrics metrics) {
    this.key = key;
    this.startNanos = startNanos;
    this.deadline = deadline;
    this.inFlight = inFlight;
    this.metrics = metrics;
    this.leader = new Waiter<>(this);
    this.stack = leader;
  }

  /** When the request was started (ns, the window's clock). */
  long startNanos() {
    return startNanos;
  }

  /** The deadline the shared call was sent with, or null. */
  Instant deadline() {
    return deadline;
  }

  /** The leader's own future. */
  Waiter<V> leader() {
    return leader;
  }

  /** Attaches the call sent for the leader; its answer goes to every waiter. */
  void send(CompletableFuture<V> sent) {
    call = sent;
    sent.whenComplete(this);
  }

  /**
   * Joins this request if it is still open.
   *
   * @return the caller's own future, or null when the request was answered or abandoned
   */
  Waiter<V> tryJoin() {
    Waiter<V> joiner = null;
    while (true) {
      Waiter<V> head = stack;
      if (head == CLOSED) {
        return null;
      }
      if (joiner == null) {
        joiner = new Waiter<>(this);
      }
      joiner.next = head;
      if (STACK.compareAndSet(this, head, joiner)) {
        return joiner;
      }
    }
  }

  /**
   * The call's answer: the entry leaves the map, the joiners are counted (here, once per request,
   * rather than by each join on the hot path; before delivery, so a caller that sees its answer
   * sees the join counted), then every waiter gets the same outcome.
   */
  @Override
  @SuppressWarnings("unchecked")
  public void accept(V answer, Throwable error) {
    inFlight.remove(key, this); // a newer request for the key stays
    Waiter<V> head = (Waiter<V>) STACK.getAndSet(this, CLOSED);
    if (head == CLOSED) {
      return; // abandoned: every caller had left
    }
    int waiting = 0;
    for (Waiter<V> w = head; w != null; w = w.next) {
      waiting++;
    }
    metrics.joined(waiting - 1); // all but the leader, the stack's last node
    for (Waiter<V> w = head; w != null; w = w.next) {
      w.deliver(answer, error);
    }
  }

  /**
   * A waiter completed its own future: if every waiter has, and no one joined meanwhile, the
   * request is abandoned: it leaves the map and its call is cancelled.
   */
  private void leave() {
    while (true) {
      Waiter<V> head = stack;
      if (head == CLOSED) {
        return;
      }
      int waiting = 0;
      for (Waiter<V> w = head; w != null; w = w.next) {
        if (!w.isDone()) {
          return; // still wanted
        }
        waiting++;
      }
      if (STACK.compareAndSet(this, head, CLOSED)) {
        metrics.joined(waiting - 1);
        inFlight.remove(key, this);
        CompletableFuture<V> sent = call; // set: the leader leaves only after send returned
        if (sent != null) {
          sent.cancel(true);
        }
        return;
      }
    }
  }

  /**
   * One caller's future. Completing it from outside (cancel, {@code orTimeout}, {@code
   * complete}) only makes this caller leave the shared request.
   */
  static final class Waiter<V> extends CompletableFuture<V> {
    private final InFlightGet<?, V> flight;
    /** The next (earlier) waiter in the stack; written before this waiter is published. */
    private Waiter<V> next;

    Waiter(InFlightGet<?, V> flight) {
      this.flight = flight;
    }

    /** Completes with the shared answer (no-op if the caller already completed it). */
    void deliver(V value, Throwable failure) {
      if (failure == null) {
        super.complete(value);
      } else {
        super.completeExceptionally(failure);
      }
    }

    /**
     * Cancels this caller's future only; the shared call is cancelled when no caller is left.
     * Implemented as completion with a {@link CancellationException} (what {@link #isCancelled}
     * checks) so that only the call that completes the future leaves.
     */
    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      if (super.completeExceptionally(new CancellationException())) {
        flight.leave();
        return true;
      }
      return isCancelled();
    }

    @Override
    public boolean complete(V value) {
      boolean completed = super.complete(value);
      if (completed) {
        flight.leave();
      }
      return completed;
    }

    @Override
    public boolean completeExceptionally(Throwable ex) {
      boolean completed = super.completeExceptionally(ex);
      if (completed) {
        flight.leave();
      }
      return completed;
    }
  }
}
