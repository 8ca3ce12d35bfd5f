package dev.venice.plugins.readtimeout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.spi.client.QuotaExceededException;
import dev.venice.spi.client.RequestContext;
import dev.venice.spi.client.RequestTimeoutException;
import dev.venice.spi.client.StoreClient;
import dev.venice.testkit.RecordingStoreClient;
import dev.venice.testkit.TestingHostServices;
import dev.venice.testkit.TestingPluginContext;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.function.BiFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The decorated store client through the plugin as a host runs it: started in a testing context,
 * the timeout per store through the store's metadata, timers on the plugin's real scheduler,
 * deadlines from the context's manual clock (which stands still, so the deadline passed down is
 * exactly now plus the timeout).
 */
class ReadTimeoutStoreClientTest {
  /** The three reads, each through the decorated client. */
  private static final Map<String, BiFunction<StoreClient<String, String>, RequestContext,
      CompletableFuture<?>>> READS = Map.of(
          "get", (client, context) -> client.get("k", context),
          "batchGet", (client, context) -> client.batchGet(Set.of("k"), context),
          "streamingBatchGet", (client, context) ->
              client.streamingBatchGet(Set.of("k"), context, (key, value) -> { }));

  private final List<TestingPluginContext> contexts = new ArrayList<>();
  private TestingPluginContext context;
  private final RecordingStoreClient<String, String> delegate = RecordingStoreClient.pending("s");
  private StoreClient<String, String> client;

  /** Starts the plugin with {@code config} and decorates the recording client of store s. */
  private void start(Map<String, String> config) throws Exception {
    start(TestingPluginContext.builder(new ReadTimeoutPlugin()).config(config));
  }

  private void start(TestingPluginContext.Builder builder) throws Exception {
    context = builder.build();
    contexts.add(context);
    client = context.start().storeDecorators().get(0).decorate(delegate);
  }

  @AfterEach
  void stop() {
    contexts.forEach(TestingPluginContext::close);
  }

  private void storeSettings(Map<String, String> settings) {
    context.putStoreSettings("s", settings);
    assertEquals(Map.of(), context.storeErrors(), "the store's settings were taken");
  }

  /** The deadline the delegate's latest call was sent with. */
  private Optional<Instant> deadlineSent() {
    return delegate.lastCall().context().deadline();
  }

  private Instant inFromNow(long millis) {
    return context.time().now().plusMillis(millis);
  }

  /** Armed timers not yet run or cancelled. */
  private int pendingTimers() {
    return ((ScheduledThreadPoolExecutor) context.scheduler()).getQueue().size();
  }

  private double timeouts() {
    return context.meterRegistry().get("venice.client.read.timeout.timeouts").tag("store", "s")
        .counter().count();
  }

  private double effectiveMillis() {
    return context.meterRegistry().get("venice.client.read.timeout.effective.ms")
        .tag("store", "s").gauge().value();
  }

  private static RequestTimeoutException timeoutOf(CompletableFuture<?> result) {
    CompletionException failed = assertThrows(CompletionException.class, result::join);
    return assertInstanceOf(RequestTimeoutException.class, failed.getCause());
  }

  @Test
  void withNoTimeoutSetCallsPassThroughUntouched() throws Exception {
    start(Map.of());
    storeSettings(Map.of());
    RequestContext caller = RequestContext.of("s").withHeader("traceparent", "t");
    for (var read : READS.entrySet()) {
      CompletableFuture<?> result = read.getValue().apply(client, caller);
      assertSame(delegate.lastCall().future(), result,
          read.getKey() + ": the delegate's own future");
      assertSame(caller, delegate.lastCall().context(), read.getKey() + ": the caller's context");
    }
    assertEquals(0, pendingTimers(), "no timer armed");
    assertEquals(0, effectiveMillis(), "0: the client's global timeout");
  }

  @Test
  void theStoresTimeoutSetsTheDeadlinePassedDown() throws Exception {
    start(Map.of());
    storeSettings(Map.of("read-timeout-ms", "250"));
    RequestContext caller = RequestContext.of("s").withHeader("traceparent", "t");
    for (var read : READS.entrySet()) {
      CompletableFuture<?> result = read.getValue().apply(client, caller);
      assertEquals(Optional.of(inFromNow(250)), deadlineSent(), read.getKey());
      assertEquals(Optional.of("t"), delegate.lastCall().context().header("traceparent"),
          read.getKey() + ": the caller's headers travel on");
      delegate.lastCall().answer(); // the store holds no key: null, an empty map, null per key
      result.join();
    }
    assertEquals(250, effectiveMillis());
  }

  @Test
  void onExpiryTheCallIsCancelledAndTheCallerFailsNamingStoreAndTimeout() throws Exception {
    start(Map.of());
    storeSettings(Map.of("read-timeout-ms", "20"));
    int expired = 0;
    for (var read : READS.entrySet()) {
      CompletableFuture<?> result = read.getValue().apply(client, RequestContext.of("s"));
      RequestTimeoutException timeout = timeoutOf(result);
      assertEquals("store s: no answer within 20 ms", timeout.getMessage(), read.getKey());
      assertEquals("s", timeout.store());
      assertEquals(Duration.ofMillis(20), timeout.timeout());
      assertTrue(delegate.lastCall().future().isCancelled(), read.getKey() + ": the in-flight call"
          + " was cancelled before the caller saw the timeout");
      assertEquals(++expired, timeouts(), read.getKey() + ": counted");
    }
    assertEquals(0, pendingTimers());
  }

  @Test
  void anAnswerFirstCancelsTheTimer() throws Exception {
    start(Map.of());
    storeSettings(Map.of("read-timeout-ms", "60000"));
    CompletableFuture<String> answered = client.get("k");
    assertEquals(1, pendingTimers(), "armed");
    delegate.lastCall().answer("v");
    assertEquals("v", answered.join());
    assertEquals(0, pendingTimers(), "the timer was cancelled, not left to expire");

    CompletableFuture<String> failed = client.get("k");
    QuotaExceededException quota = new QuotaExceededException("s", "over quota");
    delegate.lastCall().fail(quota);
    assertSame(quota, assertThrows(CompletionException.class, failed::join).getCause(),
        "the call's own failure is passed on");
    assertEquals(0, pendingTimers());
    assertEquals(0, timeouts());
    assertFalse(delegate.calls().stream().anyMatch(c -> c.future().isCancelled()));
  }

  @Test
  void theCallersCancelCancelsTheCallAndTheTimer() throws Exception {
    start(Map.of());
    storeSettings(Map.of("read-timeout-ms", "60000"));
    CompletableFuture<String> result = client.get("k");
    assertTrue(result.cancel(true));
    assertTrue(delegate.lastCall().future().isCancelled());
    assertEquals(0, pendingTimers());
    assertEquals(0, timeouts(), "not a timeout");
  }

  @Test
  void theFallbackAppliesWhenTheStoresSettingsCannotBeRead() throws Exception {
    start(Map.of("read-timeout-fallback-ms", "30"));
    client.get("k"); // the host has no metadata for the store
    assertEquals(Optional.of(inFromNow(30)), deadlineSent(), "unknown store");
    assertEquals(30, effectiveMillis());

    storeSettings(Map.of("read-timeout-ms", "70"));
    client.get("k");
    assertEquals(Optional.of(inFromNow(70)), deadlineSent(), "the store's own");

    context.stores().unavailable(true);
    RecordingStoreClient<String, String> other = RecordingStoreClient.pending("other");
    context.extensions().storeDecorators().get(0).decorate(other).get("k");
    assertEquals(Optional.of(inFromNow(30)), other.lastCall().context().deadline(),
        "the metadata cannot be read");
    context.stores().unavailable(false);

    storeSettings(Map.of());
    CompletableFuture<String> global = client.get("k");
    assertSame(delegate.lastCall().future(), global, "a known store without a timeout: the global"
        + " timeout, not the fallback");
  }

  @Test
  void theFallbackAppliesOnAHostWithoutStoreMetadata() throws Exception {
    start(TestingPluginContext.builder(new ReadTimeoutPlugin())
        .host(new TestingHostServices().withoutStoreMetadata())
        .config(Map.of("read-timeout-fallback-ms", "45", "read-timeout-ms", "500")));
    client.get("k");
    assertEquals(Optional.of(inFromNow(45)), deadlineSent());
  }

  @Test
  void theProcessTimeoutAppliesToStoresWithoutTheirOwn() throws Exception {
    start(Map.of("read-timeout-ms", "100"));
    client.get("k");
    assertEquals(Optional.of(inFromNow(100)), deadlineSent(), "unknown store, no fallback");
    storeSettings(Map.of());
    client.get("k");
    assertEquals(Optional.of(inFromNow(100)), deadlineSent(), "a store without its own");
    storeSettings(Map.of("read-timeout-ms", "40"));
    client.get("k");
    assertEquals(Optional.of(inFromNow(40)), deadlineSent(), "the store's own wins");
  }

  @Test
  void aSettingsChangeIsPickedUpByTheRunningClient() throws Exception {
    start(Map.of());
    storeSettings(Map.of());
    client.get("k");
    assertEquals(Optional.empty(), deadlineSent(), "unset");
    storeSettings(Map.of("read-timeout-ms", "50"));
    client.get("k");
    assertEquals(Optional.of(inFromNow(50)), deadlineSent());
    assertEquals(50, effectiveMillis());
    storeSettings(Map.of("read-timeout-ms", "80"));
    client.get("k");
    assertEquals(Optional.of(inFromNow(80)), deadlineSent());
    assertEquals(80, effectiveMillis());
    storeSettings(Map.of());
    CompletableFuture<String> unset = client.get("k");
    assertSame(delegate.lastCall().future(), unset, "unset again: passed through");
    assertEquals(0, effectiveMillis());
  }

  @Test
  void aSoonerCallerDeadlineIsKeptAndTheCallPassedThrough() throws Exception {
    start(Map.of());
    storeSettings(Map.of("read-timeout-ms", "50"));
    RequestContext hurried = RequestContext.of("s").withDeadline(inFromNow(10));
    CompletableFuture<String> result = client.get("k", hurried);
    assertSame(hurried, delegate.lastCall().context());
    assertSame(delegate.lastCall().future(), result, "the runtime enforces the caller's deadline");

    RequestContext patient = RequestContext.of("s").withDeadline(inFromNow(5000));
    client.get("k", patient);
    assertEquals(Optional.of(inFromNow(50)), deadlineSent(), "a later one is brought forward");
  }

  @Test
  void theCallsOwnTimeoutAtTheDeadlineIsReportedAsTheStores() throws Exception {
    start(Map.of());
    storeSettings(Map.of("read-timeout-ms", "60000"));
    RequestTimeoutException runtimes = new RequestTimeoutException("s", Duration.ofSeconds(10));

    CompletableFuture<String> early = client.get("k");
    context.time().advance(Duration.ofSeconds(10));
    delegate.lastCall().fail(runtimes);
    assertSame(runtimes, timeoutOf(early), "the client's sooner global timeout, passed on");
    assertEquals(0, timeouts());

    CompletableFuture<String> atDeadline = client.get("k");
    context.time().advance(Duration.ofMillis(59_999)); // a gRPC deadline rounded down to the ms
    delegate.lastCall().fail(new CompletionException(runtimes));
    assertEquals(Duration.ofSeconds(60), timeoutOf(atDeadline).timeout(), "the store's timeout");
    assertEquals(1, timeouts());
    assertEquals(0, pendingTimers());
  }

  @Test
  void noValueIsStreamedAfterTheTimeout() throws Exception {
    start(Map.of());
    storeSettings(Map.of("read-timeout-ms", "20"));
    List<String> delivered = new ArrayList<>();
    CompletableFuture<Void> result = client.streamingBatchGet(Set.of("a", "b"),
        (key, value) -> delivered.add(key + "=" + value));
    delegate.lastCall().callback().onRecord("a", "1");
    timeoutOf(result);
    delegate.lastCall().callback().onRecord("b", "2"); // a late answer racing the cancellation
    assertEquals(List.of("a=1"), delivered);
  }
}
