package dev.venice.runtime.protocol;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Request headers (such as {@code traceparent}) across gRPC hops: servers and routers capture the
 * ASCII metadata of each call into the gRPC context for read hooks; clients and routers turn header
 * maps back into metadata for the next hop.
 */
public final class RequestHeaders {
  /** The current call's headers, lower-case names; empty outside a call. */
  public static final Context.Key<Map<String, String>> KEY =
      Context.keyWithDefault("venice-request-headers", Map.of());

  private RequestHeaders() {}

  /** An interceptor that puts each call's ASCII metadata into {@link #KEY}. */
  public static ServerInterceptor capture() {
    return new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata metadata,
          ServerCallHandler<Q, R> next) {
        Map<String, String> headers = new HashMap<>();
        for (String name : metadata.keys()) {
          if (!name.endsWith(Metadata.BINARY_HEADER_SUFFIX)) {
            String value = metadata.get(Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER));
            if (value != null) {
              headers.put(name.toLowerCase(Locale.ROOT), value);
            }
          }
        }
        return Contexts.interceptCall(Context.current().withValue(KEY, Map.copyOf(headers)), call,
            metadata, next);
      }
    };
  }

  /** The headers as gRPC metadata. */
  public static Metadata toMetadata(Map<String, String> headers) {
    Metadata metadata = new Metadata();
    headers.forEach((name, value) ->
        metadata.put(Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER), value));
    return metadata;
  }
}
