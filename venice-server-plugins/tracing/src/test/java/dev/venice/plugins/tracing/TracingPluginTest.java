package dev.venice.plugins.tracing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.spi.client.DecoratorOrder;
import dev.venice.spi.client.Replica;
import dev.venice.spi.client.ReplicaRequest;
import dev.venice.spi.client.ReplicaResponse;
import dev.venice.spi.client.RequestContext;
import dev.venice.spi.client.RequestKind;
import dev.venice.spi.client.StoreClient;
import dev.venice.spi.plugin.ProcessKind;
import dev.venice.spi.server.InboundRequest;
import dev.venice.spi.server.RequestEnd;
import dev.venice.testkit.Await;
import dev.venice.testkit.PluginContractTest;
import dev.venice.testkit.RecordingStoreClient;
import dev.venice.testkit.TestingExtensions;
import dev.venice.testkit.TestingPluginContext;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The plugin contract, and the wiring: a client gets the two decorators, a router or server the
 * request hook, each instance its own SDK, and a real OTLP exporter leaves no thread behind.
 */
class TracingPluginTest extends PluginContractTest<TracingPlugin> {
  private final InMemorySpanExporter spans = InMemorySpanExporter.create();

  @Override
  protected TracingPlugin newPlugin() {
    return new TracingPlugin(config -> new KeptSpans(spans));
  }

  /** The in-memory exporter, kept readable after the plugin's stop (which shuts exporters down). */
  private record KeptSpans(InMemorySpanExporter delegate) implements SpanExporter {
    @Override
    public CompletableResultCode export(Collection<SpanData> batch) {
      return delegate.export(batch);
    }

    @Override
    public CompletableResultCode flush() {
      return delegate.flush();
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }
  }

  @Override
  protected Set<ProcessKind> expectedProcessKinds() {
    return Set.of(ProcessKind.CLIENT, ProcessKind.ROUTER, ProcessKind.SERVER);
  }

  /** Every client role once (all meters are made at start). */
  @Override
  protected void exercise(TracingPlugin plugin, TestingPluginContext context,
      TestingExtensions extensions) {
    StoreClient<String, String> client = extensions.storeDecorators().get(0)
        .decorate(RecordingStoreClient.answeringAtOnce("users", Map.of("a", "1")));
    client.get("a").join();
    client.batchGet(Set.of("a", "b")).join();
    client.streamingBatchGet(Set.of("a"), (k, v) -> {}).join();
    extensions.replicaDecorators().get(0)
        .decorate(r -> CompletableFuture.completedFuture(
            new ReplicaResponse(r.candidates().get(0), List.of())), "users")
        .dispatch(new ReplicaRequest("users", 1, 0, RequestKind.SINGLE_GET,
            List.of(new byte[] {1}), RequestContext.of("users"),
            List.of(new Replica("a_1", "a", 1)))).join();
  }

  @Test
  void aClientGetsTheOutermostStoreDecoratorAndAPerAttemptReplicaDecorator() throws Exception {
    try (TestingPluginContext context = TestingPluginContext.builder(newPlugin())
        .processKind(ProcessKind.CLIENT).build()) {
      TestingExtensions added = context.start();
      assertEquals(1, added.storeDecorators().size());
      assertEquals(DecoratorOrder.TRACING, added.storeDecorators().get(0).order());
      assertEquals(1, added.replicaDecorators().size());
      assertEquals(DecoratorOrder.REPLICA_ATTEMPT, added.replicaDecorators().get(0).order());
      assertTrue(added.requestHooks().isEmpty());
    }
  }

  @Test
  void routersAndServersGetTheRequestHookOnly() throws Exception {
    for (ProcessKind kind : List.of(ProcessKind.ROUTER, ProcessKind.SERVER)) {
      try (TestingPluginContext context = TestingPluginContext.builder(newPlugin())
          .processKind(kind).build()) {
        TestingExtensions added = context.start();
        assertEquals(1, added.requestHooks().size(), kind.id());
        assertTrue(added.storeDecorators().isEmpty() && added.replicaDecorators().isEmpty());
      }
    }
  }

  @Test
  void stopFlushesWhatIsQueued() throws Exception {
    TracingPlugin plugin = newPlugin();
    try (TestingPluginContext context = TestingPluginContext.builder(plugin)
        .processKind(ProcessKind.SERVER).config("sampling-ratio", "1.0")
        .config("schedule-delay", "1m").build()) {
      context.start().requestHooks().get(0).onRequest(new InboundRequest(
          "venice.read.v1.VeniceRead/Get", RequestKind.SINGLE_GET, "users", 1, 0, 1, Map.of()))
          .onEnd(new RequestEnd(0, "OK", ""));
      assertTrue(spans.getFinishedSpanItems().isEmpty(), "queued for a minute");
      context.stopPlugin();
      assertEquals(1, spans.getFinishedSpanItems().size(), "exported by stop");
      assertEquals("venice-server", spans.getFinishedSpanItems().get(0).getResource()
          .getAttribute(TracingSdk.SERVICE_NAME));
    }
  }

  /**
   * The real OTLP/gRPC exporter to a port nobody listens on: spans fail to export (counted), and
   * after stop no non-daemon thread and no batch processor worker is left. (OkHttp's process-wide
   * daemon threads, its task runner and Okio's watchdog, idle out by themselves.)
   */
  @Test
  void aRealExporterFailsCountedAndLeavesNoThreadBehind() throws Exception {
    Set<Thread> before = Thread.getAllStackTraces().keySet();
    TracingPlugin plugin = new TracingPlugin();
    try (TestingPluginContext context = TestingPluginContext.builder(plugin)
        .processKind(ProcessKind.SERVER).config("sampling-ratio", "1.0")
        .config("endpoint", "http://127.0.0.1:9").config("export-timeout", "2s")
        .config("schedule-delay", "10ms").build()) {
      context.start().requestHooks().get(0).onRequest(new InboundRequest(
          "venice.read.v1.VeniceRead/Get", RequestKind.SINGLE_GET, "users", 1, 0, 1, Map.of()))
          .onEnd(new RequestEnd(0, "OK", ""));
      Await.until(() -> context.meterRegistry().counter(context.metricPrefix()
          + "spans.export.failed").count() == 1, Duration.ofSeconds(10),
          () -> "the failed export counted");
      context.stopPlugin();
    }
    Await.until(() -> Thread.getAllStackTraces().keySet().stream()
        .noneMatch(t -> t.isAlive() && !before.contains(t)
            && (!t.isDaemon() || t.getName().contains("BatchSpanProcessor"))),
        Duration.ofSeconds(10), () -> "exporter threads still running: "
            + Thread.getAllStackTraces().keySet().stream().filter(t -> !before.contains(t))
                .map(Thread::getName).toList());
  }
}
