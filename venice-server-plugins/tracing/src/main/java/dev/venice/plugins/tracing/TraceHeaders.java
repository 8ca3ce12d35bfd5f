package dev.venice.plugins.tracing;

import dev.venice.spi.client.RequestContext;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.util.HashMap;
import java.util.Map;

/**
 * W3C trace context ({@code traceparent}, {@code tracestate}) in and out of request headers, with
 * the SDK's {@link W3CTraceContextPropagator}. Headers are the lower-case maps of {@link
 * RequestContext#headers()} and {@code InboundRequest#headers()}; the runtime sends a request
 * context's headers as gRPC metadata on every hop. Stateless and thread-safe.
 */
final class TraceHeaders {
  static final String TRACEPARENT = "traceparent";
  static final String TRACESTATE = "tracestate";

  private static final TextMapPropagator W3C = W3CTraceContextPropagator.getInstance();

  private static final TextMapGetter<Map<String, String>> GETTER = new TextMapGetter<>() {
    @Override
    public Iterable<String> keys(Map<String, String> carrier) {
      return carrier.keySet();
    }

    @Override
    public String get(Map<String, String> carrier, String key) {
      return carrier == null ? null : carrier.get(key);
    }
  };

  private static final TextMapSetter<Map<String, String>> SETTER = Map::put;

  private TraceHeaders() {}

  /**
   * {@code base} with the remote parent the headers name, or {@code base} itself when they hold no
   * valid {@code traceparent}. A caller's own header thus wins over its current context.
   */
  static Context extract(Context base, Map<String, String> headers) {
    return headers.containsKey(TRACEPARENT) ? W3C.extract(base, headers, GETTER) : base;
  }

  /** The {@code traceparent} (and {@code tracestate}, when not empty) of {@code context}'s span. */
  static Map<String, String> inject(Context context) {
    Map<String, String> headers = new HashMap<>(4);
    W3C.inject(context, headers, SETTER);
    return headers;
  }

  /** {@code request} with the headers of {@code context}'s span added or replaced. */
  static RequestContext inject(Context context, RequestContext request) {
    RequestContext[] result = {request};
    W3C.inject(context, result, CONTEXT_SETTER);
    return result[0];
  }

  private static final TextMapSetter<RequestContext[]> CONTEXT_SETTER =
      (carrier, key, value) -> carrier[0] = carrier[0].withHeader(key, value);
}
