package dev.venice.runtime.router;

import dev.venice.runtime.common.admin.AdminErrorType;
import dev.venice.runtime.common.admin.AdminHttpException;
import dev.venice.runtime.common.admin.AdminHttpServer;
import dev.venice.runtime.common.admin.AdminRequest;
import dev.venice.runtime.common.admin.AdminResponse;
import dev.venice.runtime.common.config.ProcessConfig;
import dev.venice.runtime.common.meta.RoutingMetadata;
import dev.venice.runtime.common.meta.Store;
import dev.venice.runtime.common.meta.TopicNames;
import dev.venice.runtime.common.meta.Version;
import dev.venice.runtime.common.metrics.ProcessMetrics;
import dev.venice.runtime.common.plugin.BasicHostServices;
import dev.venice.runtime.common.plugin.PluginManager;
import dev.venice.runtime.common.process.ProcessHost;
import dev.venice.runtime.common.process.RunningProcess;
import dev.venice.runtime.common.security.Tls;
import dev.venice.runtime.metadata.RoutingTable;
import dev.venice.runtime.metadata.ZkClusterView;
import dev.venice.runtime.metadata.ZkPluginStateStore;
import dev.venice.runtime.metadata.ZkStoreRepository;
import dev.venice.runtime.metadata.ZooKeeperConnections;
import dev.venice.runtime.protocol.AccessInterceptor;
import dev.venice.runtime.protocol.GrpcServers;
import dev.venice.runtime.protocol.GrpcTls;
import dev.venice.runtime.protocol.PluginRpcServices;
import dev.venice.runtime.protocol.VeniceReadGrpc;
import dev.venice.runtime.protocol.RequestHookInterceptor;
import dev.venice.spi.client.Replica;
import dev.venice.spi.host.ClusterMember;
import dev.venice.spi.plugin.ProcessKind;
import dev.venice.spi.plugin.Readiness;
import dev.venice.spi.plugin.ServingState;
import io.grpc.Server;
import io.grpc.util.MutableHandlerRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.helix.zookeeper.impl.client.ZkClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One router process: thin clients read through its gRPC port (found with {@code GET /discover}
 * on the admin port); fast clients fetch routing metadata from {@code GET /metadata/<store>},
 * and every client a {@code ZSTD_WITH_DICT} version's dictionary from {@code GET
 * /dictionary/<store>/<version>}.
 * The admin port also serves {@code
 * /health}, {@code /metrics} (per-store latency p50/p99/p999 and request counts) and {@code
 * /plugins}.
 */
public final class VeniceRouter implements RunningProcess {
  private static final Logger LOG = LoggerFactory.getLogger(VeniceRouter.class);

  private final String cluster;
  private final ProcessHost host;
  private final ServerChannels channels;
  /** Forwards the partitions of one batch get in parallel. */
  private final ExecutorService forwarders = Executors.newFixedThreadPool(8, runnable -> {
    Thread thread = new Thread(runnable, "router-forward");
    thread.setDaemon(true);
    return thread;
  });
  private final ZkStoreRepository stores;
  private final RoutingTable routing;
  private final ZkClusterView clusterView;
  private final String instanceId;
  private final int grpcPort;
  private final AdminHttpServer admin;

  private VeniceRouter(ProcessConfig config) throws Exception {
    this.cluster = config.get(RouterConfig.CLUSTER_NAME);
    this.host = new ProcessHost(ProcessKind.ROUTER, config, new ProcessMetrics());
    Tls tls = host.tls().orElse(null);
    this.channels = new ServerChannels(tls);
    PrometheusMeterRegistry registry = host.metrics().registry();
    String zkAddress = config.get(RouterConfig.ZOOKEEPER_ADDRESS);
    String hostName = config.get(RouterConfig.HOST);
    Duration sessionTimeout = config.get(RouterConfig.ZOOKEEPER_SESSION_TIMEOUT);
    host.closeAfterPlugins("forwarding threads", forwarders, forwarders::shutdownNow);
    host.closeAfterPlugins("server channels", channels, channels::close);
    try {
      ZkClient zk = ZooKeeperConnections.metadataClient(zkAddress, sessionTimeout);
      host.closeAfterPlugins("ZooKeeper client", zk, zk::close);
      this.stores = new ZkStoreRepository(zk, cluster);
      // The instance id is host_port of the gRPC port (as a server's), so bind it first; the read
      // service is registered once the plugins its hooks come from have started.
      MutableHandlerRegistry services = new MutableHandlerRegistry();
      Server grpc = GrpcServers.start(hostName, config.get(RouterConfig.GRPC_PORT), services,
          GrpcTls.server(tls));
      host.closeBeforePlugins("gRPC server", grpc, () -> GrpcServers.stop(grpc));
      this.grpcPort = grpc.getPort();
      this.instanceId = hostName + "_" + grpcPort;
      this.routing = new RoutingTable(cluster, "router_" + instanceId + "_"
          + ProcessHandle.current().pid() + "_" + System.nanoTime(), zkAddress, sessionTimeout);
      host.closeAfterPlugins("routing table", routing, routing::close);
      this.clusterView = new ZkClusterView(zk, cluster, routing,
          config.get(RouterConfig.CLUSTER_VIEW_MAX_PARALLEL_CALLS), tls);
      host.closeAfterPlugins("cluster view", clusterView, clusterView::close);
      PluginManager plugins = host.startPlugins(new BasicHostServices(ProcessKind.ROUTER.id(),
          instanceId, cluster, stores.asStoreMetadataService(), routing.asRoutingService(), null,
          clusterView, kafkaClientConfig(config)), VeniceRouter.class.getClassLoader(),
          pluginId -> new ZkPluginStateStore(zk, cluster, pluginId));
      services.addService(RequestHookInterceptor.intercept(new RouterReadService(stores, routing,
          channels, plugins::readHooks, registry, forwarders), plugins.requestHooks().opener(),
          AccessInterceptor.forReads(tls, plugins::securityHooks, "router", registry)));
      PluginRpcServices.addTo(services, plugins.rpcServices(),
          Set.of(VeniceReadGrpc.SERVICE_NAME), AccessInterceptor.forPluginServices(tls,
              plugins::securityHooks, cluster, "router", registry));
      this.admin = host.serveAdmin(() -> Readiness.READY, null, routes -> routes
          .route("GET", "/metadata/{store}", this::metadata)
          .route("GET", "/dictionary/{store}/{version}", this::dictionary)
          .route("GET", "/discover", request -> AdminResponse.ok(Map.of(
              "cluster", cluster, "grpc", hostName + ":" + grpcPort))));
      host.ready(clusterView, new ClusterMember(instanceId, ProcessKind.ROUTER, admin.url(),
          hostName + ":" + grpcPort));
      // its routing table (Helix's external and customized views) and store metadata are loaded
      host.lifecycle().moveTo(ServingState.READY, "");
    } catch (Exception | Error e) {
      host.close();
      throw e;
    }
    LOG.info("router of cluster {}: gRPC port {}, admin {}", cluster, grpcPort, admin.url());
  }

  /** Starts a router with the settings of {@link RouterConfig}. */
  public static VeniceRouter start(Map<String, String> config) throws Exception {
    return new VeniceRouter(RouterConfig.parse(config));
  }

  /** The gRPC port thin clients connect to. */
  public int grpcPort() {
    return grpcPort;
  }

  /** This router's instance id, {@code host_grpcPort}. */
  public String instanceId() {
    return instanceId;
  }

  /** This router's view of the cluster (what its plugins get as {@code cluster()}). */
  public ZkClusterView clusterView() {
    return clusterView;
  }

  /** The plugins of this router. */
  public PluginManager plugins() {
    return host.plugins();
  }

  /** The admin URL (routing metadata for fast clients). */
  public String adminUrl() {
    return admin.url();
  }

  private AdminResponse metadata(AdminRequest request) {
    String name = request.pathParameter("store");
    return AdminResponse.ok(routingMetadata(name).orElseThrow(() -> new AdminHttpException(
        AdminErrorType.STORE_NOT_FOUND, "store " + name
            + " does not exist or has no current version")));
  }

  /**
   * {@code GET /dictionary/{store}/{version}} (Venice's route): a {@code ZSTD_WITH_DICT}
   * version's compression dictionary as raw bytes ({@code application/octet-stream}), which
   * clients fetch once per version to decompress its values; 404 when the store, the version or
   * its dictionary does not exist, 400 for a version that is not a whole number from 1.
   */
  private AdminResponse dictionary(AdminRequest request) {
    String name = request.pathParameter("store");
    String number = request.pathParameter("version");
    int version;
    try {
      version = Integer.parseInt(number);
    } catch (NumberFormatException e) {
      version = 0;
    }
    if (version < 1) {
      throw AdminHttpException.badRequest("version '" + number + "' is not a version number"
          + " (a whole number from 1)");
    }
    int asked = version;
    return stores.dictionary(name, version)
        .map(d -> new AdminResponse(200, "application/octet-stream", d.bytes(), Map.of()))
        .orElseThrow(() -> new AdminHttpException(AdminErrorType.NOT_FOUND, "store " + name
            + " version " + asked + " has no compression dictionary (not a ZSTD_WITH_DICT"
            + " version, or no such store or version)"));
  }

  /** Routing metadata of a store's current version. */
  Optional<RoutingMetadata> routingMetadata(String name) {
    Optional<Store> found = stores.store(name);
    if (found.isEmpty() || found.get().currentVersion() == 0) {
      return Optional.empty();
    }
    Store store = found.get();
    Version version = store.version(store.currentVersion()).orElseThrow();
    String topic = TopicNames.versionTopic(name, version.number());
    List<List<Replica>> replicas = new ArrayList<>();
    for (int p = 0; p < version.partitionCount(); p++) {
      replicas.add(routing.readyReplicas(topic, p));
    }
    return Optional.of(new RoutingMetadata(name, version.number(), version.partitionCount(),
        version.compressionStrategy(), store.keySchema(), stores.valueSchemas(name), replicas,
        store.pluginSettings()));
  }

  @Override
  public CompletableFuture<Void> stopped() {
    return host.stopped();
  }

  /** Stops the router in the sequence of {@link ProcessHost#close}. */
  @Override
  public void close() {
    host.close();
  }

  /** What plugins get as their Kafka client configuration: the cluster's Kafka, when given. */
  private static Map<String, String> kafkaClientConfig(ProcessConfig config) {
    String kafka = config.get(RouterConfig.KAFKA_BOOTSTRAP_SERVERS);
    return kafka == null || kafka.isBlank() ? Map.of() : Map.of("bootstrap.servers", kafka);
  }
}
