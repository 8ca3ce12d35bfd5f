package dev.venice.runtime.common.plugin;

import io.micrometer.core.instrument.Counter;
import dev.venice.spi.plugin.RateGate;
import dev.venice.spi.plugin.TimeSource;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every call from the host into one plugin goes through its guard: the thread context class loader
 * is the plugin's for the duration of the call, and anything the call throws (short of the JVM
 * failing) is contained, counted in {@code venice.plugins.hook.errors{plugin,hook}}, logged at most
 * once per {@link #LOG_INTERVAL} per plugin, and replaced by the documented fallback.
 * The method references passed in are non-capturing, so a guarded call allocates nothing. The
 * context class loader is written only when it differs (a thread that is already in the plugin's
 * loader, e.g. one the plugin started, skips both writes), and restored only if the call changed
 * it. Thread-safe.
 */
public final class PluginGuard {
  static final Duration LOG_INTERVAL = Duration.ofSeconds(10);
  private static final Logger LOG = LoggerFactory.getLogger(PluginGuard.class);

  private final String pluginId;
  private final ClassLoader loader;
  private final MeterRegistry registry;
  private final Map<String, Counter> errors = new ConcurrentHashMap<>();
  private final RateGate warnings = RateGate.open(LOG_INTERVAL, TimeSource.SYSTEM);
  private volatile boolean stopping;

  PluginGuard(String pluginId, ClassLoader loader, MeterRegistry registry) {
    this.pluginId = pluginId;
    this.loader = loader;
    this.registry = registry;
  }

  /** A two-argument call into a plugin that returns nothing. */
  @FunctionalInterface
  public interface BiCall<H, A, B> {
    /** Calls {@code hook} with two arguments. */
    void call(H hook, A a, B b) throws Exception;
  }

  /** A one-argument call into a plugin that returns a result. */
  @FunctionalInterface
  public interface Call<H, A, R> {
    /** Calls {@code hook} with one argument. */
    R call(H hook, A a) throws Exception;
  }

  /**
   * Marks the plugin as stopping: hooks a thread still holds (an ingestion thread that outlived
   * its replica's close) are skipped from now on, so a stopped plugin is never called again.
   */
  void stopping() {
    stopping = true;
  }

  /** Whether the plugin is stopping or stopped. */
  boolean isStopping() {
    return stopping;
  }

  /** The id of the plugin this guard protects. */
  public String pluginId() {
    return pluginId;
  }

  /** Calls {@code fn(hook, arg)}; returns {@code fallback} if it throws or returns null. */
  public <H, A, R> R apply(String hookName, H hook, A arg, Call<H, A, R> fn, R fallback) {
    Thread thread = Thread.currentThread();
    ClassLoader previous = enter(thread);
    try {
      R result = fn.call(hook, arg);
      return result != null ? result : fallback;
    } catch (Throwable t) {
      failed(hookName, t);
      return fallback;
    } finally {
      leave(thread, previous);
    }
  }

  /** Calls {@code fn(hook, a, b)}, containing anything it throws. */
  public <H, A, B> void run(String hookName, H hook, A a, B b, BiCall<H, A, B> fn) {
    Thread thread = Thread.currentThread();
    ClassLoader previous = enter(thread);
    try {
      fn.call(hook, a, b);
    } catch (Throwable t) {
      failed(hookName, t);
    } finally {
      leave(thread, previous);
    }
  }

  /** Runs {@code body} with the plugin's class loader, letting exceptions through (start, stop). */
  <R> R callUnguarded(Call<Void, Void, R> body) throws Exception {
    Thread thread = Thread.currentThread();
    ClassLoader previous = enter(thread);
    try {
      return body.call(null, null);
    } finally {
      leave(thread, previous);
    }
  }

  /** Makes the plugin's loader {@code thread}'s context loader; returns the one it replaced. */
  private ClassLoader enter(Thread thread) {
    ClassLoader previous = thread.getContextClassLoader();
    if (previous != loader) {
      thread.setContextClassLoader(loader);
    }
    return previous;
  }

  /** Puts {@code previous} back as {@code thread}'s context loader, if it is not still there. */
  private static void leave(Thread thread, ClassLoader previous) {
    if (thread.getContextClassLoader() != previous) {
      thread.setContextClassLoader(previous);
    }
  }

  ClassLoader loader() {
    return loader;
  }

  private void failed(String hookName, Throwable t) {
    if (t instanceof VirtualMachineError vmError) {
      throw vmError;
    }
    errors.computeIfAbsent(hookName, h -> Counter.builder("venice.plugins.hook.errors")
        .description("Exceptions thrown by plugin hooks at run time (contained by the host)")
        .tag("plugin", pluginId).tag("hook", h).register(registry)).increment();
    if (warnings.tryPass()) {
      LOG.warn("plugin {}: hook {} threw; the host carried on as if it had not been there"
          + " (further errors are counted in venice.plugins.hook.errors, logged every 10 s)",
          pluginId, hookName, t);
    }
  }
}
