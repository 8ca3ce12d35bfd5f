package dev.venice.spi.server;

import dev.venice.spi.Experimental;
import java.util.Objects;

/**
 * How a read call ended, as its caller saw it.
 *
 * @param statusCode the gRPC status code's number (0 is OK; OpenTelemetry's {@code
 *     rpc.grpc.status_code})
 * @param status the gRPC status code's name, e.g. {@code OK}, {@code NOT_FOUND}, {@code CANCELLED}
 * @param description the status description, empty when there was none
 * @since 1.3.0
 */
@Experimental(since = "1.3.0")
public record RequestEnd(int statusCode, String status, String description) {
  /** Validates the fields. */
  public RequestEnd {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(description, "description");
  }

  /** Whether the call succeeded (status {@code OK}). */
  public boolean ok() {
    return statusCode == 0;
  }
}
