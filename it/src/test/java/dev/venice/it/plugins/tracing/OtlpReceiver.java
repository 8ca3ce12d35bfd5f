package dev.venice.it.plugins.tracing;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * A real OTLP/gRPC trace receiver on loopback, built from the published OpenTelemetry protocol
 * classes ({@code io.opentelemetry.proto:opentelemetry-proto}): it serves {@code
 * opentelemetry.proto.collector.trace.v1.TraceService/Export} as a collector does, keeps every
 * {@link ExportTraceServiceRequest} it receives, and answers success. What the tracing plugins
 * export is checked here on the wire format any backend reads, not through the SDK's in-memory
 * exporter.
 */
final class OtlpReceiver implements AutoCloseable {
  /** One received span, flattened with its resource's service name and instance. */
  record ReceivedSpan(String service, String instance, String traceId, String spanId,
      String parentSpanId, String name, Span.SpanKind kind, long startNanos, long endNanos,
      Map<String, Object> attributes) {
    /** Whether {@code other} lies within this span's time range. */
    boolean contains(ReceivedSpan other) {
      return startNanos <= other.startNanos && other.endNanos <= endNanos;
    }

    Object attribute(String key) {
      return attributes.get(key);
    }
  }

  private final Queue<ExportTraceServiceRequest> received = new ConcurrentLinkedQueue<>();
  private final Server server;

  OtlpReceiver() throws IOException {
    this.server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(new TraceServiceGrpc.TraceServiceImplBase() {
          @Override
          public void export(ExportTraceServiceRequest request,
              StreamObserver<ExportTraceServiceResponse> response) {
            received.add(request);
            response.onNext(ExportTraceServiceResponse.getDefaultInstance());
            response.onCompleted();
          }
        }).build().start();
  }

  /** The endpoint for {@code plugins.tracing.endpoint}. */
  String endpoint() {
    return "http://127.0.0.1:" + server.getPort();
  }

  /** How many export requests arrived. */
  int exports() {
    return received.size();
  }

  /** Every span received so far, in arrival order. */
  List<ReceivedSpan> spans() {
    return received.stream().flatMap(r -> r.getResourceSpansList().stream())
        .flatMap(OtlpReceiver::flatten).toList();
  }

  /** The spans of one trace received so far. */
  List<ReceivedSpan> trace(String traceId) {
    return spans().stream().filter(s -> s.traceId().equals(traceId)).toList();
  }

  private static java.util.stream.Stream<ReceivedSpan> flatten(ResourceSpans resource) {
    Map<String, Object> resourceAttributes = attributes(resource.getResource()
        .getAttributesList());
    String service = String.valueOf(resourceAttributes.get("service.name"));
    String instance = String.valueOf(resourceAttributes.get("service.instance.id"));
    return resource.getScopeSpansList().stream().map(ScopeSpans::getSpansList)
        .flatMap(List::stream).map(s -> new ReceivedSpan(service, instance,
            hex(s.getTraceId().toByteArray()), hex(s.getSpanId().toByteArray()),
            hex(s.getParentSpanId().toByteArray()), s.getName(), s.getKind(),
            s.getStartTimeUnixNano(), s.getEndTimeUnixNano(), attributes(s.getAttributesList())));
  }

  private static Map<String, Object> attributes(List<KeyValue> list) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (KeyValue kv : list) {
      AnyValue v = kv.getValue();
      map.put(kv.getKey(), switch (v.getValueCase()) {
        case STRING_VALUE -> v.getStringValue();
        case INT_VALUE -> v.getIntValue();
        case BOOL_VALUE -> v.getBoolValue();
        case DOUBLE_VALUE -> v.getDoubleValue();
        default -> v.toString();
      });
    }
    return map;
  }

  private static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }

  @Override
  public void close() throws InterruptedException {
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }
}
