package dev.venice.plugins.coalescing;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.venice.spi.client.RequestContext;
import dev.venice.spi.client.StoreClient;
import dev.venice.spi.client.StreamingCallback;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

/**
 * The decision path of a coalesced single get of one hot key: {@code ours} ({@link
 * CoalescingStoreClient}, with its meters) against {@code caffeine}, the usual coalescer on a
 * Caffeine {@code AsyncCache} ({@code asyncCache.get(key, (k, executor) -> delegate.get(k))}, the
 * entry removed when its future completes). One and two threads share one client and one key.
 *
 * <ul>
 *   <li>{@code scenario=join}: a request for the key is in flight and the get joins it. The
 *       next client's call stays pending; each thread completes it every {@value #ANSWER_EVERY}
 *       of its gets, so the cost of handing the answer to the joined callers (ours: each has a
 *       future of its own) and of starting the next request is in the measure, spread over them.
 *   <li>{@code scenario=completed}: the next client answers at once, so every get starts a
 *       request, gets its answer and removes the entry: the first caller's whole path.
 * </ul>
 *
 * <p>Not the same guarantees: the usual Caffeine coalescer ({@code caffeine}) hands every caller
 * the one shared future, so one caller's {@code cancel} cancels everyone's, and has no window, so
 * a stalled request collects callers without bound in time; ours gives each caller its own
 * future (one allocation a get), reads the clock for the window and counts. {@code
 * caffeine-own-futures} adds the same two guarantees to the Caffeine coalescer the usual way:
 * {@code expireAfterWrite(window)} and a {@code copy()} of the shared future per caller. Both
 * Caffeine coalescers do their maintenance on the calling thread ({@code executor(Runnable::run)}),
 * their fastest set-up here: with the default executor a get took twice as long or more.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CoalescingBenchmark {
  static final int ANSWER_EVERY = 1024;
  private static final String STORE = "bench";
  private static final String HOT = "hot-key";
  /** Far longer than a request lasts here: the window never closes a request early. */
  private static final Duration WINDOW = Duration.ofSeconds(1);

  @Param({"ours", "caffeine", "caffeine-own-futures"})
  public String coalescer;

  @Param({"join", "completed"})
  public String scenario;

  private NextClient next;
  private StoreClient<String, String> client;
  private RequestContext context;

  /** Each thread's count of gets, to answer the pending request every {@link #ANSWER_EVERY}. */
  @State(Scope.Thread)
  public static class Gets {
    int count;
  }

  @Setup
  public void setUp() {
    next = new NextClient(scenario.equals("completed"));
    context = RequestContext.of(STORE); // the caller's, made once: not the coalescer's cost
    client = switch (coalescer) {
      case "ours" -> new CoalescingStoreClient<>(next, WINDOW, 10_000, new SimpleMeterRegistry());
      case "caffeine" -> new CaffeineCoalescer(next, 10_000, false);
      default -> new CaffeineCoalescer(next, 10_000, true);
    };
  }

  @Benchmark
  @Threads(1)
  public CompletableFuture<String> get(Gets gets) {
    return coalescedGet(gets);
  }

  @Benchmark
  @Threads(2)
  public CompletableFuture<String> getTwoThreads(Gets gets) {
    return coalescedGet(gets);
  }

  private CompletableFuture<String> coalescedGet(Gets gets) {
    CompletableFuture<String> result = client.get(HOT, context);
    if (++gets.count % ANSWER_EVERY == 0) {
      next.answerPending();
    }
    return result;
  }

  /**
   * The usual Caffeine coalescer: a shared future per key, removed on completion; with {@code
   * ownFutures}, also a window ({@code expireAfterWrite}) and a copy of it per caller.
   */
  static final class CaffeineCoalescer implements StoreClient<String, String> {
    private final StoreClient<String, String> next;
    private final AsyncCache<String, String> inFlight;
    private final BiFunction<String, Executor, CompletableFuture<String>> send;
    private final boolean ownFutures;

    CaffeineCoalescer(StoreClient<String, String> next, int maxInFlightKeys, boolean ownFutures) {
      this.next = next;
      this.ownFutures = ownFutures;
      Caffeine<Object, Object> builder = Caffeine.newBuilder().maximumSize(maxInFlightKeys)
          .executor(Runnable::run);
      this.inFlight = (ownFutures ? builder.expireAfterWrite(WINDOW) : builder).buildAsync();
      this.send = (key, executor) -> {
        CompletableFuture<String> call = next.get(key);
        if (!call.isDone()) { // removing inside the cache's compute would be a recursive update
          call.whenComplete((value, error) -> inFlight.asMap().remove(key, call));
        }
        return call;
      };
    }

    @Override
    public String storeName() {
      return next.storeName();
    }

    @Override
    public CompletableFuture<String> get(String key, RequestContext context) {
      CompletableFuture<String> shared = inFlight.get(key, send);
      if (shared.isDone()) { // answered before the cache held it: remove it now
        inFlight.asMap().remove(key, shared);
      }
      return ownFutures ? shared.copy() : shared;
    }

    @Override
    public CompletableFuture<Map<String, String>> batchGet(Set<String> keys,
        RequestContext context) {
      return next.batchGet(keys, context);
    }

    @Override
    public CompletableFuture<Void> streamingBatchGet(Set<String> keys, RequestContext context,
        StreamingCallback<String, String> callback) {
      return next.streamingBatchGet(keys, context, callback);
    }

    @Override
    public void close() {}
  }

  /**
   * The next client: answers at once with one ready future, or leaves each call pending until
   * {@link #answerPending}.
   */
  static final class NextClient implements StoreClient<String, String> {
    private static final CompletableFuture<String> READY = CompletableFuture.completedFuture("v");
    private final boolean answerAtOnce;
    private volatile CompletableFuture<String> pending = new CompletableFuture<>();

    NextClient(boolean answerAtOnce) {
      this.answerAtOnce = answerAtOnce;
    }

    @Override
    public String storeName() {
      return STORE;
    }

    @Override
    public CompletableFuture<String> get(String key, RequestContext context) {
      if (answerAtOnce) {
        return READY;
      }
      CompletableFuture<String> call = new CompletableFuture<>();
      pending = call;
      return call;
    }

    void answerPending() {
      pending.complete("v");
    }

    /** Every key holds "v" (the benchmark sends single gets only; coalescing passes these on). */
    @Override
    public CompletableFuture<Map<String, String>> batchGet(Set<String> keys,
        RequestContext context) {
      Map<String, String> values = new HashMap<>();
      keys.forEach(key -> values.put(key, "v"));
      return CompletableFuture.completedFuture(values);
    }

    @Override
    public CompletableFuture<Void> streamingBatchGet(Set<String> keys, RequestContext context,
        StreamingCallback<String, String> callback) {
      keys.forEach(key -> callback.onRecord(key, "v"));
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public void close() {}
  }
}
