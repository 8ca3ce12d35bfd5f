package dev.venice.plugins.gracefuldrain;

import dev.venice.spi.config.ConfigKey;
import dev.venice.spi.host.ServingLifecycle;
import dev.venice.spi.http.PluginHttpEndpoint;
import dev.venice.spi.http.PluginHttpRequest;
import dev.venice.spi.http.PluginHttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The plugin's admin endpoints, under {@code /plugins/graceful-drain/}:
 *
 * <ul>
 *   <li>{@code GET /plugins/graceful-drain/}: the drain's status, JSON {@code {instanceId, state,
 *       servingState, inFlight, timeoutSeconds, quietPeriodSeconds, drainStartedAt,
 *       lastRequestAt, drainSeconds, lastRequestAfterStartSeconds, refusedAfterDeadline}}
 *       (instants ISO-8601 UTC or null, durations in seconds with a fraction);
 *   <li>{@code POST /plugins/graceful-drain/drain[?timeout=<duration or seconds>]}: begins the
 *       drain with that deadline (default {@code drain.timeout.seconds}) and asks the host to stop
 *       the process ({@link ServingLifecycle#requestStop()}), which drains through {@code onDrain};
 *       202 with {@code {state, inFlight, timeoutSeconds}} and the rest of the status. A POST while
 *       a drain runs changes nothing and answers the same way (the deadline in force). A bad
 *       {@code timeout}, or another parameter, is a 400 naming it; a host without a serving
 *       lifecycle, a 503.
 * </ul>
 *
 * Thread-safe: each request reads a snapshot of the coordinator.
 */
final class DrainEndpoint implements PluginHttpEndpoint {
  private static final ConfigKey<Duration> TIMEOUT = ConfigKey.duration("timeout",
      Duration.ofSeconds(30), Duration.ofMillis(1), GracefulDrainConfig.MAX_DRAIN_TIMEOUT,
      "this drain's deadline");

  private final DrainCoordinator coordinator;
  private final Optional<ServingLifecycle> lifecycle;
  private final String instanceId;
  private final Duration quietPeriod;

  /**
   * @param lifecycle the host's serving state machine; empty on a host that has none (POST is then
   *     a 503)
   * @param instanceId this process's instance id, reported so a caller can check whom it reached
   * @param quietPeriod the configured quiet period (a requested timeout must be longer)
   */
  DrainEndpoint(DrainCoordinator coordinator, Optional<ServingLifecycle> lifecycle,
      String instanceId, Duration quietPeriod) {
    this.coordinator = coordinator;
    this.lifecycle = lifecycle;
    this.instanceId = instanceId;
    this.quietPeriod = quietPeriod;
  }

  @Override
  public String path() {
    return "";
  }

  @Override
  public PluginHttpResponse handle(PluginHttpRequest request) {
    String path = request.path().replaceAll("/+$", "");
    if (path.isEmpty()) {
      return request.method().equals("GET") || request.method().equals("HEAD")
          ? PluginHttpResponse.json(200, statusJson())
          : error(405, "METHOD_NOT_ALLOWED", request.method() + " /plugins/graceful-drain/ is"
              + " not allowed: GET it for the drain's status", null);
    }
    if (path.equals("drain")) {
      return request.method().equals("POST") ? drain(request)
          : error(405, "METHOD_NOT_ALLOWED", request.method() + " /plugins/graceful-drain/drain"
              + " is not allowed: POST it to begin a drain", null);
    }
    return error(404, "NOT_FOUND", "no /plugins/graceful-drain/" + path + ": GET"
        + " /plugins/graceful-drain/ for the status, POST /plugins/graceful-drain/drain to drain",
        null);
  }

  private PluginHttpResponse drain(PluginHttpRequest request) {
    for (String name : request.query().keySet()) {
      if (!name.equals("timeout")) {
        return error(400, "BAD_PARAMETER", "unknown parameter " + name + ": POST"
            + " /plugins/graceful-drain/drain takes only timeout", name);
      }
    }
    Duration timeout = null;
    Optional<String> raw = request.queryParameter("timeout");
    if (raw.isPresent()) {
      timeout = parseTimeout(raw.get());
      if (timeout == null) {
        return error(400, "BAD_PARAMETER", "timeout=" + raw.get() + " is not allowed: expected a"
            + " duration (30s, 500ms, 2m, PT30S) or whole seconds (30), longer than the quiet"
            + " period of " + quietPeriod.toMillis() + " ms and at most 1h", "timeout");
      }
    }
    if (lifecycle.isEmpty()) {
      return error(503, "UNAVAILABLE", "this process offers no serving lifecycle, so it cannot"
          + " be stopped from here: stop it with SIGTERM", null);
    }
    coordinator.begin(timeout); // false when a drain already runs: it keeps its deadline
    lifecycle.get().requestStop(); // does nothing when the host is already stopping
    return PluginHttpResponse.json(202, statusJson());
  }

  /** The timeout, or null when it is malformed or out of range. */
  private Duration parseTimeout(String raw) {
    String value = raw.trim();
    try { // whole seconds, or a duration as configuration takes it (SPI ConfigKey.duration)
      Duration parsed = TIMEOUT.parse(value.matches("\\d{1,9}") ? value + "s" : value);
      return parsed.compareTo(quietPeriod) > 0 ? parsed : null;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private String statusJson() {
    DrainCoordinator.Status s = coordinator.status();
    return "{\"instanceId\":" + quote(instanceId)
        + ",\"state\":" + quote(s.phase().name())
        + ",\"servingState\":" + (lifecycle.isEmpty() ? "null"
            : quote(lifecycle.get().state().name()))
        + ",\"inFlight\":" + s.inFlight()
        + ",\"timeoutSeconds\":" + DrainCoordinator.seconds(s.timeout())
        + ",\"quietPeriodSeconds\":" + DrainCoordinator.seconds(s.quietPeriod())
        + ",\"drainStartedAt\":" + instant(s.drainStartedAt())
        + ",\"lastRequestAt\":" + instant(s.lastRequestAt())
        + ",\"drainSeconds\":" + DrainCoordinator.seconds(s.drainDuration())
        + ",\"lastRequestAfterStartSeconds\":"
        + DrainCoordinator.seconds(s.lastRequestAfterStart())
        + ",\"refusedAfterDeadline\":" + s.refusedAfterDeadline() + "}";
  }

  private static PluginHttpResponse error(int status, String type, String message,
      String parameter) {
    return PluginHttpResponse.json(status, "{\"error\":" + quote(message) + ",\"errorType\":"
        + quote(type) + (parameter == null ? "" : ",\"parameter\":" + quote(parameter)) + "}");
  }

  private static String instant(Instant at) {
    return at == null ? "null" : quote(at.toString());
  }

  /** A JSON string: quotes, backslashes and control characters escaped. */
  static String quote(String text) {
    StringBuilder out = new StringBuilder(text.length() + 2).append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c < 0x20) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.append('"').toString();
  }
}
