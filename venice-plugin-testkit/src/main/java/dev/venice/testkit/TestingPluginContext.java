package dev.venice.testkit;

import dev.venice.spi.config.ConfigException;
import dev.venice.spi.config.PluginConfig;
import dev.venice.spi.host.StoreInfo;
import dev.venice.spi.host.StoreMetadataService;
import dev.venice.spi.host.Subscription;
import dev.venice.spi.plugin.PluginContext;
import dev.venice.spi.plugin.PluginDescriptor;
import dev.venice.spi.plugin.ProcessKind;
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
import java.util.concurrent.ConcurrentHashMap;
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
  public static final String ENABLED = "enabled";
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
  private final boolean storesOnByDefault;
  private final String metricPrefix;
  private final Map<String, Boolean> enabled = new ConcurrentHashMap<>();
  private final Map<String, String> errors = new ConcurrentHashMap<>();
  private final List<Settings<?>> settings = new CopyOnWriteArrayList<>();
  private final Subscription subscription;
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
    this.host.processKind(processKind);
    this.storesOnByDefault = storesOnByDefault;
    this.metricPrefix = metricPrefix(processKind, pluginId);
    this.subscription = host.stores().addListener(this::changed);
  }

  /**
   * A builder for a context of {@code plugin}: its id, keys and {@code validate} come from it.
   * Reads the plugin's descriptor and keys only; nothing is started.
   */
  public static Builder builder(VenicePlugin plugin) {
    return new Builder(plugin);
  }

  /**
   * The metric prefix a host gives a plugin: {@code venice.<kind id>.<plugin id>.}, {@code '.'}
   * for {@code '-'} in both, e.g. {@code venice.da.vinci.client.bloom.filter.}.
   */
  public static String metricPrefix(ProcessKind kind, String pluginId) {
    return "venice." + kind.id().replace('-', '.') + "." + pluginId.replace('-', '.') + ".";
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
    subscription.close();
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
    return Map.copyOf(new TreeMap<>(errors));
  }

  /** Every {@link StoreSettings} the plugin (or test) asked this context for, in order. */
  public List<StoreSettings<?>> storeSettingsRequested() {
    return List.copyOf(settings);
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
    return storeInfo(store).map(info -> config.withStoreOverrides(store, rawSettings(info)))
        .orElse(config);
  }

  @Override
  public <S> StoreSettings<S> storeSettings(Function<PluginConfig, S> factory) {
    Objects.requireNonNull(factory, "factory");
    S processWide;
    try {
      processWide = factory.apply(config);
    } catch (ConfigException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new ConfigException("plugins." + pluginId, "plugin " + pluginId
          + ": its settings factory refused the process configuration: " + e);
    }
    Settings<S> created = new Settings<>(factory, processWide);
    settings.add(created);
    return created;
  }

  @Override
  public boolean enabledForStore(String store) {
    Boolean on = enabled.get(store);
    if (on != null) {
      return on;
    }
    Optional<StoreInfo> info;
    try {
      info = storeInfo(store);
    } catch (RuntimeException e) { // metadata unreadable: the default, not cached
      return storesOnByDefault;
    }
    return enabled.computeIfAbsent(store, s -> decide(s, info, storesOnByDefault));
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

  // ---- the host's per-store rules ---------------------------------------------------------

  private Optional<StoreInfo> storeInfo(String store) {
    Optional<StoreMetadataService> metadata = host.storeMetadata();
    return metadata.isEmpty() ? Optional.empty() : metadata.get().store(store);
  }

  private Map<String, String> rawSettings(StoreInfo info) {
    Map<String, String> raw = new TreeMap<>(info.settingsFor(pluginId));
    raw.remove(ENABLED);
    return raw;
  }

  private void error(String store, String message) {
    errors.merge(store, message, (a, b) -> a.equals(b) ? a : a + "; " + b);
  }

  private void changed(StoreInfo info) {
    if (host.storeMetadata().isEmpty()) {
      return; // a host without store metadata sees no changes
    }
    errors.remove(info.name());
    Boolean previous = enabled.get(info.name());
    enabled.put(info.name(), decide(info.name(), Optional.of(info),
        previous != null ? previous : storesOnByDefault));
    for (Settings<?> s : settings) {
      s.refresh(info);
    }
  }

  private boolean decide(String store, Optional<StoreInfo> info, boolean lastGood) {
    String raw = info.map(i -> i.settingsFor(pluginId).get(ENABLED)).orElse(null);
    if (raw == null) {
      return storesOnByDefault;
    }
    if (raw.equals("true") || raw.equals("false")) {
      return Boolean.parseBoolean(raw);
    }
    error(store, "bad value '" + raw + "' for plugins." + pluginId + "." + ENABLED
        + ": expected true or false; keeping " + lastGood);
    return lastGood;
  }

  /** One {@link StoreSettings}: as the host's, built on first use, rebuilt on change. */
  private final class Settings<S> implements StoreSettings<S> {
    private final Function<PluginConfig, S> factory;
    private final S processWide;
    private final Map<String, S> byStore = new ConcurrentHashMap<>();

    Settings(Function<PluginConfig, S> factory, S processWide) {
      this.factory = factory;
      this.processWide = processWide;
    }

    @Override
    public S get(String store) {
      S found = byStore.get(store);
      if (found != null) {
        return found;
      }
      Optional<StoreInfo> info;
      try {
        info = storeInfo(store);
      } catch (RuntimeException e) { // metadata unreadable: process-wide, not cached
        return processWide;
      }
      S built = info.map(i -> build(i, processWide)).orElse(processWide);
      S raced = byStore.putIfAbsent(store, built);
      return raced != null ? raced : built;
    }

    @Override
    public S processWide() {
      return processWide;
    }

    void refresh(StoreInfo info) {
      S lastGood = byStore.getOrDefault(info.name(), processWide);
      byStore.put(info.name(), build(info, lastGood));
    }

    private S build(StoreInfo info, S lastGood) {
      try {
        PluginConfig layered = config.withStoreOverrides(info.name(), rawSettings(info));
        plugin.validate(layered);
        S built = factory.apply(layered);
        if (built == null) {
          throw new IllegalStateException("the settings factory returned null");
        }
        return built;
      } catch (Exception | LinkageError | AssertionError e) {
        error(info.name(), e.getMessage() + "; keeping the last good settings");
        return lastGood;
      }
    }
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
      if (on != null && !on.equals("true")) {
        throw new IllegalArgumentException("plugins." + descriptor.id() + ".enabled=" + on
            + ": a testing context is a started plugin's; leave enabled out or set it to true");
      }
      String byDefault = raw.remove(STORES_ENABLED_BY_DEFAULT);
      if (byDefault != null && !byDefault.equals("true") && !byDefault.equals("false")) {
        throw new ConfigException("plugins." + descriptor.id() + "." + STORES_ENABLED_BY_DEFAULT,
            "bad value '" + byDefault + "' for plugins." + descriptor.id() + "."
                + STORES_ENABLED_BY_DEFAULT + ": expected true or false");
      }
      PluginConfig checked = PluginConfig.of(descriptor.id(), plugin.configKeys(), raw);
      plugin.validate(checked);
      processKind = kind;
      return new TestingPluginContext(this, descriptor, checked,
          byDefault == null || Boolean.parseBoolean(byDefault));
    }
  }
}
