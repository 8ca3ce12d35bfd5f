package dev.venice.runtime.metadata;

import static dev.venice.runtime.metadata.TestZooKeeper.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.venice.runtime.common.meta.ZkPaths;
import dev.venice.spi.host.ClusterMember;
import dev.venice.spi.host.EndpointResult;
import dev.venice.spi.plugin.ProcessKind;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.helix.zookeeper.impl.client.ZkClient;
import org.apache.helix.zookeeper.zkclient.ZkConnection;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link ZkClusterView} on a real ZooKeeper: registration, watching, session loss, and the plugin
 * endpoint client against a JDK HTTP server (order, errors per member, timeouts, parallelism).
 */
class ZkClusterViewTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final Duration SESSION = Duration.ofSeconds(4);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final AtomicInteger CLUSTERS = new AtomicInteger();

  @RegisterExtension
  static final ZooKeeperExtension ZK = new ZooKeeperExtension(SESSION);

  private final String cluster = "view-test-" + CLUSTERS.incrementAndGet();

  private ZkClient client() {
    return ZK.client();
  }

  private ZkClusterView view(ZkClient zk, int maxParallel) {
    ZkClusterView view = new ZkClusterView(zk, cluster, topic -> Map.of(), maxParallel, null);
    ZK.closeAfterTest(view);
    return view;
  }

  private void createCluster(ZkClient zk) {
    zk.createPersistent("/" + cluster, false);
  }

  private static ClusterMember member(String id, ProcessKind kind, String adminUrl) {
    return new ClusterMember(id, kind, adminUrl,
        kind == ProcessKind.CONTROLLER ? null : "127.0.0.1:" + id.substring(id.indexOf('_') + 1));
  }

  @Test
  void registrationsAreSeenByEveryViewAndLeaveOnDeregisterOrSessionEnd() throws Exception {
    ZkClient watcherZk = client();
    // The watching view starts before the cluster (and LiveProcesses) exist.
    ZkClusterView watcher = view(watcherZk, 8);
    assertEquals(List.of(), watcher.members());
    createCluster(watcherZk);

    ZkClient serverZk = client();
    ZkClusterView server = view(serverZk, 8);
    ClusterMember serverMember = member("127.0.0.1_7002", ProcessKind.SERVER,
        "http://127.0.0.1:7001");
    server.register(serverMember);
    ZkClient controllerZk = client();
    ZkClusterView controller = view(controllerZk, 8);
    ClusterMember controllerMember = member("127.0.0.1_6001", ProcessKind.CONTROLLER,
        "http://127.0.0.1:6001");
    controller.register(controllerMember);
    ClusterMember routerMember = member("127.0.0.1_8002", ProcessKind.ROUTER,
        "http://127.0.0.1:8001");
    view(client(), 8).register(routerMember);

    List<ClusterMember> all = List.of(serverMember, routerMember, controllerMember);
    await(() -> watcher.members().equals(all), WAIT, () -> "members " + watcher.members());
    await(() -> server.members().equals(all), WAIT, () -> "server sees " + server.members());
    assertEquals(List.of(serverMember), watcher.members(ProcessKind.SERVER));

    // The znode: EPHEMERAL, owned by the registering session, JSON {kind, adminUrl, grpcAddress}.
    String path = ZkPaths.liveProcess(cluster, "127.0.0.1_7002");
    Stat stat = new Stat();
    byte[] data = watcherZk.readData(path, stat);
    assertEquals(serverZk.getSessionId(), stat.getEphemeralOwner());
    JsonNode json = JSON.readTree(data);
    assertEquals("server", json.get("kind").asText());
    assertEquals("http://127.0.0.1:7001", json.get("adminUrl").asText());
    assertEquals("127.0.0.1:7002", json.get("grpcAddress").asText());
    assertFalse(JSON.readTree((byte[]) watcherZk.readData(
        ZkPaths.liveProcess(cluster, "127.0.0.1_6001"))).has("grpcAddress"));

    // An orderly stop removes the registration at once.
    controller.deregister();
    await(() -> watcher.members().equals(List.of(serverMember, routerMember)), WAIT,
        () -> "after the controller left: " + watcher.members());

    // A session that ends (a crash, or the process's client closed) takes it along.
    serverZk.close();
    await(() -> watcher.members().equals(List.of(routerMember)), WAIT,
        () -> "after the server's session ended: " + watcher.members());
  }

  @Test
  void aLostSessionRegistersAgainOnTheNextOne() throws Exception {
    ZkClient watcherZk = client();
    createCluster(watcherZk);
    ZkClusterView watcher = view(watcherZk, 8);
    ZkClient serverZk = client();
    ClusterMember member = member("127.0.0.1_7102", ProcessKind.SERVER, "http://127.0.0.1:7101");
    view(serverZk, 8).register(member);
    await(() -> watcher.members().equals(List.of(member)), WAIT, () -> "" + watcher.members());
    long firstSession = serverZk.getSessionId();

    expire(serverZk);

    String path = ZkPaths.liveProcess(cluster, member.instanceId());
    await(() -> {
      Stat stat = watcherZk.getStat(path);
      return stat != null && stat.getEphemeralOwner() != firstSession
          && stat.getEphemeralOwner() == serverZk.getSessionId();
    }, WAIT, () -> "re-registration under a new session; znode " + watcherZk.getStat(path));
    await(() -> watcher.members().equals(List.of(member)), WAIT, () -> "" + watcher.members());
  }

  /** Ends a client's session from the server side, as ZooKeeper does after a long stall. */
  private void expire(ZkClient zk) throws Exception {
    ZooKeeper current = ((ZkConnection) zk.getConnection()).getZookeeper();
    CountDownLatch connected = new CountDownLatch(1);
    ZooKeeper twin = new ZooKeeper(ZK.address(), (int) SESSION.toMillis(), event -> {
      if (event.getState() == org.apache.zookeeper.Watcher.Event.KeeperState.SyncConnected) {
        connected.countDown();
      }
    }, current.getSessionId(), current.getSessionPasswd());
    assertTrue(connected.await(WAIT.toMillis(), TimeUnit.MILLISECONDS), "twin session connected");
    twin.close(); // closing the same session id expires it for the original client
  }

  @Test
  void aStaleRegistrationOfTheSameIdIsReplaced() {
    ZkClient other = client();
    createCluster(other);
    other.createPersistent(ZkPaths.liveProcesses(cluster), false);
    String path = ZkPaths.liveProcess(cluster, "127.0.0.1_7202");
    other.create(path, "{\"kind\":\"router\",\"adminUrl\":\"http://old:1\"}"
        .getBytes(StandardCharsets.UTF_8), CreateMode.EPHEMERAL);

    ZkClient mine = client();
    ClusterMember member = member("127.0.0.1_7202", ProcessKind.SERVER, "http://127.0.0.1:7201");
    ZkClusterView view = view(mine, 8);
    view.register(member);
    assertEquals(mine.getSessionId(), mine.getStat(path).getEphemeralOwner());
    await(() -> view.members().equals(List.of(member)), WAIT, () -> "" + view.members());
  }

  @Test
  void registeringWithoutAClusterNamesTheCluster() {
    ZkClusterView view = view(client(), 8);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> view.register(
        member("127.0.0.1_1", ProcessKind.SERVER, "http://127.0.0.1:2")));
    assertTrue(e.getMessage().contains("cluster " + cluster + " does not exist"), e.getMessage());
  }

  @Test
  void pathsThatEscapeOrIdsThatAreInvalidAreRefusedBeforeAnyCall() {
    ZkClusterView view = view(client(), 8);
    List<ClusterMember> none = List.of();
    Duration second = Duration.ofSeconds(1);
    for (String bad : List.of("..", "../x", "a/../../b", "a/..", ".", "%2e%2e/x", "%2E./x",
        "/abs", "a#frag", "a\\b", "a b", "a?x=%zz")) {
      assertThrows(IllegalArgumentException.class,
          () -> view.callPlugin(none, "bloom-filter", bad, second), bad);
    }
    for (String badId : List.of("", "Bloom", "bloom_filter", "-x", "x-", "a/b", "..")) {
      assertThrows(IllegalArgumentException.class,
          () -> view.callPlugin(none, badId, "", second), badId);
    }
    assertThrows(IllegalArgumentException.class,
        () -> view.callPlugin(none, "x", "", Duration.ZERO));
    assertThrows(NullPointerException.class, () -> view.callPlugin(none, "x", null, second));
    assertEquals("/plugins/bloom-filter/partitions?store=s",
        ZkClusterView.pluginPath("bloom-filter", "partitions?store=s"));
    assertEquals("/plugins/x/", ZkClusterView.pluginPath("x", ""));
    assertEquals("/plugins/x/a/..b/c%20d", ZkClusterView.pluginPath("x", "a/..b/c%20d"));
  }

  @Test
  void everyMemberGetsItsOwnResultInOrderAndNoneFailsTheOthers() throws Exception {
    CountDownLatch stuck = new CountDownLatch(1);
    HttpServer server = httpServer(exchange -> {
      String path = exchange.getRequestURI().getRawPath();
      if (path.startsWith("/a/plugins/echo/")) {
        respond(exchange, 200, "a:" + exchange.getRequestURI().getRawQuery());
      } else if (path.startsWith("/b/")) {
        respond(exchange, 404, "{\"error\":\"no such endpoint\"}");
      } else if (path.startsWith("/slow/")) {
        awaitLatch(stuck);
        respond(exchange, 200, "too late");
      } else {
        respond(exchange, 500, "unexpected " + path);
      }
    });
    ZK.closeAfterTest(stuck::countDown); // before the server stops: the slow handler returns
    String base = "http://127.0.0.1:" + server.getAddress().getPort();
    ClusterMember a = member("h_1", ProcessKind.SERVER, base + "/a");
    ClusterMember b = member("h_2", ProcessKind.SERVER, base + "/b/");
    ClusterMember slow = member("h_3", ProcessKind.ROUTER, base + "/slow");
    ClusterMember refused = member("h_4", ProcessKind.SERVER, "http://127.0.0.1:" + closedPort());
    ClusterMember badUrl = member("h_5", ProcessKind.CONTROLLER, "not a url");

    ZkClusterView view = view(client(), 8);
    List<EndpointResult> results = view.callPlugin(List.of(slow, a, refused, b, badUrl), "echo",
        "stats?store=s", Duration.ofMillis(500)).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);

    assertEquals(List.of(slow, a, refused, b, badUrl),
        results.stream().map(EndpointResult::member).toList(), "results in input order");
    assertEquals("timed out after 500 ms", results.get(0).error());
    assertEquals(0, results.get(0).status());
    assertEquals("", results.get(0).body());
    assertTrue(results.get(1).ok(), results.get(1).toString());
    assertEquals("a:store=s", results.get(1).body());
    assertEquals("connection refused", results.get(2).error());
    assertNull(results.get(3).error(), "a 404 is an answer");
    assertEquals(404, results.get(3).status());
    assertFalse(results.get(3).ok());
    assertTrue(results.get(4).error().startsWith("bad admin URL"), results.get(4).error());
  }

  @Test
  void parallelismIsBoundedAcrossCalls() throws Exception {
    int max = 3;
    AtomicInteger current = new AtomicInteger();
    AtomicInteger peak = new AtomicInteger();
    AtomicInteger served = new AtomicInteger();
    Semaphore gate = new Semaphore(0);
    HttpServer server = httpServer(exchange -> {
      int now = current.incrementAndGet();
      peak.accumulateAndGet(now, Math::max);
      try {
        if (!gate.tryAcquire(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
          throw new IllegalStateException("never released");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      current.decrementAndGet();
      served.incrementAndGet();
      respond(exchange, 200, exchange.getRequestURI().getPath());
    });
    ZK.closeAfterTest(() -> gate.release(100));
    String base = "http://127.0.0.1:" + server.getAddress().getPort();
    List<ClusterMember> first = new ArrayList<>();
    List<ClusterMember> second = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      first.add(member("h_" + (100 + i), ProcessKind.SERVER, base + "/m" + i));
      second.add(member("h_" + (200 + i), ProcessKind.SERVER, base + "/n" + i));
    }
    ZkClusterView view = view(client(), max);
    assertEquals(max, view.maxParallelCalls());
    CompletableFuture<List<EndpointResult>> one =
        view.callPlugin(first, "probe", "", Duration.ofSeconds(30));
    CompletableFuture<List<EndpointResult>> two =
        view.callPlugin(second, "probe", "", Duration.ofSeconds(30));

    // Handlers hold every request until released, so unbounded calls would pile up here; release
    // them one at a time, each only once the bound is full again (while work remains).
    for (int released = 0; released < 16; released++) {
      int left = 16 - released;
      await(() -> current.get() == Math.min(max, left), WAIT,
          () -> "in flight " + current.get() + ", served " + served.get());
      gate.release();
    }
    List<EndpointResult> results = new ArrayList<>(one.get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
    results.addAll(two.get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
    assertEquals(max, peak.get(), "most requests in flight at once");
    assertEquals(16, results.stream().filter(EndpointResult::ok).count(), results.toString());
    for (int i = 0; i < 8; i++) {
      assertEquals("/m" + i + "/plugins/probe/", results.get(i).body());
      assertEquals("/n" + i + "/plugins/probe/", results.get(8 + i).body());
    }
  }

  @Test
  void aClosedViewAnswersEveryMemberWithAnError() throws Exception {
    ZkClusterView view = view(client(), 2);
    view.close();
    ClusterMember member = member("h_1", ProcessKind.SERVER, "http://127.0.0.1:1");
    List<EndpointResult> results = view.callPlugin(List.of(member, member), "x", "",
        Duration.ofSeconds(1)).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    assertEquals(2, results.size());
    results.forEach(r -> assertEquals("cluster view closed", r.error()));
  }

  @Test
  void describesFailuresInPlainWords() {
    assertEquals("connection refused",
        ZkClusterView.describe(new java.net.ConnectException(), "t"));
    assertEquals("I/O error: closed",
        ZkClusterView.describe(new java.util.concurrent.CompletionException(
            new IOException("closed")), "t"));
    assertEquals("timed out after 5 ms", ZkClusterView.describe(
        new java.net.http.HttpTimeoutException("x"), "timed out after 5 ms"));
    assertNotEquals("", ZkClusterView.describe(new IllegalStateException(), "t"));
  }

  // --- HTTP helpers ---

  private interface Handler {
    void handle(HttpExchange exchange) throws IOException;
  }

  private HttpServer httpServer(Handler handler) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    ExecutorService threads = Executors.newCachedThreadPool();
    server.setExecutor(threads);
    server.createContext("/", exchange -> {
      try {
        handler.handle(exchange);
      } finally {
        exchange.close();
      }
    });
    server.start();
    ZK.closeAfterTest(() -> {
      server.stop(0);
      threads.shutdownNow();
    });
    return server;
  }

  private static void respond(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static void awaitLatch(CountDownLatch latch) {
    try {
      latch.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** A loopback port nothing listens on (bound, then released). */
  private static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1,
        java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
