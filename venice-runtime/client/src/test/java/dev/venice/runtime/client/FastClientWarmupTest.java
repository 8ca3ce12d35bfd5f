package dev.venice.runtime.client;

import static dev.venice.runtime.client.MetadataWarmupFileTest.metadata;
import static dev.venice.runtime.client.MetadataWarmupFileTest.replica;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.runtime.client.MetadataWarmupFile.Saved;
import dev.venice.runtime.client.MetadataWarmupFile.Usable;
import dev.venice.runtime.common.meta.RoutingMetadata;
import dev.venice.runtime.protocol.ChannelPool;
import dev.venice.spi.client.Replica;
import dev.venice.spi.client.ReplicaDispatcher;
import dev.venice.spi.client.ReplicaResponse;
import dev.venice.spi.client.ServiceUnavailableException;
import dev.venice.spi.client.UnknownStoreException;
import dev.venice.spi.plugin.TimeSource;
import dev.venice.testkit.Await;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fast client with metadata warm-up, against a fake router ({@link RoutingMetadataSource}) and
 * a fake replica dispatcher, on a manual wall clock: which metadata it starts from, on which
 * thread it asks the router, and when it writes the file.
 */
class FastClientWarmupTest {
  private static final String REFRESHER = "test-refresher";
  private static final Duration MAX_AGE = Duration.ofMinutes(5);
  private static final Duration LONG = Duration.ofHours(1);
  /** What the file holds: partition 0 on a and b. */
  private static final RoutingMetadata SAVED = metadata("users", 7,
      List.of(List.of(replica("a", 7001), replica("b", 7002))));
  /** What the router says now: a new version on c only. */
  private static final RoutingMetadata FRESH = metadata("users", 8,
      List.of(List.of(replica("c", 7003))));

  @TempDir
  Path dir;
  private Path file;
  private final AtomicLong nowMillis = new AtomicLong(1_767_225_600_000L);
  private final TimeSource clock = new TimeSource() {
    @Override
    public long nanoTime() {
      return System.nanoTime();
    }

    @Override
    public Instant now() {
      return Instant.ofEpochMilli(nowMillis.get());
    }
  };
  private final MeterRegistry registry = new SimpleMeterRegistry();
  private final FakeRouter router = new FakeRouter();
  private final List<String> warnings = new CopyOnWriteArrayList<>();
  private final List<RoutingMetadata> refreshed = new CopyOnWriteArrayList<>();
  /** Every attempt's candidates, in order, as the dispatcher received them. */
  private final List<List<Replica>> attempts = new CopyOnWriteArrayList<>();
  private final List<String> writerThreads = new CopyOnWriteArrayList<>();
  private volatile MetadataWarmupFile.IoStep beforeMove = MetadataWarmupFile.IoStep.NONE;
  private final ScheduledExecutorService refresher = Executors.newSingleThreadScheduledExecutor(
      r -> new Thread(r, REFRESHER));
  private FastClient<String, Object> client;

  /** A router that answers {@code answer} or throws {@code failure}, after {@code gate} opens. */
  private static final class FakeRouter implements RoutingMetadataSource {
    volatile RoutingMetadata answer = FRESH;
    volatile RuntimeException failure;
    volatile CountDownLatch gate = new CountDownLatch(0);
    final List<String> callerThreads = new CopyOnWriteArrayList<>();

    @Override
    public RoutingMetadata metadata(String store) {
      callerThreads.add(Thread.currentThread().getName());
      try {
        if (!gate.await(10, TimeUnit.SECONDS)) {
          throw new IllegalStateException("the test never opened the fake router's gate");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ServiceUnavailableException(store, "interrupted", e);
      }
      RuntimeException fail = failure;
      if (fail != null) {
        throw fail;
      }
      return answer;
    }

    @Override
    public List<String> routerUrls() {
      return List.of("http://fake-router:7777");
    }
  }

  private MetadataWarmup warmup() {
    return new MetadataWarmup("users", file, MAX_AGE, clock, registry, warnings::add, () -> {
      writerThreads.add(Thread.currentThread().getName());
      beforeMove.run();
    });
  }

  private FastClient<String, Object> start(Duration refreshInterval) {
    ReplicaDispatcher fake = request -> {
      attempts.add(request.candidates());
      return CompletableFuture.completedFuture(
          new ReplicaResponse(request.candidates().get(0), List.of()));
    };
    client = new FastClient<>("users", router, next -> fake, new ChannelPool(),
        Duration.ofSeconds(5), refresher, refreshInterval, refreshed::add,
        new StoreExtraLoadBudget("users", 0.1, Duration.ofSeconds(10), 10, Duration.ofMillis(1),
            clock, registry), warmup());
    return client;
  }

  @AfterEach
  void stop() {
    if (client != null) {
      router.gate.countDown();
      router.failure = null;
      client.close();
    }
    refresher.shutdownNow();
  }

  private void save(RoutingMetadata metadata, long ageMillis) throws IOException {
    file = dir.resolve("warmup/users.json");
    MetadataWarmupFile.write(file, new Saved(metadata, List.of("http://old-router:7777"),
        nowMillis.get() - ageMillis), MetadataWarmupFile.IoStep.NONE);
  }

  /** The instance ids of the first candidates of {@code reads} single gets. */
  private Set<String> firstCandidatesOf(int reads) {
    attempts.clear();
    for (int i = 0; i < reads; i++) {
      assertNull(client.get("k" + i).join());
    }
    return attempts.stream().map(c -> c.get(0).instanceId()).collect(Collectors.toSet());
  }

  private Set<String> anyCandidates() {
    return attempts.stream().flatMap(List::stream).map(Replica::instanceId)
        .collect(Collectors.toSet());
  }

  private double loads(String outcome) {
    return registry.get("venice.client.metadata.warmup.loads").tag("store", "users")
        .tag("outcome", outcome).counter().count();
  }

  private double writes(String outcome) {
    return registry.get("venice.client.metadata.warmup.writes").tag("store", "users")
        .tag("outcome", outcome).counter().count();
  }

  private double ageMillis() {
    return registry.get("venice.client.metadata.age.ms").tag("store", "users").gauge().value();
  }

  private Saved onDisk() {
    return assertInstanceOf(Usable.class, MetadataWarmupFile.read(file, "users")).saved();
  }

  @Test
  void aFreshFileServesAtOnceWithoutARouterCallAndTheBackgroundRefreshReplacesIt()
      throws IOException {
    save(SAVED, 60_000);
    router.gate = new CountDownLatch(1); // the router answers only when the test says so

    start(LONG);
    assertFalse(router.callerThreads.contains(Thread.currentThread().getName()),
        "no router call on the constructing thread");
    assertEquals(List.of(SAVED), refreshed, "plugins got the file's store settings at once");
    assertEquals(Set.of("a_7001", "b_7002"), firstCandidatesOf(10), "served from the file");
    assertEquals(1, loads("used"));
    assertEquals(60_000, ageMillis());

    router.gate.countDown();
    Await.until(() -> ageMillis() == 0, () -> "the background refresh to land");
    assertEquals(List.of(REFRESHER), router.callerThreads, "one immediate background refresh");
    assertEquals(Set.of("c_7003"), firstCandidatesOf(20));
    assertEquals(Set.of("c_7003"), anyCandidates(), "a and b are no longer even candidates");
    assertEquals(List.of(SAVED, FRESH), refreshed);

    Await.until(() -> writes("ok") == 1, () -> "the changed metadata written");
    assertEquals(new Saved(FRESH, router.routerUrls(), nowMillis.get()), onDisk());
    assertEquals(List.of(REFRESHER), writerThreads, "written on the refresher thread");
  }

  @Test
  void aStaleFileMakesTheClientBlockOnAFetchFirst() throws IOException {
    save(SAVED, MAX_AGE.toMillis() + 1);

    start(LONG);
    assertEquals(List.of(Thread.currentThread().getName()), router.callerThreads,
        "fetched on the constructing thread, before serving");
    assertEquals(List.of(FRESH), refreshed, "the stale metadata never reached the plugins");
    assertEquals(Set.of("c_7003"), firstCandidatesOf(10));
    assertEquals(1, loads("stale"));
    assertEquals(List.of(), warnings, "a stale file is not a problem, only old");

    Await.until(() -> writes("ok") == 1, () -> "the fresh metadata written");
    assertEquals(FRESH, onDisk().metadata());
  }

  @Test
  void aFileExactlyMaxAgeOldIsStillFreshAndOneFromTheNearFutureToo() throws IOException {
    save(SAVED, MAX_AGE.toMillis());
    start(LONG);
    assertEquals(SAVED, refreshed.get(0), "started from the file");
    assertEquals(1, loads("used"));
    client.close();
    refreshed.clear();

    save(SAVED, -60_000); // the clock stepped back a minute since it was saved
    start(LONG);
    assertEquals(SAVED, refreshed.get(0), "started from the file");
    assertEquals(2, loads("used"));
  }

  @Test
  void aStaleFileWithTheRouterUnreachableFailsTheBuildAndNamesTheFile() throws IOException {
    save(SAVED, Duration.ofMinutes(10).toMillis());
    router.failure = new ServiceUnavailableException("users",
        "router at http://fake-router:7777 unreachable: connection refused", null);

    ServiceUnavailableException failed = assertThrows(ServiceUnavailableException.class,
        () -> start(LONG));
    assertTrue(failed.getMessage().contains("metadata warm-up file " + file + " is 600 s old,"
        + " beyond its max age of 300 s"), failed.getMessage());
    assertTrue(failed.getMessage().contains("connection refused"), failed.getMessage());
    assertEquals(List.of(), refreshed, "nothing served from the stale file");
    client = null;
  }

  @Test
  void anUnknownStoreIsNotDressedUpAsAWarmupProblem() throws IOException {
    save(SAVED, Duration.ofMinutes(10).toMillis());
    router.failure = new UnknownStoreException("users", "no such store");
    assertThrows(UnknownStoreException.class, () -> start(LONG));
  }

  @Test
  void aFreshFileWithTheRouterUnreachableServesAndKeepsRetrying() throws IOException {
    save(SAVED, 1_000);
    router.failure = new ServiceUnavailableException("users", "connection refused", null);

    start(Duration.ofMillis(5));
    assertEquals(Set.of("a_7001", "b_7002"), firstCandidatesOf(10));
    Await.until(() -> router.callerThreads.size() >= 4,
        () -> "refreshes retried on their interval, got " + router.callerThreads.size());
    assertEquals(Set.of("a_7001", "b_7002"), firstCandidatesOf(10), "still serving");
    assertEquals(0, writes("ok") + writes("failed"), "nothing new to write");

    router.failure = null;
    Await.until(() -> ageMillis() == 0, () -> "a refresh to land once the router answers");
    assertEquals(Set.of("c_7003"), firstCandidatesOf(10));
  }

  @Test
  void eachUnusableFileIsIgnoredWithOneWarningAndTheClientFetches() throws Exception {
    String sample = MetadataWarmupFileTest.sample();
    Map<String, String> cases = Map.of(
        "empty", "",
        "truncated", sample.substring(0, sample.length() - 40),
        "corrupt", "\u0000\u00ff\u0013 not json",
        "another store", sample.replace("\"store\" : \"users\"", "\"store\" : \"orders\""),
        "a newer format", sample.replace("\"formatVersion\" : 1", "\"formatVersion\" : 2"),
        "a missing field", sample.replace("\"partitionCount\" : 2,", ""));
    Map<String, String> reasons = Map.of(
        "empty", "it is empty",
        "truncated", "it is not valid JSON",
        "corrupt", "it is not valid JSON",
        "another store", "it holds store orders, not users",
        "a newer format", "its format version 2 is newer than this client reads (up to 1)",
        "a missing field", "partitionCount");
    int seen = 0;
    for (Map.Entry<String, String> c : cases.entrySet()) {
      file = dir.resolve(c.getKey().replace(' ', '-') + ".json");
      Files.writeString(file, c.getValue());
      warnings.clear();
      router.callerThreads.clear();
      refreshed.clear();

      start(LONG);
      seen++;
      assertEquals(1, warnings.size(), c.getKey() + ": " + warnings);
      String warning = warnings.get(0);
      assertTrue(warning.contains("ignoring metadata warm-up file " + file + ": "), warning);
      assertTrue(warning.contains(reasons.get(c.getKey())), c.getKey() + ": " + warning);
      assertEquals(List.of(Thread.currentThread().getName()), router.callerThreads,
          c.getKey() + ": the normal blocking fetch");
      assertEquals(List.of(FRESH), refreshed, c.getKey());
      assertEquals(Set.of("c_7003"), firstCandidatesOf(3), c.getKey());
      assertEquals(seen, loads("ignored"), c.getKey());
      Await.until(() -> MetadataWarmupFile.read(file, "users") instanceof Usable,
          () -> c.getKey() + ": the unusable file replaced by a good one");
      client.close();
    }
  }

  @Test
  void withoutAFileTheClientFetchesQuietlyAndWritesOne() {
    file = dir.resolve("first-start/users.json");
    start(LONG);
    assertEquals(1, loads("absent"));
    assertEquals(List.of(), warnings);
    assertEquals(List.of(Thread.currentThread().getName()), router.callerThreads);
    Await.until(() -> writes("ok") == 1, () -> "the first file written");
    assertEquals(new Saved(FRESH, router.routerUrls(), nowMillis.get()), onDisk());
    assertEquals(List.of(REFRESHER), writerThreads);
  }

  @Test
  void failedWritesAreOneWarningPerIntervalAndNeverFailReads() {
    file = dir.resolve("users.json");
    beforeMove = () -> {
      throw new IOException("disk full");
    };
    start(Duration.ofMillis(5));
    Await.until(() -> writes("failed") >= 3, () -> "writes retried after each refresh");
    assertEquals(1, warnings.size(), "rate-limited: " + warnings);
    assertTrue(warnings.get(0).contains("cannot write metadata warm-up file " + file), warnings
        .get(0));
    assertTrue(warnings.get(0).contains("disk full"), warnings.get(0));
    assertEquals(Set.of("c_7003"), firstCandidatesOf(10), "reads unaffected");
    assertFalse(Files.exists(file));

    beforeMove = MetadataWarmupFile.IoStep.NONE;
    Await.until(() -> writes("ok") == 1, () -> "a write once the disk has room");
    assertEquals(FRESH, onDisk().metadata());
  }

  @Test
  void unchangedMetadataIsRewrittenHalfAMaxAgeLaterAndOnClose() throws IOException {
    save(FRESH, 0);
    long saved = nowMillis.get();
    start(Duration.ofMillis(5));
    Await.until(() -> router.callerThreads.size() >= 3, () -> "a few refreshes");
    assertEquals(0, writes("ok"), "unchanged and fresh: nothing to write");

    nowMillis.addAndGet(MAX_AGE.toMillis() / 2);
    Await.until(() -> writes("ok") == 1, () -> "the file rewritten as it ages");
    long rewritten = onDisk().savedAtMillis();
    assertTrue(rewritten >= saved + MAX_AGE.toMillis() / 2, "savedAt " + rewritten);

    nowMillis.addAndGet(1_000);
    Await.until(() -> ageMillis() < 1_000, () -> "one more refresh");
    client.close();
    assertEquals(2, writes("ok"), "written once more on close");
    assertEquals(nowMillis.get(), onDisk().savedAtMillis(), "the latest confirmation");
    assertTrue(writerThreads.stream().allMatch(REFRESHER::equals), writerThreads.toString());
    assertTrue(registry.find("venice.client.metadata.age.ms").gauges().isEmpty(),
        "the gauge goes with the client");
  }

  @Test
  void aMaxAgeThatIsNotPositiveIsRefusedNamingTheStore() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> VeniceClients.builder("http://127.0.0.1:1", "users")
            .metadataWarmupMaxAge(Duration.ZERO));
    assertEquals("store users: metadata warm-up max age PT0S is not positive", e.getMessage());
  }
}
