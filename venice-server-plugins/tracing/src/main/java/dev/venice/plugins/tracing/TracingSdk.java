package dev.venice.plugins.tracing;

import dev.venice.spi.plugin.StoreSettings;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SdkTracerProviderBuilder;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * One plugin instance's OpenTelemetry SDK: a tracer provider with the parent-based per-store
 * ratio sampler, a batch span processor and the OTLP exporter (none for protocol {@code none}),
 * and the W3C propagator ({@link TraceHeaders}). Built with {@link OpenTelemetrySdk#builder()} and
 * never registered globally: the router, the servers and the clients of a local cluster run in one
 * JVM, each with its own plugin instance, service name and exporter. Every SDK meter provider the
 * SDK could reach for is set explicitly, so {@code GlobalOpenTelemetry} is never touched (touching
 * it would fix an application's global to a no-op).
 *
 * <p>Thread-safe. {@link #close()} flushes what is queued, waiting at most the export timeout.
 */
final class TracingSdk implements AutoCloseable {
  static final AttributeKey<String> SERVICE_NAME = AttributeKey.stringKey("service.name");
  static final AttributeKey<String> SERVICE_INSTANCE_ID =
      AttributeKey.stringKey("service.instance.id");
  static final AttributeKey<String> VENICE_PROCESS_KIND =
      AttributeKey.stringKey("venice.process.kind");
  private static final String SCOPE = "dev.venice.plugins.tracing";

  private final TracingConfig process;
  private final TracingMetrics metrics;
  private final SdkMeterProvider sdkMeters;
  private final OpenTelemetrySdk sdk;
  private final Tracer tracer;

  /**
   * @param settings the host-kept settings (the sampler reads each store's ratio from them)
   * @param processKind the host's process kind ({@code client}, {@code router}, {@code server})
   * @param instanceId the host's instance id, the spans' {@code service.instance.id}
   * @param exporters builds the exporter for the process-wide settings, or returns {@code null}
   *     for no export ({@link #otlpExporter} in production; an in-memory one in tests)
   */
  TracingSdk(StoreSettings<TracingConfig> settings, String processKind, String instanceId,
      TracingMetrics metrics, Function<TracingConfig, SpanExporter> exporters) {
    this.process = settings.processWide();
    this.metrics = metrics;
    Resource resource = Resource.getDefault().merge(Resource.create(Attributes.of(
        SERVICE_NAME, process.serviceName(processKind), SERVICE_INSTANCE_ID, instanceId,
        VENICE_PROCESS_KIND, processKind)));
    SdkMetricsReader reader = new SdkMetricsReader();
    this.sdkMeters = SdkMeterProvider.builder().registerMetricReader(reader).build();
    SdkTracerProviderBuilder provider = SdkTracerProvider.builder().setResource(resource)
        .setSampler(Sampler.parentBased(new StoreRatioSampler(settings)))
        .setMeterProvider(MeterProvider::noop);
    SpanExporter exporter = exporters.apply(process);
    if (exporter != null) {
      provider.addSpanProcessor(BatchSpanProcessor.builder(
              new CountingSpanExporter(exporter, metrics.exported, metrics.exportFailed))
          .setScheduleDelay(process.scheduleDelay()).setExporterTimeout(process.exportTimeout())
          .setMaxQueueSize(process.maxQueueSize())
          .setMaxExportBatchSize(process.maxExportBatchSize())
          .setMeterProvider(() -> sdkMeters).build());
    }
    this.sdk = OpenTelemetrySdk.builder().setTracerProvider(provider.build()).build();
    this.tracer = sdk.getTracer(SCOPE);
    metrics.exportQueue(
        () -> reader.sum("processedSpans", a -> Boolean.TRUE.equals(a.get(DROPPED))),
        () -> reader.sum("queueSize", a -> true));
  }

  private static final AttributeKey<Boolean> DROPPED = AttributeKey.booleanKey("dropped");

  /**
   * The OTLP exporter the settings name, or {@code null} for protocol {@code none}. Its sender
   * (OkHttp) is found with the plugin's own class loader, whatever the calling thread's is.
   */
  static SpanExporter otlpExporter(TracingConfig config) {
    ClassLoader loader = TracingSdk.class.getClassLoader();
    return switch (config.protocol()) {
      case GRPC -> OtlpGrpcSpanExporter.builder().setEndpoint(config.endpoint())
          .setTimeout(config.exportTimeout()).setServiceClassLoader(loader)
          .setMeterProvider(MeterProvider::noop).build();
      case HTTP_PROTOBUF -> OtlpHttpSpanExporter.builder().setEndpoint(config.endpoint())
          .setTimeout(config.exportTimeout()).setServiceClassLoader(loader)
          .setMeterProvider(MeterProvider::noop).build();
      case NONE -> null;
    };
  }

  /** A span builder of this SDK's tracer. */
  SpanBuilder spanBuilder(String name) {
    return tracer.spanBuilder(name);
  }

  /**
   * Starts the span (its parent set on {@code builder}) with {@code venice.store}, and counts it by
   * its sampling decision. The store goes on the builder only for a root span, whose sampler reads
   * it ({@link StoreRatioSampler}); a child follows its parent's decision, so it gets the store
   * after the start, and only when sampled: an unsampled child allocates no attribute map.
   */
  Span start(SpanBuilder builder, Context parent, String store) {
    boolean root = !Span.fromContext(parent).getSpanContext().isValid();
    if (root) {
      builder.setAttribute(RpcConventions.VENICE_STORE, store);
    }
    Span span = builder.startSpan();
    if (!root && span.isRecording()) {
      span.setAttribute(RpcConventions.VENICE_STORE, store);
    }
    (span.getSpanContext().isSampled() ? metrics.startedSampled : metrics.startedUnsampled)
        .increment();
    return span;
  }

  /** Exports what is queued now, waiting at most the export timeout (tests, and the CLI). */
  void flush() {
    sdk.getSdkTracerProvider().forceFlush().join(process.exportTimeout().toMillis(),
        TimeUnit.MILLISECONDS);
  }

  /** Flushes and shuts the SDK down, waiting at most the export timeout plus a second. */
  @Override
  public void close() {
    sdk.shutdown().join(process.exportTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
    sdkMeters.shutdown().join(1, TimeUnit.SECONDS);
  }
}
