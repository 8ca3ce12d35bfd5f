package dev.venice.spi.server;

import dev.venice.spi.Experimental;
import dev.venice.spi.client.RequestKind;
import java.util.Map;
import java.util.Objects;

/**
 * One read call a server or router received (once per call, however many keys it carries), as a
 * {@link RequestHook} sees it when the call's request message has arrived.
 *
 * @param method the full gRPC method name, e.g. {@code venice.read.v1.VeniceRead/Get} (the
 *     {@code rpc.service} and {@code rpc.method} of OpenTelemetry's RPC conventions)
 * @param kind the kind of read
 * @param store the store named by the request
 * @param version the store version requested; 0 when the caller left it to the receiver (a
 *     client calling a router)
 * @param partition the partition of the keys, or -1 when the call does not name one or carries
 *     keys of several partitions (a router's batch get)
 * @param keyCount the keys in the request, at least 1 for a valid request
 * @param headers the call's headers (ASCII gRPC metadata), lower-case names, for example W3C
 *     {@code traceparent} and {@code tracestate}
 * @since 1.3.0
 */
@Experimental(since = "1.3.0")
public record InboundRequest(String method, RequestKind kind, String store, int version,
    int partition, int keyCount, Map<String, String> headers) {
  /** Validates and copies. */
  public InboundRequest {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(store, "store");
    headers = Map.copyOf(headers);
  }
}
