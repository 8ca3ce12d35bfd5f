package dev.venice.plugins.tracing;

import static dev.venice.plugins.tracing.RpcConventions.GRPC;
import static dev.venice.plugins.tracing.RpcConventions.RPC_METHOD;
import static dev.venice.plugins.tracing.RpcConventions.RPC_SERVICE;
import static dev.venice.plugins.tracing.RpcConventions.RPC_SYSTEM;
import static dev.venice.plugins.tracing.RpcConventions.SERVER_ADDRESS;
import static dev.venice.plugins.tracing.RpcConventions.SERVER_PORT;
import static dev.venice.plugins.tracing.RpcConventions.VENICE_KEY_COUNT;
import static dev.venice.plugins.tracing.RpcConventions.VENICE_PARTITION;
import static dev.venice.plugins.tracing.RpcConventions.VENICE_REQUEST_KIND;
import static dev.venice.plugins.tracing.RpcConventions.VENICE_VERSION;

import dev.venice.spi.server.InboundRequest;
import dev.venice.spi.server.RequestHook;
import dev.venice.spi.server.RequestScope;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import java.util.Map;

/**
 * The request hook of routers and servers: one SERVER span per read call, a child of the caller's
 * {@code traceparent} (a new trace, sampled at the store's ratio, when the call has none, e.g. an
 * untraced client). Named after the gRPC method ({@code venice.read.v1.VeniceRead/Get}), with
 * {@code rpc.*}, this process's {@code server.address}/{@code server.port}, the store, version,
 * partition and key count the request names. On a router the span's own {@code traceparent} goes
 * on the router's calls to servers ({@link RequestScope#outgoingHeaders()}), so server spans are
 * its children. Thread-safe.
 */
final class TracingRequestHook implements RequestHook {
  private final TracingSdk sdk;
  private final boolean router;
  private final String host;
  private final long port;

  /**
   * @param router whether this process forwards calls (its span's headers go on them)
   * @param instanceId the host's instance id, {@code host_port} for servers and routers; its parts
   *     become {@code server.address} and {@code server.port} (left out when it has no such form)
   */
  TracingRequestHook(TracingSdk sdk, boolean router, String instanceId) {
    this.sdk = sdk;
    this.router = router;
    int underscore = instanceId.lastIndexOf('_');
    long parsedPort = -1;
    if (underscore > 0) {
      try {
        parsedPort = Long.parseLong(instanceId.substring(underscore + 1));
      } catch (NumberFormatException e) {
        parsedPort = -1;
      }
    }
    this.port = parsedPort;
    this.host = parsedPort > 0 ? instanceId.substring(0, underscore) : null;
  }

  @Override
  public RequestScope onRequest(InboundRequest request) {
    Context parent = TraceHeaders.extract(Context.root(), request.headers());
    String method = request.method();
    Span span = sdk.start(sdk.spanBuilder(method).setParent(parent).setSpanKind(SpanKind.SERVER),
        parent, request.store());
    if (span.isRecording()) { // an unsampled call pays for no attribute
      int slash = method.lastIndexOf('/');
      span.setAttribute(RPC_SYSTEM, GRPC)
          .setAttribute(RPC_SERVICE, slash > 0 ? method.substring(0, slash) : method)
          .setAttribute(RPC_METHOD, method.substring(slash + 1))
          .setAttribute(VENICE_KEY_COUNT, (long) request.keyCount())
          .setAttribute(VENICE_REQUEST_KIND, request.kind().name());
      if (host != null) {
        span.setAttribute(SERVER_ADDRESS, host).setAttribute(SERVER_PORT, port);
      }
      if (request.version() > 0) {
        span.setAttribute(VENICE_VERSION, (long) request.version());
      }
      if (request.partition() >= 0) {
        span.setAttribute(VENICE_PARTITION, (long) request.partition());
      }
    }
    Map<String, String> outgoing = router ? TraceHeaders.inject(parent.with(span)) : Map.of();
    if (!span.isRecording() && outgoing.isEmpty()) {
      return RequestScope.NONE;
    }
    return new ServerSpanScope(span, outgoing);
  }
}
