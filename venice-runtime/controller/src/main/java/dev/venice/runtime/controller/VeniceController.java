package dev.venice.runtime.controller;

import dev.venice.runtime.common.admin.AdminHttpServer;
import dev.venice.runtime.common.config.ProcessConfig;
import dev.venice.runtime.common.metrics.ProcessMetrics;
import dev.venice.runtime.common.plugin.BasicHostServices;
import dev.venice.runtime.common.plugin.PluginManager;
import dev.venice.runtime.common.process.ProcessHost;
import dev.venice.runtime.common.process.RunningProcess;
import dev.venice.runtime.metadata.RoutingTable;
import dev.venice.runtime.metadata.ZkClusterView;
import dev.venice.runtime.metadata.ZkPluginStateStore;
import dev.venice.runtime.metadata.ZkStoreRepository;
import dev.venice.runtime.metadata.ZooKeeperConnections;
import dev.venice.runtime.protocol.AccessInterceptor;
import dev.venice.runtime.protocol.GrpcServers;
import dev.venice.runtime.protocol.GrpcTls;
import dev.venice.runtime.protocol.PluginRpcServices;
import dev.venice.spi.host.ClusterMember;
import dev.venice.spi.plugin.ProcessKind;
import dev.venice.spi.plugin.Readiness;
import dev.venice.spi.plugin.ServingState;
import dev.venice.spi.plugin.TimeSource;
import io.grpc.Server;
import io.grpc.util.MutableHandlerRegistry;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.helix.zookeeper.impl.client.ZkClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One controller process. Several may run for one cluster: Helix elects the leader, which alone
 * performs mutations and monitors pushes; the others answer reads and redirect mutations.
 */
public final class VeniceController implements RunningProcess {
  private static final Logger LOG = LoggerFactory.getLogger(VeniceController.class);
  /** How often the leader looks for repaired resources whose delay-off window ended. */
  private static final Duration DELAY_RESTORE_INTERVAL = Duration.ofSeconds(30);

  private final String cluster;
  private final ProcessHost host;
  private final ZkClient zk;
  private final ClusterResources resources;
  private final String instanceId;
  private final ZkClusterView clusterView;
  private final AdminHttpServer admin;
  private volatile LeaderElection election;

  private VeniceController(ProcessConfig config) throws Exception {
    this.cluster = config.get(ControllerConfig.CLUSTER_NAME);
    this.host = new ProcessHost(ProcessKind.CONTROLLER, config, new ProcessMetrics());
    PrometheusMeterRegistry registry = host.metrics().registry();
    String zkAddress = config.get(ControllerConfig.ZOOKEEPER_ADDRESS);
    Duration sessionTimeout = config.get(ControllerConfig.ZOOKEEPER_SESSION_TIMEOUT);
    String hostName = config.get(ControllerConfig.HOST);
    String kafka = config.get(ControllerConfig.KAFKA_BOOTSTRAP_SERVERS);
    try {
      this.zk = ZooKeeperConnections.metadataClient(zkAddress, sessionTimeout);
      host.closeAfterPlugins("ZooKeeper client", zk, zk::close);
      this.resources = new ClusterResources(cluster, zkAddress, kafka,
          config.get(ControllerConfig.KAFKA_REPLICATION_FACTOR));
      host.closeAfterPlugins("Helix and Kafka admin clients", resources, resources::close);
      // before our own znodes: Helix refuses an existing cluster path
      resources.setUpCluster(config.get(ControllerConfig.HELIX_REBALANCE_DELAY));
      MetadataRepository repo = new MetadataRepository(zk, cluster);
      // The admin port is bound first: the instance id (host_adminPort, also the controller's name
      // in Helix) must be known before the plugins start.
      ServerSocketChannel adminChannel = bind(hostName, config.get(ControllerConfig.ADMIN_PORT));
      host.closeAfterPlugins("admin port", adminChannel, adminChannel::close);
      int adminPort = ((InetSocketAddress) adminChannel.getLocalAddress()).getPort();
      this.instanceId = LeaderElection.instanceName(hostName, adminPort);
      RoutingTable routing = new RoutingTable(cluster, "controller-spectator_" + instanceId,
          zkAddress, sessionTimeout);
      host.closeAfterPlugins("routing table", routing, routing::close);
      this.clusterView = new ZkClusterView(zk, cluster, routing,
          config.get(ControllerConfig.CLUSTER_VIEW_MAX_PARALLEL_CALLS), host.tls().orElse(null));
      host.closeAfterPlugins("cluster view", clusterView, clusterView::close);
      // Plugins follow the leadership from the start; the election joins below, once the admin
      // API runs (a standby must be able to redirect as soon as it is a candidate).
      ControllerLeadership leadership = new ControllerLeadership(cluster, instanceId,
          TimeSource.SYSTEM);
      host.closeBeforePlugins("controller leadership", leadership, leadership::close);
      // the plugins' admin actions run through the store service, built once the plugins started
      PluginAdminActions.Binding actions = new PluginAdminActions.Binding();
      PluginManager plugins = host.startControllerPlugins(new BasicHostServices(
          ProcessKind.CONTROLLER.id(), instanceId, cluster,
          // watched like a server's or router's, so plugins see every controller's changes
          new ZkStoreRepository(zk, cluster).asStoreMetadataService(),
          routing.asRoutingService(), null, clusterView, Map.of("bootstrap.servers", kafka)),
          VeniceController.class.getClassLoader(),
          pluginId -> leadership.forPlugin(new ZkPluginStateStore(zk, cluster, pluginId),
              repo::versions, new PluginAdminActions(pluginId, actions, this::isLeader)));
      // gRPC only for the plugins' services (grpc-health): the admin API is HTTP
      MutableHandlerRegistry grpcServices = new MutableHandlerRegistry();
      PluginRpcServices.addTo(grpcServices, plugins.rpcServices(), Set.of(),
          AccessInterceptor.forPluginServices(host.tls().orElse(null), plugins::securityHooks,
              cluster, "controller", host.metrics().registry()));
      Server grpc = GrpcServers.start(hostName, config.get(ControllerConfig.GRPC_PORT),
          grpcServices, GrpcTls.server(host.tls().orElse(null)));
      host.closeBeforePlugins("gRPC server", grpc, () -> GrpcServers.stop(grpc));
      StoreService stores = new StoreService(cluster, repo, resources,
          plugins::adminMutationHooks, plugins::checkStoreSettings, TimeSource.SYSTEM,
          new StoreService.Settings(config.get(ControllerConfig.DEFAULT_PARTITION_COUNT),
              config.get(ControllerConfig.DEFAULT_REPLICATION_FACTOR),
              config.get(ControllerConfig.DEFAULT_VERSIONS_TO_PRESERVE)),
          config.get(ControllerConfig.PUSH_TIMEOUT),
          config.get(ControllerConfig.PUSH_MAX_SHRINK_FRACTION));
      ReplicaAssignments assignments = new ReplicaAssignments(cluster, resources.helixData(),
          TimeSource.SYSTEM);
      actions.bind(stores, assignments);
      this.admin = host.serveAdmin(this::readiness, adminChannel, routes -> new AdminRoutes(
          cluster, stores, assignments, () -> election, resources, kafka, zkAddress,
          clusterView::members)
          .mount(routes));
      LeaderElection elected = new LeaderElection(cluster, zkAddress, sessionTimeout, hostName,
          admin.port(), admin.secure() ? "https" : "http");
      // the plugins hear of the loss before the election ends: it is recorded before a successor
      // can gain (ControllerLeadership.close is idempotent, registered above for a failed start)
      this.election = host.closeBeforePlugins("leader election", elected, () -> {
        leadership.close();
        elected.close();
      });
      leadership.follow(elected.helixManager());
      Gauge.builder("venice.controller.leader", () -> isLeader() ? 1 : 0)
          .description("1 when this controller is the cluster's leader").tag("cluster", cluster)
          .register(registry);
      ScheduledExecutorService monitor = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "push-monitor-" + cluster);
        t.setDaemon(true);
        return t;
      });
      host.closeBeforePlugins("push monitor", monitor, () -> {
        monitor.shutdownNow();
        monitor.awaitTermination(10, TimeUnit.SECONDS);
      });
      long interval = config.get(ControllerConfig.PUSH_MONITOR_INTERVAL).toMillis();
      monitor.scheduleWithFixedDelay(() -> {
        try {
          if (isLeader()) {
            stores.checkPushes();
          }
        } catch (RuntimeException e) {
          LOG.warn("push monitor of cluster {} failed; retrying", cluster, e);
        }
      }, interval, interval, TimeUnit.MILLISECONDS);
      // repaired resources get the cluster's rebalance delay back once their window ended
      monitor.scheduleWithFixedDelay(() -> {
        try {
          if (isLeader()) {
            assignments.restoreRebalanceDelays();
          }
        } catch (RuntimeException e) {
          LOG.warn("restoring rebalance delays in cluster {} failed; retrying", cluster, e);
        }
      }, DELAY_RESTORE_INTERVAL.toMillis(), DELAY_RESTORE_INTERVAL.toMillis(),
          TimeUnit.MILLISECONDS);
      host.ready(clusterView, new ClusterMember(instanceId, ProcessKind.CONTROLLER, admin.url(),
          hostName + ":" + grpc.getPort()));
      host.lifecycle().moveTo(ServingState.READY, ""); // connected: leader or standby
      LOG.info("controller {} of cluster {} serving at {}", elected.instanceName(), cluster,
          admin.url());
    } catch (Exception | Error e) {
      host.close();
      throw e;
    }
  }

  /**
   * Starts a controller.
   *
   * @param config the settings (see {@link ControllerConfig}), {@code plugins.*} included
   * @throws dev.venice.spi.config.ConfigException naming a bad key
   */
  public static VeniceController start(Map<String, String> config) throws Exception {
    return new VeniceController(ControllerConfig.parse(config));
  }

  /**
   * Opens the admin port ({@code 0}: a free one) so its number is known before the admin server
   * is built; the server takes the channel over.
   */
  private static ServerSocketChannel bind(String host, int port) throws IOException {
    ServerSocketChannel channel = ServerSocketChannel.open();
    try {
      channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
      channel.bind(new InetSocketAddress(host, port));
      return channel;
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw new IOException("controller admin API: cannot bind " + host + ":" + port + ": " + e,
          e);
    }
  }

  /** This controller's instance id, {@code host_adminPort}: its name in Helix and ZooKeeper. */
  public String instanceId() {
    return instanceId;
  }

  /** This controller's view of the cluster (what its plugins get as {@code cluster()}). */
  public ZkClusterView clusterView() {
    return clusterView;
  }

  /** The admin API's base URL. */
  public String url() {
    return admin.url();
  }

  /**
   * Every route of this controller's admin API as {@code "METHOD /pattern"}, plugin endpoints as
   * {@code "ANY /plugins/<id>/<path>"} (see {@link AdminHttpServer#routes()}): what the OpenAPI
   * drift test compares with openapi.yaml.
   */
  public List<String> adminRoutes() {
    return admin.routes();
  }

  /** The cluster it manages. */
  public String cluster() {
    return cluster;
  }

  /** Whether this controller is the leader right now. */
  public boolean isLeader() {
    LeaderElection current = election;
    return current != null && current.isLeader();
  }

  /** The plugins of this controller. */
  public PluginManager plugins() {
    return host.plugins();
  }

  /** The topics in Kafka (for tests and the CLI's status). */
  public Set<String> kafkaTopics() {
    return resources.topics();
  }

  /** The Helix resources of the cluster. */
  public List<String> helixResources() {
    return resources.helixResources();
  }

  private Readiness readiness() {
    LeaderElection current = election;
    if (current == null || !zk.waitUntilConnected(0, TimeUnit.MILLISECONDS)) {
      return Readiness.notReady("not connected to ZooKeeper");
    }
    return Readiness.READY;
  }

  @Override
  public CompletableFuture<Void> stopped() {
    return host.stopped();
  }

  /**
   * Leaves the cluster view, stops serving, gives up leadership, and stops the plugins (the
   * sequence of {@link ProcessHost#close}).
   */
  @Override
  public void close() {
    host.close();
  }
}
