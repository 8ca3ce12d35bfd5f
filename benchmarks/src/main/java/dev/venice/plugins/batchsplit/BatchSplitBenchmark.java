package dev.venice.plugins.batchsplit;

import dev.venice.spi.client.RequestContext;
import dev.venice.spi.client.StoreClient;
import dev.venice.spi.client.StreamingCallback;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
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
 * What {@link SplittingBatchGetStoreClient} adds to a batch get, against {@code direct}, the same
 * call on the delegate itself. The delegate answers at once with a ready, empty map (every key
 * missing), so only the decorator's own work is measured: with {@code keys=100} (under the default
 * threshold of 150) the decision alone, which must allocate nothing ({@code -prof gc}: the same
 * {@code gc.alloc.rate.norm} as {@code direct}); with {@code keys=350} the split into three
 * sub-batches, their futures and the merged map. One and two threads share one client, as the
 * threads of an application do.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class BatchSplitBenchmark {
  private static final String STORE = "bench";

  @Param({"100", "350"})
  public int keys;

  private StoreClient<String, Object> delegate;
  private StoreClient<String, Object> splitting;
  private Set<String> keySet;
  private RequestContext context;

  @Setup
  public void setUp() {
    delegate = new ReadyStoreClient();
    splitting = new SplittingBatchGetStoreClient<>(delegate,
        SplittingBatchGetStoreClient.DEFAULT_MAX_KEYS_PER_SUB_BATCH, new SimpleMeterRegistry());
    keySet = new HashSet<>();
    for (int i = 0; i < keys; i++) {
      keySet.add("key-" + i);
    }
    context = RequestContext.of(STORE);
  }

  @Benchmark
  @Threads(1)
  public Map<String, Object> direct() {
    return delegate.batchGet(keySet, context).join();
  }

  @Benchmark
  @Threads(1)
  public Map<String, Object> splitting() {
    return splitting.batchGet(keySet, context).join();
  }

  @Benchmark
  @Threads(2)
  public Map<String, Object> direct2Threads() {
    return delegate.batchGet(keySet, context).join();
  }

  @Benchmark
  @Threads(2)
  public Map<String, Object> splitting2Threads() {
    return splitting.batchGet(keySet, context).join();
  }

  /** A store client answering every batch get at once with the same ready, empty map. */
  private static final class ReadyStoreClient implements StoreClient<String, Object> {
    private static final CompletableFuture<Map<String, Object>> READY =
        CompletableFuture.completedFuture(Map.of());

    @Override
    public String storeName() {
      return STORE;
    }

    @Override
    public CompletableFuture<Object> get(String key, RequestContext context) {
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Map<String, Object>> batchGet(Set<String> keys,
        RequestContext context) {
      return READY;
    }

    @Override
    public CompletableFuture<Void> streamingBatchGet(Set<String> keys, RequestContext context,
        StreamingCallback<String, Object> callback) {
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public void close() {}
  }
}
