package dev.venice.plugins.batchsplit;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Function;

/**
 * The splitting algorithm, free of any client or plugin context: {@link #split} cuts a key set
 * into balanced sub-batches and {@link #fetchAll} sends them all at once and merges their maps.
 * Stateless; each {@code fetchAll} call keeps its own state and is safe whatever threads complete
 * the sub-batch futures.
 */
final class SubBatches {
  private SubBatches() {}

  /**
   * Cuts {@code keys} into {@code ceil(keys.size() / maxKeys)} disjoint sets whose sizes differ by
   * at most one (350 keys at 100 give 88, 88, 87, 87, not 100, 100, 100, 50: parallel sub-batches
   * of equal size finish together). Every key is in exactly one set, in the order {@code keys}
   * iterates.
   *
   * @param keys a set of more than zero keys, not changed while this runs
   * @param maxKeys the largest set wanted, at least 1
   * @return new, mutable sets; the caller owns them
   */
  static <K> List<Set<K>> split(Set<K> keys, int maxKeys) {
    int total = keys.size();
    int count = Math.floorDiv(total + maxKeys - 1, maxKeys);
    List<Set<K>> parts = new ArrayList<>(count);
    Iterator<K> iterator = keys.iterator();
    for (int p = 0; p < count; p++) {
      int size = total / count + (p < total % count ? 1 : 0);
      Set<K> part = new HashSet<>(hashCapacity(size));
      for (int i = 0; i < size; i++) {
        part.add(iterator.next());
      }
      parts.add(part);
    }
    return parts;
  }

  /**
   * Sends every part through {@code fetch} at once (no waiting between them) and merges the
   * answers into one map, holding every key any part found.
   *
   * <p>The returned future completes with the merged map when every part has answered; or
   * exceptionally with the first failure (unwrapped from a {@link CompletionException}), at which
   * point every other part is cancelled and parts not yet sent are not sent. Cancelling the
   * returned future cancels every part. A {@code fetch} that throws counts as that part failing.
   *
   * @param parts the sub-batches, at least one
   * @param fetch sends one sub-batch: a delegate's {@code batchGet}
   * @param keyCount the keys in all parts together (sizes the merged map)
   */
  static <K, V> CompletableFuture<Map<K, V>> fetchAll(List<Set<K>> parts,
      Function<Set<K>, CompletableFuture<Map<K, V>>> fetch, int keyCount) {
    Fanout<K, V> fanout = new Fanout<>(parts.size(), keyCount);
    for (int i = 0; i < parts.size() && !fanout.isOver(); i++) {
      fanout.send(i, parts.get(i), fetch);
    }
    return fanout.result;
  }

  /** {@code HashMap}/{@code HashSet} capacity holding {@code size} entries without resizing. */
  private static int hashCapacity(int size) {
    return (int) Math.ceil(size / 0.75);
  }

  /** One split call in flight: its parts' futures and the caller's merged result. */
  private static final class Fanout<K, V> {
    final CompletableFuture<Map<K, V>> result = new CompletableFuture<>() {
      @Override
      public boolean cancel(boolean mayInterruptIfRunning) {
        boolean cancelled = super.cancel(mayInterruptIfRunning);
        cancelParts();
        return cancelled;
      }
    };
    /** The parts' futures, set as they are sent; read by whoever cancels. */
    private final AtomicReferenceArray<CompletableFuture<Map<K, V>>> calls;
    /** Parts not yet answered successfully; the one taking it to zero merges. */
    private final AtomicInteger outstanding;
    /** Set by the first failure, which then cancels the other parts before failing the call. */
    private final AtomicBoolean failed = new AtomicBoolean();
    private final int keyCount;

    Fanout(int partCount, int keyCount) {
      this.calls = new AtomicReferenceArray<>(partCount);
      this.outstanding = new AtomicInteger(partCount);
      this.keyCount = keyCount;
    }

    void send(int index, Set<K> part, Function<Set<K>, CompletableFuture<Map<K, V>>> fetch) {
      CompletableFuture<Map<K, V>> call;
      try {
        call = fetch.apply(part);
      } catch (RuntimeException e) {
        call = CompletableFuture.failedFuture(e);
      }
      calls.set(index, call);
      call.whenComplete((values, error) -> onAnswer(error));
      if (isOver()) {
        // an earlier part failed while this one was being sent, after cancelParts() looked
        call.cancel(true);
      }
    }

    /** Whether the call failed or was cancelled: parts not yet sent are not sent. */
    boolean isOver() {
      return failed.get() || result.isDone();
    }

    private void onAnswer(Throwable error) {
      if (error != null) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null
            ? error.getCause() : error;
        if (failed.compareAndSet(false, true)) {
          cancelParts(); // first, so whoever sees the failure sees the other parts cancelled
          result.completeExceptionally(cause);
        }
        return;
      }
      if (outstanding.decrementAndGet() == 0) {
        try {
          result.complete(merge());
        } catch (RuntimeException e) { // a part answered null: the delegate broke its contract
          result.completeExceptionally(e);
        }
      }
    }

    /** Called once every part answered successfully, so every {@code join} returns at once. */
    private Map<K, V> merge() {
      Map<K, V> merged = new HashMap<>(hashCapacity(keyCount));
      for (int i = 0; i < calls.length(); i++) {
        merged.putAll(calls.get(i).join());
      }
      return merged;
    }

    private void cancelParts() {
      for (int i = 0; i < calls.length(); i++) {
        CompletableFuture<Map<K, V>> call = calls.get(i);
        if (call != null) {
          call.cancel(true);
        }
      }
    }
  }
}
