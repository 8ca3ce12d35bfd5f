package dev.venice.spi.security;

import dev.venice.spi.Experimental;
import java.util.Objects;

/**
 * One question to the {@link Authorizer}s.
 *
 * @param principal who asks (never {@code null}; {@link Principal#ANONYMOUS} when nothing vouches)
 * @param operation what it asks, as the host names it: an admin route ({@code "DELETE
 *     /stores/{store}"}) or a read method ({@code "get"}, {@code "batch-get"}, {@code
 *     "streaming-batch-get"}, {@code "compute"})
 * @param level the access the operation needs
 * @param resource what it acts on
 * @since 1.9.0
 */
@Experimental(since = "1.9.0")
public record AccessRequest(Principal principal, String operation, AccessLevel level,
    Resource resource) {
  /** Checks the fields. */
  public AccessRequest {
    Objects.requireNonNull(principal, "principal");
    Objects.requireNonNull(operation, "operation");
    Objects.requireNonNull(level, "level");
    Objects.requireNonNull(resource, "resource");
  }
}
