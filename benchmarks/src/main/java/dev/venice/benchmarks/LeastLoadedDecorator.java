package dev.venice.benchmarks;

import dev.venice.spi.client.DecoratorOrder;
import dev.venice.spi.client.Replica;
import dev.venice.spi.client.ReplicaDispatchDecorator;
import dev.venice.spi.client.ReplicaDispatcher;
import dev.venice.spi.client.ReplicaResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * <b>Our re-implementation</b>, for the load benchmarks only, of the replica selection Venice's
 * own fast client uses by default (see {@code VENICE-FACTS.md}): {@code LEAST_LOADED} routing
 * with instance blocking. It is the baseline the {@code adaptive-routing} plugin is compared with;
 * no code of Venice is in it, and Venice's exact tie-breaking and health checks are not copied.
 *
 * <ul>
 *   <li>Each instance's <em>pending requests</em> (sent, not yet answered, failed or cancelled)
 *       are counted by this decorator, per client, for the attempt it sends first.
 *   <li>Each partition request's candidates are ordered by fewest pending requests; ties keep the
 *       client's order (its round-robin start, as Venice starts at an offset of the request id).
 *   <li>An instance with {@link #BLOCKING_PENDING} (50) or more pending requests is
 *       <em>blocked</em>: it is dropped from the candidates, unless every candidate is blocked,
 *       when the least loaded is kept (Venice would refuse the request; a benchmark that refused
 *       requests would hide latency behind errors). {@link #blockedSkips()} counts the drops.
 * </ul>
 *
 * <p>Sits at {@link DecoratorOrder#ADAPTIVE_SELECTION}, outermost at replica level; the client's
 * failover after an unreachable replica passes through it again with the remaining candidates.
 * Thread-safe: one {@link AtomicInteger} per instance.
 */
public final class LeastLoadedDecorator implements ReplicaDispatchDecorator {
  /** Pending requests at which Venice's fast client blocks an instance. */
  public static final int BLOCKING_PENDING = 50;

  private final ConcurrentHashMap<String, AtomicInteger> pending = new ConcurrentHashMap<>();
  private final LongAdder blockedSkips = new LongAdder();

  @Override
  public String name() {
    return "venice-style-least-loaded";
  }

  @Override
  public int order() {
    return DecoratorOrder.ADAPTIVE_SELECTION;
  }

  /** Candidates dropped because their instance was blocked, so far. */
  public long blockedSkips() {
    return blockedSkips.sum();
  }

  @Override
  public ReplicaDispatcher decorate(ReplicaDispatcher next, String store) {
    return request -> {
      List<Replica> candidates = request.candidates();
      if (candidates.isEmpty()) {
        return next.dispatch(request);
      }
      List<Replica> ordered = order(candidates);
      AtomicInteger first = pending(ordered.get(0));
      first.incrementAndGet();
      CompletableFuture<ReplicaResponse> attempt;
      try {
        attempt = next.dispatch(ordered.equals(candidates) ? request
            : request.withCandidates(ordered));
      } catch (RuntimeException e) { // the dispatcher contract says never, but never leak a count
        first.decrementAndGet();
        return CompletableFuture.failedFuture(e);
      }
      attempt.whenComplete((response, error) -> first.decrementAndGet());
      return attempt;
    };
  }

  /** The candidates by fewest pending requests (stable), blocked instances dropped. */
  private List<Replica> order(List<Replica> candidates) {
    int n = candidates.size();
    int[] load = new int[n];
    List<Replica> open = new ArrayList<>(n);
    List<Integer> openLoad = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      load[i] = pending(candidates.get(i)).get();
      if (load[i] < BLOCKING_PENDING) {
        open.add(candidates.get(i));
        openLoad.add(load[i]);
      }
    }
    if (open.size() < n) {
      blockedSkips.add(n - open.size());
    }
    if (open.isEmpty()) { // all blocked: keep every candidate, least loaded first
      open.addAll(candidates);
      for (int l : load) {
        openLoad.add(l);
      }
    }
    // insertion sort: n is the replication factor, and it is stable
    for (int i = 1; i < open.size(); i++) {
      Replica replica = open.get(i);
      int l = openLoad.get(i);
      int j = i - 1;
      while (j >= 0 && openLoad.get(j) > l) {
        open.set(j + 1, open.get(j));
        openLoad.set(j + 1, openLoad.get(j));
        j--;
      }
      open.set(j + 1, replica);
      openLoad.set(j + 1, l);
    }
    return open;
  }

  private AtomicInteger pending(Replica replica) {
    return pending.computeIfAbsent(replica.instanceId(), id -> new AtomicInteger());
  }
}
