package dev.venice.plugins.tracing;

import dev.venice.spi.client.QuotaExceededException;
import dev.venice.spi.client.RequestKind;
import dev.venice.spi.client.RequestTimeoutException;
import dev.venice.spi.client.ServiceUnavailableException;
import dev.venice.spi.client.UnknownStoreException;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;

/**
 * The attribute names and status rules of OpenTelemetry's RPC semantic conventions (the
 * long-standing {@code rpc.*} set: {@code rpc.system}, {@code rpc.service}, {@code rpc.method},
 * {@code rpc.grpc.status_code}, {@code server.address}, {@code server.port}) and the plugin's own
 * {@code venice.*} attributes. Declared here rather than taken from the incubating semconv
 * artifact, whose names still move between releases.
 */
final class RpcConventions {
  static final AttributeKey<String> RPC_SYSTEM = AttributeKey.stringKey("rpc.system");
  static final AttributeKey<String> RPC_SERVICE = AttributeKey.stringKey("rpc.service");
  static final AttributeKey<String> RPC_METHOD = AttributeKey.stringKey("rpc.method");
  static final AttributeKey<Long> RPC_GRPC_STATUS_CODE =
      AttributeKey.longKey("rpc.grpc.status_code");
  static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
  static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");
  static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

  static final AttributeKey<String> VENICE_STORE = AttributeKey.stringKey("venice.store");
  static final AttributeKey<Long> VENICE_VERSION = AttributeKey.longKey("venice.version");
  static final AttributeKey<Long> VENICE_PARTITION = AttributeKey.longKey("venice.partition");
  static final AttributeKey<Long> VENICE_KEY_COUNT = AttributeKey.longKey("venice.key_count");
  static final AttributeKey<String> VENICE_REQUEST_KIND =
      AttributeKey.stringKey("venice.request_kind");
  static final AttributeKey<Long> VENICE_KEYS_DELIVERED =
      AttributeKey.longKey("venice.keys_delivered");
  static final AttributeKey<Boolean> VENICE_CANCELLED = AttributeKey.booleanKey("venice.cancelled");

  /** The read service every Venice read goes to (servers and routers serve the same one). */
  static final String READ_SERVICE = "venice.read.v1.VeniceRead";
  static final String GRPC = "grpc";

  /** gRPC status codes used below (io.grpc.Status.Code numbers; the plugin has no gRPC). */
  static final int OK = 0;
  static final int CANCELLED = 1;
  static final int UNKNOWN = 2;
  static final int DEADLINE_EXCEEDED = 4;
  static final int NOT_FOUND = 5;
  static final int RESOURCE_EXHAUSTED = 8;
  static final int UNIMPLEMENTED = 12;
  static final int INTERNAL = 13;
  static final int UNAVAILABLE = 14;
  static final int DATA_LOSS = 15;

  private RpcConventions() {}

  /**
   * The read method a client call of {@code kind} names: {@code Get}, {@code BatchGet} or {@code
   * StreamingBatchGet} (the logical method; a transport may carry a streaming batch get over
   * another method, which the receiver's span names exactly).
   */
  static String method(RequestKind kind) {
    return switch (kind) {
      case SINGLE_GET -> "Get";
      case BATCH_GET -> "BatchGet";
      case STREAMING_BATCH_GET -> "StreamingBatchGet";
    };
  }

  /**
   * The gRPC status code a client-side failure stands for: the SPI's exceptions are the runtime's
   * mapping of gRPC statuses (UNAVAILABLE, DEADLINE_EXCEEDED, NOT_FOUND, RESOURCE_EXHAUSTED), a
   * cancellation is CANCELLED, anything else UNKNOWN.
   */
  static int statusCode(Throwable failure) {
    Throwable t = unwrap(failure);
    if (t instanceof CancellationException) {
      return CANCELLED;
    }
    if (t instanceof ServiceUnavailableException) {
      return UNAVAILABLE;
    }
    if (t instanceof RequestTimeoutException) {
      return DEADLINE_EXCEEDED;
    }
    if (t instanceof UnknownStoreException) {
      return NOT_FOUND;
    }
    if (t instanceof QuotaExceededException) {
      return RESOURCE_EXHAUSTED;
    }
    return UNKNOWN;
  }

  /**
   * Ends a client-side span: OK, or the failure's status code, ERROR status and {@code
   * error.type}. A cancelled call (a losing hedge, a caller that gave up) is not an error: it keeps
   * an unset status and {@code venice.cancelled=true}.
   */
  static void endClient(Span span, Throwable failure) {
    if (failure == null) {
      span.setAttribute(RPC_GRPC_STATUS_CODE, (long) OK);
    } else {
      Throwable t = unwrap(failure);
      int code = statusCode(t);
      span.setAttribute(RPC_GRPC_STATUS_CODE, (long) code);
      if (code == CANCELLED) {
        span.setAttribute(VENICE_CANCELLED, true);
      } else {
        span.setAttribute(ERROR_TYPE, t.getClass().getName());
        span.setStatus(StatusCode.ERROR, String.valueOf(t.getMessage()));
      }
    }
    span.end();
  }

  /**
   * Whether a server span with this gRPC status is an error, by the conventions: UNKNOWN,
   * DEADLINE_EXCEEDED, UNIMPLEMENTED, INTERNAL, UNAVAILABLE and DATA_LOSS are the server's
   * failures; the others (NOT_FOUND, INVALID_ARGUMENT, CANCELLED, ...) are the caller's.
   */
  static boolean isServerError(int code) {
    return code == UNKNOWN || code == DEADLINE_EXCEEDED || code == UNIMPLEMENTED
        || code == INTERNAL || code == UNAVAILABLE || code == DATA_LOSS;
  }

  private static Throwable unwrap(Throwable failure) {
    Throwable t = failure;
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
