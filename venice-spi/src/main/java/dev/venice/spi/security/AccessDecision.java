package dev.venice.spi.security;

import dev.venice.spi.Experimental;
import java.util.Objects;

/**
 * An {@link Authorizer}'s answer.
 *
 * @param allowed whether the operation may go on
 * @param reason why it was denied (shown to the operator in the log and audit, never to the
 *     caller, who hears only the operation and the resource); empty when allowed
 * @since 1.9.0
 */
@Experimental(since = "1.9.0")
public record AccessDecision(boolean allowed, String reason) {
  /** Allowed. */
  public static final AccessDecision ALLOW = new AccessDecision(true, "");

  /** Checks the reason. */
  public AccessDecision {
    Objects.requireNonNull(reason, "reason");
  }

  /** Denied, because {@code reason}. */
  public static AccessDecision deny(String reason) {
    return new AccessDecision(false, reason);
  }
}
