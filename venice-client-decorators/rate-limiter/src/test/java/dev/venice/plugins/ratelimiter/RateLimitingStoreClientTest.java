package dev.venice.plugins.ratelimiter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.spi.client.QuotaExceededException;
import dev.venice.spi.client.StoreClient;
import dev.venice.testkit.Await;
import dev.venice.testkit.RecordingStoreClient;
import dev.venice.testkit.TestingPluginContext;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The decorator through the plugin in a testing context (manual clock, per-store settings), and
 * the hand-built client: what passes, what is refused and how, that a refusal never reaches the
 * wrapped client, per-store settings and their live change, meters, and many threads sharing one
 * client's rate.
 */
class RateLimitingStoreClientTest {
  private static final String PREFIX = "venice.client.rate.limiter.";
  private TestingPluginContext context;

  /** A started plugin with process-wide {@code config}; its clock stands still until advanced. */
  private void start(Map<String, String> config) throws Exception {
    context = TestingPluginContext.builder(new RateLimiterPlugin()).config(config).build();
    context.start();
  }

  private StoreClient<String, String> limited(RecordingStoreClient<String, String> fake) {
    return context.extensions().storeDecorators().get(0).decorate(fake);
  }

  /**
   * A client of {@code store} that answers every call at once, from a store where each key the
   * tests ask for ({@code a..z} and {@code k0..k9}) holds itself in upper case.
   */
  static RecordingStoreClient<String, String> upperCasing(String store) {
    Map<String, String> data = new HashMap<>();
    for (char letter = 'a'; letter <= 'z'; letter++) {
      data.put(String.valueOf(letter), String.valueOf(Character.toUpperCase(letter)));
    }
    for (int i = 0; i < 10; i++) {
      data.put("k" + i, "K" + i);
    }
    return RecordingStoreClient.answeringAtOnce(store, data);
  }

  /** The keys of every call that reached {@code fake}, summed over the calls. */
  private static int keysSent(RecordingStoreClient<String, String> fake) {
    return fake.calls().stream().mapToInt(call -> call.keys().size()).sum();
  }

  @AfterEach
  void close() {
    if (context != null) {
      context.close();
    }
  }

  private static QuotaExceededException refusal(CompletableFuture<?> future) {
    assertTrue(future.isCompletedExceptionally(), "refused at once, not later");
    CompletionException e = assertThrows(CompletionException.class, future::join);
    return assertInstanceOf(QuotaExceededException.class, e.getCause());
  }

  private double meter(String name, String store) {
    MeterRegistry registry = context.meterRegistry();
    return name.equals("fill.level")
        ? registry.get(PREFIX + name).tag("store", store).gauge().value()
        : registry.get(PREFIX + name).tag("store", store).counter().count();
  }

  @Test
  void exactlyTheBurstPassesThenAGetFailsAtOnceWithoutReachingTheClient() throws Exception {
    start(Map.of("rate", "2", "burst", "3"));
    RecordingStoreClient<String, String> fake = upperCasing("users");
    StoreClient<String, String> client = limited(fake);
    for (int i = 0; i < 3; i++) {
      assertEquals("K" + i, client.get("k" + i).join());
    }
    QuotaExceededException refused = refusal(client.get("k3"));
    assertEquals(3, fake.callCount(), "the refused get never reached the wrapped client");
    assertEquals("users", refused.store());
    assertFalse(refused.isRetriable(), "nothing below or above retries it");
    assertEquals("store users: client-side rate limit exceeded: 1 key(s) asked for, 0.00 token(s)"
        + " available; rate 2.0 keys/s, burst 3 (plugins.rate-limiter.rate and .burst); not sent",
        refused.getMessage());
    assertEquals(0, refused.getStackTrace().length, "flow control, no stack to fill in");

    context.time().advance(Duration.ofMillis(500)); // one token at 2 per second
    assertEquals("K4", client.get("k4").join());
    assertEquals(4, fake.callCount());
  }

  @Test
  void aBatchCostsOneTokenPerKeyStreamingToo() throws Exception {
    start(Map.of("rate", "1", "burst", "10"));
    RecordingStoreClient<String, String> fake = upperCasing("users");
    StoreClient<String, String> client = limited(fake);
    assertEquals(Map.of("a", "A", "b", "B", "c", "C", "d", "D"),
        client.batchGet(Set.of("a", "b", "c", "d")).join());
    assertEquals(6.0, meter("fill.level", "users"), 1e-9, "4 keys took 4 tokens");
    List<String> streamed = new ArrayList<>();
    client.streamingBatchGet(Set.of("e", "f", "g", "h", "i"), (k, v) -> streamed.add(v)).join();
    assertEquals(5, streamed.size());
    assertEquals(1.0, meter("fill.level", "users"), 1e-9, "5 streamed keys took 5 tokens");

    refusal(client.batchGet(Set.of("x", "y")));
    refusal(client.streamingBatchGet(Set.of("x", "y"), (k, v) -> streamed.add(v)));
    assertEquals(5, streamed.size(), "a refused stream delivers nothing");
    assertEquals(9, keysSent(fake), "refused batches never reached the wrapped client");
    assertEquals(1.0, meter("fill.level", "users"), 1e-9, "and took no token");
    assertEquals(Map.of(), client.batchGet(Set.of()).join(), "an empty batch costs nothing");
    assertEquals("Z", client.get("z").join(), "the last token");
  }

  @Test
  void aBatchOfMoreKeysThanTheBurstIsRefusedSayingItCanNeverPass() throws Exception {
    start(Map.of("rate", "100", "burst", "4"));
    RecordingStoreClient<String, String> fake = upperCasing("users");
    StoreClient<String, String> client = limited(fake);
    Set<String> five = Set.of("a", "b", "c", "d", "e");
    String message = refusal(client.batchGet(five)).getMessage();
    assertTrue(message.startsWith("store users: a batch of 5 keys can never pass the"
        + " client-side rate limit: it costs one token per key and the bucket holds at most 4"
        + " tokens"), message);
    assertTrue(message.contains("rate 100.0 keys/s, burst 4"), message);
    refusal(client.streamingBatchGet(five, (k, v) -> { }));
    assertEquals(0, fake.callCount());
    assertEquals(4.0, meter("fill.level", "users"), "the full bucket is untouched");
    assertEquals(4, client.batchGet(Set.of("a", "b", "c", "d")).join().size());
  }

  @Test
  void metersCountRequestsAndShowTheFillLevelPerStore() throws Exception {
    start(Map.of("rate", "1", "burst", "3"));
    StoreClient<String, String> users = limited(upperCasing("users"));
    StoreClient<String, String> items = limited(upperCasing("items"));
    users.batchGet(Set.of("a", "b")).join();
    users.get("c").join();
    refusal(users.get("d"));
    refusal(users.batchGet(Set.of("e", "f")));
    items.get("a").join();
    assertEquals(2, meter("admitted", "users"), "requests, not keys");
    assertEquals(2, meter("rejected", "users"));
    assertEquals(0.0, meter("fill.level", "users"));
    assertEquals(1, meter("admitted", "items"), "each store its own bucket and meters");
    assertEquals(0, meter("rejected", "items"));
    assertEquals(2.0, meter("fill.level", "items"));
  }

  @Test
  void aStoresOwnSettingsOverrideTheProcessesAndChangesApplyToARunningClient() throws Exception {
    start(Map.of("rate", "1", "burst", "2"));
    context.putStoreSettings("big", Map.of("burst", "5"));
    RecordingStoreClient<String, String> bigFake = upperCasing("big");
    StoreClient<String, String> big = limited(bigFake);
    StoreClient<String, String> plain = limited(upperCasing("plain"));
    assertEquals(5, admitted(big, 10), "the store's burst");
    assertEquals(2, admitted(plain, 10), "the process's burst");
    String message = refusal(big.get("x")).getMessage();
    assertTrue(message.contains("rate 1.0 keys/s, burst 5"), message);

    context.putStoreSettings("plain", Map.of("rate", "1000"));
    String stillEmpty = refusal(plain.get("x")).getMessage();
    assertTrue(stillEmpty.contains("rate 1000.0 keys/s, burst 2"), "the next request swaps in"
        + " the new limit, with the old bucket's (zero) tokens: " + stillEmpty);
    context.time().advance(Duration.ofMillis(1));
    assertEquals(1, admitted(plain, 10), "1 ms pays a token at the new rate of 1000/s");

    context.time().advance(Duration.ofSeconds(10));
    context.putStoreSettings("big", Map.of("burst", "1"));
    assertEquals(1, admitted(big, 10), "a full bucket of 5 cut to the new burst of 1");
    assertEquals(6, bigFake.callCount());
  }

  /** Tries {@code attempts} gets; returns how many were let through. */
  private static int admitted(StoreClient<String, String> client, int attempts) {
    return (int) IntStream.range(0, attempts)
        .filter(i -> !client.get("k" + i).isCompletedExceptionally()).count();
  }

  @Test
  void eightThreadsSharingOneClientShareItsRateAndEachGetsSome() throws Exception {
    start(Map.of("rate", "1000", "burst", "10")); // 10 tokens per 10 ms step
    RecordingStoreClient<String, String> fake = upperCasing("users");
    StoreClient<String, String> client = limited(fake);
    int threads = 8;
    AtomicIntegerArray admittedBy = new AtomicIntegerArray(threads);
    AtomicBoolean stop = new AtomicBoolean();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    CountDownLatch started = new CountDownLatch(threads);
    List<Thread> hammers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int me = t;
      Thread hammer = new Thread(() -> {
        started.countDown();
        while (!stop.get()) {
          try {
            client.get("k").join(); // the fake answers at once: never waits
            admittedBy.incrementAndGet(me);
          } catch (CompletionException e) {
            if (!(e.getCause() instanceof QuotaExceededException)) {
              failure.compareAndSet(null, e);
            }
          }
        }
      }, "hammer-" + t);
      hammers.add(hammer);
      hammer.start();
    }
    started.await();
    int steps = 0;
    try {
      // each step releases 10 tokens and waits until the threads took them all
      while (steps < 300 || IntStream.range(0, threads).anyMatch(t -> admittedBy.get(t) == 0)) {
        Await.until(() -> meter("fill.level", "users") < 1, () -> "the threads to spend the"
            + " tokens; admitted so far " + admittedBy);
        assertTrue(steps < 3000, "every thread admitted within 3000 steps: " + admittedBy);
        context.time().advance(Duration.ofMillis(10));
        steps++;
      }
      Await.until(() -> meter("fill.level", "users") < 1, () -> "the last tokens spent");
    } finally {
      stop.set(true);
      for (Thread hammer : hammers) {
        hammer.join();
      }
    }
    assertEquals(null, failure.get());
    int total = IntStream.range(0, threads).map(admittedBy::get).sum();
    String shares = Arrays.stream(IntStream.range(0, threads).map(admittedBy::get).toArray())
        .mapToObj(String::valueOf).collect(Collectors.joining(", "));
    assertEquals(10 + 10 * steps, total, "exactly the burst plus the refills, shares " + shares);
    assertEquals(total, fake.callCount(), "every admitted get, and only those, was sent");
    assertTrue(IntStream.range(0, threads).allMatch(t -> admittedBy.get(t) > 0), shares);
  }

  @Test
  void aHandBuiltClientLimitsAndChecksItsArguments() {
    RecordingStoreClient<String, String> fake = upperCasing("users");
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    StoreClient<String, String> client =
        new RateLimitingStoreClient<>(fake, RateLimiterConfig.MIN_RATE, 2, registry);
    client.get("a").join();
    client.get("b").join();
    refusal(client.get("c"));
    assertEquals(2, fake.callCount());
    assertEquals(1, registry.get(PREFIX + "rejected").tag("store", "users").counter().count());

    IllegalArgumentException burst = assertThrows(IllegalArgumentException.class,
        () -> new RateLimitingStoreClient<>(fake, 10, 0, registry));
    assertTrue(burst.getMessage().startsWith("burst must be from 1"), burst.getMessage());
    IllegalArgumentException rate = assertThrows(IllegalArgumentException.class,
        () -> new RateLimitingStoreClient<>(fake, Double.NaN, 1, registry));
    assertTrue(rate.getMessage().startsWith("rate must be from 0.01"), rate.getMessage());
  }
}
