package dev.venice.runtime.common.process;

import dev.venice.runtime.common.admin.AdminHttpServer;
import dev.venice.runtime.common.config.ProcessConfig;
import dev.venice.runtime.common.config.ProcessKeys;
import dev.venice.runtime.common.metrics.ProcessMetrics;
import dev.venice.runtime.common.plugin.PluginManager;
import dev.venice.runtime.common.security.Tls;
import dev.venice.runtime.common.security.TlsSettings;
import dev.venice.spi.config.ConfigException;
import dev.venice.spi.controller.ControllerHost;
import dev.venice.spi.controller.PluginStateStore;
import dev.venice.spi.host.ClusterMember;
import dev.venice.spi.host.HostServices;
import dev.venice.spi.host.ServingStateMachine;
import dev.venice.spi.plugin.ProcessKind;
import dev.venice.spi.plugin.Readiness;
import dev.venice.spi.plugin.ServingState;
import java.nio.channels.ServerSocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one start and stop sequence of every Venice process (controller, server, router), so that
 * plugins see the same lifecycle everywhere:
 *
 * <ol>
 *   <li>{@link #startPlugins}: plugins are found, checked and started (the process's own parts
 *       that plugins need, such as its ZooKeeper client, were opened before);
 *   <li>{@link #serveAdmin}: the admin HTTP server starts with the process's routes and the
 *       plugins' endpoints, then the plugins' {@code onStart};
 *   <li>the process starts what it runs (joins Helix, elects a leader); each part it opens, at
 *       any step, is registered with {@link #closeBeforePlugins} or {@link #closeAfterPlugins};
 *   <li>{@link #ready}: the process announces itself (cluster view), then the plugins' {@code
 *       onReady}; it moves its {@link #lifecycle() serving state} to {@code READY} when its own
 *       condition holds (a server: a replica caught up).
 * </ol>
 *
 * <p>{@link #close} runs it backwards. First the drain: the state moves to {@code DRAINING}
 * (readiness fails), the process's {@link #onDrain drain steps} run (a server withdraws from
 * routing) and the plugins' {@code onDrain} (the graceful-drain plugin waits there for the reads in
 * flight). Then the state moves to {@code STOPPING} (liveness fails), the process leaves the
 * cluster view, and the rest stops: the parts that call into plugins, the admin server, the
 * plugins' {@code onStop} and stop, the parts plugins use, and the metrics. A step that fails is
 * logged and the next one runs. A process that fails to start calls {@link #close} too, which
 * undoes only what was done: plugins hear {@code onDrain} only after {@code onReady} and {@code
 * onStop} only after {@code onStart}.
 *
 * <p>A process drives its start from one thread. {@link #close} may come from any thread (a
 * plugin's {@code requestStop}, the JVM's shutdown hook, the owner), once: a second caller waits
 * until the first finished.
 */
public final class ProcessHost implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ProcessHost.class);

  /** A part of the process closed on stop; may throw. */
  @FunctionalInterface
  public interface Part {
    /** Closes the part. */
    void close() throws Exception;
  }

  private record Named(String name, Part part) {}

  private final ProcessKind kind;
  private final ProcessConfig config;
  private final ProcessMetrics metrics;
  private final Tls tls;
  private final List<Named> beforePluginsStop = new ArrayList<>();
  private final List<Named> afterPluginsStop = new ArrayList<>();
  private PluginManager plugins;
  private AdminHttpServer admin;
  private final List<Named> drainSteps = new ArrayList<>();
  private final ServingStateMachine lifecycle;
  private final CompletableFuture<Void> stopped = new CompletableFuture<>();
  private Runnable withdraw = () -> {};
  private boolean pluginsToldStart;
  private boolean pluginsToldReady;
  private boolean closed;
  /** Guards {@link #started} and {@link #stopRequested} (not {@code this}: close holds that). */
  private final Object startLock = new Object();
  private boolean started;
  private boolean stopRequested;

  /**
   * @param kind the process kind (names its plugins' kind and its admin server)
   * @param config the process's validated configuration ({@link ProcessKeys} and its own keys)
   * @param metrics the process's meters, closed last
   * @throws dev.venice.spi.config.ConfigException when {@code ssl.enabled} and the key or trust
   *     store cannot be loaded (the message names the key and the file)
   */
  public ProcessHost(ProcessKind kind, ProcessConfig config, ProcessMetrics metrics) {
    this.kind = Objects.requireNonNull(kind, "kind");
    this.config = Objects.requireNonNull(config, "config");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.tls = TlsSettings.of(config).map(Tls::load).orElse(null);
    this.lifecycle = new ServingStateMachine("starting", this::stopWhenStarted);
  }

  /**
   * The process's key material when {@code ssl.enabled}: its ports serve TLS and its calls to
   * other processes use it; empty when security is off.
   */
  public Optional<Tls> tls() {
    return Optional.ofNullable(tls);
  }

  /** The process's meters. */
  public ProcessMetrics metrics() {
    return metrics;
  }

  /**
   * Registers a part that calls into the plugins (a gRPC server, ingestion, a Helix participant,
   * a leader election): on stop it closes before the plugins stop, last registered first.
   *
   * @return {@code value}, so a part is registered where it is opened
   */
  public <T> T closeBeforePlugins(String name, T value, Part close) {
    beforePluginsStop.add(new Named(name, close));
    return value;
  }

  /**
   * Registers a part the plugins may use until they stop (a ZooKeeper client, the cluster view,
   * a routing table): on stop it closes after the plugins stop, last registered first.
   *
   * @return {@code value}, so a part is registered where it is opened
   */
  public <T> T closeAfterPlugins(String name, T value, Part close) {
    afterPluginsStop.add(new Named(name, close));
    return value;
  }

  /**
   * Step 1 on a server or router: finds, checks and starts the plugins meant for this kind of
   * process, from the class path and the {@code plugin.dir}; a bad plugin is refused and listed,
   * never fatal.
   *
   * @param services what the plugins may read (store metadata, routing, cluster view...)
   * @param classPath where class-path plugins are looked for
   * @param stateStores each plugin's own state in ZooKeeper, by plugin id
   * @return the started plugins
   * @throws ConfigException when {@code ssl.enabled} and {@code security.authorizer.required} but
   *     no plugin added an authorizer (the process must not start)
   */
  public PluginManager startPlugins(HostServices services, ClassLoader classPath,
      Function<String, PluginStateStore> stateStores) {
    return start(services, classPath, builder -> builder.stateStores(stateStores));
  }

  /**
   * Step 1 on a controller: as on a server, and each plugin gets its {@link ControllerHost} (with
   * its state store) from {@code controllerHosts} (by plugin id).
   */
  public PluginManager startControllerPlugins(HostServices services, ClassLoader classPath,
      Function<String, ControllerHost> controllerHosts) {
    return start(services, classPath, builder -> builder.controllerHosts(controllerHosts));
  }

  private PluginManager start(HostServices services, ClassLoader classPath,
      Consumer<PluginManager.Builder> kindSpecific) {
    if (plugins != null) {
      throw new IllegalStateException("plugins already started");
    }
    if (!services.processKind().equals(kind.id())) {
      throw new IllegalArgumentException("host services of a " + services.processKind()
          + " given to a " + kind.id());
    }
    PluginManager.Builder builder = PluginManager.builder(new WithLifecycle(services, lifecycle))
        .processConfig(config).classPath(classPath).meterRegistry(metrics.registry());
    kindSpecific.accept(builder);
    plugins = builder.build().start();
    // before the process serves anything: its read ports take calls once its services exist
    if (tls != null && config.get(TlsSettings.AUTHORIZER_REQUIRED)
        && !plugins.securityHooks().hasAuthorizer()) {
      throw new ConfigException(TlsSettings.AUTHORIZER_REQUIRED.name(), kind.id() + ": "
          + TlsSettings.SSL_ENABLED.name() + " is true but no plugin authorizes its callers"
          + " (switch one on, e.g. plugins.acl-authorizer.enabled=true; a refused plugin is in the"
          + " log above), or set " + TlsSettings.AUTHORIZER_REQUIRED.name() + "=false to allow"
          + " every authenticated caller");
    }
    return plugins;
  }

  /**
   * Step 2: starts the admin HTTP server on {@code host}:{@code admin.port} (or on {@code
   * channel}, when the process bound it first), with {@code routes} and the plugins' endpoints,
   * then calls the plugins' {@code onStart}.
   *
   * @param readiness the process's own vote for {@code /health}
   * @param channel an admin port the process bound already, or {@code null}
   * @param routes adds the process's own routes
   * @throws Exception when the admin server cannot start (the port is taken...)
   */
  public AdminHttpServer serveAdmin(Supplier<Readiness> readiness, ServerSocketChannel channel,
      Consumer<AdminHttpServer.Builder> routes) throws Exception {
    if (plugins == null || admin != null) {
      throw new IllegalStateException("serveAdmin comes once, after startPlugins");
    }

    AdminHttpServer.Builder builder = AdminHttpServer.builder(kind.id(), plugins,
            metrics.registry())
        .bindAddress(config.get(ProcessKeys.HOST)).port(config.get(ProcessKeys.ADMIN_PORT))
        .cluster(config.get(ProcessKeys.CLUSTER_NAME) == null ? ""
            : config.get(ProcessKeys.CLUSTER_NAME))
        .hostReadiness(() -> lifecycle.state().isReady() ? readiness.get()
            : Readiness.notReady(lifecycle.reason()));
    if (channel != null) {
      builder.channel(channel);
    }
    if (tls != null) {
      builder.tls(tls);
    }
    routes.accept(builder);
    admin = builder.start();
    pluginsToldStart = true;
    plugins.lifecycleHooks().onStart();
    return admin;
  }

  /**
   * Step 4: the process announces itself, then the plugins' {@code onReady}: it joins {@code
   * membership} as {@code self}. {@link #close} leaves {@code membership} when the drain is over,
   * so other processes stop calling it. The serving state stays where the process put it: it moves
   * it to {@code READY} itself ({@link #lifecycle()}).
   */
  public void ready(Membership membership, ClusterMember self) {
    if (admin == null) {
      throw new IllegalStateException("ready comes after serveAdmin");
    }
    this.withdraw = membership::deregister;
    membership.register(self);
    pluginsToldReady = true;
    plugins.lifecycleHooks().onReady();
    synchronized (startLock) {
      started = true;
      if (stopRequested) {
        stopOnItsOwnThread();
      }
    }
  }

  /** A requested stop: at once once started, else as soon as {@link #ready} has run. */
  private void stopWhenStarted() {
    synchronized (startLock) {
      if (started) {
        stopOnItsOwnThread();
      } else {
        stopRequested = true;
      }
    }
  }

  private void stopOnItsOwnThread() {
    Thread stop = new Thread(this::close, kind.id() + "-requested-stop");
    stop.setDaemon(false); // the stop finishes even if every other thread has ended
    stop.start();
  }

  /**
   * Registers what the process does when a drain starts, before the plugins' {@code onDrain}, in
   * registration order (a server withdraws from routing).
   */
  public void onDrain(String name, Part step) {
    drainSteps.add(new Named(name, step));
  }

  /**
   * The process's serving state machine: the process moves it ({@code moveTo(READY, "")} when its
   * condition holds, a reason while starting); plugins see it as {@code HostServices.lifecycle()}.
   */
  public ServingStateMachine lifecycle() {
    return lifecycle;
  }

  /** Completes when {@link #close} has finished, whoever called it. */
  public CompletableFuture<Void> stopped() {
    return stopped;
  }

  /** The plugins ({@code null} before {@link #startPlugins}). */
  public PluginManager plugins() {
    return plugins;
  }

  /**
   * Drains, then stops the process in the reverse order of its start; runs once (a concurrent
   * second call waits for the first).
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      stop();
    } finally {
      stopped.complete(null);
    }
  }

  private void stop() {
    lifecycle.moveTo(ServingState.DRAINING, "draining");
    drainSteps.forEach(s -> step(s.name(), s.part()));
    if (pluginsToldReady) {
      step("plugins' onDrain", () -> plugins.lifecycleHooks().onDrain());
    }
    lifecycle.moveTo(ServingState.STOPPING, "stopping");
    step("withdraw", withdraw::run);
    closeAll(beforePluginsStop);
    if (admin != null) {
      step("admin server", admin::close);
    }
    if (pluginsToldStart) {
      step("plugins' onStop", () -> plugins.lifecycleHooks().onStop());
    }
    if (plugins != null) {
      step("plugins", plugins::close);
    }
    closeAll(afterPluginsStop);
    step("metrics", metrics::close);
  }

  private static void closeAll(List<Named> parts) {
    for (int i = parts.size() - 1; i >= 0; i--) {
      step(parts.get(i).name(), parts.get(i).part());
    }
    parts.clear();
  }

  private static void step(String name, Part part) {
    try {
      part.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      LOG.warn("stopping {} was interrupted", name);
    } catch (Exception | LinkageError e) {
      LOG.warn("stopping {} failed; going on with the rest", name, e);
    }
  }
}
