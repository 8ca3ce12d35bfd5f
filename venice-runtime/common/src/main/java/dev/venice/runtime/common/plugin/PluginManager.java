package dev.venice.runtime.common.plugin;

import dev.venice.runtime.common.config.ProcessConfig;
import dev.venice.runtime.common.config.ProcessKeys;
import dev.venice.runtime.common.plugin.Hooks.Guarded;
import dev.venice.spi.SemanticVersion;
import dev.venice.spi.SpiVersion;
import dev.venice.spi.VersionRange;
import dev.venice.spi.client.DecoratorStack;
import dev.venice.spi.client.ReplicaDispatchDecorator;
import dev.venice.spi.client.StoreClientDecorator;
import dev.venice.spi.config.ConfigException;
import dev.venice.spi.config.ConfigKey;
import dev.venice.spi.config.PluginConfig;
import dev.venice.spi.controller.ControllerHost;
import dev.venice.spi.controller.PluginStateStore;
import dev.venice.spi.host.HostServices;
import dev.venice.spi.plugin.BackgroundTask;
import dev.venice.spi.plugin.PluginDescriptor;
import dev.venice.spi.plugin.ProcessKind;
import dev.venice.spi.plugin.StoreScope;
import dev.venice.spi.plugin.TimeSource;
import dev.venice.spi.plugin.VenicePlugin;
import dev.venice.spi.rpc.RpcMethod;
import dev.venice.spi.rpc.RpcService;
import dev.venice.spi.rpc.RpcStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.jar.JarFile;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds, checks, configures, starts and stops the plugins of one host process.
 *
 * <p>Plugins come from the class path (client decorators, plugins bundled with a process) and from
 * a plugin directory: each sub-directory {@code <dir>/<id>/} holds one plugin's jars and gets its
 * own {@link PluginClassLoader}. A plugin is refused — logged with its id, source and versions,
 * counted in {@code venice.plugins.failures{plugin,reason}}, listed as {@link PluginState#FAILED}
 * — when its descriptor is malformed, its SPI range excludes this host's SPI, its id is taken, its
 * directory holds no plugin, its configuration has an unknown key or a bad value, or its start
 * throws. The host always carries on without it.
 *
 * <p>A plugin whose descriptor does not name this host's {@link ProcessKind} is listed as {@link
 * PluginState#NOT_APPLICABLE} (its keys are still checked) and never started, without an error, so
 * one configuration can switch a plugin on for every process. A plugin in the plugin directory
 * replaces a class-path copy with the same id (an operator's dropped jar wins), logged at INFO.
 *
 * <p>Configuration: {@code plugins.<id>.enabled=true} starts a plugin (default: off);
 * {@code plugins.<id>.stores-enabled-by-default=false} leaves it off for every store that does not
 * switch it on in its own settings ({@code plugins.<id>.enabled=true} in the store's metadata);
 * {@code plugins.<id>.<key>} sets a key it declared.
 */
public final class PluginManager implements AutoCloseable {
  /** The prefix of every plugin configuration key. */
  public static final String CONFIG_PREFIX = "plugins.";
  /** The process setting naming the directory that holds one sub-directory per plugin. */
  public static final ConfigKey<String> PLUGIN_DIR = ProcessKeys.PLUGIN_DIR;
  /** The host-owned process key that says whether a started plugin is on for stores by default. */
  public static final String STORES_ENABLED_BY_DEFAULT = "stores-enabled-by-default";
  private static final String SERVICE_FILE = "META-INF/services/" + VenicePlugin.class.getName();
  private static final Pattern ID = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");
  private static final Logger LOG = LoggerFactory.getLogger(PluginManager.class);

  private final Map<String, String> config;
  private final Path pluginDirectory;
  private final ClassLoader classPath;
  private final MeterRegistry registry;
  private final TimeSource time;
  /** Each plugin's controller services by plugin id; null on every process but a controller. */
  private final Function<String, ControllerHost> controllerHosts;
  private final Function<String, PluginStateStore> stateStores;
  private final HostServices host;
  private final ProcessKind kind;
  /** Shared by every plugin's {@link StoreScope}: bumped on any store's change. */
  private final AtomicInteger storeGeneration = new AtomicInteger();

  private final Map<String, PluginInfo> rows = new LinkedHashMap<>();
  private final List<Started> started = new ArrayList<>();
  private final List<PluginClassLoader> loaders = new ArrayList<>();
  /** Every plugin found with a valid descriptor and keys, whatever its state: for store checks. */
  private final Map<String, Installed> installed = new TreeMap<>();
  private boolean startCalled;

  private volatile ReadHooks readHooks = new ReadHooks(none());
  private volatile RequestHooks requestHooks = new RequestHooks(none());
  private volatile IngestionHooks ingestionHooks = new IngestionHooks(none());
  private volatile AdminMutationHooks adminMutationHooks = new AdminMutationHooks(none());
  private volatile LifecycleHooks lifecycleHooks = new LifecycleHooks(none());
  private volatile DaVinciHooks daVinciHooks = new DaVinciHooks(none());
  private volatile SecurityHooks securityHooks = new SecurityHooks(none(), none(), none());
  private volatile PluginEndpoints endpoints = new PluginEndpoints(Map.of());
  private volatile DecoratorStack decorators = DecoratorStack.empty();

  private record Candidate(VenicePlugin plugin, ClassLoader loader, String source) {}

  private record Started(VenicePlugin plugin, PluginGuard guard, HostPluginContext context,
      CollectedExtensions extensions, PluginInfo info, StoreScope stores) {}

  /** A plugin whose descriptor and keys were accepted: what store settings are checked against. */
  private record Installed(VenicePlugin plugin, PluginGuard guard, List<ConfigKey<?>> keys) {}

  private PluginManager(Builder b) {
    this.config = Map.copyOf(b.config);
    this.pluginDirectory = b.pluginDirectory;
    this.classPath = b.classPath;
    this.registry = b.registry;
    this.time = b.time;
    this.controllerHosts = b.controllerHosts;
    this.stateStores = b.stateStores;
    this.host = b.host;
    this.kind = ProcessKind.fromId(b.host.processKind());
  }

  private <H> Hooks<H> none() {
    return new Hooks<>(List.of(), storeGeneration);
  }

  /** A builder for the plugins of one process. */
  public static Builder builder(HostServices host) {
    return new Builder(host);
  }

  /**
   * Discovers, checks and starts the plugins. Never throws for a bad plugin: see {@link
   * #plugins()} for what happened to each.
   *
   * @return this manager
   */
  public synchronized PluginManager start() {
    if (startCalled) {
      throw new IllegalStateException("plugins already started");
    }
    startCalled = true;
    List<Candidate> candidates = new ArrayList<>();
    if (pluginDirectory != null) {
      discoverDirectory(candidates);
    }
    if (classPath != null) {
      discover(classPath, null, candidates);
    }
    Map<String, Map<String, String>> configById = configById();
    for (Candidate candidate : candidates) {
      accept(candidate, configById);
    }
    configById.keySet().stream().filter(id -> !rows.containsKey(id)).forEach(id -> fail(id, "",
        "configuration", RefusalReason.UNKNOWN_PLUGIN, "configuration names plugin '" + id
            + "' but no plugin with that id was found (found: "
            + String.join(", ", rows.keySet()) + ")"));
    assembleHooks();
    LOG.info("plugins: {}", rows.values().stream().map(r -> r.id() + "=" + r.state())
        .collect(Collectors.joining(", ")));
    return this;
  }

  /**
   * One row per plugin found (or refused), in discovery order; a started plugin's row lists the
   * stores whose settings it refused at run time.
   */
  public synchronized List<PluginInfo> plugins() {
    Map<String, PluginInfo> current = new LinkedHashMap<>(rows);
    for (Started s : started) {
      current.computeIfPresent(s.info().id(),
          (id, row) -> row.withStores(s.stores().errors(), s.stores().switchedOff()));
    }
    return List.copyOf(current.values());
  }

  /**
   * Checks one store's plugin settings against every plugin this host found, whatever kind of
   * process it runs in and whether or not it is enabled here: each key must belong to a found
   * plugin, be declared by it (or be the host-owned {@code enabled}) and be overridable per store,
   * each value must be allowed, and the plugin's cross-key rules must accept the result (layered
   * over the keys' defaults, since this host may not run the plugin). The controller calls it
   * before storing a store's settings.
   *
   * @param store the store, named in messages
   * @param pluginSettings full keys {@code plugins.<id>.<key>} to values
   * @throws ConfigException naming the store, the key, the value and what is allowed
   */
  public synchronized void checkStoreSettings(String store, Map<String, String> pluginSettings) {
    Map<String, Map<String, String>> byId = new TreeMap<>();
    pluginSettings.forEach((key, value) -> {
      String rest = key.startsWith(CONFIG_PREFIX) ? key.substring(CONFIG_PREFIX.length()) : "";
      int dot = rest.indexOf('.');
      if (dot <= 0 || dot == rest.length() - 1) {
        throw new ConfigException(key, "store " + store + ": '" + key + "' is not a plugin"
            + " setting: expected plugins.<plugin id>.<key>");
      }
      byId.computeIfAbsent(rest.substring(0, dot), id -> new TreeMap<>())
          .put(rest.substring(dot + 1), value);
    });
    byId.forEach((id, raw) -> {
      Installed plugin = installed.get(id);
      if (plugin == null) {
        throw new ConfigException(CONFIG_PREFIX + id, "store " + store + ": no plugin '" + id
            + "' is installed (installed: " + String.join(", ", installed.keySet()) + ")");
      }
      Map<String, String> keys = new TreeMap<>(raw);
      String enabled = keys.remove(StoreScope.ENABLED);
      if (enabled != null) {
        try {
          StoreScope.parseSwitch(CONFIG_PREFIX + id + "." + StoreScope.ENABLED, enabled);
        } catch (ConfigException e) {
          throw new ConfigException(e.key(), "store " + store + ": " + e.getMessage());
        }
      }
      PluginConfig config = PluginConfig.of(id, plugin.keys(), Map.of())
          .withStoreOverrides(store, keys);
      try {
        plugin.guard().callUnguarded((a, b) -> {
          plugin.plugin().validate(config);
          return null;
        });
      } catch (ConfigException e) {
        throw new ConfigException(e.key(), "store " + store + ": " + e.getMessage());
      } catch (Exception | LinkageError | AssertionError e) {
        throw new ConfigException(CONFIG_PREFIX + id, "store " + store + ": plugin " + id
            + " could not check its settings: " + e);
      }
    });
  }

  /** The started plugins' read hooks. */
  public ReadHooks readHooks() {
    return readHooks;
  }

  /** The started plugins' request hooks. */
  public RequestHooks requestHooks() {
    return requestHooks;
  }

  /** The started plugins' ingestion-record hooks. */
  public IngestionHooks ingestionHooks() {
    return ingestionHooks;
  }

  /** The started plugins' admin-mutation hooks. */
  public AdminMutationHooks adminMutationHooks() {
    return adminMutationHooks;
  }

  /** The started plugins' lifecycle hooks. */
  public LifecycleHooks lifecycleHooks() {
    return lifecycleHooks;
  }

  /** The started plugins' authorizers and token authenticators. */
  public SecurityHooks securityHooks() {
    return securityHooks;
  }

  /** The started plugins' Da Vinci hooks (a Da Vinci client asks them). */
  public DaVinciHooks daVinciHooks() {
    return daVinciHooks;
  }

  /**
   * The started plugins' gRPC services, by plugin id (each name served by one plugin), for the
   * process to add to its gRPC port; a handler that throws is counted as the plugin's failure.
   */
  public Map<String, List<RpcService>> rpcServices() {
    Map<String, List<RpcService>> byPlugin = new LinkedHashMap<>();
    for (Started s : started) {
      if (!s.extensions().rpcServices.isEmpty()) {
        byPlugin.put(s.info().id(), s.extensions().rpcServices.stream()
            .map(service -> guarded(s.guard(), service)).toList());
      }
    }
    return byPlugin;
  }

  private Map<String, String> rpcServiceOwners() {
    Map<String, String> owners = new HashMap<>();
    for (Started s : started) {
      s.extensions().rpcServices.forEach(r -> owners.put(r.name(), s.info().id()));
    }
    return owners;
  }

  private static RpcService guarded(PluginGuard guard, RpcService service) {
    return new RpcService(service.name(), service.methods().stream()
        .map(m -> new RpcMethod(m.name(), m.type(), (request, call) -> {
          boolean handled = guard.apply("rpc." + service.name() + "/" + m.name(), m.handler(),
              null, (handler, unused) -> {
                handler.handle(request, call);
                return true;
              }, false);
          if (!handled) { // the guard logged and counted it
            call.fail(RpcStatus.INTERNAL, "the " + service.name() + " service failed");
          }
        }))
        .toList());
  }

  /** The started plugins' HTTP endpoints. */
  public PluginEndpoints endpoints() {
    return endpoints;
  }

  /** The started plugins' client decorators, in the default order. */
  public DecoratorStack decorators() {
    return decorators;
  }

  /** Stops the started plugins, last started first, and closes their class loaders. */
  @Override
  public synchronized void close() {
    for (int i = started.size() - 1; i >= 0; i--) {
      Started s = started.get(i);
      s.guard().stopping();
      s.stores().close(); // no settings rebuilt for a plugin that is stopping
      s.guard().apply("stop", s.plugin(), null, (plugin, unused) -> {
        plugin.stop();
        return null;
      }, null);
      try {
        s.context().close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      rows.put(s.info().id(), s.info().with(PluginState.STOPPED, ""));
    }
    started.clear();
    assembleHooks();
    for (PluginClassLoader loader : loaders) {
      try {
        loader.close();
      } catch (IOException e) {
        LOG.warn("closing class loader {} failed", loader.getName(), e);
      }
    }
    loaders.clear();
  }

  private void discoverDirectory(List<Candidate> candidates) {
    if (!Files.isDirectory(pluginDirectory)) {
      LOG.info("plugin directory {} does not exist; no plugins loaded from it", pluginDirectory);
      return;
    }
    List<Path> entries;
    try (Stream<Path> list = Files.list(pluginDirectory)) {
      entries = list.sorted().toList();
    } catch (IOException e) {
      fail(pluginDirectory.toString(), "", pluginDirectory.toString(), RefusalReason.UNREADABLE,
          "cannot list plugin directory " + pluginDirectory + ": " + e);
      return;
    }
    for (Path entry : entries) {
      String name = entry.getFileName().toString();
      if (!Files.isDirectory(entry)) {
        fail(name, "", entry.toString(), RefusalReason.NOT_A_PLUGIN,
            "plugin jars go in a directory per"
            + " plugin, " + pluginDirectory + "/<id>/; ignoring " + entry);
        continue;
      }
      List<Path> jars;
      try (Stream<Path> list = Files.list(entry)) {
        jars = list.filter(p -> p.toString().endsWith(".jar")).sorted().toList();
      } catch (IOException e) {
        fail(name, "", entry.toString(), RefusalReason.UNREADABLE,
            "cannot list " + entry + ": " + e);
        continue;
      }
      if (jars.isEmpty()) {
        fail(name, "", entry.toString(), RefusalReason.NOT_A_PLUGIN, "no jar files in " + entry);
        continue;
      }
      List<String> pluginJars = jars.stream().filter(PluginManager::declaresPlugin)
          .map(p -> p.getFileName().toString()).toList();
      if (pluginJars.size() > 1) {
        // two versions side by side: which one loads would depend on file names
        fail(name, "", entry.toString(), RefusalReason.NOT_A_PLUGIN, entry + " holds "
            + pluginJars.size() + " plugin jars " + pluginJars + "; keep one (an old version"
            + " left next to a new one?)");
        continue;
      }
      PluginClassLoader loader =
          new PluginClassLoader("plugin-" + name, jars, VenicePlugin.class.getClassLoader());
      loaders.add(loader);
      int before = candidates.size();
      discover(loader, entry, candidates);
      int found = candidates.size() - before;
      if (found == 0 && !rows.containsKey(name)) {
        fail(name, "", entry.toString(), RefusalReason.NOT_A_PLUGIN,
            "not a plugin: no " + SERVICE_FILE
            + " in " + jars.stream().map(p -> p.getFileName().toString()).toList());
      } else if (found > 1) {
        candidates.subList(before, candidates.size()).clear();
        fail(name, "", entry.toString(), RefusalReason.NOT_A_PLUGIN, entry + " holds " + found
            + " plugins; put each plugin in a directory of its own");
      }
    }
  }

  /** Whether {@code jar} declares a plugin service (an unreadable jar declares none here). */
  private static boolean declaresPlugin(Path jar) {
    try (JarFile file = new JarFile(jar.toFile())) {
      return file.getEntry(SERVICE_FILE) != null;
    } catch (IOException e) {
      return false; // the class loader reports it
    }
  }

  /** Adds what {@link ServiceLoader} finds with {@code loader}; {@code directory} is null for the
   * class path. Broken service entries are recorded as failures. */
  private void discover(ClassLoader loader, Path directory, List<Candidate> candidates) {
    Iterator<ServiceLoader.Provider<VenicePlugin>> providers =
        ServiceLoader.load(VenicePlugin.class, loader).stream().iterator();
    String where = directory != null ? directory.toString() : "class path";
    while (true) {
      ServiceLoader.Provider<VenicePlugin> provider;
      try {
        if (!providers.hasNext()) {
          return;
        }
        provider = providers.next();
      } catch (ServiceConfigurationError e) {
        // ServiceLoader goes on with the next provider after a broken one
        String name = directory != null ? directory.getFileName().toString() : "class-path";
        fail(name, "", where, RefusalReason.NOT_A_PLUGIN,
            "broken " + SERVICE_FILE + " in " + where + ": "
            + e.getMessage());
        continue;
      }
      if (directory != null && provider.type().getClassLoader() != loader) {
        continue; // a class-path plugin seen through a directory's loader; found on its own
      }
      String source = directory != null ? where : codeSource(provider.type());
      try {
        candidates.add(new Candidate(provider.get(), loader, source));
      } catch (ServiceConfigurationError | RuntimeException | LinkageError e) {
        fail(provider.type().getName(), "", source, RefusalReason.NOT_A_PLUGIN,
            "cannot instantiate " + provider.type().getName() + " from " + source + ": " + e);
      }
    }
  }

  private void accept(Candidate candidate, Map<String, Map<String, String>> configById) {
    PluginGuard probe = new PluginGuard("?", candidate.loader(), registry);
    PluginDescriptor descriptor = probe.apply("descriptor", candidate.plugin(), null,
        (plugin, unused) -> plugin.descriptor(), null);
    String className = candidate.plugin().getClass().getName();
    if (descriptor == null) {
      fail(className, "", candidate.source(), RefusalReason.DESCRIPTOR,
          "plugin " + className + " from " + candidate.source() + " returned no descriptor");
      return;
    }
    String id = descriptor.id();
    Installed fromDirectory = installed.get(id);
    if (fromDirectory != null && fromDirectory.guard().loader() != classPath
        && candidate.loader() == classPath) {
      LOG.info("plugin {}: using the copy in {}; ignoring the one on the {}", id,
          rows.get(id).source(), candidate.source());
      return;
    }
    Refusal refusal = checkDescriptor(descriptor, candidate.source());
    if (refusal != null) {
      fail(ID.matcher(id).matches() ? id : className, descriptor, candidate.source(),
          refusal.reason(), refusal.message());
      return;
    }
    Map<String, String> raw = new TreeMap<>(configById.getOrDefault(id, Map.of()));
    boolean on;
    boolean storesOnByDefault;
    try {
      on = hostSwitch(id, raw, "enabled", false);
      storesOnByDefault = hostSwitch(id, raw, STORES_ENABLED_BY_DEFAULT, true);
    } catch (ConfigException e) {
      fail(id, descriptor, candidate.source(), RefusalReason.CONFIG, e.getMessage());
      return;
    }
    // Keys are checked for every plugin found, so a typo such as plugins.<id>.enable=true is an
    // error instead of a plugin silently left off.
    PluginGuard guard = new PluginGuard(id, candidate.loader(), registry);
    PluginConfig pluginConfig;
    try {
      List<ConfigKey<?>> keys = guard.callUnguarded((a, b) -> candidate.plugin().configKeys());
      pluginConfig = PluginConfig.of(id, keys, raw);
      installed.put(id, new Installed(candidate.plugin(), guard, List.copyOf(keys)));
      if (on && descriptor.runsIn(kind)) {
        guard.callUnguarded((a, b) -> {
          candidate.plugin().validate(pluginConfig);
          return null;
        });
      }
    } catch (ConfigException e) {
      fail(id, descriptor, candidate.source(), RefusalReason.CONFIG, e.getMessage());
      return;
    } catch (Exception | LinkageError e) {
      fail(id, descriptor, candidate.source(), RefusalReason.CONFIG, "plugin " + id
          + ": declaring its configuration keys failed: " + e);
      return;
    }
    if (!descriptor.runsIn(kind)) {
      rows.put(id, info(descriptor, PluginState.NOT_APPLICABLE, candidate.source(), "runs in "
          + descriptor.processKinds().stream().map(ProcessKind::id).sorted()
              .collect(Collectors.joining(", ")) + ", not in a " + kind.id()));
      return;
    }
    if (!on) {
      rows.put(id, info(descriptor, PluginState.DISABLED, candidate.source(),
          "set " + CONFIG_PREFIX + id + ".enabled=true to start it"));
      return;
    }
    start(candidate, descriptor, guard, pluginConfig, storesOnByDefault);
  }

  /**
   * Removes a host-owned boolean key from {@code raw} and returns its value, {@code fallback} when
   * unset.
   *
   * @throws ConfigException when it is neither {@code true} nor {@code false}
   */
  private static boolean hostSwitch(String id, Map<String, String> raw, String key,
      boolean fallback) {
    String value = raw.remove(key);
    return value == null ? fallback
        : StoreScope.parseSwitch(CONFIG_PREFIX + id + "." + key, value);
  }

  /** Why a plugin is refused, with a message for the operator. */
  private record Refusal(RefusalReason reason, String message) {}

  /** Returns null when the descriptor is acceptable. */
  private Refusal checkDescriptor(PluginDescriptor d, String source) {
    if (!ID.matcher(d.id()).matches()) {
      return new Refusal(RefusalReason.DESCRIPTOR, "plugin id '" + d.id() + "' from " + source
          + " is malformed: use lower-case letters, digits and single dashes, e.g. bloom-filter");
    }
    PluginInfo existing = rows.get(d.id());
    if (existing != null) {
      return new Refusal(RefusalReason.DUPLICATE, "duplicate plugin id '" + d.id() + "': already "
          + existing.state() + " from " + existing.source() + "; refusing the copy from " + source);
    }
    try {
      SemanticVersion.parse(d.version());
    } catch (IllegalArgumentException e) {
      return new Refusal(RefusalReason.DESCRIPTOR, "plugin " + d.id() + " from " + source
          + ": bad plugin version: "
          + e.getMessage());
    }
    VersionRange range;
    try {
      range = VersionRange.parse(d.spiVersionRange());
    } catch (IllegalArgumentException e) {
      return new Refusal(RefusalReason.DESCRIPTOR, "plugin " + d.id() + " from " + source
          + ": bad SPI version range: "
          + e.getMessage());
    }
    if (!range.contains(SpiVersion.CURRENT)) {
      return new Refusal(RefusalReason.SPI_RANGE, "plugin " + d.id() + " " + d.version()
          + " from " + source
          + " supports SPI " + range + " but this host has SPI " + SpiVersion.CURRENT
          + "; install a build of the plugin for SPI " + SpiVersion.CURRENT.major() + ".x");
    }
    return null;
  }

  private void start(Candidate candidate, PluginDescriptor descriptor, PluginGuard guard,
      PluginConfig pluginConfig, boolean storesOnByDefault) {
    String id = descriptor.id();
    StoreScope stores = new StoreScope(id, storesOnByDefault, host.storeMetadata().orElse(null),
        pluginConfig, config -> guard.callUnguarded((a, b) -> {
          candidate.plugin().validate(config);
          return null;
        }), new StoreScope.Listener() {
          @Override
          public void changed(String store) {
            storeGeneration.incrementAndGet(); // the hooks' per-store caches re-check
          }

          @Override
          public void refused(String store, String message) {
            Counter.builder("venice.plugins.settings.errors")
                .description("Store plugin settings refused at run time; the last good stay")
                .tag("plugin", id).tag("store", store).register(registry).increment();
          }
        });
    Optional<ControllerHost> controllerHost = controllerHosts == null ? Optional.empty()
        : Optional.of(controllerHosts.apply(id));
    HostPluginContext context = new HostPluginContext(id, pluginConfig, registry, time, host,
        candidate.loader(), stores, controllerHost, controllerHost.map(ControllerHost::stateStore)
            .or(() -> Optional.ofNullable(stateStores).map(byId -> byId.apply(id))));
    CollectedExtensions extensions = new CollectedExtensions();
    List<Runnable> schedules = new ArrayList<>();
    try {
      guard.callUnguarded((a, b) -> {
        candidate.plugin().start(context, extensions);
        for (BackgroundTask task : extensions.backgroundTasks) {
          String hookName = "task." + task.name();
          long delay = Math.max(1, task.interval().toMillis());
          schedules.add(() -> context.scheduler().scheduleWithFixedDelay(() -> guard.apply(
              hookName, task, null, (t, unused) -> {
                t.run();
                return null;
              }, null), delay, delay, TimeUnit.MILLISECONDS));
        }
        for (RpcService service : extensions.rpcServices) {
          String owner = rpcServiceOwners().get(service.name());
          if (owner != null) {
            throw new IllegalStateException("RPC service " + service.name()
                + " is already served by plugin " + owner);
          }
        }
        return null;
      });
    } catch (Exception | LinkageError | AssertionError e) {
      guard.apply("stop", candidate.plugin(), null, (plugin, unused) -> {
        plugin.stop();
        return null;
      }, null);
      try {
        context.close();
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
      }
      fail(id, descriptor, candidate.source(), RefusalReason.START,
          "plugin " + id + " " + descriptor.version()
          + " from " + candidate.source() + ": start threw " + e);
      LOG.error("plugin {}: start failed", id, e);
      return;
    }
    PluginInfo info = info(descriptor, PluginState.STARTED, candidate.source(), "");
    rows.put(id, info);
    started.add(new Started(candidate.plugin(), guard, context, extensions, info, stores));
    schedules.forEach(Runnable::run);
    LOG.info("plugin {} {} started from {}", id, descriptor.version(), candidate.source());
  }

  private void assembleHooks() {
    readHooks = new ReadHooks(hooks(e -> e.readHooks));
    requestHooks = new RequestHooks(hooks(e -> e.requestHooks));
    ingestionHooks = new IngestionHooks(hooks(e -> e.ingestionHooks));
    adminMutationHooks = new AdminMutationHooks(hooks(e -> e.adminMutationHooks));
    lifecycleHooks = new LifecycleHooks(hooks(e -> e.lifecycleHooks));
    daVinciHooks = new DaVinciHooks(hooks(e -> e.daVinciHooks));
    securityHooks = new SecurityHooks(hooks(e -> e.authorizers),
        hooks(e -> e.tokenAuthenticators), hooks(e -> e.accessDenialListeners));
    Map<String, List<Guarded<dev.venice.spi.http.PluginHttpEndpoint>>> byPlugin =
        new LinkedHashMap<>();
    List<StoreClientDecorator> store = new ArrayList<>();
    List<ReplicaDispatchDecorator> replica = new ArrayList<>();
    for (Started s : started) {
      byPlugin.put(s.info().id(), s.extensions().httpEndpoints.stream()
          .map(endpoint -> new Guarded<>(s.guard(), endpoint, s.stores())).toList());
      s.extensions().storeDecorators.forEach(d -> GuardedDecorators.store(s.guard(), d,
          s.stores()).ifPresent(store::add));
      s.extensions().replicaDecorators.forEach(d -> GuardedDecorators.replica(s.guard(), d,
          s.stores()).ifPresent(replica::add));
    }
    endpoints = new PluginEndpoints(byPlugin);
    decorators = DecoratorStack.inDefaultOrder(store, replica);
  }

  private <H> Hooks<H> hooks(Function<CollectedExtensions, List<H>> hookKind) {
    List<Guarded<H>> list = new ArrayList<>();
    for (Started s : started) {
      hookKind.apply(s.extensions()).forEach(hook -> list.add(new Guarded<>(s.guard(), hook,
          s.stores())));
    }
    return new Hooks<>(list, storeGeneration);
  }

  private Map<String, Map<String, String>> configById() {
    Map<String, Map<String, String>> byId = new TreeMap<>();
    config.forEach((key, value) -> {
      if (key.startsWith(CONFIG_PREFIX)) {
        String rest = key.substring(CONFIG_PREFIX.length());
        int dot = rest.indexOf('.');
        String id = dot < 0 ? rest : rest.substring(0, dot);
        byId.computeIfAbsent(id, k -> new TreeMap<>()).put(dot < 0 ? "" : rest.substring(dot + 1),
            value);
      }
    });
    return byId;
  }

  private static PluginInfo info(PluginDescriptor d, PluginState state, String source,
      String message) {
    return new PluginInfo(d.id(), d.version(), d.spiVersionRange(), d.description(), state, source,
        message, null, kinds(d), Map.of(), List.of());
  }

  private static List<String> kinds(PluginDescriptor d) {
    return d.processKinds().stream().map(ProcessKind::id).sorted().toList();
  }

  private void fail(String id, PluginDescriptor d, String source, RefusalReason reason,
      String message) {
    record(new PluginInfo(id, d.version(), d.spiVersionRange(), d.description(),
        PluginState.FAILED, source, message, reason, kinds(d), Map.of(), List.of()));
  }

  private void fail(String id, String version, String source, RefusalReason reason,
      String message) {
    record(new PluginInfo(id, version, "", "", PluginState.FAILED, source, message, reason,
        List.of(), Map.of(), List.of()));
  }

  private void record(PluginInfo row) {
    String key = rows.containsKey(row.id()) ? row.id() + "@" + row.source() : row.id();
    rows.put(key, row);
    Counter.builder("venice.plugins.failures")
        .description("Plugins refused or failed at load or start; the host runs without them")
        .tag("plugin", row.id()).tag("reason", row.reason().tag()).register(registry).increment();
    LOG.error("plugin {} refused ({}): {}", row.id(), row.reason().tag(), row.message());
  }

  private static String codeSource(Class<?> type) {
    CodeSource source = type.getProtectionDomain().getCodeSource();
    return source == null ? "class path" : "class path: " + source.getLocation().getPath();
  }

  /** Configures a {@link PluginManager}. */
  public static final class Builder {
    private final HostServices host;
    private Map<String, String> config = Map.of();
    private Path pluginDirectory;
    private ClassLoader classPath;
    private MeterRegistry registry = new SimpleMeterRegistry();
    private TimeSource time = TimeSource.SYSTEM;
    private Function<String, ControllerHost> controllerHosts;
    private Function<String, PluginStateStore> stateStores;

    private Builder(HostServices host) {
      this.host = Objects.requireNonNull(host, "host");
    }

    /** The process configuration; only {@code plugins.*} keys are read. */
    public Builder config(Map<String, String> processConfig) {
      this.config = Map.copyOf(processConfig);
      return this;
    }

    /**
     * The process's validated configuration: its {@code plugins.*} keys, and plugins loaded from
     * {@link #PLUGIN_DIR} where that is set.
     */
    public Builder processConfig(ProcessConfig process) {
      config(process.raw());
      String directory = process.get(PLUGIN_DIR);
      return directory == null ? this : pluginDirectory(Path.of(directory));
    }

    /** Loads plugins from {@code directory/<id>/*.jar}, each in its own class loader. */
    public Builder pluginDirectory(Path directory) {
      this.pluginDirectory = directory;
      return this;
    }

    /** Also discovers plugins visible to {@code loader} (the application class path). */
    public Builder classPath(ClassLoader loader) {
      this.classPath = loader;
      return this;
    }

    /** The registry plugins and plugin-loading metrics use. */
    public Builder meterRegistry(MeterRegistry meterRegistry) {
      this.registry = Objects.requireNonNull(meterRegistry, "meterRegistry");
      return this;
    }

    /** The time source handed to plugins. */
    public Builder timeSource(TimeSource timeSource) {
      this.time = Objects.requireNonNull(timeSource, "timeSource");
      return this;
    }

    /**
     * On a controller: each plugin's {@link ControllerHost}, by plugin id (its leadership view and
     * its own state store); other processes have none.
     */
    public Builder controllerHosts(Function<String, ControllerHost> byPluginId) {
      this.controllerHosts = Objects.requireNonNull(byPluginId, "byPluginId");
      return this;
    }

    /**
     * On a server or router: each plugin's own state store in ZooKeeper, by plugin id ({@code
     * PluginContext.stateStore()}); a controller's comes with its {@link #controllerHosts}.
     */
    public Builder stateStores(Function<String, PluginStateStore> byPluginId) {
      this.stateStores = Objects.requireNonNull(byPluginId, "byPluginId");
      return this;
    }

    /** Builds the manager; call {@link PluginManager#start()} next. */
    public PluginManager build() {
      return new PluginManager(this);
    }
  }
}
