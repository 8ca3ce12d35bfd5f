package dev.venice.plugins.circuitbreaker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.spi.client.QuotaExceededException;
import dev.venice.spi.client.Replica;
import dev.venice.spi.client.ReplicaDispatchDecorator;
import dev.venice.spi.client.ReplicaDispatcher;
import dev.venice.spi.client.ReplicaRequest;
import dev.venice.spi.client.ReplicaResponse;
import dev.venice.spi.client.ReplicaValue;
import dev.venice.spi.client.RequestContext;
import dev.venice.spi.client.RequestKind;
import dev.venice.spi.client.RequestTimeoutException;
import dev.venice.spi.client.ServiceUnavailableException;
import dev.venice.spi.client.UnknownStoreException;
import dev.venice.testkit.TestingPluginContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The selector and the gate through the plugin as a host runs them: started in a testing context,
 * settings per store through the store's metadata, the context's manual clock, and replicas of our
 * own dispatcher interface whose calls the test completes.
 */
class CircuitBreakerDecoratorsTest {
  private static final Replica A = new Replica("a_1", "a", 1);
  private static final Replica B = new Replica("b_1", "b", 1);
  private static final String PREFIX = "venice.client.circuit.breaker.";
  private static final int THREADS = 16;

  /** One call that reached the replicas, held until the test completes it. */
  private record Call(ReplicaRequest request, CompletableFuture<ReplicaResponse> future) {
    String instance() {
      return request.candidates().get(0).instanceId();
    }
  }

  private final List<Call> sent = new CopyOnWriteArrayList<>();
  private final ReplicaDispatcher replicas = request -> {
    CompletableFuture<ReplicaResponse> future = new CompletableFuture<>();
    sent.add(new Call(request, future));
    return future;
  };

  private TestingPluginContext context;
  private ReplicaDispatchDecorator selector;
  private ReplicaDispatchDecorator gate;

  @BeforeEach
  void start() throws Exception {
    context = TestingPluginContext.builder(new CircuitBreakerPlugin())
        .config("wait-duration-in-open-state", "10s").build();
    List<ReplicaDispatchDecorator> added = context.start().replicaDecorators();
    selector = added.get(0);
    gate = added.get(1);
  }

  @AfterEach
  void stop() {
    context.close();
  }

  /** The breaker's two decorators around the replicas for {@code store}, with its settings. */
  private ReplicaDispatcher breaker(String store, Map<String, String> settings) {
    context.putStoreSettings(store, settings);
    assertEquals(Map.of(), context.storeErrors(), "the store's settings were taken");
    return selector.decorate(gate.decorate(replicas, store), store);
  }

  private static ReplicaRequest request(String store, RequestContext context,
      Replica... candidates) {
    return new ReplicaRequest(store, 1, 7, RequestKind.SINGLE_GET, List.of(new byte[] {1}),
        context, List.of(candidates));
  }

  private static ReplicaRequest request(String store, Replica... candidates) {
    return request(store, RequestContext.of(store), candidates);
  }

  private Call lastCall() {
    return sent.get(sent.size() - 1);
  }

  /** Sends one request to {@code replica} alone and fails it with {@code error}. */
  private void failOnce(ReplicaDispatcher dispatcher, String store, Replica replica,
      Throwable error) {
    int before = sent.size();
    CompletableFuture<ReplicaResponse> result = dispatcher.dispatch(request(store, replica));
    assertEquals(before + 1, sent.size(), "sent to " + replica.instanceId());
    lastCall().future().completeExceptionally(error);
    assertTrue(result.isCompletedExceptionally());
  }

  private void answerOnce(ReplicaDispatcher dispatcher, String store, Replica replica) {
    CompletableFuture<ReplicaResponse> result = dispatcher.dispatch(request(store, replica));
    lastCall().future().complete(new ReplicaResponse(replica, List.of()));
    result.join();
  }

  private static ServiceUnavailableException unavailable(String store) {
    return new ServiceUnavailableException(store, "connection refused", null);
  }

  private double state(String store, Replica replica) {
    return context.meterRegistry().get(PREFIX + "state")
        .tags("store", store, "instance", replica.instanceId()).gauge().value();
  }

  private double transitionsTo(String store, Replica replica, String state) {
    return context.meterRegistry().get(PREFIX + "transitions")
        .tags("store", store, "instance", replica.instanceId(), "state", state).counter().count();
  }

  private double calls(String store, Replica replica, String outcome) {
    return context.meterRegistry().get(PREFIX + "calls")
        .tags("store", store, "instance", replica.instanceId(), "outcome", outcome).counter()
        .count();
  }

  private double rejections(String store, Replica replica) {
    return context.meterRegistry().get(PREFIX + "rejections")
        .tags("store", store, "instance", replica.instanceId()).counter().count();
  }

  @Test
  void failuresOpenTheInstancesBreakerAndTheMetersSayIt() {
    ReplicaDispatcher dispatcher = breaker("s", Map.of("consecutive-failure-threshold", "2"));
    failOnce(dispatcher, "s", A, unavailable("s"));
    assertEquals(0, state("s", A), "closed");
    failOnce(dispatcher, "s", A, new RequestTimeoutException("s", Duration.ofMillis(5)));
    assertEquals(1, state("s", A), "open");
    assertEquals(1, transitionsTo("s", A, "OPEN"));
    assertEquals(0, transitionsTo("s", A, "CLOSED"));
  }

  @Test
  void selectionSkipsAnOpenInstanceAndTheOthersServe() {
    ReplicaDispatcher dispatcher = breaker("s", Map.of("consecutive-failure-threshold", "1"));
    failOnce(dispatcher, "s", A, unavailable("s"));
    CompletableFuture<ReplicaResponse> result = dispatcher.dispatch(request("s", A, B));
    assertEquals(List.of(B), lastCall().request().candidates(), "A left out before hedging");
    lastCall().future().complete(new ReplicaResponse(B, List.of()));
    assertSame(B, result.join().servedBy());
    assertEquals(1, rejections("s", A));
    assertEquals(0, rejections("s", B));
  }

  @Test
  void everyReplicaOpenFailsAtOnceNotRetriableNamingStorePartitionAndInstances() {
    ReplicaDispatcher dispatcher = breaker("s", Map.of("consecutive-failure-threshold", "1"));
    failOnce(dispatcher, "s", A, unavailable("s"));
    failOnce(dispatcher, "s", B, unavailable("s"));
    int before = sent.size();
    CompletableFuture<ReplicaResponse> result = dispatcher.dispatch(request("s", A, B));
    CompletionException failed = assertThrows(CompletionException.class, result::join);
    CircuitOpenException open = assertInstanceOf(CircuitOpenException.class, failed.getCause());
    assertFalse(open.isRetriable(), "the client's failover must not retry it");
    assertInstanceOf(ServiceUnavailableException.class, open);
    assertEquals("store s: partition 7 of version 1: every replica's circuit breaker is open:"
        + " [a_1, b_1]", open.getMessage());
    assertEquals(List.of("a_1", "b_1"), open.instances());
    assertEquals(before, sent.size(), "no network call");
    assertEquals(1, context.meterRegistry().get(PREFIX + "all.open").tag("store", "s")
        .counter().count());
  }

  @Test
  void theGateRefusesAHalfOpenInstanceWhoseProbeIsOutRetriably() {
    breaker("s", Map.of("consecutive-failure-threshold", "1"));
    ReplicaDispatcher gateOnly = gate.decorate(replicas, "s");
    failOnce(gateOnly, "s", A, unavailable("s"));
    context.time().advance(Duration.ofSeconds(10));
    CompletableFuture<ReplicaResponse> probe = gateOnly.dispatch(request("s", A, B));
    assertEquals(2, state("s", A), "half-open");
    int before = sent.size();
    CompletableFuture<ReplicaResponse> refused = gateOnly.dispatch(request("s", A, B));
    CompletionException failed = assertThrows(CompletionException.class, refused::join);
    ServiceUnavailableException cause =
        assertInstanceOf(ServiceUnavailableException.class, failed.getCause());
    assertTrue(cause.isRetriable(), "failover moves on to the next candidate");
    assertTrue(cause.getMessage().contains("replica a_1"), cause.getMessage());
    assertEquals(before, sent.size(), "no network call");
    assertEquals(1, rejections("s", A));
    lastCall().future().complete(new ReplicaResponse(A, List.of()));
    probe.join();
  }

  @Test
  void halfOpenSendsExactlyThePermittedProbesWhenManyThreadsRace() throws Exception {
    ReplicaDispatcher dispatcher = breaker("s", Map.of("consecutive-failure-threshold", "1",
        "max-probes-in-flight", "2", "success-threshold", "2"));
    failOnce(dispatcher, "s", A, unavailable("s"));
    context.time().advance(Duration.ofSeconds(10));
    sent.clear();
    List<CompletableFuture<ReplicaResponse>> results = new CopyOnWriteArrayList<>();
    race(i -> results.add(dispatcher.dispatch(request("s", A))));
    assertEquals(2, sent.size(), "probes sent of " + THREADS + " racing requests");
    long failedFast = results.stream().filter(CompletableFuture::isCompletedExceptionally)
        .count();
    assertEquals(THREADS - 2, failedFast, "every other request failed fast");
    for (Call probe : sent) {
      probe.future().complete(new ReplicaResponse(A, List.of()));
    }
    assertEquals(0, state("s", A), "two successful probes closed it");
    assertEquals(1, transitionsTo("s", A, "HALF_OPEN"));
    assertEquals(1, transitionsTo("s", A, "CLOSED"));
  }

  @Test
  void manyAttemptsFailingAtOnceOpenTheBreakerOnceCountedOnce() throws Exception {
    ReplicaDispatcher dispatcher = breaker("s", Map.of("consecutive-failure-threshold", "1"));
    for (int i = 0; i < THREADS; i++) {
      dispatcher.dispatch(request("s", A));
    }
    assertEquals(THREADS, sent.size(), "closed: every attempt was sent");
    race(i -> sent.get(i).future().completeExceptionally(unavailable("s")));
    assertEquals(1, state("s", A));
    assertEquals(1, transitionsTo("s", A, "OPEN"), "one transition, one increment");
  }

  @Test
  void aMissingKeyIsASuccessAndQuotaOrAGoneVersionCountForNothing() {
    ReplicaDispatcher dispatcher = breaker("s", Map.of("consecutive-failure-threshold", "2"));
    failOnce(dispatcher, "s", A, unavailable("s"));
    answerOnce(dispatcher, "s", A); // an answer without the value: the key does not exist
    failOnce(dispatcher, "s", A, unavailable("s"));
    assertEquals(0, state("s", A), "the missing key's answer broke the row");
    failOnce(dispatcher, "s", A, new QuotaExceededException("s", "read quota"));
    failOnce(dispatcher, "s", A, new UnknownStoreException("s", "version 1 is gone"));
    assertEquals(0, state("s", A), "quota and a gone version are not the server's failures");
    failOnce(dispatcher, "s", A, unavailable("s"));
    assertEquals(1, state("s", A), "nor do they break the row");
    assertEquals(List.of(3.0, 1.0, 2.0), List.of(calls("s", A, "FAILURE"),
        calls("s", A, "SUCCESS"), calls("s", A, "IGNORED")), "attempts counted by outcome");
  }

  @Test
  void theOutcomeIsRecordedBeforeTheResultIsPassedOn() {
    ReplicaDispatcher dispatcher = breaker("s", Map.of("consecutive-failure-threshold", "1",
        "success-threshold", "1"));
    failOnce(dispatcher, "s", A, unavailable("s"));
    context.time().advance(Duration.ofSeconds(10));
    CompletableFuture<Double> stateSeenByTheCaller =
        dispatcher.dispatch(request("s", A)).thenApply(r -> state("s", A));
    lastCall().future().complete(new ReplicaResponse(A,
        List.of(new ReplicaValue(0, 1, new byte[] {2}))));
    assertEquals(0.0, stateSeenByTheCaller.join(), "closed by the probe before its answer");
  }

  @Test
  void cancellingAnAttemptCancelsTheCallAndWithoutADeadlineCountsNothing() {
    ReplicaDispatcher dispatcher = breaker("s", Map.of("consecutive-failure-threshold", "1"));
    CompletableFuture<ReplicaResponse> result = dispatcher.dispatch(request("s", A));
    Call call = lastCall();
    assertTrue(result.cancel(true));
    assertTrue(call.future().isCancelled(), "the replica call was cancelled too");
    assertEquals(0, state("s", A), "a losing hedge or a caller's cancel is not a failure");

    failOnce(dispatcher, "s", A, unavailable("s"));
    context.time().advance(Duration.ofSeconds(10));
    CompletableFuture<ReplicaResponse> probe = dispatcher.dispatch(request("s", A));
    probe.cancel(true);
    assertEquals(2, state("s", A), "still half-open");
    int before = sent.size();
    dispatcher.dispatch(request("s", A));
    assertEquals(before + 1, sent.size(), "the cancelled probe's permit came back: another probe"
        + " went out");
  }

  @Test
  void cancellingAnAttemptAtItsDeadlineCountsAsATimeout() {
    ReplicaDispatcher dispatcher = breaker("s", Map.of("consecutive-failure-threshold", "1"));
    RequestContext timed = RequestContext.of("s")
        .withDeadline(context.time().now().plusMillis(50));
    CompletableFuture<ReplicaResponse> result = dispatcher.dispatch(request("s", timed, A));
    context.time().advance(Duration.ofMillis(50)); // a store-level timeout gives up
    result.cancel(true);
    assertTrue(lastCall().future().isCancelled());
    assertEquals(1, state("s", A), "the timed-out attempt is a failure");
  }

  @Test
  void eachStoreHasItsOwnSettingsAndTheyChangeAtRunTime() {
    ReplicaDispatcher strict = breaker("strict", Map.of("consecutive-failure-threshold", "1"));
    ReplicaDispatcher lenient = breaker("lenient", Map.of("consecutive-failure-threshold", "3"));
    failOnce(strict, "strict", A, unavailable("strict"));
    failOnce(lenient, "lenient", A, unavailable("lenient"));
    assertEquals(1, state("strict", A));
    assertEquals(0, state("lenient", A), "the same instance has a breaker per store");

    context.putStoreSettings("lenient", Map.of("consecutive-failure-threshold", "2"));
    failOnce(lenient, "lenient", A, unavailable("lenient"));
    assertEquals(1, state("lenient", A), "the changed threshold applied to the next outcome");
  }

  @Test
  void requestsWithoutCandidatesPassThrough() {
    ReplicaDispatcher dispatcher = breaker("s", Map.of());
    dispatcher.dispatch(request("s"));
    assertEquals(List.of(), lastCall().request().candidates(), "the innermost dispatcher says"
        + " no replica is ready");
  }

  /** A task per thread on {@link #THREADS} threads, released at once; rethrows a failure. */
  private static void race(IntTask task) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<?>> done = new ArrayList<>();
      for (int i = 0; i < THREADS; i++) {
        int index = i;
        done.add(pool.submit(() -> {
          go.await();
          task.run(index);
          return null;
        }));
      }
      go.countDown();
      for (Future<?> f : done) {
        f.get(10, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @FunctionalInterface
  private interface IntTask {
    void run(int index);
  }
}
