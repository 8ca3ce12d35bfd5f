package dev.venice.spi.server;

import dev.venice.spi.Experimental;
import java.util.Map;

/**
 * What a {@link RequestHook} keeps for one call while it runs: headers for the calls the process
 * makes on the call's behalf, and the call's end. Called by the host on gRPC threads; {@link
 * #onEnd} is called exactly once, after the last response message or the error, or when the caller
 * cancels.
 *
 * @since 1.3.0
 */
@Experimental(since = "1.3.0")
public interface RequestScope {
  /** A scope that adds nothing and ignores the end. */
  RequestScope NONE = new RequestScope() {};

  /**
   * Headers to add to (or replace on) every call the process makes for this call, for example a
   * router's calls to servers: a tracing plugin returns the {@code traceparent} of its router span
   * so that the server spans become its children. Read once, when the scope is opened.
   *
   * @return lower-case header names to values; empty to add nothing
   */
  default Map<String, String> outgoingHeaders() {
    return Map.of();
  }

  /**
   * A scope that refuses the call: the host fails it with {@code UNAVAILABLE} and {@code reason}
   * before handling it (the caller's client fails over to another replica), then calls {@link
   * #onEnd}. For a draining process past its deadline.
   *
   * @since 1.4.0
   */
  @Experimental(since = "1.4.0")
  static RequestScope refused(String reason) {
    java.util.Objects.requireNonNull(reason, "reason");
    return new RequestScope() {
      @Override
      public java.util.Optional<String> refusal() {
        return java.util.Optional.of(reason);
      }
    };
  }

  /**
   * Why this scope refuses its call, read once when it is opened; empty (the default) to let the
   * call run.
   *
   * @since 1.4.0
   */
  @Experimental(since = "1.4.0")
  default java.util.Optional<String> refusal() {
    return java.util.Optional.empty();
  }

  /**
   * The call ended.
   *
   * @param end how: the gRPC status the caller got (or {@code CANCELLED} when it went away)
   */
  default void onEnd(RequestEnd end) {}
}
