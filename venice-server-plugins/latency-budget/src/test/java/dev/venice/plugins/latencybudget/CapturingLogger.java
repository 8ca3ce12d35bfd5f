package dev.venice.plugins.latencybudget;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.slf4j.Marker;
import org.slf4j.event.KeyValuePair;
import org.slf4j.event.Level;
import org.slf4j.event.LoggingEvent;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.spi.LoggingEventAware;

/**
 * An SLF4J logger that keeps what it is given, key-values included (a fluent {@code atWarn()...}
 * call reaches {@link #log(LoggingEvent)}), for tests to assert on what a plugin really logged.
 * Every level is enabled. Thread-safe.
 */
final class CapturingLogger extends LegacyAbstractLogger implements LoggingEventAware {
  /** One logged event: its level, formatted message and key-values in order. */
  record Event(Level level, String message, Map<String, Object> keyValues) {}

  private final List<Event> events = new CopyOnWriteArrayList<>();

  CapturingLogger() {
    this.name = "venice.plugin.latency-budget";
  }

  /** What was logged so far, oldest first. */
  List<Event> events() {
    return List.copyOf(events);
  }

  @Override
  public void log(LoggingEvent event) {
    List<KeyValuePair> pairs = event.getKeyValuePairs() == null ? List.of()
        : event.getKeyValuePairs();
    Object[] args = event.getArgumentArray();
    events.add(new Event(event.getLevel(),
        MessageFormatter.basicArrayFormat(event.getMessage(), args),
        pairs.stream().collect(Collectors.toMap(p -> p.key, p -> p.value, (a, b) -> b,
            LinkedHashMap::new))));
  }

  @Override
  protected void handleNormalizedLoggingCall(Level level, Marker marker, String message,
      Object[] arguments, Throwable throwable) {
    events.add(new Event(level, MessageFormatter.basicArrayFormat(message, arguments), Map.of()));
  }

  @Override
  protected String getFullyQualifiedCallerName() {
    return null;
  }

  @Override
  public boolean isTraceEnabled() {
    return true;
  }

  @Override
  public boolean isDebugEnabled() {
    return true;
  }

  @Override
  public boolean isInfoEnabled() {
    return true;
  }

  @Override
  public boolean isWarnEnabled() {
    return true;
  }

  @Override
  public boolean isErrorEnabled() {
    return true;
  }
}
