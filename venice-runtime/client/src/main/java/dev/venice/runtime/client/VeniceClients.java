package dev.venice.runtime.client;

import dev.venice.runtime.common.meta.RoutingMetadata;
import dev.venice.runtime.common.plugin.BasicHostServices;
import dev.venice.runtime.common.plugin.PluginManager;
import dev.venice.runtime.common.security.Tls;
import dev.venice.runtime.common.security.TlsSettings;
import dev.venice.runtime.protocol.ChannelPool;
import dev.venice.spi.client.DecoratorStack;
import dev.venice.spi.client.ExtraLoadBudget;
import dev.venice.spi.client.ForwardingStoreClient;
import dev.venice.spi.client.ReplicaDispatchDecorator;
import dev.venice.spi.client.StoreClient;
import dev.venice.spi.client.StoreClientDecorator;
import dev.venice.spi.host.StoreInfo;
import dev.venice.spi.host.StoreMetadataService;
import dev.venice.spi.host.Subscription;
import dev.venice.spi.plugin.TimeSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Builds store clients.
 *
 * <pre>{@code
 * StoreClient<String, GenericRecord> users = VeniceClients.builder(routerUrl, "users")
 *     .decorate(myRateLimiter)          // explicit decorators, outermost first
 *     .pluginConfig(Map.of("plugins.hedging.enabled", "true"))  // plus configured ones
 *     .fast();
 * GenericRecord alice = users.get("alice").join();
 * }</pre>
 *
 * <p>Decorators added with {@link Builder#decorate} run in the order added, outside any decorator
 * switched on by {@link Builder#pluginConfig} (those are found with {@code ServiceLoader} on the
 * class path and stacked in their default order). Per-store plugin settings come with the store's
 * routing metadata and reach the plugins, without a restart, on the next metadata refresh.
 */
public final class VeniceClients {
  private VeniceClients() {}

  /**
   * A builder of clients of {@code store}, reading through (thin) or routing metadata from (fast)
   * the router whose admin URL is {@code routerUrl}.
   */
  public static Builder builder(String routerUrl, String store) {
    return new Builder(List.of(routerUrl), store);
  }

  /**
   * A builder of clients of {@code store} that know several routers: metadata comes from the first
   * that answers, and a thin client moves to the next router when one is unavailable.
   */
  public static Builder builder(List<String> routerUrls, String store) {
    return new Builder(routerUrls, store);
  }

  /** Configures and builds one client. */
  public static final class Builder {
    private final List<String> routerUrls;
    private final String store;
    /** The decorators stacked by hand, outermost first (those switched on by plugins go inside). */
    private final DecoratorStack.Builder explicit = DecoratorStack.builder();
    private Map<String, String> pluginConfig = Map.of();
    private Duration requestTimeout = Duration.ofSeconds(10);
    private Duration metadataRefresh = Duration.ofSeconds(5);
    private MeterRegistry registry = new SimpleMeterRegistry();
    private double extraLoadBudget = 0.1;
    private Duration extraLoadWindow = Duration.ofSeconds(10);
    private int extraLoadReserveKeys = 10;
    private Duration extraLoadMinDelay = Duration.ofMillis(1);
    private Path metadataWarmupFile;
    private Duration metadataWarmupMaxAge = Duration.ofMinutes(5);
    private Tls tls;
    private String bearerToken;

    private Builder(List<String> routerUrls, String store) {
      this.routerUrls = List.copyOf(routerUrls);
      this.store = Objects.requireNonNull(store, "store");
    }

    /** Adds a store-level decorator inside those added before it. */
    public Builder decorate(StoreClientDecorator decorator) {
      explicit.decorate(decorator);
      return this;
    }

    /** Adds a replica-level decorator (fast client only) inside those added before it. */
    public Builder decorate(ReplicaDispatchDecorator decorator) {
      explicit.decorate(decorator);
      return this;
    }

    /**
     * Plugin configuration: {@code plugins.<id>.enabled=true} switches on a decorator plugin found
     * on the class path, {@code plugins.<id>.<key>} tunes it.
     */
    public Builder pluginConfig(Map<String, String> config) {
      this.pluginConfig = Map.copyOf(config);
      return this;
    }

    /** How long one request may take; default 10 s. */
    public Builder requestTimeout(Duration timeout) {
      this.requestTimeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /** How often the fast client refreshes routing metadata; default 5 s. */
    public Builder metadataRefresh(Duration interval) {
      this.metadataRefresh = Objects.requireNonNull(interval, "interval");
      return this;
    }

    /**
     * The store's extra-load budget (fast client): hedges and long-tail retries together may add at
     * most this fraction of the keys the client sends (0 to 1; default 0.1, Venice's retry budget
     * of 10%, here counted in keys so a hedged 400-key batch costs 400).
     */
    public Builder extraLoadBudget(double fractionOfKeys) {
      this.extraLoadBudget = fractionOfKeys;
      return this;
    }

    /** How far back the extra-load budget counts keys; default 10 s, at least 10 ms. */
    public Builder extraLoadWindow(Duration window) {
      this.extraLoadWindow = Objects.requireNonNull(window, "window");
      return this;
    }

    /**
     * Extra keys allowed per window beyond the fraction, so a quiet store can still hedge; default
     * 10 keys.
     */
    public Builder extraLoadReserveKeys(int keys) {
      this.extraLoadReserveKeys = keys;
      return this;
    }

    /**
     * The shortest delay before any hedge or retry, whatever a plugin is configured with; default
     * 1 ms (Venice's single-get long-tail retry threshold).
     */
    public Builder extraLoadMinDelay(Duration floor) {
      this.extraLoadMinDelay = Objects.requireNonNull(floor, "floor");
      return this;
    }

    /**
     * Switches on metadata warm-up (fast client only; off by default): the client keeps its
     * routing metadata (partition to replicas, schemas, store settings) in {@code file}, rewritten
     * atomically on its refresher thread after each refresh that changes it and on close. On the
     * next start, if the file holds this store's metadata and is at most
     * {@link #metadataWarmupMaxAge max-age} old, the client is built from it at once, without
     * asking a router, and refreshes in the background; otherwise it blocks on a fetch as without
     * warm-up (a stale file is never served, even when the routers are unreachable). An unusable
     * file is ignored with one warning; a failed write is a rate-limited warning and never fails
     * a read. Use one file per store and cluster. Format: {@code docs/metadata-warmup.md}.
     *
     * @param file the warm-up file; its directory is created when missing
     */
    public Builder metadataWarmup(Path file) {
      this.metadataWarmupFile = Objects.requireNonNull(file, "file");
      return this;
    }

    /**
     * How old the warm-up file's metadata may be (since a router last confirmed it) for the client
     * to start from it; default 5 minutes.
     *
     * @throws IllegalArgumentException naming the store when {@code maxAge} is not positive
     */
    public Builder metadataWarmupMaxAge(Duration maxAge) {
      this.metadataWarmupMaxAge = MetadataWarmup.checkMaxAge(store, maxAge);
      return this;
    }

    /**
     * Calls routers and servers over TLS (a cluster with {@code ssl.enabled}): trusting the
     * authorities in {@code settings}' trust store and, when it names a key store, presenting that
     * certificate (mutual TLS; its subject's CN is the client's principal). Default: plaintext.
     *
     * @throws dev.venice.spi.config.ConfigException naming the file when a store cannot be loaded
     */
    public Builder tls(TlsSettings settings) {
      this.tls = Tls.load(Objects.requireNonNull(settings, "settings"));
      return this;
    }

    /**
     * Authenticates with a bearer token (RFC 6750) instead of a client certificate: sent as {@code
     * authorization: Bearer <token>} on every router and server call, for the cluster's token
     * authenticator plugin (e.g. {@code jwt-authenticator}) to verify. Needs {@link #tls}: a token
     * never travels in clear.
     */
    public Builder bearerToken(String token) {
      this.bearerToken = Objects.requireNonNull(token, "token");
      return this;
    }

    /** The registry decorator plugins record metrics in. */
    public Builder meterRegistry(MeterRegistry meterRegistry) {
      this.registry = Objects.requireNonNull(meterRegistry, "meterRegistry");
      return this;
    }

    /** A thin client: every request goes through the router. */
    public <K, V> StoreClient<K, V> thin() {
      Resources resources = new Resources(this, false);
      try {
        StoreClient<K, V> client = new ThinClient<>(store, resources.router, resources.channels,
            requestTimeout);
        resources.metadata.accept(resources.router.metadata(store));
        return resources.wrap(client);
      } catch (RuntimeException e) {
        resources.close();
        throw e;
      }
    }

    /** A fast client: requests go straight to replicas, through the replica-level decorators. */
    public <K, V> StoreClient<K, V> fast() {
      Resources resources = new Resources(this, true);
      try {
        MetadataWarmup warmup = metadataWarmupFile == null ? null : new MetadataWarmup(store,
            metadataWarmupFile, metadataWarmupMaxAge, TimeSource.SYSTEM, registry);
        StoreClient<K, V> client = new FastClient<>(store, resources.router,
            next -> resources.stack.decorateDispatcher(next, store), resources.channels,
            requestTimeout, resources.refresher, metadataRefresh, resources.metadata,
            resources.extraLoad, warmup);
        return resources.wrap(client);
      } catch (RuntimeException e) {
        resources.close();
        throw e;
      }
    }
  }

  /** What one client owns: channels, the refresher thread, its plugins. */
  private static final class Resources implements AutoCloseable {
    final RouterMetadataClient router;
    final ChannelPool channels;
    final ScheduledExecutorService refresher;
    /** The fast client's extra-load budget; {@code null} for a thin client. */
    final StoreExtraLoadBudget extraLoad;
    final PluginManager plugins;
    final DecoratorStack stack;
    final List<Consumer<StoreInfo>> listeners = new CopyOnWriteArrayList<>();
    volatile StoreInfo info;
    final Consumer<RoutingMetadata> metadata = this::onMetadata;

    Resources(Builder b, boolean fast) {
      // first: a bad setting fails the build before any thread or channel exists
      this.extraLoad = fast ? new StoreExtraLoadBudget(b.store, b.extraLoadBudget,
          b.extraLoadWindow, b.extraLoadReserveKeys, b.extraLoadMinDelay, TimeSource.SYSTEM,
          b.registry) : null;
      this.channels = new ChannelPool(b.tls, b.bearerToken); // first: refuses a token in clear
      this.router = new RouterMetadataClient(b.routerUrls, b.tls, b.bearerToken);
      this.refresher = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "venice-client-" + b.store);
        t.setDaemon(true);
        return t;
      });
      Function<String, Optional<ExtraLoadBudget>> budgets = fast
          ? s -> s.equals(b.store) ? Optional.of(extraLoad.activate()) : Optional.empty()
          : s -> Optional.empty();
      this.plugins = PluginManager.builder(new BasicHostServices("client", "client-" + b.store,
              "", storeMetadata(), null, null, null, Map.of(), budgets))
          .config(b.pluginConfig).classPath(Thread.currentThread().getContextClassLoader())
          .meterRegistry(b.registry).build().start();
      DecoratorStack explicit = b.explicit.build();
      DecoratorStack configured = plugins.decorators();
      DecoratorStack.Builder stacked = DecoratorStack.builder();
      explicit.storeDecorators().forEach(stacked::decorate);
      configured.storeDecorators().forEach(stacked::decorate);
      if (fast) { // a thin client has no replica dispatch
        explicit.replicaDecorators().forEach(stacked::decorate);
        configured.replicaDecorators().forEach(stacked::decorate);
      }
      this.stack = stacked.build();
    }

    private void onMetadata(RoutingMetadata m) {
      StoreInfo updated = new StoreInfo(m.store(), m.currentVersion(), m.partitionCount(),
          m.replicas().isEmpty() ? 0 : m.replicas().get(0).size(), m.compressionStrategy().name(),
          false, m.pluginSettings());
      StoreInfo previous = info;
      info = updated;
      if (previous != null && !previous.pluginSettings().equals(updated.pluginSettings())) {
        listeners.forEach(l -> l.accept(updated));
      }
    }

    private StoreMetadataService storeMetadata() {
      return new StoreMetadataService() {
        @Override
        public List<String> storeNames() {
          StoreInfo current = info;
          return current == null ? List.of() : List.of(current.name());
        }

        @Override
        public Optional<StoreInfo> store(String name) {
          StoreInfo current = info;
          return current != null && current.name().equals(name) ? Optional.of(current)
              : Optional.empty();
        }

        @Override
        public Subscription addListener(Consumer<StoreInfo> listener) {
          listeners.add(listener);
          return () -> listeners.remove(listener);
        }
      };
    }

    <K, V> StoreClient<K, V> wrap(StoreClient<K, V> client) {
      return new ForwardingStoreClient<>(stack.decorateClient(client)) {
        @Override
        public void close() {
          super.close();
          Resources.this.close();
        }
      };
    }

    @Override
    public void close() {
      refresher.shutdownNow();
      channels.close();
      plugins.close();
    }
  }
}
