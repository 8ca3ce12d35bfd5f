package dev.venice.plugins.aclauthorizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.venice.spi.config.ConfigException;
import dev.venice.spi.config.PluginConfig;
import dev.venice.spi.controller.AdminMutation;
import dev.venice.spi.controller.AdminMutationHook;
import dev.venice.spi.controller.AdminOperation;
import dev.venice.spi.controller.AdminOutcome;
import dev.venice.spi.controller.AdminVerdict;
import dev.venice.spi.controller.Caller;
import dev.venice.spi.controller.ControllerHost;
import dev.venice.spi.controller.PluginStateStore;
import dev.venice.spi.controller.StateConflictException;
import dev.venice.spi.controller.StateEntry;
import dev.venice.spi.host.HostServices;
import dev.venice.spi.http.PluginHttpEndpoint;
import dev.venice.spi.http.PluginHttpRequest;
import dev.venice.spi.http.PluginHttpResponse;
import dev.venice.spi.plugin.BackgroundTask;
import dev.venice.spi.plugin.PluginContext;
import dev.venice.spi.plugin.ProcessKind;
import dev.venice.spi.plugin.StoreSettings;
import dev.venice.spi.plugin.TimeSource;
import dev.venice.spi.security.AccessDecision;
import dev.venice.spi.security.AccessLevel;
import dev.venice.spi.security.AccessRequest;
import dev.venice.spi.security.Authorizer;
import dev.venice.spi.security.Principal;
import dev.venice.spi.security.Resource;
import dev.venice.testkit.Await;
import dev.venice.testkit.ManualTimeSource;
import dev.venice.testkit.PluginContractTest;
import dev.venice.testkit.TestingExtensions;
import dev.venice.testkit.TestingPluginContext;
import dev.venice.testkit.TestingStateStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The plugin contract (three process kinds), and the wiring: no state store refuses the start; the
 * endpoint only on controllers; grant, list, replace and revoke through it, its 400s naming each
 * field, 404, 405 and the 500 of an unreadable node it never overwrites; a controller's grant
 * reaching a server's authorizer through the shared store's watch on the plugin's scheduler, and
 * the periodic reload as backstop; conflicting writers retried, then 409; a deleted store's grants
 * removed by the controller's hook (only for a successful, real deletion; retried on conflicts; a
 * failure counted, never thrown); super users and groups; the configuration's refusals; the
 * meters.
 */
class AclAuthorizerPluginTest extends PluginContractTest<AclAuthorizerPlugin> {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Principal ALICE = Principal.authenticated("alice", Set.of("readers"));

  @Override
  protected AclAuthorizerPlugin newPlugin() {
    return new AclAuthorizerPlugin();
  }

  @Override
  protected Set<ProcessKind> expectedProcessKinds() {
    return Set.of(ProcessKind.CONTROLLER, ProcessKind.SERVER, ProcessKind.ROUTER);
  }

  /** One allowed and one denied decision, a reload. */
  @Override
  protected void exercise(AclAuthorizerPlugin plugin, TestingPluginContext context,
      TestingExtensions extensions) throws Exception {
    context.stateStore().orElseThrow().create(AclCache.NODE, AclCodec.encode(AclTable.of(
        List.of(AclEntry.parse("user:alice", "store:a", "READ")))));
    extensions.backgroundTasks().get(0).run();
    extensions.authorizers().get(0).authorize(read(ALICE, "a"));
    extensions.authorizers().get(0).authorize(read(ALICE, "b"));
    for (AdminMutationHook hook : extensions.adminMutationHooks()) {
      hook.after(deleteStore("a", false), DONE);
    }
  }

  private static final AdminOutcome DONE = new AdminOutcome(true, null, Map.of());

  private static AdminMutation mutation(AdminOperation operation, String store, boolean dryRun) {
    return new AdminMutation(operation, "venice", store, new Caller("ops-admin", "10.0.0.1:4567"),
        ManualTimeSource.DEFAULT_START, Map.of("name", store), Map.of(), dryRun);
  }

  private static AdminMutation deleteStore(String store, boolean dryRun) {
    return mutation(AdminOperation.DELETE_STORE, store, dryRun);
  }

  private static List<String> entries(PluginStateStore store) {
    return AclCodec.decode(store.read(AclCache.NODE).orElseThrow().data()).entries().stream()
        .map(e -> e.subject() + " " + e.resource() + " " + e.access()).toList();
  }

  private static AccessRequest read(Principal principal, String store) {
    return new AccessRequest(principal, "get", AccessLevel.READ, Resource.store(store));
  }

  private static TestingPluginContext.Builder on(ProcessKind kind) {
    return TestingPluginContext.builder(new AclAuthorizerPlugin()).processKind(kind);
  }

  private static PluginHttpResponse post(PluginHttpEndpoint endpoint, String path, String body)
      throws Exception {
    return endpoint.handle(new PluginHttpRequest("POST", path, Map.of(), Map.of(),
        body.getBytes(StandardCharsets.UTF_8)));
  }

  private static PluginHttpResponse grant(PluginHttpEndpoint endpoint, String subject,
      String resource, String access) throws Exception {
    return post(endpoint, "acls/grant", "{\"subject\":\"" + subject + "\",\"resource\":\""
        + resource + "\",\"access\":\"" + access + "\"}");
  }

  private static PluginHttpResponse list(PluginHttpEndpoint endpoint, Map<String, String> query)
      throws Exception {
    Map<String, List<String>> parameters = new HashMap<>();
    query.forEach((k, v) -> parameters.put(k, List.of(v)));
    return endpoint.handle(new PluginHttpRequest("GET", "acls", parameters, Map.of(),
        new byte[0]));
  }

  private static JsonNode json(PluginHttpResponse response) throws Exception {
    assertEquals("application/json", response.contentType());
    return JSON.readTree(response.body());
  }

  private static double counter(TestingPluginContext context, String name, String... tags) {
    return context.meterRegistry().get(context.metricPrefix() + name).tags(tags).counter()
        .count();
  }

  @Test
  void withoutAStateStoreThePluginRefusesToStartSayingWhy() throws Exception {
    try (TestingPluginContext context = on(ProcessKind.SERVER).build()) {
      IllegalStateException refused = assertThrows(IllegalStateException.class,
          () -> new AclAuthorizerPlugin().start(new WithoutStateStore(context),
              context.extensions()));
      assertTrue(refused.getMessage().contains("needs the plugin state store"),
          refused.getMessage());
      assertTrue(context.extensions().authorizers().isEmpty());
    }
  }

  @Test
  void everyKindGetsTheAuthorizerAndOnlyControllersTheEndpointAndTheDeletionHook() throws Exception {
    for (ProcessKind kind : expectedProcessKinds()) {
      try (TestingPluginContext context = on(kind).config("refresh-interval", "5s").build()) {
        TestingExtensions added = context.start();
        assertEquals(1, added.authorizers().size(), kind.id());
        BackgroundTask refresh = added.backgroundTasks().get(0);
        assertEquals(Duration.ofSeconds(5), refresh.interval(), kind.id());
        assertEquals(kind == ProcessKind.CONTROLLER ? 1 : 0, added.httpEndpoints().size(),
            kind.id());
        assertEquals(kind == ProcessKind.CONTROLLER ? 1 : 0, added.adminMutationHooks().size(),
            kind.id());
        assertEquals(1.0, counter(context, "reloads"), "loaded at start on " + kind.id());
      }
    }
  }

  @Test
  void grantsAreListedReplacedAndRevokedThroughTheEndpoint() throws Exception {
    try (TestingPluginContext context = on(ProcessKind.CONTROLLER).build()) {
      PluginHttpEndpoint acls = context.start().endpoint("acls");
      JsonNode first = json(grant(acls, "user:alice", "store:a", "read"));
      assertEquals("READ", first.path("entry").path("access").asText());
      assertTrue(first.path("previous").isNull());
      assertTrue(first.path("changed").asBoolean());
      assertEquals(1, first.path("entries").asInt());
      grant(acls, "group:ops", "cluster", "ADMIN");
      grant(acls, "user:bob", "store:b", "WRITE");

      JsonNode replaced = json(grant(acls, "user:alice", "store:a", "write"));
      assertEquals("READ", replaced.path("previous").asText());
      assertEquals(3, replaced.path("entries").asInt());
      JsonNode again = json(grant(acls, "user:alice", "store:a", "write"));
      assertFalse(again.path("changed").asBoolean());
      assertEquals(3, context.stateStore().orElseThrow().read(AclCache.NODE).orElseThrow()
          .version(), "created, then 3 writes; an unchanged grant writes nothing");

      JsonNode all = json(list(acls, Map.of()));
      assertEquals("[{\"subject\":\"group:ops\",\"resource\":\"cluster\",\"access\":\"ADMIN\"},"
          + "{\"subject\":\"user:alice\",\"resource\":\"store:a\",\"access\":\"WRITE\"},"
          + "{\"subject\":\"user:bob\",\"resource\":\"store:b\",\"access\":\"WRITE\"}]",
          all.path("entries").toString());
      assertEquals(1, json(list(acls, Map.of("store", "b"))).path("entries").size());
      assertEquals("store:a", json(list(acls, Map.of("subject", "user:alice")))
          .path("entries").get(0).path("resource").asText());
      assertEquals(0, json(list(acls, Map.of("store", "a", "subject", "user:bob")))
          .path("entries").size());

      JsonNode revoked = json(post(acls, "acls/revoke",
          "{\"subject\":\"user:alice\",\"resource\":\"store:a\"}"));
      assertTrue(revoked.path("revoked").asBoolean());
      assertEquals("WRITE", revoked.path("entry").path("access").asText());
      assertEquals(2, revoked.path("entries").asInt());
      JsonNode none = json(post(acls, "acls/revoke",
          "{\"subject\":\"user:alice\",\"resource\":\"store:a\"}"));
      assertFalse(none.path("revoked").asBoolean());
      assertTrue(none.path("entry").isNull());
      assertEquals(2, AclCodec.decode(context.stateStore().orElseThrow().read(AclCache.NODE)
          .orElseThrow().data()).size());
    }
  }

  @Test
  void badRequestsAreRefusedNamingTheFieldAndChangeNothing() throws Exception {
    try (TestingPluginContext context = on(ProcessKind.CONTROLLER).build()) {
      PluginHttpEndpoint acls = context.start().endpoint("acls");
      Map<String, String> bodies = Map.of(
          "{\"subject\":\"role:x\",\"resource\":\"cluster\",\"access\":\"READ\"}", "subject",
          "{\"resource\":\"cluster\",\"access\":\"READ\"}", "subject",
          "{\"subject\":\"user:a\",\"resource\":\"store:a/b\",\"access\":\"READ\"}", "resource",
          "{\"subject\":\"user:a\",\"access\":\"READ\"}", "resource",
          "{\"subject\":\"user:a\",\"resource\":\"cluster\",\"access\":\"OWNER\"}", "access",
          "{\"subject\":\"user:a\",\"resource\":\"cluster\"}", "access",
          "{\"subject\":7,\"resource\":\"cluster\",\"access\":\"READ\"}", "subject",
          "[1]", "body",
          "{", "body");
      for (Map.Entry<String, String> bad : bodies.entrySet()) {
        PluginHttpResponse refused = post(acls, "acls/grant", bad.getKey());
        assertEquals(400, refused.status(), bad.getKey());
        assertEquals(bad.getValue(), json(refused).path("field").asText(), bad.getKey());
        assertTrue(json(refused).path("error").asText().contains(bad.getValue()),
            json(refused).toString());
      }
      assertEquals("resource", json(post(acls, "acls/revoke", "{\"subject\":\"user:a\","
          + "\"resource\":\"table:x\"}")).path("field").asText());
      assertEquals("store", json(list(acls, Map.of("store", "a b"))).path("field").asText());
      assertEquals("subject", json(list(acls, Map.of("subject", "bob"))).path("field").asText());
      assertEquals(404, post(acls, "acls/other", "{}").status());
      assertEquals(405, acls.handle(new PluginHttpRequest("GET", "acls/grant", Map.of(),
          Map.of(), new byte[0])).status());
      assertEquals(405, post(acls, "acls", "{}").status());
      assertTrue(context.stateStore().orElseThrow().read(AclCache.NODE).isEmpty());
    }
  }

  @Test
  void anUnreadableNodeKeepsThePreviousSnapshotAndIsNeverOverwritten() throws Exception {
    try (TestingPluginContext context = on(ProcessKind.CONTROLLER).build()) {
      TestingExtensions added = context.start();
      PluginHttpEndpoint acls = added.endpoint("acls");
      Authorizer authorizer = added.authorizers().get(0);
      grant(acls, "user:alice", "store:a", "READ");
      BackgroundTask refresh = added.backgroundTasks().get(0);
      refresh.run();
      assertTrue(authorizer.authorize(read(ALICE, "a")).allowed());

      PluginStateStore store = context.stateStore().orElseThrow();
      byte[] newer = "{\"format\":2,\"entries\":[]}".getBytes(StandardCharsets.UTF_8);
      store.update(AclCache.NODE, newer, -1);
      refresh.run();
      assertTrue(authorizer.authorize(read(ALICE, "a")).allowed(), "the last good snapshot");
      assertTrue(counter(context, "reload.failures") >= 1.0);

      PluginHttpResponse refused = grant(acls, "user:bob", "store:a", "READ");
      assertEquals(500, refused.status());
      assertEquals("UNREADABLE_ACLS", json(refused).path("errorType").asText());
      assertEquals(500, list(acls, Map.of()).status());
      assertEquals(new String(newer, StandardCharsets.UTF_8), new String(store.read(AclCache.NODE)
          .orElseThrow().data(), StandardCharsets.UTF_8));
    }
  }

  @Test
  void anUnreadableNodeAtStartDeniesEverythingButSuperUsers() throws Exception {
    TestingStateStore store = new TestingStateStore(new ManualTimeSource());
    store.create(AclCache.NODE, "not json".getBytes(StandardCharsets.UTF_8));
    try (TestingPluginContext context = on(ProcessKind.ROUTER).stateStore(store)
        .config("super-users", "admin").build()) {
      Authorizer authorizer = context.start().authorizers().get(0);
      assertFalse(authorizer.authorize(read(ALICE, "a")).allowed());
      assertTrue(authorizer.authorize(read(Principal.authenticated("admin", Set.of()), "a"))
          .allowed());
      assertEquals(1.0, counter(context, "reload.failures"));
    }
  }

  @Test
  void aControllersGrantReachesAServersAuthorizerThroughTheWatchOnTheSchedulerThread()
      throws Exception {
    TestingStateStore shared = new TestingStateStore(new ManualTimeSource());
    try (TestingPluginContext controller = on(ProcessKind.CONTROLLER).stateStore(shared).build();
        TestingPluginContext server = on(ProcessKind.SERVER).stateStore(shared).build()) {
      PluginHttpEndpoint acls = controller.start().endpoint("acls");
      Authorizer authorizer = server.start().authorizers().get(0);
      AccessDecision denied = authorizer.authorize(read(ALICE, "a"));
      assertFalse(denied.allowed());
      assertEquals("no READ grant on store a for user:alice or groups [readers]",
          denied.reason());

      CountDownLatch release = new CountDownLatch(1);
      server.scheduler().execute(() -> awaitQuietly(release)); // the reload queues behind it
      assertEquals(200, grant(acls, "group:readers", "store:a", "READ").status());
      assertFalse(authorizer.authorize(read(ALICE, "a")).allowed(),
          "reloaded on the scheduler, never on the writer's (watch) thread");
      release.countDown();
      Await.until(() -> authorizer.authorize(read(ALICE, "a")).allowed(),
          () -> "the server's authorizer to see the controller's grant");
      Await.until(() -> server.meterRegistry().get(server.metricPrefix() + "entries").gauge()
          .value() == 1.0, () -> "the entries gauge at 1");

      post(acls, "acls/revoke", "{\"subject\":\"group:readers\",\"resource\":\"store:a\"}");
      Await.until(() -> !authorizer.authorize(read(ALICE, "a")).allowed(),
          () -> "the server's authorizer to see the revocation");
    }
  }

  @Test
  void thePeriodicReloadIsABackstopForTheWatch() throws Exception {
    try (TestingPluginContext server = on(ProcessKind.SERVER).build()) {
      TestingExtensions added = server.start();
      Authorizer authorizer = added.authorizers().get(0);
      CountDownLatch release = new CountDownLatch(1);
      server.scheduler().execute(() -> awaitQuietly(release)); // holds the watch's reload back
      server.stateStore().orElseThrow().create(AclCache.NODE, AclCodec.encode(AclTable.of(
          List.of(AclEntry.parse("user:alice", "cluster", "READ")))));
      assertFalse(authorizer.authorize(read(ALICE, "a")).allowed());
      added.backgroundTasks().get(0).run();
      assertTrue(authorizer.authorize(read(ALICE, "a")).allowed());
      release.countDown();
    }
  }

  @Test
  void deletingAStoreRemovesItsGrantsSoANewStoreOfThatNameInheritsNone() throws Exception {
    TestingStateStore shared = new TestingStateStore(new ManualTimeSource());
    try (TestingPluginContext controller = on(ProcessKind.CONTROLLER).stateStore(shared).build();
        TestingPluginContext server = on(ProcessKind.SERVER).stateStore(shared).build()) {
      TestingExtensions added = controller.start();
      PluginHttpEndpoint acls = added.endpoint("acls");
      Authorizer serverAuthorizer = server.start().authorizers().get(0);
      grant(acls, "user:alice", "store:a", "READ");
      grant(acls, "group:ops", "store:a", "ADMIN");
      grant(acls, "user:alice", "store:ab", "READ");
      grant(acls, "user:bob", "cluster", "READ");
      Await.until(() -> serverAuthorizer.authorize(read(ALICE, "a")).allowed(),
          () -> "the server's authorizer to see the grants");

      added.adminMutationHooks().get(0).after(deleteStore("a", false), DONE);

      assertEquals(List.of("user:bob cluster READ", "user:alice store:ab READ"), entries(shared),
          "every grant on store:a removed, those on other resources kept");
      assertEquals(2.0, counter(controller, "deleted.store.grants"));
      assertEquals(0.0, counter(controller, "deleted.store.failures"));
      Await.until(() -> !serverAuthorizer.authorize(read(ALICE, "a")).allowed(),
          () -> "the server's authorizer to see the grants on the deleted store gone");
      assertFalse(serverAuthorizer.authorize(new AccessRequest(Principal.authenticated("carol",
          Set.of("ops")), "DELETE /stores/{store}", AccessLevel.ADMIN, Resource.store("a")))
          .allowed(), "a new store named a inherits no group grant either");
      assertTrue(serverAuthorizer.authorize(read(ALICE, "ab")).allowed());

      int version = shared.read(AclCache.NODE).orElseThrow().version();
      added.adminMutationHooks().get(0).after(deleteStore("a", false), DONE);
      assertEquals(version, shared.read(AclCache.NODE).orElseThrow().version(),
          "a store without grants writes nothing");
    }
  }

  @Test
  void onlyASuccessfulRealStoreDeletionRemovesGrants() throws Exception {
    try (TestingPluginContext context = on(ProcessKind.CONTROLLER).build()) {
      TestingExtensions added = context.start();
      grant(added.endpoint("acls"), "user:alice", "store:a", "READ");
      AdminMutationHook hook = added.adminMutationHooks().get(0);
      PluginStateStore store = context.stateStore().orElseThrow();

      assertEquals(AdminVerdict.PROCEED, hook.before(deleteStore("a", true)));
      hook.after(deleteStore("a", true), DONE);
      hook.after(deleteStore("a", false), new AdminOutcome(false, "store a is being pushed",
          Map.of("name", "a")));
      for (AdminOperation other : AdminOperation.values()) {
        if (other != AdminOperation.DELETE_STORE) {
          hook.after(mutation(other, "a", false), DONE);
        }
      }
      assertEquals(List.of("user:alice store:a READ"), entries(store));
      assertEquals(0, store.read(AclCache.NODE).orElseThrow().version(), "nothing written");
      assertEquals(0.0, counter(context, "deleted.store.grants"));

      hook.after(deleteStore("a", false), DONE);
      assertEquals(List.of(), entries(store));
    }
  }

  @Test
  void aStoreDeletionRacingOtherWritersIsRetriedAndAFailureNeverThrows() throws Exception {
    TestingStateStore store = new TestingStateStore(new ManualTimeSource());
    store.create(AclCache.NODE, AclCodec.encode(AclTable.of(List.of(
        AclEntry.parse("user:alice", "store:a", "READ"),
        AclEntry.parse("user:bob", "store:b", "READ")))));
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    AclAuthorizerMetrics metrics = new AclAuthorizerMetrics(registry, "t.");
    AtomicInteger races = new AtomicInteger(2);
    AclStoreDeletionHook hook = new AclStoreDeletionHook(new RacingStore(store, races), metrics,
        LoggerFactory.getLogger(AclStoreDeletionHook.class));

    hook.after(deleteStore("a", false), DONE);
    assertEquals(List.of("user:racer0 cluster READ", "user:racer1 cluster READ",
        "user:bob store:b READ"), entries(store), "store:a removed, both racing writes kept");
    assertEquals(1.0, registry.get("t.deleted.store.grants").counter().count());

    races.set(Integer.MAX_VALUE);
    hook.after(deleteStore("b", false), DONE); // every attempt loses: counted, not thrown
    assertTrue(entries(store).contains("user:bob store:b READ"), "left in place");
    assertEquals(1.0, registry.get("t.deleted.store.failures").counter().count());

    races.set(0);
    store.update(AclCache.NODE, "not json".getBytes(StandardCharsets.UTF_8), -1);
    hook.after(deleteStore("b", false), DONE);
    assertEquals("not json", new String(store.read(AclCache.NODE).orElseThrow().data(),
        StandardCharsets.UTF_8), "an unreadable node is never overwritten");
    assertEquals(2.0, registry.get("t.deleted.store.failures").counter().count());
  }

  @Test
  void conflictingWritersAreRetriedThen409() throws Exception {
    TestingStateStore store = new TestingStateStore(new ManualTimeSource());
    AtomicInteger races = new AtomicInteger(2);
    AclEndpoint endpoint = new AclEndpoint(new RacingStore(store, races));
    assertEquals(200, grant(endpoint, "user:alice", "store:a", "READ").status());
    assertEquals(200, grant(endpoint, "user:bob", "store:b", "READ").status());
    AclTable written = AclCodec.decode(store.read(AclCache.NODE).orElseThrow().data());
    assertEquals(List.of("user:alice", "user:bob", "user:racer0", "user:racer1"),
        written.entries().stream().map(AclEntry::subject).sorted().toList(),
        "both grants and both racing writes kept");

    races.set(Integer.MAX_VALUE);
    PluginHttpResponse conflict = grant(endpoint, "user:carol", "store:c", "READ");
    assertEquals(409, conflict.status());
    assertEquals("CONFLICT", json(conflict).path("errorType").asText());
  }

  @Test
  void superUsersAndSuperGroupsAreAllowedEverythingAnonymousNothing() throws Exception {
    try (TestingPluginContext context = on(ProcessKind.ROUTER)
        .config(Map.of("super-users", "admin, CN=ctl", "super-groups", "ops")).build()) {
      Authorizer authorizer = context.start().authorizers().get(0);
      AccessRequest deleteCluster = new AccessRequest(Principal.authenticated("admin", Set.of()),
          "DELETE /stores/{store}", AccessLevel.ADMIN, Resource.cluster("venice"));
      assertTrue(authorizer.authorize(deleteCluster).allowed());
      assertTrue(authorizer.authorize(read(Principal.authenticated("CN=ctl", Set.of()), "a"))
          .allowed());
      assertTrue(authorizer.authorize(read(Principal.authenticated("eve", Set.of("x", "ops")),
          "a")).allowed());
      assertFalse(authorizer.authorize(read(Principal.ANONYMOUS, "a")).allowed());
      assertFalse(authorizer.authorize(read(Principal.authenticated("Admin", Set.of()), "a"))
          .allowed(), "names are case-sensitive");
      assertEquals(3.0, counter(context, "decisions", "result", "allowed"));
      assertEquals(2.0, counter(context, "decisions", "result", "denied"));
    }
  }

  @Test
  void theConfigurationRefusesEmptyNamesAndAnonymousNamingTheKey() {
    ConfigException empty = assertThrows(ConfigException.class,
        () -> on(ProcessKind.SERVER).config("super-users", "a,,b").build());
    assertEquals("plugins.acl-authorizer.super-users", empty.key());
    assertTrue(empty.getMessage().contains("empty name"), empty.getMessage());
    ConfigException anonymous = assertThrows(ConfigException.class,
        () -> on(ProcessKind.SERVER).config("super-users", "admin,anonymous").build());
    assertTrue(anonymous.getMessage().contains("anonymous"), anonymous.getMessage());
    ConfigException group = assertThrows(ConfigException.class,
        () -> on(ProcessKind.SERVER).config("super-groups", "ops,").build());
    assertEquals("plugins.acl-authorizer.super-groups", group.key());
    assertThrows(ConfigException.class,
        () -> on(ProcessKind.SERVER).config("refresh-interval", "10ms").build());
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * A state store on which, before each of the next {@code races} conditional updates, another
   * writer grants {@code user:racer<n>} first, so the update loses and must be retried.
   */
  private static final class RacingStore implements PluginStateStore {
    private final PluginStateStore store;
    private final AtomicInteger races;
    private final AtomicInteger racers = new AtomicInteger();

    RacingStore(PluginStateStore store, AtomicInteger races) {
      this.store = store;
      this.races = races;
    }

    @Override
    public Optional<StateEntry> read(String path) {
      return store.read(path);
    }

    @Override
    public StateEntry create(String path, byte[] data) {
      return store.create(path, data);
    }

    @Override
    public StateEntry update(String path, byte[] data, int expectedVersion) {
      if (races.getAndDecrement() > 0) {
        StateEntry current = store.read(path).orElseThrow();
        store.update(path, AclCodec.encode(AclCodec.decode(current.data()).with(AclEntry.parse(
            "user:racer" + racers.getAndIncrement(), "cluster", "READ"))), current.version());
      }
      return store.update(path, data, expectedVersion);
    }

    @Override
    public StateEntry append(String parent, byte[] data) {
      return store.append(parent, data);
    }

    @Override
    public List<String> children(String path) {
      return store.children(path);
    }

    @Override
    public boolean delete(String path, int expectedVersion) {
      return store.delete(path, expectedVersion);
    }
  }

  /** A host's context without a plugin state store (a client's, or a host older than SPI 1.9). */
  private static final class WithoutStateStore implements PluginContext {
    private final TestingPluginContext context;

    WithoutStateStore(TestingPluginContext context) {
      this.context = context;
    }

    @Override
    public Optional<PluginStateStore> stateStore() {
      return Optional.empty();
    }

    @Override
    public Optional<ControllerHost> controller() {
      return Optional.empty();
    }

    @Override
    public String pluginId() {
      return context.pluginId();
    }

    @Override
    public PluginConfig config() {
      return context.config();
    }

    @Override
    @Deprecated
    public PluginConfig configForStore(String store) {
      return context.configForStore(store);
    }

    @Override
    public <S> StoreSettings<S> storeSettings(Function<PluginConfig, S> factory) {
      return context.storeSettings(factory);
    }

    @Override
    public boolean enabledForStore(String store) {
      return context.enabledForStore(store);
    }

    @Override
    public MeterRegistry meterRegistry() {
      return context.meterRegistry();
    }

    @Override
    public String metricPrefix() {
      return context.metricPrefix();
    }

    @Override
    public TimeSource time() {
      return context.time();
    }

    @Override
    public ScheduledExecutorService scheduler() {
      return context.scheduler();
    }

    @Override
    public Logger logger() {
      return context.logger();
    }

    @Override
    public HostServices host() {
      return context.host();
    }
  }
}
