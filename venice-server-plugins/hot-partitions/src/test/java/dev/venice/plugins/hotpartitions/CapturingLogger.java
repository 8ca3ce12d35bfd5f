package dev.venice.plugins.hotpartitions;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/**
 * An SLF4J logger that keeps what it is given (level and formatted message), for tests to count
 * what the plugin really logged. Every level is enabled. Thread-safe.
 */
final class CapturingLogger extends LegacyAbstractLogger {
  /** One logged line. */
  record Event(Level level, String message) {}

  private final List<Event> events = new CopyOnWriteArrayList<>();

  CapturingLogger() {
    this.name = "venice.plugin.hot-partitions";
  }

  /** What was logged at {@code level} so far, oldest first. */
  List<String> at(Level level) {
    return events.stream().filter(e -> e.level() == level).map(Event::message).toList();
  }

  @Override
  protected void handleNormalizedLoggingCall(Level level, Marker marker, String message,
      Object[] arguments, Throwable throwable) {
    events.add(new Event(level, MessageFormatter.basicArrayFormat(message, arguments)));
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
