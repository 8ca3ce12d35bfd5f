package dev.venice.spi.client;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What travels with one logical request through every decorator, thread hop and process hop: the
 * store, an optional deadline and headers (for example W3C {@code traceparent}). Immutable; the
 * {@code with...} methods return a copy. Header names are case-insensitive and kept lower-case.
 */
public final class RequestContext {
  private final String store;
  private final Instant deadline;
  private final Map<String, String> headers;

  private RequestContext(String store, Instant deadline, Map<String, String> headers) {
    this.store = store;
    this.deadline = deadline;
    this.headers = headers;
  }

  /** A context for {@code store} with no deadline and no headers. */
  public static RequestContext of(String store) {
    if (Objects.requireNonNull(store, "store").isEmpty()) {
      throw new IllegalArgumentException("store name must not be empty");
    }
    return new RequestContext(store, null, Map.of());
  }

  /** The store the request reads. */
  public String store() {
    return store;
  }

  /** The instant after which the caller no longer wants the answer, if one was set. */
  public Optional<Instant> deadline() {
    return Optional.ofNullable(deadline);
  }

  /** The time left until the deadline at {@code now} (negative when passed), if one was set. */
  public Optional<Duration> remaining(Instant now) {
    return deadline().map(d -> Duration.between(now, d));
  }

  /** The headers, lower-case names to values. */
  public Map<String, String> headers() {
    return headers;
  }

  /** One header's value. */
  public Optional<String> header(String name) {
    return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
  }

  /** A copy with the deadline set; an earlier existing deadline is kept. */
  public RequestContext withDeadline(Instant newDeadline) {
    Objects.requireNonNull(newDeadline, "deadline");
    if (deadline != null && deadline.isBefore(newDeadline)) {
      return this;
    }
    return new RequestContext(store, newDeadline, headers);
  }

  /** A copy with one header added or replaced. */
  public RequestContext withHeader(String name, String value) {
    Objects.requireNonNull(value, "header value");
    if (Objects.requireNonNull(name, "header name").isBlank()) {
      throw new IllegalArgumentException("header name must not be blank");
    }
    Map<String, String> copy = new TreeMap<>(headers);
    copy.put(name.toLowerCase(Locale.ROOT), value);
    return new RequestContext(store, deadline, Collections.unmodifiableMap(copy));
  }

  @Override
  public String toString() {
    return "RequestContext{store=" + store + ", deadline=" + deadline + ", headers=" + headers + "}";
  }
}
