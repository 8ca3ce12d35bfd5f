package dev.venice.testkit;

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
 * call reaches {@link #log(LoggingEvent)}), for tests to assert on what a plugin really logged:
 * hand it to {@link TestingPluginContext} in place of the plugin's logger. Every level is enabled.
 * Thread-safe.
 *
 * @since 1.5.0
 */
public final class CapturingLogger extends LegacyAbstractLogger implements LoggingEventAware {
  /**
   * One logged event.
   *
   * @param level its level
   * @param message the message with its arguments formatted in
   * @param keyValues its key-values in order (a fluent call's {@code addKeyValue}), else empty
   */
  public record Event(Level level, String message, Map<String, Object> keyValues) {}

  private final List<Event> events = new CopyOnWriteArrayList<>();

  /** A logger named {@code name}, e.g. {@code venice.plugin.<id>}. */
  public CapturingLogger(String name) {
    this.name = name;
  }

  /** What was logged so far, oldest first. */
  public List<Event> events() {
    return List.copyOf(events);
  }

  /** The messages logged at {@code level} so far, oldest first. */
  public List<String> messagesAt(Level level) {
    return events.stream().filter(e -> e.level() == level).map(Event::message).toList();
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
