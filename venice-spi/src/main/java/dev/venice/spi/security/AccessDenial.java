package dev.venice.spi.security;

import dev.venice.spi.Experimental;
import java.time.Instant;
import java.util.Objects;

/**
 * One denied operation, as {@link AccessDenialListener}s hear of it.
 *
 * @param request what was asked, by whom (the authenticated principal)
 * @param reason the denying authorizer's reason, prefixed with its plugin id
 * @param address the caller's address ({@code host:port}), as the transport saw it
 * @param time when it was denied
 * @since 1.9.0
 */
@Experimental(since = "1.9.0")
public record AccessDenial(AccessRequest request, String reason, String address, Instant time) {
  /** Checks the fields. */
  public AccessDenial {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(time, "time");
  }
}
