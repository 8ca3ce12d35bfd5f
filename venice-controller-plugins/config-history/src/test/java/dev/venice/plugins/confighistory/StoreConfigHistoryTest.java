package dev.venice.plugins.confighistory;

import static dev.venice.plugins.confighistory.Mutations.mutation;
import static dev.venice.plugins.confighistory.Mutations.store;
import static dev.venice.plugins.confighistory.Mutations.success;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.plugins.confighistory.HistoryCodec.UnreadableHistoryException;
import dev.venice.plugins.confighistory.HistoryEntry.Change;
import dev.venice.plugins.confighistory.HistoryEntry.Detail;
import dev.venice.plugins.confighistory.HistoryEntry.Kind;
import dev.venice.plugins.confighistory.StoreConfigHistory.Appended;
import dev.venice.plugins.confighistory.StoreConfigHistory.History;
import dev.venice.spi.controller.AdminMutationHook;
import dev.venice.spi.controller.AdminOperation;
import dev.venice.spi.controller.AdminOutcome;
import dev.venice.spi.controller.PluginStateStore;
import dev.venice.spi.controller.StateEntry;
import dev.venice.testkit.ManualTimeSource;
import dev.venice.testkit.TestingControllerHost;
import dev.venice.testkit.TestingPluginContext;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The core: entries appended with their diff and snapshot, rotation at {@code max-entries} and by
 * size (5,000 plugin settings), reduced detail for an entry too large on its own, deletion as a
 * tombstone, unreadable nodes, and concurrent appenders on two controllers sharing one state
 * store losing and duplicating nothing.
 */
class StoreConfigHistoryTest {
  private static final String PREFIX = "venice.controller.config.history.";
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final TestingControllerHost host =
      new TestingControllerHost("127.0.0.1_5555", new ManualTimeSource());
  private final PluginStateStore state = host.stateStore();

  private StoreConfigHistory history(int maxEntries, int maxBytes) {
    return new StoreConfigHistory(state, maxEntries, maxBytes,
        new ConfigHistoryMetrics(registry, PREFIX), new ManualTimeSource());
  }

  private double count(String name, String tag, String value) {
    var search = registry.find(PREFIX + name);
    if (tag != null) {
      search = search.tag(tag, value);
    }
    var counter = search.counter();
    return counter == null ? 0 : counter.count();
  }

  /** Appends {@code n} updates of {@code store}: update i sets numVersionsToPreserve to i + 1. */
  private static void updates(StoreConfigHistory history, String store, int from, int to) {
    for (int i = from; i < to; i++) {
      history.record(mutation(AdminOperation.UPDATE_STORE, store,
              store(store, i, Map.of(), null), 1_000L * i),
          success(store(store, i + 1, Map.of(), null)));
    }
  }

  private static List<Long> seqs(History h) {
    return h.newestFirst().stream().map(HistoryEntry::seq).toList();
  }

  private static List<Long> range(long fromInclusive, long toInclusive) {
    List<Long> newestFirst = new ArrayList<>();
    for (long s = toInclusive; s >= fromInclusive; s--) {
      newestFirst.add(s);
    }
    return newestFirst;
  }

  @Test
  void anUpdateIsRecordedWithCallerTimeChangesAndTheConfigAfter() {
    StoreConfigHistory history = history(20, PluginStateStore.MAX_DATA_BYTES);
    Map<String, Object> before = store("users", 2, Map.of("plugins.a.x", "1"), null);
    Map<String, Object> after = store("users", 3, Map.of("plugins.a.x", "2"),
        Map.of("rewindSeconds", 60, "offsetLagThreshold", 10));
    history.record(mutation(AdminOperation.UPDATE_STORE, "users", before, 1_234L),
        success(after));

    History read = history.read("users", 10).orElseThrow();
    assertEquals(1, read.entries());
    HistoryEntry entry = read.newestFirst().get(0);
    assertEquals(0, entry.seq());
    assertEquals(0, entry.afterZxid());
    assertEquals(1_234L, entry.timeMs());
    assertEquals("alice", entry.principal());
    assertEquals("10.1.2.3:4567", entry.address());
    assertEquals("UPDATE_STORE", entry.operation());
    assertEquals(Detail.FULL, entry.detail());
    assertEquals(List.of(
        new Change(List.of("hybrid", "offsetLagThreshold"), Kind.ADDED, null, 10),
        new Change(List.of("hybrid", "rewindSeconds"), Kind.ADDED, null, 60),
        new Change(List.of("numVersionsToPreserve"), Kind.CHANGED, 2, 3),
        new Change(List.of("pluginSettings", "plugins.a.x"), Kind.CHANGED, "1", "2")),
        entry.changes());
    assertEquals(StoreConfigHistory.config(after), entry.config());
    assertTrue(!entry.config().containsKey("versions")
        && !entry.config().containsKey("currentVersion"), "version bookkeeping is not config");
    assertEquals(1.0, count("recorded", "operation", "UPDATE_STORE"));
  }

  @Test
  void failedVetoedAndOtherOperationsAreNotRecorded() {
    StoreConfigHistory history = history(20, PluginStateStore.MAX_DATA_BYTES);
    Map<String, Object> s = store("users", 2, Map.of(), null);
    history.record(mutation(AdminOperation.UPDATE_STORE, "users", s, 1L),
        new AdminOutcome(false, "vetoed", s));
    history.record(mutation(AdminOperation.SWAP_VERSION, "users", s, 1L), success(s));
    history.record(mutation(AdminOperation.UPDATE_CLUSTER_CONFIG, null, Map.of(), 1L),
        success(Map.of()));
    assertTrue(history.read("users", 10).isEmpty());
  }

  @Test
  void rotationKeepsTheLastNAtNAndAtNPlusOne() {
    StoreConfigHistory history = history(20, PluginStateStore.MAX_DATA_BYTES);
    updates(history, "users", 0, 20);
    History at20 = history.read("users", 1000).orElseThrow();
    assertEquals(20, at20.entries());
    assertEquals(range(0, 19), seqs(at20));
    assertEquals(0.0, count("rotated", "reason", "max-entries"));

    updates(history, "users", 20, 21);
    History at21 = history.read("users", 1000).orElseThrow();
    assertEquals(20, at21.entries());
    assertEquals(range(1, 20), seqs(at21));
    assertEquals(1.0, count("rotated", "reason", "max-entries"));
    // the newest is update 20: numVersionsToPreserve 20 -> 21
    assertEquals(List.of(new Change(List.of("numVersionsToPreserve"), Kind.CHANGED, 20, 21)),
        at21.newestFirst().get(0).changes());
    // ordered by ZooKeeper: each entry's afterZxid is above the previous one's
    List<HistoryEntry> entries = at21.newestFirst();
    for (int i = 0; i + 1 < entries.size(); i++) {
      assertTrue(entries.get(i).afterZxid() > entries.get(i + 1).afterZxid(), "zxid order");
    }
    assertEquals(List.of(20L, 19L), seqs(history.read("users", 2).orElseThrow()));
  }

  @Test
  void fiveThousandPluginSettingsStayUnderTheNodeLimitByDroppingTheOldest() {
    StoreConfigHistory history = history(20, PluginStateStore.MAX_DATA_BYTES);
    Random random = new Random(42);
    Map<String, String> settings = new TreeMap<>();
    for (int k = 0; k < 5_000; k++) {
      settings.put("plugins.load-test.key-" + k, Long.toHexString(random.nextLong())
          + Long.toHexString(random.nextLong()));
    }
    Map<String, Object> current = store("big", 1, settings, null);
    history.record(mutation(AdminOperation.CREATE_STORE, "big", Map.of(), 0L), success(current));
    Map<String, String> next = new TreeMap<>(settings);
    for (int i = 0; i < 24; i++) {
      next.put("plugins.load-test.key-" + i, "changed-" + i);
      Map<String, Object> after = store("big", 1, next, null);
      Appended appended = history.record(mutation(AdminOperation.UPDATE_STORE, "big", current,
          i + 1L), success(after)).orElseThrow();
      assertTrue(appended.bytes() <= PluginStateStore.MAX_DATA_BYTES, appended.toString());
      assertEquals(Detail.FULL, appended.entry().detail());
      current = after;
    }
    StateEntry node = state.read("stores/big").orElseThrow();
    assertTrue(node.data().length <= PluginStateStore.MAX_DATA_BYTES);
    History read = history.read("big", 1000).orElseThrow();
    assertTrue(read.entries() < 20 && read.entries() >= 2, "entries " + read.entries());
    assertEquals(range(25 - read.entries(), 24), seqs(read));
    assertEquals(25.0 - read.entries(), count("rotated", "reason", "size"));
    assertEquals(StoreConfigHistory.config(current), read.newestFirst().get(0).config());
    assertEquals(List.of(new Change(List.of("pluginSettings", "plugins.load-test.key-23"),
        Kind.CHANGED, settings.get("plugins.load-test.key-23"), "changed-23")),
        read.newestFirst().get(0).changes());
  }

  @Test
  void anEntryTooLargeOnItsOwnIsKeptWithLessDetailAndCounted() {
    StoreConfigHistory history = history(20, 600);
    Map<String, String> settings = new TreeMap<>();
    Random random = new Random(7);
    for (int k = 0; k < 50; k++) {
      settings.put("plugins.p.k" + k, Long.toHexString(random.nextLong()));
    }
    Appended created = history.record(mutation(AdminOperation.CREATE_STORE, "s", Map.of(), 0L),
        success(store("s", 1, settings, null))).orElseThrow();
    assertTrue(created.entry().detail().compareTo(Detail.NO_CONFIG) >= 0, created.toString());
    assertNull(created.entry().config());
    assertEquals(58, created.entry().changeCount());
    assertTrue(created.bytes() <= 600);
    assertEquals(1.0, count("truncated", null, null));

    Appended small = history.record(mutation(AdminOperation.UPDATE_STORE, "s",
        store("s", 1, Map.of(), null), 1L), success(store("s", 2, Map.of(), null)))
        .orElseThrow();
    assertEquals(Detail.FULL, small.entry().detail());
    assertTrue(small.bytes() <= 600);
  }

  @Test
  void aDeletionIsATombstoneAndARecreatedStoreContinuesTheHistory() {
    StoreConfigHistory history = history(20, PluginStateStore.MAX_DATA_BYTES);
    Map<String, Object> s = store("gone", 2, Map.of(), null);
    history.record(mutation(AdminOperation.CREATE_STORE, "gone", Map.of(), 1L), success(s));
    history.record(mutation(AdminOperation.DELETE_STORE, "gone", s, 2L), success(Map.of()));
    history.record(mutation(AdminOperation.CREATE_STORE, "gone", Map.of(), 3L), success(s));
    List<HistoryEntry> entries = history.read("gone", 10).orElseThrow().newestFirst();
    assertEquals(List.of("CREATE_STORE", "DELETE_STORE", "CREATE_STORE"),
        entries.stream().map(HistoryEntry::operation).toList());
    HistoryEntry tombstone = entries.get(1);
    assertNull(tombstone.config());
    assertEquals(List.of(), tombstone.changes());
    assertEquals(StoreConfigHistory.config(s), entries.get(2).config());
    assertTrue(entries.get(0).changes().stream()
        .anyMatch(c -> c.path().equals(List.of("partitionCount")) && c.kind() == Kind.ADDED));
  }

  @Test
  void aNodeOfANewerFormatIsLeftAloneAndAMalformedOneStartedAfresh() {
    StoreConfigHistory history = history(20, PluginStateStore.MAX_DATA_BYTES);
    byte[] newer = {2, 0, 0, 0, 0};
    state.create("stores/newer", newer);
    assertThrows(UnreadableHistoryException.class, () -> updates(history, "newer", 0, 1));
    assertArrayEquals(newer, state.read("stores/newer").orElseThrow().data());

    state.create("stores/broken", new byte[] {1, 0, 0, 9});
    updates(history, "broken", 0, 1);
    assertEquals(1, history.read("broken", 10).orElseThrow().entries());
    assertEquals(1.0, count("rotated", "reason", "unreadable"));
  }

  @Test
  void storeNamesAreCheckedAsTheControllerDoes() {
    assertEquals("stores/a-B_9", StoreConfigHistory.path("a-B_9"));
    for (String bad : new String[] {"", "-x", "a/b", "a.b", "x".repeat(129), ".."}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> StoreConfigHistory.path(bad));
      assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
    }
  }

  /**
   * Two controllers sharing one state store (as two controllers share ZooKeeper during a
   * fail-over), five threads each, 20 updates per thread, each setting a distinct plugin setting:
   * exactly the last 20 entries remain, consecutive, each a distinct update, none lost (the
   * node's version counts 200 writes) or duplicated.
   */
  @Test
  void concurrentAppendersLoseAndDuplicateNothing() throws Exception {
    ManualTimeSource time = new ManualTimeSource();
    TestingControllerHost shared = new TestingControllerHost("127.0.0.1_5555", time);
    int threads = 10;
    int perThread = 20;
    try (TestingPluginContext one = context(shared, time);
        TestingPluginContext two = context(shared, time)) {
      List<AdminMutationHook> hooks = List.of(
          one.start().adminMutationHooks().get(0), two.start().adminMutationHooks().get(0));
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      CountDownLatch go = new CountDownLatch(1);
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        AdminMutationHook hook = hooks.get(t % 2);
        done.add(pool.submit((Callable<Void>) () -> {
          go.await();
          for (int i = 0; i < perThread; i++) {
            String value = thread + "-" + i;
            hook.after(mutation(AdminOperation.UPDATE_STORE, "shared",
                    store("shared", 1, Map.of(), null), thread * 1000L + i),
                success(store("shared", 1, Map.of("plugins.x.last", value), null)));
          }
          return null;
        }));
      }
      go.countDown();
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
      pool.shutdown();

      StateEntry node = shared.stateStore().read("stores/shared").orElseThrow();
      assertEquals(threads * perThread - 1, node.version(), "every append one write");
      List<HistoryEntry> entries = new StoreConfigHistory(shared.stateStore(), 20,
          PluginStateStore.MAX_DATA_BYTES, new ConfigHistoryMetrics(registry, PREFIX), time)
          .read("shared", 1000).orElseThrow().newestFirst();
      assertEquals(20, entries.size());
      assertEquals(range(180, 199), entries.stream().map(HistoryEntry::seq).toList());
      Set<Object> values = new HashSet<>();
      Map<String, Integer> lastPerThread = new TreeMap<>();
      for (int i = entries.size() - 1; i >= 0; i--) {
        Change change = entries.get(i).changes().get(0);
        assertEquals(List.of("pluginSettings", "plugins.x.last"), change.path());
        assertTrue(values.add(change.newValue()), "duplicate " + change.newValue());
        String[] parts = String.valueOf(change.newValue()).split("-");
        Integer previous = lastPerThread.put(parts[0], Integer.parseInt(parts[1]));
        assertTrue(previous == null || previous < Integer.parseInt(parts[1]),
            "a thread's updates keep their order");
      }
      double recorded = one.meterRegistry().get(PREFIX + "recorded").counter().count()
          + two.meterRegistry().get(PREFIX + "recorded").counter().count();
      assertEquals(threads * perThread, recorded);
    }
  }

  private static TestingPluginContext context(TestingControllerHost host, ManualTimeSource time)
      throws Exception {
    return TestingPluginContext.builder(new ConfigHistoryPlugin()).time(time)
        .controllerHost(host).config("max-entries", "20").build();
  }
}
