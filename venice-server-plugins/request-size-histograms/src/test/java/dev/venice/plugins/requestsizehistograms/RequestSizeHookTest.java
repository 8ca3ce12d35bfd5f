package dev.venice.plugins.requestsizehistograms;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.venice.spi.client.RequestKind;
import dev.venice.spi.server.InboundRequest;
import dev.venice.spi.server.ReadOutcome;
import dev.venice.spi.server.ReadRequest;
import dev.venice.spi.server.RequestEnd;
import dev.venice.spi.server.RequestScope;
import dev.venice.testkit.TestingPluginContext;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The hook's recording: values land in the right buckets per store and request type, response
 * bytes are the sum of the values of a call that ended OK, sampling, the cardinality guard, keys
 * of another call, and concurrent recording losing nothing.
 */
class RequestSizeHookTest {
  private static final String PREFIX = "venice.server.request.size.histograms.";
  private static final RequestEnd OK = new RequestEnd(0, "OK", "");
  private static final RequestEnd FAILED = new RequestEnd(5, "NOT_FOUND", "no store");

  private final MeterRegistry registry = new SimpleMeterRegistry();
  private TestingPluginContext context;

  @AfterEach
  void close() {
    if (context != null) {
      context.close();
    }
  }

  private RequestSizeHook hook(Map<String, String> config, int maxStores, double random)
      throws Exception {
    TestingPluginContext.Builder builder =
        TestingPluginContext.builder(new RequestSizeHistogramsPlugin());
    config.forEach(builder::config);
    context = builder.build();
    return new RequestSizeHook(context.storeSettings(RequestSizeHistogramsConfig::from),
        new RequestSizeHistogramsMetrics(registry, PREFIX, maxStores), () -> random);
  }

  /** A call of {@code kind} reading one key per value size ({@code -1}: absent). */
  private static void call(RequestSizeHook hook, String store, RequestKind kind, RequestEnd end,
      int... valueSizes) {
    Map<String, String> headers = Map.copyOf(new HashMap<>(Map.of("user-agent", "t")));
    RequestScope scope = hook.onRequest(new InboundRequest("m", kind, store, 1, 0,
        valueSizes.length, headers));
    for (int size : valueSizes) {
      hook.afterRead(new ReadRequest(store, 1, 0, new byte[] {2}, headers),
          new ReadOutcome(size >= 0, Math.max(size, 0), 100, false));
    }
    scope.onEnd(end);
  }

  private DistributionSummary summary(String name, String store, RequestKind kind) {
    return registry.get(PREFIX + name).tag("store", store)
        .tag("request_type", kind.name().toLowerCase()).summary();
  }

  private static double countUpTo(DistributionSummary summary, double bound) {
    for (CountAtBucket bucket : summary.takeSnapshot().histogramCounts()) {
      if (bucket.bucket() == bound) {
        return bucket.count();
      }
    }
    throw new AssertionError("no bucket " + bound);
  }

  @Test
  void valuesLandInTheRightBucketsPerStoreAndRequestType() throws Exception {
    RequestSizeHook hook = hook(Map.of(), 100, 0.5);
    call(hook, "users", RequestKind.SINGLE_GET, OK, 100);
    call(hook, "users", RequestKind.SINGLE_GET, OK, 5000);
    call(hook, "users", RequestKind.BATCH_GET, OK, 10, 20, -1, 30); // 3 found of 4
    call(hook, "users", RequestKind.STREAMING_BATCH_GET, OK, 1000, 1000);

    DistributionSummary single = summary("value.bytes", "users", RequestKind.SINGLE_GET);
    assertEquals(2, single.count());
    assertEquals(0, countUpTo(single, 64));
    assertEquals(1, countUpTo(single, 256)); // 100 B
    assertEquals(1, countUpTo(single, 4096));
    assertEquals(2, countUpTo(single, 16384)); // 5000 B is in (4 KiB, 16 KiB]
    assertEquals(5100, summary("response.bytes", "users", RequestKind.SINGLE_GET).totalAmount());

    DistributionSummary batchValues = summary("value.bytes", "users", RequestKind.BATCH_GET);
    assertEquals(3, batchValues.count()); // the absent key has no value
    assertEquals(3, countUpTo(batchValues, 64));
    DistributionSummary batchResponse = summary("response.bytes", "users", RequestKind.BATCH_GET);
    assertEquals(1, batchResponse.count());
    assertEquals(60, batchResponse.totalAmount());
    assertEquals(0, countUpTo(batchResponse, 16));
    assertEquals(1, countUpTo(batchResponse, 64));
    DistributionSummary keys = summary("key.count", "users", RequestKind.BATCH_GET);
    assertEquals(1, keys.count());
    assertEquals(0, countUpTo(keys, 2));
    assertEquals(1, countUpTo(keys, 4));

    assertEquals(2000, summary("response.bytes", "users", RequestKind.STREAMING_BATCH_GET)
        .totalAmount());
    assertEquals(2, summary("key.count", "users", RequestKind.STREAMING_BATCH_GET).totalAmount());
    assertEquals(0, registry.find(PREFIX + "key.count").tag("request_type", "single_get")
        .meters().size(), "a single get has one key: no key-count series");
  }

  @Test
  void aFailedCallRecordsItsKeysAndValuesButNoResponse() throws Exception {
    RequestSizeHook hook = hook(Map.of(), 100, 0.5);
    call(hook, "users", RequestKind.BATCH_GET, FAILED, 10, 10);
    assertEquals(0, summary("response.bytes", "users", RequestKind.BATCH_GET).count());
    assertEquals(2, summary("value.bytes", "users", RequestKind.BATCH_GET).count());
    assertEquals(1, summary("key.count", "users", RequestKind.BATCH_GET).count());
  }

  @Test
  void aStreamCountsTheKeysItSentAfterItsFirstMessage() throws Exception {
    RequestSizeHook hook = hook(Map.of(), 100, 0.5);
    Map<String, String> headers = Map.of("user-agent", "t");
    RequestScope scope = hook.onRequest(new InboundRequest("m", RequestKind.STREAMING_BATCH_GET,
        "users", 1, -1, 0, headers)); // a first message carrying only the header
    for (int i = 0; i < 5; i++) {
      hook.afterRead(new ReadRequest("users", 1, 0, new byte[] {1}, headers),
          new ReadOutcome(true, 8, 10, false));
    }
    scope.onEnd(OK);
    assertEquals(5, summary("key.count", "users", RequestKind.STREAMING_BATCH_GET).totalAmount());
    assertEquals(40, summary("response.bytes", "users", RequestKind.STREAMING_BATCH_GET)
        .totalAmount());
  }

  @Test
  void samplingRecordsOnlyTheCallsDrawnBelowTheStoresRate() throws Exception {
    RequestSizeHook below = hook(Map.of("sample-rate", "0.25"), 100, 0.2);
    call(below, "users", RequestKind.SINGLE_GET, OK, 10);
    assertEquals(1, summary("response.bytes", "users", RequestKind.SINGLE_GET).count());
    close();

    RequestSizeHook above = hook(Map.of("sample-rate", "0.25"), 100, 0.3);
    call(above, "users", RequestKind.SINGLE_GET, OK, 10);
    assertEquals(1, summary("response.bytes", "users", RequestKind.SINGLE_GET).count(),
        "a call drawn above the rate is not recorded");
    assertEquals(0, registry.get(PREFIX + "keys.unattributed").counter().count(),
        "an unsampled call's keys are not unattributed");

    context.putStoreSettings("hot", Map.of("sample-rate", "0.0"));
    context.putStoreSettings("all", Map.of("sample-rate", "1.0"));
    call(above, "hot", RequestKind.SINGLE_GET, OK, 10);
    call(above, "all", RequestKind.SINGLE_GET, OK, 10);
    assertEquals(0, registry.find(PREFIX + "response.bytes").tag("store", "hot").meters().size());
    assertEquals(1, summary("response.bytes", "all", RequestKind.SINGLE_GET).count());
  }

  @Test
  void storesBeyondTheCapShareTheOtherTag() throws Exception {
    RequestSizeHook hook = hook(Map.of(), 2, 0.5);
    for (String store : List.of("a", "b", "c", "d", "a")) {
      call(hook, store, RequestKind.SINGLE_GET, OK, 10);
    }
    assertEquals(2, summary("response.bytes", "a", RequestKind.SINGLE_GET).count());
    assertEquals(1, summary("response.bytes", "b", RequestKind.SINGLE_GET).count());
    assertEquals(2, summary("response.bytes", "other", RequestKind.SINGLE_GET).count());
    assertEquals(0, registry.find(PREFIX + "response.bytes").tag("store", "c").meters().size());
    assertEquals(2, registry.get(PREFIX + "stores.tracked").gauge().value());
  }

  @Test
  void aKeyOfAnotherCallIsUnattributed() throws Exception {
    RequestSizeHook hook = hook(Map.of(), 100, 0.5);
    RequestScope scope = hook.onRequest(new InboundRequest("m", RequestKind.BATCH_GET, "users", 1,
        0, 1, Map.of("user-agent", "first")));
    hook.afterRead(new ReadRequest("users", 1, 0, new byte[] {1}, Map.of("user-agent", "other")),
        new ReadOutcome(true, 8, 10, false));
    scope.onEnd(OK);
    assertEquals(1, registry.get(PREFIX + "keys.unattributed").counter().count());
    assertEquals(0, summary("response.bytes", "users", RequestKind.BATCH_GET).totalAmount());
  }

  @Test
  void aKeyReadOnAnotherThreadThanTheCallsFirstMessageIsItsCalls() throws Exception {
    RequestSizeHook hook = hook(Map.of(), 100, 0.5);
    Map<String, String> headers = Map.of("user-agent", "grpc-java");
    RequestScope scope = hook.onRequest(new InboundRequest("m", RequestKind.SINGLE_GET, "users",
        1, 0, 1, headers));
    Thread handler = new Thread(() -> hook.afterRead(new ReadRequest("users", 1, 0,
        new byte[] {1}, headers), new ReadOutcome(true, 52, 10, false)), "grpc-default-executor");
    handler.start();
    handler.join();
    scope.onEnd(OK);
    assertEquals(1, summary("value.bytes", "users", RequestKind.SINGLE_GET).count());
    assertEquals(52.0, summary("response.bytes", "users", RequestKind.SINGLE_GET).totalAmount());
    assertEquals(0, registry.get(PREFIX + "keys.unattributed").counter().count());
  }

  @Test
  void concurrentCallsLoseNothing() throws Exception {
    RequestSizeHook hook = hook(Map.of(), 100, 0.5);
    int threads = 4;
    int calls = 20_000;
    CountDownLatch start = new CountDownLatch(1);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    List<Thread> running = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Thread thread = new Thread(() -> {
        try {
          start.await();
          for (int i = 0; i < calls; i++) {
            call(hook, "users", RequestKind.BATCH_GET, OK, 100, 200);
          }
        } catch (Throwable e) {
          failure.set(e);
        }
      });
      thread.start();
      running.add(thread);
    }
    start.countDown();
    for (Thread thread : running) {
      thread.join();
    }
    assertEquals(null, failure.get());
    DistributionSummary response = summary("response.bytes", "users", RequestKind.BATCH_GET);
    assertEquals(threads * calls, response.count());
    assertEquals(threads * calls * 300.0, response.totalAmount());
    assertEquals(2.0 * threads * calls, summary("value.bytes", "users", RequestKind.BATCH_GET)
        .count());
    assertEquals(0, registry.get(PREFIX + "keys.unattributed").counter().count());
  }
}
