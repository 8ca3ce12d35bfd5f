package dev.venice.it.plugins.tracing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.it.Schemas;
import dev.venice.it.plugins.tracing.OtlpReceiver.ReceivedSpan;
import dev.venice.plugins.tracing.TraceIds;
import dev.venice.runtime.client.VeniceClients;
import dev.venice.runtime.common.controller.ControllerClient;
import dev.venice.runtime.common.plugin.PluginInfo;
import dev.venice.runtime.common.plugin.PluginManager;
import dev.venice.runtime.common.plugin.PluginState;
import dev.venice.runtime.localcluster.LocalCluster;
import dev.venice.runtime.push.PushJob;
import dev.venice.spi.client.StoreClient;
import dev.venice.testkit.Await;
import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tracing plugin end to end on one local cluster (a controller, two servers, a router), every
 * process exporting to a real OTLP/gRPC receiver on loopback ({@link OtlpReceiver}). Routers and
 * servers load the plugin from its module's {@code target/plugin/tracing/}, as an operator installs
 * it; clients find it on the class path. Routers and servers trace only stores that opt in
 * ({@code stores-enabled-by-default=false}, store {@code traced} switches it on), so store {@code
 * plain} is read through a router and servers that ignore the trace headers.
 */
class TracingPluginTest {
  private static final String TRACED = "traced";
  private static final String PLAIN = "plain";
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static OtlpReceiver receiver;
  private static LocalCluster cluster;

  @BeforeAll
  static void startClusterExportingToALoopbackReceiver(@TempDir Path files) throws Exception {
    Path pluginDir = Path.of(System.getProperty("venice.root"),
        "venice-server-plugins/tracing/target/plugin");
    assertTrue(Files.isDirectory(pluginDir.resolve("tracing")), pluginDir + " not built");
    receiver = new OtlpReceiver();
    LocalCluster.Builder builder = LocalCluster.builder().servers(2).routers(1)
        .controllerConfig("push.monitor.interval", "50ms");
    for (Map.Entry<String, String> e : processConfig(pluginDir).entrySet()) {
      builder.serverConfig(e.getKey(), e.getValue()).routerConfig(e.getKey(), e.getValue());
    }
    cluster = builder.build();
    ControllerClient admin = new ControllerClient(cluster.controllerUrl());
    List<String> lines = IntStream.range(0, 20).mapToObj(i -> "{\"key\": \"k" + i
        + "\", \"value\": {\"name\": \"n" + i + "\", \"age\": " + i + "}}").toList();
    for (String store : List.of(TRACED, PLAIN)) {
      admin.createStore(store, Schemas.KEY, Schemas.USER_V1, 2, 2);
      PushJob.create(cluster.controllerUrl(), store,
          Files.write(files.resolve(store + ".jsonl"), lines)).run();
      cluster.awaitRoutable(store, WAIT);
    }
    admin.updateStore(TRACED, Map.of("pluginSettings",
        Map.of("plugins.tracing.enabled", "true")));
  }

  private static Map<String, String> processConfig(Path pluginDir) {
    return Map.of("plugin.dir", pluginDir.toString(),
        "plugins.tracing.enabled", "true",
        "plugins.tracing.stores-enabled-by-default", "false",
        "plugins.tracing.endpoint", receiver.endpoint(),
        "plugins.tracing.sampling-ratio", "1.0",
        "plugins.tracing.schedule-delay", "50ms");
  }

  @AfterAll
  static void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
    if (receiver != null) {
      receiver.close();
    }
  }

  /** A client with the plugin switched on (sampling every call, exporting to the receiver). */
  private static VeniceClients.Builder traced(String store) {
    return VeniceClients.builder(cluster.routerUrl(), store).pluginConfig(Map.of(
        "plugins.tracing.enabled", "true",
        "plugins.tracing.endpoint", receiver.endpoint(),
        "plugins.tracing.sampling-ratio", "1.0",
        "plugins.tracing.schedule-delay", "50ms",
        "plugins.tracing.service-name", "it-client"));
  }

  /** Runs {@code call} and returns the trace id the client's span had. */
  private static String traceOf(Runnable call) {
    List<String> ids = new CopyOnWriteArrayList<>();
    TraceIds.capture(ids::add, () -> {
      call.run();
      return null;
    });
    assertEquals(1, ids.size(), "one store-level call: " + ids);
    return ids.get(0);
  }

  /** The trace's spans once {@code count} have arrived (within the deadline). */
  private static List<ReceivedSpan> await(String traceId, int count) {
    Await.until(() -> receiver.trace(traceId).size() >= count, WAIT, () -> count
        + " spans of trace " + traceId + " at the receiver, got " + receiver.trace(traceId));
    List<ReceivedSpan> spans = receiver.trace(traceId);
    assertEquals(count, spans.size(), () -> "trace " + traceId + ": " + spans);
    return spans;
  }

  private static ReceivedSpan one(List<ReceivedSpan> spans, String service, SpanKind kind) {
    List<ReceivedSpan> matching = spans.stream()
        .filter(s -> s.service().equals(service) && s.kind() == kind).toList();
    assertEquals(1, matching.size(), () -> service + " " + kind + " spans in " + spans);
    return matching.get(0);
  }

  private static List<ReceivedSpan> all(List<ReceivedSpan> spans, String service, SpanKind kind) {
    return spans.stream().filter(s -> s.service().equals(service) && s.kind() == kind).toList();
  }

  private static Set<Long> serverPorts() {
    return cluster.servers().stream().map(s -> (long) s.grpcPort()).collect(Collectors.toSet());
  }

  @Test
  void routersAndServersLoadThePluginFromItsDirectory() {
    List<PluginManager> managers = new ArrayList<>();
    cluster.servers().forEach(s -> managers.add(s.plugins()));
    cluster.routers().forEach(r -> managers.add(r.plugins()));
    for (PluginManager manager : managers) {
      PluginInfo tracing = manager.plugins().stream().filter(p -> p.id().equals("tracing"))
          .findFirst().orElseThrow();
      assertEquals(PluginState.STARTED, tracing.state(), tracing.message());
      assertTrue(tracing.source().endsWith("plugin/tracing"), tracing.source());
    }
  }

  @Test
  void aThinClientGetIsOneTraceFromClientThroughRouterToServer() {
    try (StoreClient<String, GenericRecord> client = traced(TRACED).thin()) {
      String traceId = traceOf(() -> assertEquals(3, client.get("k3").join().get("age")));
      List<ReceivedSpan> spans = await(traceId, 3);
      ReceivedSpan atClient = one(spans, "it-client", SpanKind.SPAN_KIND_CLIENT);
      ReceivedSpan atRouter = one(spans, "venice-router", SpanKind.SPAN_KIND_SERVER);
      ReceivedSpan atServer = one(spans, "venice-server", SpanKind.SPAN_KIND_SERVER);

      assertEquals("", atClient.parentSpanId(), "the client started the trace");
      assertEquals(atClient.spanId(), atRouter.parentSpanId(), "client -> router");
      assertEquals(atRouter.spanId(), atServer.parentSpanId(), "router -> server");
      assertTrue(atRouter.contains(atServer), () -> "the server span lies within the router's: "
          + atRouter + " / " + atServer);
      assertTrue(atClient.contains(atRouter), "and the router's within the client's");

      for (ReceivedSpan s : spans) {
        assertEquals("venice.read.v1.VeniceRead/Get", s.name(), s.toString());
        assertEquals("grpc", s.attribute("rpc.system"));
        assertEquals("venice.read.v1.VeniceRead", s.attribute("rpc.service"));
        assertEquals("Get", s.attribute("rpc.method"));
        assertEquals(TRACED, s.attribute("venice.store"));
        assertEquals(1L, s.attribute("venice.key_count"));
        assertEquals(0L, s.attribute("rpc.grpc.status_code"));
      }
      assertEquals((long) cluster.routers().get(0).grpcPort(), atRouter.attribute("server.port"));
      assertTrue(serverPorts().contains((Long) atServer.attribute("server.port")), atServer::toString);
      assertEquals(1L, atServer.attribute("venice.version"));
      assertNotNull(atServer.attribute("venice.partition"));
      assertEquals(cluster.routers().get(0).instanceId(), atRouter.instance());
    }
  }

  @Test
  void aFastClientGetIsOneTraceFromCallThroughAttemptToServer() {
    try (StoreClient<String, GenericRecord> client = traced(TRACED).fast()) {
      client.get("k0").join(); // the first call may wait for channels; trace a warm one
      String traceId = traceOf(() -> assertEquals(4, client.get("k4").join().get("age")));
      List<ReceivedSpan> spans = await(traceId, 3);
      ReceivedSpan call = one(spans, "it-client", SpanKind.SPAN_KIND_INTERNAL);
      ReceivedSpan attempt = one(spans, "it-client", SpanKind.SPAN_KIND_CLIENT);
      ReceivedSpan atServer = one(spans, "venice-server", SpanKind.SPAN_KIND_SERVER);

      assertEquals("", call.parentSpanId());
      assertEquals("VeniceClient/Get", call.name());
      assertEquals(call.spanId(), attempt.parentSpanId(), "call -> replica attempt");
      assertEquals(attempt.spanId(), atServer.parentSpanId(), "attempt -> server");
      assertTrue(attempt.contains(atServer), () -> attempt + " / " + atServer);
      assertEquals(attempt.attribute("server.port"), atServer.attribute("server.port"),
          "the attempt names the server that answered");
      assertEquals("127.0.0.1", attempt.attribute("server.address"));
      assertEquals(attempt.attribute("venice.partition"), atServer.attribute("venice.partition"));
      assertEquals(1L, attempt.attribute("venice.version"));
    }
  }

  @Test
  void batchAndStreamingGetsAreTracedOnEveryHop() {
    Set<String> keys = IntStream.range(0, 10).mapToObj(i -> "k" + i).collect(Collectors.toSet());
    try (StoreClient<String, GenericRecord> thin = traced(TRACED).thin()) {
      String traceId = traceOf(() -> assertEquals(10, thin.batchGet(keys).join().size()));
      // the client, the router, and one server call per partition (2)
      List<ReceivedSpan> spans = await(traceId, 4);
      ReceivedSpan atClient = one(spans, "it-client", SpanKind.SPAN_KIND_CLIENT);
      ReceivedSpan atRouter = one(spans, "venice-router", SpanKind.SPAN_KIND_SERVER);
      assertEquals(atClient.spanId(), atRouter.parentSpanId());
      assertEquals(10L, atRouter.attribute("venice.key_count"));
      List<ReceivedSpan> atServers = all(spans, "venice-server", SpanKind.SPAN_KIND_SERVER);
      assertEquals(10L, atServers.stream().mapToLong(s -> (Long) s.attribute("venice.key_count"))
          .sum(), "every key read once, below the router's span");
      atServers.forEach(s -> {
        assertEquals(atRouter.spanId(), s.parentSpanId());
        assertTrue(atRouter.contains(s), s::toString);
      });
    }
    try (StoreClient<String, GenericRecord> fast = traced(TRACED).fast()) {
      Set<String> seen = new HashSet<>();
      String traceId = traceOf(() -> fast.streamingBatchGet(keys,
          (k, v) -> seen.add(k)).join());
      assertEquals(keys, seen);
      // the call, one attempt per partition (2), one server span per attempt
      List<ReceivedSpan> spans = await(traceId, 5);
      ReceivedSpan call = one(spans, "it-client", SpanKind.SPAN_KIND_INTERNAL);
      assertEquals(10L, call.attribute("venice.keys_delivered"));
      List<ReceivedSpan> attempts = all(spans, "it-client", SpanKind.SPAN_KIND_CLIENT);
      List<ReceivedSpan> atServers = all(spans, "venice-server", SpanKind.SPAN_KIND_SERVER);
      assertEquals(2, attempts.size(), spans::toString);
      for (ReceivedSpan attempt : attempts) {
        assertEquals(call.spanId(), attempt.parentSpanId());
        ReceivedSpan served = atServers.stream().filter(s -> s.parentSpanId()
            .equals(attempt.spanId())).findFirst().orElseThrow(() -> new AssertionError(
                "no server span below " + attempt + " in " + spans));
        assertTrue(served.name().endsWith("StreamingBatchGet"), served.name());
      }
    }
  }

  @Test
  void anUntracedClientsCallIsTracedFromTheRouter() {
    try (StoreClient<String, GenericRecord> plain = VeniceClients
        .builder(cluster.routerUrl(), TRACED).thin()) {
      Set<String> before = receiver.spans().stream().map(ReceivedSpan::traceId)
          .collect(Collectors.toSet());
      assertEquals(7, plain.batchGet(Set.of("k1", "k2", "k3", "k4", "k5", "k6", "k7")).join()
          .size());
      Await.until(() -> receiver.spans().stream().anyMatch(s -> isRootOfSeven(s, before)), WAIT,
          () -> "a router span starting a new trace: " + receiver.spans());
      ReceivedSpan atRouter = receiver.spans().stream().filter(s -> isRootOfSeven(s, before))
          .findFirst().orElseThrow();
      List<ReceivedSpan> spans = await(atRouter.traceId(), 3);
      all(spans, "venice-server", SpanKind.SPAN_KIND_SERVER).forEach(s ->
          assertEquals(atRouter.spanId(), s.parentSpanId(), "router -> server"));
    }
  }

  private static boolean isRootOfSeven(ReceivedSpan s, Set<String> before) {
    return s.service().equals("venice-router") && s.parentSpanId().isEmpty()
        && Long.valueOf(7).equals(s.attribute("venice.key_count"))
        && !before.contains(s.traceId());
  }

  @Test
  void aTracedClientReadsThroughARouterAndServersThatDoNotTrace() {
    String plainTrace;
    try (StoreClient<String, GenericRecord> client = traced(PLAIN).thin()) {
      plainTrace = traceOf(() -> assertEquals(5, client.get("k5").join().get("age")));
      ReceivedSpan atClient = await(plainTrace, 1).get(0);
      assertEquals(0L, atClient.attribute("rpc.grpc.status_code"));
    }
    try (StoreClient<String, GenericRecord> client = traced(TRACED).thin()) {
      // a later traced call through the same router and servers: once its spans are in, any
      // span they had made for the earlier call would be too (each exports in order)
      String marker = traceOf(() -> client.get("k6").join());
      await(marker, 3);
    }
    List<ReceivedSpan> plain = receiver.trace(plainTrace);
    assertEquals(1, plain.size(), () -> "only the client traced the plain store: " + plain);
    assertFalse(receiver.spans().stream().anyMatch(s -> PLAIN.equals(s.attribute("venice.store"))
        && !s.service().equals("it-client")), "no router or server span of the plain store");
  }
}
