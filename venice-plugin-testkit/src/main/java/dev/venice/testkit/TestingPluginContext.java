package dev.venice.testkit;

import dev.venice.spi.config.ConfigException;
import dev.venice.spi.config.PluginConfig;
import dev.venice.spi.controller.ControllerHost;
import dev.venice.spi.controller.PluginStateStore;
import dev.venice.spi.host.StoreInfo;
import dev.venice.spi.plugin.PluginContext;
import dev.venice.spi.plugin.PluginDescriptor;
import dev.venice.spi.plugin.ProcessKind;
import dev.venice.spi.plugin.StoreScope;
import dev.venice.spi.plugin.StoreSettings;
import dev.venice.spi.plugin.VenicePlugin;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link PluginContext} for tests, behaving as a host's does for a plugin that is switched on:
 *
 * <ul>
 *   <li>{@link #config()}: the builder's raw values checked against the plugin's declared keys
 *       ({@link PluginConfig#of}) and its {@link VenicePlugin#validate validate}, as a host checks
 *       them before {@code start};
 *   <li>{@link #storeSettings}: per store, the store's {@code plugins.<id>.<key>} settings (from
 *       {@link TestingStores}) layered over the process configuration with {@link
 *       PluginConfig#withStoreOverrides}, then the plugin's {@code validate}, then the factory;
 *       built on first use and rebuilt when {@link TestingStores#put} changes the store. Any
 *       failure keeps the store's last good object (the process-wide one before any good store
 *       value) and is recorded in {@link #storeErrors()}, where a test can assert it; {@code get}
 *       never throws. (A host also counts {@code venice.plugins.settings.errors}; this context
 *       registers no meter of its own, so the registry holds only the plugin's meters.)
 *   <li>{@link #enabledForStore}: the store's {@code plugins.<id>.enabled}, else the process's
 *       {@code stores-enabled-by-default} (default {@code true}); a bad value keeps the last
 *       decision and is recorded.
 *   <li>{@link #metricPrefix()}: {@code venice.<process kind id>.<plugin id>.} with {@code '.'} for
 *       {@code '-'} in both;
 *   <li>{@link #time()}: a {@link ManualTimeSource} that moves only when the test advances it;
 *   <li>{@link #meterRegistry()}: an in-memory {@link SimpleMeterRegistry} unless the builder was
 *       given another;
 *   <li>{@link #scheduler()}: a real single-thread {@link ScheduledExecutorService} (one daemon
 *       thread named {@code plugin-<id>}, created on first use, cancelled tasks removed at once, as
 *       on a host). It runs on real time, not on the manual clock. {@link #close()} shuts it down
 *       ({@code shutdownNow}) and waits up to 5 s for a running task;
 *   <li>{@link #host()}: {@link TestingHostServices}, whose stores, cluster view and Kafka settings
 *       the test sets.
 * </ul>
 *
 * <p>{@link #start()} starts the plugin the context was built for with a {@link TestingExtensions};
 * {@link #close()} stops it (if started), then shuts the scheduler down and removes the context's
 * store listener, in a host's order. Thread-safe.
 */
public final class TestingPluginContext implements PluginContext, AutoCloseable {
  /** The host-owned switch in a store's settings: {@code plugins.<id>.enabled}. */
  public static final String ENABLED = StoreScope.ENABLED;
  /** The host-owned process key: {@code plugins.<id>.stores-enabled-by-default}. */
  public static final String STORES_ENABLED_BY_DEFAULT = "stores-enabled-by-default";

  private final VenicePlugin plugin;
  private final String pluginId;
  private final ProcessKind processKind;
  private final PluginConfig config;
  private final MeterRegistry registry;
  private final ManualTimeSource time;
  private final Logger logger;
  private final TestingHostServices host;
  private final TestingControllerHost controllerHost;
  private final TestingStateStore stateStore;
  private final boolean storesOnByDefault;
  private final String metricPrefix;
  /** The host's per-store rules, shared with every host (the SPI's {@link StoreScope}). */
  private final StoreScope scope;
  private final List<StoreSettings<?>> requested = new CopyOnWriteArrayList<>();
  private final TestingExtensions extensions = new TestingExtensions();
  private ScheduledThreadPoolExecutor scheduler;
  private boolean started;
  private boolean stopped;
  private boolean closed;

  private TestingPluginContext(Builder b, PluginDescriptor descriptor, PluginConfig config,
      boolean storesOnByDefault) {
    this.plugin = b.plugin;
    this.pluginId = descriptor.id();
    this.processKind = b.processKind;
    this.config = config;
    this.registry = b.registry != null ? b.registry : new SimpleMeterRegistry();
    this.time = b.time != null ? b.time : new ManualTimeSource();
    this.logger =
        b.logger != null ? b.logger : LoggerFactory.getLogger("venice.plugin." + pluginId);
    this.host = b.host != null ? b.host : new TestingHostServices();
    TestingStateStore store = b.stateStore != null ? b.stateStore
        : b.controllerHost != null ? b.controllerHost.stateStore() : new TestingStateStore(time);
    this.controllerHost = processKind != ProcessKind.CONTROLLER ? null
        : b.controllerHost != null ? b.controllerHost
        : new TestingControllerHost("127.0.0.1_0", time, store);
    this.stateStore = processKind == ProcessKind.CONTROLLER ? controllerHost.stateStore()
        : processKind == ProcessKind.SERVER || processKind == ProcessKind.ROUTER ? store : null;
    this.host.processKind(processKind);
    this.storesOnByDefault = storesOnByDefault;
    this.metricPrefix = processKind.metricPrefix(pluginId);
    this.scope = new StoreScope(pluginId, storesOnByDefault,
        host.storeMetadata().orElse(null), config, plugin::validate, new StoreScope.Listener() {});
  }

  /**
   * A builder for a context of {@code plugin}: its id, keys and {@code validate} come from it.
   * Reads the plugin's descriptor and keys only; nothing is started.
   */
  public static Builder builder(VenicePlugin plugin) {
    return new Builder(plugin);
  }

  // ---- the plugin's lifecycle -------------------------------------------------------------

  /**
   * Starts the plugin this context was built for: {@code plugin.start(this, extensions())}.
   *
   * @return what the plugin added
   * @throws IllegalStateException when already started or closed
   * @throws Exception what the plugin's {@code start} threw
   */
  public TestingExtensions start() throws Exception {
    synchronized (this) {
      if (started || closed) {
        throw new IllegalStateException("plugin " + pluginId + " was already started"
            + (closed ? " and its context closed" : ""));
      }
      started = true;
    }
    plugin.start(this, extensions);
    return extensions;
  }

  /** What the plugin added when {@link #start()}ed (empty before). */
  public TestingExtensions extensions() {
    return extensions;
  }

  /**
   * Stops the plugin ({@code plugin.stop()}) if it was started and not yet stopped; otherwise does
   * nothing. The scheduler keeps running until {@link #close()}.
   *
   * @throws Exception what the plugin's {@code stop} threw
   */
  public void stopPlugin() throws Exception {
    synchronized (this) {
      if (!started || stopped) {
        return;
      }
      stopped = true;
    }
    plugin.stop();
  }

  /**
   * Stops the plugin (if started), shuts the scheduler down ({@code shutdownNow}, waiting up to 5
   * s for a running task) and removes this context's store listener. Idempotent.
   *
   * @throws IllegalStateException when the plugin's {@code stop} threw (the rest still happens) or
   *     a scheduled task did not end within 5 s
   */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    RuntimeException failure = null;
    try {
      stopPlugin();
    } catch (Exception e) {
      failure = new IllegalStateException("plugin " + pluginId + ": stop() threw " + e, e);
    }
    scope.close();
    ScheduledExecutorService s;
    synchronized (this) {
      s = scheduler;
    }
    if (s != null) {
      s.shutdownNow();
      try {
        if (!s.awaitTermination(5, TimeUnit.SECONDS) && failure == null) {
          failure = new IllegalStateException("plugin " + pluginId
              + ": a scheduled task did not end within 5 s of shutdownNow()");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  // ---- test-side accessors ----------------------------------------------------------------

  /** The kind of process this context pretends to be. */
  public ProcessKind processKind() {
    return processKind;
  }

  /** The store metadata the test sets ({@code host().stores()}). */
  public TestingStores stores() {
    return host.stores();
  }

  /**
   * Sets one store's settings for this plugin, keys relative to {@code plugins.<id>.} (such as
   * {@code delay} or {@code enabled}), replacing the store's plugin settings, and tells the
   * listeners (this context's first: settings are rebuilt before this returns).
   *
   * @return the store's new metadata
   */
  public StoreInfo putStoreSettings(String store, Map<String, String> settings) {
    Map<String, String> full = new TreeMap<>();
    settings.forEach((k, v) -> full.put("plugins." + pluginId + "." + k, v));
    return host.stores().put(store, full);
  }

  /**
   * Stores whose settings or switch were refused, with why (naming the full key and value), sorted
   * by store. A store's entry is cleared when its metadata changes, then set again if the new
   * settings are refused too.
   */
  public Map<String, String> storeErrors() {
    return scope.errors();
  }

  /** Every {@link StoreSettings} the plugin (or test) asked this context for, in order. */
  public List<StoreSettings<?>> storeSettingsRequested() {
    return List.copyOf(requested);
  }

  // ---- PluginContext ----------------------------------------------------------------------

  @Override
  public String pluginId() {
    return pluginId;
  }

  @Override
  public PluginConfig config() {
    return config;
  }

  /** {@inheritDoc} As a host does: parsed on every call, throwing on a bad store value. */
  @Override
  @Deprecated
  public PluginConfig configForStore(String store) {
    return scope.configFor(store);
  }

  @Override
  public <S> StoreSettings<S> storeSettings(Function<PluginConfig, S> factory) {
    StoreSettings<S> created = scope.settings(Objects.requireNonNull(factory, "factory"));
    requested.add(created);
    return created;
  }

  @Override
  public boolean enabledForStore(String store) {
    return scope.enabledFor(store);
  }

  @Override
  public MeterRegistry meterRegistry() {
    return registry;
  }

  @Override
  public String metricPrefix() {
    return metricPrefix;
  }

  /** The manual clock: advance it with {@link ManualTimeSource#advance}. */
  @Override
  public ManualTimeSource time() {
    return time;
  }

  /**
   * {@inheritDoc} Here: a real single-thread scheduler on real time (one daemon thread {@code
   * plugin-<id>}, created on first call), shut down by {@link #close()}.
   */
  @Override
  public synchronized ScheduledExecutorService scheduler() {
    if (scheduler == null) {
      ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, runnable -> {
        Thread thread = new Thread(runnable, "plugin-" + pluginId);
        thread.setDaemon(true);
        return thread;
      });
      executor.setRemoveOnCancelPolicy(true);
      if (closed) {
        executor.shutdownNow(); // as a host's after stop: nothing runs any more
      }
      scheduler = executor;
    }
    return scheduler;
  }

  @Override
  public Logger logger() {
    return logger;
  }

  @Override
  public TestingHostServices host() {
    return host;
  }

  /** On a controller, the {@link TestingControllerHost} (drive leadership through it). */
  @Override
  public Optional<ControllerHost> controller() {
    return Optional.ofNullable(controllerHost);
  }

  /**
   * On a controller, server or router, the plugin's state store in memory (a controller's is its
   * {@link TestingControllerHost}'s); shared with other contexts through {@link
   * Builder#stateStore}.
   */
  @Override
  public Optional<PluginStateStore> stateStore() {
    return Optional.ofNullable(stateStore);
  }


  /**
   * Builds a {@link TestingPluginContext}. Not thread-safe; {@link #build()} may be called once
   * per context wanted.
   */
  public static final class Builder {
    private final VenicePlugin plugin;
    private ProcessKind processKind;
    private final Map<String, String> config = new LinkedHashMap<>();
    private ManualTimeSource time;
    private MeterRegistry registry;
    private Logger logger;
    private TestingHostServices host;
    private TestingControllerHost controllerHost;
    private TestingStateStore stateStore;

    private Builder(VenicePlugin plugin) {
      this.plugin = Objects.requireNonNull(plugin, "plugin");
    }

    /**
     * The kind of process; by default the only kind the descriptor names, or the first (in {@link
     * ProcessKind} order) of several.
     */
    public Builder processKind(ProcessKind kind) {
      this.processKind = Objects.requireNonNull(kind, "kind");
      return this;
    }

    /**
     * One raw process-wide value, keyed relative to {@code plugins.<id>.} (e.g. {@code delay},
     * {@code 5ms}); checked by {@link #build()}. {@code stores-enabled-by-default} and {@code
     * enabled} (which must be {@code true}: the context is a started plugin's) are the host's.
     */
    public Builder config(String key, String value) {
      config.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /** Several raw values, as {@link #config(String, String)}. */
    public Builder config(Map<String, String> values) {
      values.forEach(this::config);
      return this;
    }

    /** The clock (default: a new {@link ManualTimeSource}). */
    public Builder time(ManualTimeSource time) {
      this.time = Objects.requireNonNull(time, "time");
      return this;
    }

    /** The registry (default: a new {@link SimpleMeterRegistry}). */
    public Builder meterRegistry(MeterRegistry registry) {
      this.registry = Objects.requireNonNull(registry, "registry");
      return this;
    }

    /** The logger (default: SLF4J's {@code venice.plugin.<id>}). */
    public Builder logger(Logger logger) {
      this.logger = Objects.requireNonNull(logger, "logger");
      return this;
    }

    /**
     * The state store {@code stateStore()} gives on a controller, server or router (default: a
     * new one, or the {@link #controllerHost}'s): share one between a controller's and a server's
     * context to test what one side writes and the other watches.
     */
    public Builder stateStore(TestingStateStore store) {
      this.stateStore = Objects.requireNonNull(store, "store");
      return this;
    }

    /**
     * The controller services a controller's plugin gets from {@link #controller()} (default on a
     * controller: a new {@link TestingControllerHost} on the context's clock over the {@link
     * #stateStore}, not leading; none on other processes).
     */
    public Builder controllerHost(TestingControllerHost controllerHost) {
      this.controllerHost = Objects.requireNonNull(controllerHost, "controllerHost");
      return this;
    }

    /** The host services (default: new {@link TestingHostServices}); its kind is set by build. */
    public Builder host(TestingHostServices host) {
      this.host = Objects.requireNonNull(host, "host");
      return this;
    }

    /**
     * Checks the configuration as a host does before {@code start} and builds the context.
     *
     * @throws ConfigException naming the first unknown key or bad value, or the plugin's {@code
     *     validate} refusal
     * @throws IllegalArgumentException when {@code enabled} is not {@code true} or the process
     *     kind is not one the descriptor names
     * @throws Exception what the plugin's {@code validate} threw besides a ConfigException
     */
    public TestingPluginContext build() throws Exception {
      PluginDescriptor descriptor = plugin.descriptor();
      ProcessKind kind = processKind != null ? processKind
          : EnumSet.copyOf(descriptor.processKinds()).iterator().next();
      if (!descriptor.runsIn(kind)) {
        throw new IllegalArgumentException("plugin " + descriptor.id() + " runs in "
            + descriptor.processKinds() + ", not in a " + kind.id() + ": a host would not start"
            + " it there");
      }
      Map<String, String> raw = new TreeMap<>(config);
      String on = raw.remove(ENABLED);
      if (on != null && !StoreScope.parseSwitch("plugins." + descriptor.id() + "." + ENABLED, on)) {
        throw new IllegalArgumentException("plugins." + descriptor.id() + ".enabled=" + on
            + ": a testing context is a started plugin's; leave enabled out or set it to true");
      }
      String byDefault = raw.remove(STORES_ENABLED_BY_DEFAULT);
      boolean storesOnByDefault = byDefault == null || StoreScope.parseSwitch("plugins."
          + descriptor.id() + "." + STORES_ENABLED_BY_DEFAULT, byDefault);
      PluginConfig checked = PluginConfig.of(descriptor.id(), plugin.configKeys(), raw);
      plugin.validate(checked);
      processKind = kind;
      return new TestingPluginContext(this, descriptor, checked, storesOnByDefault);
    }
  }
}
