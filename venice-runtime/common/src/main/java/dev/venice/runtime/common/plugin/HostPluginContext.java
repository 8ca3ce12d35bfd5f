package dev.venice.runtime.common.plugin;

import dev.venice.spi.config.PluginConfig;
import dev.venice.spi.controller.ControllerHost;
import dev.venice.spi.controller.PluginStateStore;
import dev.venice.spi.host.HostServices;
import dev.venice.spi.plugin.PluginContext;
import dev.venice.spi.plugin.ProcessKind;
import dev.venice.spi.plugin.StoreScope;
import dev.venice.spi.plugin.StoreSettings;
import dev.venice.spi.plugin.TimeSource;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The context a host gives one plugin. Its scheduler thread is created on first use. */
final class HostPluginContext implements PluginContext {
  private final String pluginId;
  private final PluginConfig config;
  private final MeterRegistry registry;
  private final TimeSource time;
  private final HostServices host;
  private final ClassLoader loader;
  private final Logger logger;
  private final StoreScope stores;
  private final String metricPrefix;
  private ScheduledExecutorService scheduler;
  private final Optional<ControllerHost> controller;
  private final Optional<PluginStateStore> stateStore;

  HostPluginContext(String pluginId, PluginConfig config, MeterRegistry registry, TimeSource time,
      HostServices host, ClassLoader loader, StoreScope stores,
      Optional<ControllerHost> controller, Optional<PluginStateStore> stateStore) {
    this.pluginId = pluginId;
    this.controller = controller;
    this.stateStore = stateStore;
    this.stores = stores;
    this.metricPrefix = ProcessKind.fromId(host.processKind()).metricPrefix(pluginId);
    this.config = config;
    this.registry = registry;
    this.time = time;
    this.host = host;
    this.loader = loader;
    this.logger = LoggerFactory.getLogger("venice.plugin." + pluginId);
  }

  @Override
  public Optional<ControllerHost> controller() {
    return controller;
  }

  @Override
  public Optional<PluginStateStore> stateStore() {
    return stateStore;
  }

  @Override
  public String pluginId() {
    return pluginId;
  }

  @Override
  public PluginConfig config() {
    return config;
  }

  @Override
  @Deprecated
  public PluginConfig configForStore(String store) {
    return stores.configFor(store);
  }

  @Override
  public <S> StoreSettings<S> storeSettings(Function<PluginConfig, S> factory) {
    Function<PluginConfig, S> withLoader = c -> {
      ClassLoader previous = Thread.currentThread().getContextClassLoader();
      Thread.currentThread().setContextClassLoader(loader);
      try {
        return factory.apply(c);
      } finally {
        Thread.currentThread().setContextClassLoader(previous);
      }
    };
    return stores.settings(withLoader);
  }

  @Override
  public boolean enabledForStore(String store) {
    return stores.enabledFor(store);
  }

  @Override
  public String metricPrefix() {
    return metricPrefix;
  }

  @Override
  public MeterRegistry meterRegistry() {
    return registry;
  }

  @Override
  public TimeSource time() {
    return time;
  }

  @Override
  public synchronized ScheduledExecutorService scheduler() {
    if (scheduler == null) {
      ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, runnable -> {
        Thread thread = new Thread(runnable, "plugin-" + pluginId);
        thread.setDaemon(true);
        thread.setContextClassLoader(loader);
        return thread;
      });
      executor.setRemoveOnCancelPolicy(true); // e.g. hedge timers cancelled by a fast answer
      scheduler = executor;
    }
    return scheduler;
  }

  @Override
  public Logger logger() {
    return logger;
  }

  @Override
  public HostServices host() {
    return host;
  }

  /** Stops the scheduler, waiting briefly for a running task, and the store-metadata listener. */
  synchronized void close() throws InterruptedException {
    stores.close();
    if (scheduler != null) {
      scheduler.shutdownNow();
      if (!scheduler.awaitTermination(5, TimeUnit.SECONDS)) {
        logger.warn("plugin {}: a scheduled task did not stop within 5 s", pluginId);
      }
    }
  }
}
