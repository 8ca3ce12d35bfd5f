package dev.venice.runtime.metadata;

import static dev.venice.runtime.metadata.TestZooKeeper.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.spi.controller.StateConflictException;
import dev.venice.spi.controller.StateEntry;
import dev.venice.spi.host.Subscription;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.helix.zookeeper.impl.client.ZkClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link ZkPluginStateStore} on a real ZooKeeper: nodes under {@code
 * /<cluster>/plugin-state/<pluginId>}, conditional create, update and delete refused with a
 * {@link StateConflictException}, and {@code watch}: set before the node exists, it fires on the
 * creation, on every later update (ZooKeeper's one-shot watch is set again each time) and on the
 * deletion, and no more once its subscription is closed. Every wait has a deadline; no test
 * sleeps.
 */
class ZkPluginStateStoreTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final Duration SESSION = Duration.ofSeconds(4);
  private static final AtomicInteger CLUSTERS = new AtomicInteger();

  @RegisterExtension
  static final ZooKeeperExtension ZK = new ZooKeeperExtension(SESSION);

  private final String cluster = "state-test-" + CLUSTERS.incrementAndGet();

  private ZkClient client() {
    return ZK.client();
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static String text(StateEntry entry) {
    return new String(entry.data(), StandardCharsets.UTF_8);
  }

  @Test
  void createReadUpdateAndDeleteAreConditionalOnTheVersion() {
    ZkClient zk = client();
    ZkPluginStateStore store = new ZkPluginStateStore(zk, cluster, "acl-authorizer");

    assertTrue(store.read("acls").isEmpty(), "nothing before the first create");
    StateEntry created = store.create("acls", bytes("v0"));
    assertEquals("acls", created.path());
    assertEquals(0, created.version());
    assertTrue(zk.exists("/" + cluster + "/plugin-state/acl-authorizer/acls"),
        "the node lives under /<cluster>/plugin-state/<pluginId>");
    assertThrows(StateConflictException.class, () -> store.create("acls", bytes("again")));
    assertEquals("v0", text(store.read("acls").orElseThrow()), "a refused create changes nothing");

    StateEntry updated = store.update("acls", bytes("v1"), 0);
    assertEquals(1, updated.version());
    assertEquals(created.createdZxid(), updated.createdZxid());
    assertTrue(updated.modifiedZxid() > created.modifiedZxid());
    StateEntry read = store.read("acls").orElseThrow();
    assertEquals(1, read.version());
    assertArrayEquals(bytes("v1"), read.data());

    assertThrows(StateConflictException.class, () -> store.update("acls", bytes("stale"), 0),
        "an update from a stale read loses");
    assertThrows(StateConflictException.class, () -> store.update("missing", bytes("x"), 0),
        "an update of a node that does not exist");
    assertEquals("v1", text(store.read("acls").orElseThrow()), "refused updates change nothing");

    assertThrows(StateConflictException.class, () -> store.delete("acls", 0),
        "a delete at a stale version");
    assertTrue(store.read("acls").isPresent(), "a refused delete deletes nothing");
    assertTrue(store.delete("acls", 1));
    assertTrue(store.read("acls").isEmpty());
    assertFalse(store.delete("acls", -1), "deleting what does not exist");
  }

  @Test
  void theReadModifyWriteUpdateCreatesThenChangesTheNode() {
    ZkPluginStateStore store = new ZkPluginStateStore(client(), cluster, "config-history");
    assertEquals(0, store.update("history/orders", current -> bytes(current.isEmpty() ? "1"
        : text(current.get()) + ",2")).version());
    StateEntry second = store.update("history/orders", current -> bytes(current.isEmpty() ? "1"
        : text(current.get()) + ",2"));
    assertEquals(1, second.version());
    assertEquals("1,2", text(second));
    assertThrows(IllegalArgumentException.class, () -> store.read("../other-plugin"));
  }

  @Test
  void aWatchSetBeforeTheNodeExistsFiresOnCreateOnEveryUpdateOnDeleteAndOnCreateAgain() {
    ZkPluginStateStore store = new ZkPluginStateStore(client(), cluster, "acl-authorizer");
    AtomicInteger calls = new AtomicInteger();
    ZK.closeAfterTest(store.watch("acls", calls::incrementAndGet)::close);
    assertEquals(0, calls.get(), "no call before a change");

    store.create("acls", bytes("v0"));
    awaitCalls(calls, 1, "the creation of a node that did not exist when the watch was set");
    for (int version = 0; version < 3; version++) {
      store.update("acls", bytes("v" + (version + 1)), version);
      awaitCalls(calls, version + 2, "update " + (version + 1) + " (the watch set again)");
    }
    store.delete("acls", 3);
    awaitCalls(calls, 5, "the deletion");
    store.create("acls", bytes("again"));
    awaitCalls(calls, 6, "the node created again after its deletion (the watch set again)");
    store.update("acls", bytes("again 2"), 0);
    awaitCalls(calls, 7, "an update of the node created again");
  }

  @Test
  void aClosedWatchIsCalledNoMore() {
    ZkPluginStateStore store = new ZkPluginStateStore(client(), cluster, "acl-authorizer");
    store.create("acls", bytes("v0"));
    AtomicInteger calls = new AtomicInteger();
    Subscription watch = store.watch("acls", calls::incrementAndGet);
    ZK.closeAfterTest(watch::close);
    // A second watch on the same node and client stays open: its calls come on the same event
    // thread, in order, so once it has seen a change, any call the first has for it has run.
    AtomicInteger open = new AtomicInteger();
    ZK.closeAfterTest(store.watch("acls", open::incrementAndGet)::close);

    store.update("acls", bytes("v1"), 0);
    awaitCalls(calls, 1, "an update while the watch is open");
    awaitCalls(open, 1, "an update, on the watch left open");

    watch.close();
    store.update("acls", bytes("v2"), 1);
    awaitCalls(open, 2, "the first update after close(), on the watch left open");
    store.update("acls", bytes("v3"), 2);
    awaitCalls(open, 3, "the second update after close(), on the watch left open");
    assertEquals(1, calls.get(), "the closed watch was called after close()");
  }

  @Test
  void aWatchSeesChangesMadeThroughAnotherClient() {
    ZkPluginStateStore writer = new ZkPluginStateStore(client(), cluster, "acl-authorizer");
    ZkPluginStateStore reader = new ZkPluginStateStore(client(), cluster, "acl-authorizer");
    AtomicInteger calls = new AtomicInteger();
    ZK.closeAfterTest(reader.watch("acls", calls::incrementAndGet)::close);
    writer.create("acls", bytes("v0"));
    awaitCalls(calls, 1, "another client's create");
    writer.update("acls", bytes("v1"), 0);
    awaitCalls(calls, 2, "another client's update");
    assertEquals("v1", text(reader.read("acls").orElseThrow()));
  }

  private static void awaitCalls(AtomicInteger calls, int expected, String what) {
    await(() -> calls.get() >= expected, WAIT,
        () -> "watch call " + expected + " on " + what + " (" + calls.get() + " calls)");
    assertEquals(expected, calls.get(), () -> "one call per change, until " + what);
  }
}
