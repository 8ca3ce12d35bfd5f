package dev.venice.plugins.tracing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.spi.client.RequestKind;
import dev.venice.spi.plugin.ProcessKind;
import dev.venice.spi.server.InboundRequest;
import dev.venice.spi.server.RequestEnd;
import dev.venice.spi.server.RequestHook;
import dev.venice.spi.server.RequestScope;
import dev.venice.testkit.TestingHostServices;
import dev.venice.testkit.TestingPluginContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Router and server spans: parents, attributes, the router's outgoing header, statuses. */
class TracingRequestHookTest {
  private static final String PARENT_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String PARENT_SPAN = "00f067aa0ba902b7";
  private final InMemorySpanExporter exported = InMemorySpanExporter.create();

  private interface Body {
    void run(RequestHook hook, TracingPlugin plugin) throws Exception;
  }

  private void with(ProcessKind kind, String ratio, Body body) throws Exception {
    TracingPlugin plugin = new TracingPlugin(c -> exported);
    try (TestingPluginContext context = TestingPluginContext.builder(plugin).processKind(kind)
        .host(new TestingHostServices().instanceId("10.0.0.7_7001"))
        .config("sampling-ratio", ratio).build()) {
      body.run(context.start().requestHooks().get(0), plugin);
    }
  }

  private static InboundRequest request(String method, int version, int partition,
      Map<String, String> headers) {
    return new InboundRequest("venice.read.v1.VeniceRead/" + method, RequestKind.BATCH_GET,
        "users", version, partition, 7, headers);
  }

  private List<SpanData> spans(TracingPlugin plugin) {
    plugin.sdk().flush();
    return exported.getFinishedSpanItems();
  }

  @Test
  void aRoutersSpanJoinsTheCallerAndIsTheParentOfItsCallsToServers() throws Exception {
    with(ProcessKind.ROUTER, "0.0", (hook, plugin) -> {
      RequestScope scope = hook.onRequest(request("BatchGet", 0, -1, Map.of("traceparent",
          "00-" + PARENT_TRACE + "-" + PARENT_SPAN + "-01", "tracestate", "vendor=x")));
      String outgoing = scope.outgoingHeaders().get("traceparent");
      assertEquals("vendor=x", scope.outgoingHeaders().get("tracestate"), "kept along the trace");
      scope.onEnd(new RequestEnd(0, "OK", ""));

      SpanData span = spans(plugin).get(0);
      assertEquals(SpanKind.SERVER, span.getKind());
      assertEquals(PARENT_TRACE, span.getTraceId());
      assertEquals(PARENT_SPAN, span.getParentSpanId());
      assertEquals("00-" + PARENT_TRACE + "-" + span.getSpanId() + "-01", outgoing);
      assertEquals("venice.read.v1.VeniceRead/BatchGet", span.getName());
      assertEquals("venice.read.v1.VeniceRead",
          span.getAttributes().get(RpcConventions.RPC_SERVICE));
      assertEquals("BatchGet", span.getAttributes().get(RpcConventions.RPC_METHOD));
      assertEquals("grpc", span.getAttributes().get(RpcConventions.RPC_SYSTEM));
      assertEquals("10.0.0.7", span.getAttributes().get(RpcConventions.SERVER_ADDRESS));
      assertEquals(7001L, span.getAttributes().get(RpcConventions.SERVER_PORT));
      assertEquals(7L, span.getAttributes().get(RpcConventions.VENICE_KEY_COUNT));
      assertNull(span.getAttributes().get(RpcConventions.VENICE_VERSION), "client left it 0");
      assertNull(span.getAttributes().get(RpcConventions.VENICE_PARTITION), "several");
      assertEquals(0L, span.getAttributes().get(RpcConventions.RPC_GRPC_STATUS_CODE));
      assertEquals("venice-router", span.getResource().getAttribute(TracingSdk.SERVICE_NAME));
      assertEquals("10.0.0.7_7001",
          span.getResource().getAttribute(TracingSdk.SERVICE_INSTANCE_ID));
    });
  }

  @Test
  void aServerSpanNamesVersionAndPartitionAndAddsNoHeader() throws Exception {
    with(ProcessKind.SERVER, "0.0", (hook, plugin) -> {
      RequestScope scope = hook.onRequest(request("Get", 3, 4, Map.of("traceparent",
          "00-" + PARENT_TRACE + "-" + PARENT_SPAN + "-01")));
      assertTrue(scope.outgoingHeaders().isEmpty());
      scope.onEnd(new RequestEnd(5, "NOT_FOUND", "no store users"));
      SpanData span = spans(plugin).get(0);
      assertEquals(PARENT_SPAN, span.getParentSpanId());
      assertEquals(3L, span.getAttributes().get(RpcConventions.VENICE_VERSION));
      assertEquals(4L, span.getAttributes().get(RpcConventions.VENICE_PARTITION));
      assertEquals(5L, span.getAttributes().get(RpcConventions.RPC_GRPC_STATUS_CODE));
      assertEquals(StatusCode.UNSET, span.getStatus().getStatusCode(),
          "NOT_FOUND is the caller's error, not the server's");
    });
  }

  @Test
  void serverErrorsMarkTheSpan() throws Exception {
    with(ProcessKind.SERVER, "1.0", (hook, plugin) -> {
      hook.onRequest(request("Get", 1, 0, Map.of()))
          .onEnd(new RequestEnd(14, "UNAVAILABLE", "partition 0 is still ingesting"));
      SpanData span = spans(plugin).get(0);
      assertEquals(StatusCode.ERROR, span.getStatus().getStatusCode());
      assertEquals("partition 0 is still ingesting", span.getStatus().getDescription());
      assertEquals("UNAVAILABLE", span.getAttributes().get(RpcConventions.ERROR_TYPE));
    });
  }

  @Test
  void anUntracedCallerGetsATraceStartedHereAtTheStoresRatio() throws Exception {
    with(ProcessKind.SERVER, "1.0", (hook, plugin) -> {
      hook.onRequest(request("Get", 1, 0, Map.of("traceparent", "not-a-traceparent")))
          .onEnd(new RequestEnd(0, "OK", ""));
      assertFalse(spans(plugin).get(0).getParentSpanContext().isValid());
    });
    with(ProcessKind.SERVER, "0.0", (hook, plugin) -> assertSame(RequestScope.NONE,
        hook.onRequest(request("Get", 1, 0, Map.of())), "unsampled on a server: nothing kept"));
  }

  @Test
  void anUnsampledCallersDecisionIsFollowedAndPassedOn() throws Exception {
    with(ProcessKind.ROUTER, "1.0", (hook, plugin) -> {
      RequestScope scope = hook.onRequest(request("Get", 0, -1, Map.of("traceparent",
          "00-" + PARENT_TRACE + "-" + PARENT_SPAN + "-00")));
      assertEquals(0, Integer.parseInt(scope.outgoingHeaders().get("traceparent")
          .substring(53), 16) & 1, "not sampled");
      assertTrue(scope.outgoingHeaders().get("traceparent").contains(PARENT_TRACE));
      scope.onEnd(new RequestEnd(0, "OK", ""));
      assertTrue(spans(plugin).isEmpty());
    });
  }
}
