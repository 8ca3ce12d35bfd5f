package dev.venice.plugins.tracing;

import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextKey;
import io.opentelemetry.context.Scope;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * For callers that do not use OpenTelemetry themselves but want to know the trace of a call (the
 * CLI's {@code venice get --trace} prints it): {@code capture(sink, () -> client.get(key))} runs
 * the call with {@code sink} in the current OpenTelemetry context, and the tracing plugin's client
 * span hands it the trace id (32 hex digits) of each store-level call it starts inside. Works
 * when the plugin is on the caller's class path (clients load it from there) and switched on for
 * the store; otherwise {@code sink} is never called. Callers that use OpenTelemetry already know
 * their trace: the plugin's spans join the caller's current context.
 */
public final class TraceIds {
  /** Where the client span looks for a sink; an identity key private to this class. */
  static final ContextKey<Consumer<String>> SINK = ContextKey.named("venice-tracing-trace-ids");

  private TraceIds() {}

  /**
   * Runs {@code call} on this thread with {@code sink} receiving the trace id of every
   * store-level call the tracing plugin starts during it (sampled or not).
   *
   * @return what {@code call} returned
   */
  public static <T> T capture(Consumer<String> sink, Supplier<T> call) {
    Objects.requireNonNull(sink, "sink");
    try (Scope ignored = Context.current().with(SINK, sink).makeCurrent()) {
      return call.get();
    }
  }
}
