package dev.venice.runtime.server;

import dev.venice.runtime.common.admin.AdminHttpServer;
import dev.venice.runtime.common.admin.AdminResponse;
import dev.venice.runtime.common.metrics.ProcessMetrics;
import dev.venice.runtime.common.config.ProcessConfig;
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
import dev.venice.runtime.protocol.VeniceReadGrpc;
import dev.venice.runtime.protocol.RequestHookInterceptor;
import dev.venice.spi.host.ClusterMember;
import dev.venice.spi.plugin.ProcessKind;
import dev.venice.spi.plugin.Readiness;
import dev.venice.spi.plugin.ServingState;
import dev.venice.spi.security.AccessLevel;
import io.grpc.Server;
import io.grpc.util.MutableHandlerRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.Optional;
import java.util.Set;
import org.apache.helix.HelixAdmin;
import org.apache.helix.HelixManager;
import org.apache.helix.InstanceType;
import org.apache.helix.manager.zk.ZKHelixAdmin;
import org.apache.helix.model.HelixConfigScope;
import org.apache.helix.model.InstanceConfig;
import org.apache.helix.model.builder.HelixConfigScopeBuilder;
import org.apache.helix.model.LeaderStandbySMD;
import org.apache.helix.zookeeper.impl.client.ZkClient;
import org.rocksdb.RocksDBException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One storage server process: a Helix participant named {@code host_grpcPort} that holds the
 * partition replicas Helix assigns it, serves reads on its gRPC port (plus its plugins' gRPC
 * services, such as grpc-health's {@code grpc.health.v1}) and offers {@code /health}, {@code
 * /metrics}, {@code /plugins} and {@code /partitions} on its admin port. It is READY once a replica
 * has caught up (or its cluster has no data); a stop drains first: it withdraws from routing
 * through its Helix instance config, the plugins' {@code onDrain} runs, then it leaves the
 * cluster.
 */
public final class VeniceServer implements RunningProcess {
  private static final Logger LOG = LoggerFactory.getLogger(VeniceServer.class);

  private final String cluster;
  private final ProcessHost host;
  private final String instanceId;
  private final int grpcPort;
  private final ReplicaManager replicas;
  private final ZkClusterView clusterView;
  private final AdminHttpServer admin;
  private volatile HelixManager participant;
  private volatile RoutingTable routing;

  private VeniceServer(ProcessConfig config) throws Exception {
    this.cluster = config.get(ServerConfig.CLUSTER_NAME);
    this.host = new ProcessHost(ProcessKind.SERVER, config, new ProcessMetrics());
    PrometheusMeterRegistry registry = host.metrics().registry();
    String zkAddress = config.get(ServerConfig.ZOOKEEPER_ADDRESS);
    String hostName = config.get(ServerConfig.HOST);
    String kafka = config.get(ServerConfig.KAFKA_BOOTSTRAP_SERVERS);
    Duration sessionTimeout = config.get(ServerConfig.ZOOKEEPER_SESSION_TIMEOUT);
    try {
      ZkClient zk = ZooKeeperConnections.metadataClient(zkAddress, sessionTimeout);
      host.closeAfterPlugins("ZooKeeper client", zk, zk::close);
      ZkStoreRepository stores = new ZkStoreRepository(zk, cluster);
      // The instance id is host_port of the gRPC port, so bind it first; the read service is
      // registered once the replicas it reads exist.
      MutableHandlerRegistry services = new MutableHandlerRegistry();
      Server grpc = GrpcServers.start(hostName, config.get(ServerConfig.GRPC_PORT), services,
          GrpcTls.server(host.tls().orElse(null)));
      this.grpcPort = grpc.getPort();
      this.instanceId = hostName + "_" + grpcPort;
      try {
        this.replicas = new ReplicaManager(Path.of(config.get(ServerConfig.DATA_DIR)), stores,
            (topic, partition, status) -> stores.report(topic, partition, instanceId, status),
            new LeaderTerms(zk, cluster), kafka, instanceId,
            () -> host.plugins().ingestionHooks(), registry,
            config.get(ServerConfig.STORAGE_STATISTICS_ENABLED), null,
            config.get(ServerConfig.INGESTION_UNKNOWN_SCHEMA_WAIT),
            config.get(ServerConfig.INGESTION_STORAGE_RETRY_TIMEOUT));
      } catch (Exception | Error e) {
        GrpcServers.stop(grpc);
        throw e;
      }
      // in this order, so reads stop before the replicas (and their RocksDB) close
      host.closeBeforePlugins("replicas", replicas, replicas::close);
      host.closeBeforePlugins("gRPC server", grpc, () -> GrpcServers.stop(grpc));
      // Replica states come from a routing table on the Helix participant, once it has joined.
      this.clusterView = new ZkClusterView(zk, cluster, topic -> {
        RoutingTable table = routing;
        return table == null ? Map.of() : table.replicaStates(topic);
      }, config.get(ServerConfig.CLUSTER_VIEW_MAX_PARALLEL_CALLS), host.tls().orElse(null));
      host.closeAfterPlugins("cluster view", clusterView, clusterView::close);
      PluginManager plugins = host.startPlugins(new BasicHostServices(ProcessKind.SERVER.id(),
          instanceId, cluster, stores.asStoreMetadataService(), null, replicas,
          clusterView, Map.of("bootstrap.servers", kafka)), VeniceServer.class.getClassLoader(),
          pluginId -> new ZkPluginStateStore(zk, cluster, pluginId));
      services.addService(RequestHookInterceptor.intercept(
          new ReadService(stores, replicas, plugins::readHooks, registry),
          plugins.requestHooks().opener(),
          AccessInterceptor.forReads(host.tls().orElse(null), plugins::securityHooks, "server",
              registry)));
      PluginRpcServices.addTo(services, plugins.rpcServices(),
          Set.of(VeniceReadGrpc.SERVICE_NAME), AccessInterceptor.forPluginServices(
              host.tls().orElse(null), plugins::securityHooks, cluster, "server", registry));
      this.admin = host.serveAdmin(this::readiness, null, routes -> routes
          .route("GET", "/partitions", request -> AdminResponse.ok(replicas.partitions()))
          // every store's replicas on this server: a cluster-wide read
          .access("GET", "/partitions", AccessLevel.READ));
      HelixManager joined = joinCluster(zk, zkAddress, sessionTimeout, hostName, grpcPort,
          replicas);
      this.participant = host.closeBeforePlugins("Helix participant", joined,
          joined::disconnect);
      replicas.onReplicaFailure((topic, partition) -> disable(joined, topic, partition));
      RoutingTable table = RoutingTable.on(joined);
      // on the participant's connection, so it closes before the participant disconnects
      this.routing = host.closeBeforePlugins("routing table", table, () -> {
        routing = null; // the cluster view answers empty replica states from now on
        table.close();
      });
      host.onDrain("withdraw from routing", () -> markDraining(joined, true));
      host.ready(clusterView, new ClusterMember(instanceId, ProcessKind.SERVER, admin.url(),
          hostName + ":" + grpcPort));
      if (stores.storeNames().stream().allMatch(s -> stores.store(s)
          .map(store -> store.versions().isEmpty()).orElse(true))) {
        host.lifecycle().moveTo(ServingState.READY, ""); // a cluster with no data to catch up
      } else {
        host.lifecycle().moveTo(ServingState.STARTING, "replicas bootstrapping: none caught up"
            + " yet");
        becomeReadyIfCaughtUp();
        Duration unassigned = config.get(ServerConfig.READINESS_UNASSIGNED_TIMEOUT);
        CompletableFuture.delayedExecutor(unassigned.toMillis(), TimeUnit.MILLISECONDS)
            .execute(() -> becomeReadyIfUnassigned(unassigned));
      }
    } catch (Exception | Error e) {
      host.close();
      throw e;
    }
    LOG.info("server {} of cluster {}: gRPC port {}, admin {}", instanceId, cluster, grpcPort,
        admin.url());
  }

  /** Starts a server with the settings of {@link ServerConfig}. */
  public static VeniceServer start(Map<String, String> config) throws Exception {
    return new VeniceServer(ServerConfig.parse(config));
  }

  /**
   * Joins the cluster as a Helix participant. Before it does, it clears what a previous run may
   * have left: its draining mark, and its replicas' readiness reports (a replica reports again once
   * it has caught up in this run).
   */
  private HelixManager joinCluster(ZkClient zk, String zkAddress, Duration sessionTimeout,
      String host, int port, ReplicaManager replicaManager) throws Exception {
    HelixAdmin helixAdmin = new ZKHelixAdmin(zkAddress);
    try {
      if (!helixAdmin.getInstancesInCluster(cluster).contains(instanceId)) {
        InstanceConfig instance = new InstanceConfig(instanceId);
        instance.setHostName(host);
        instance.setPort(Integer.toString(port));
        instance.setInstanceEnabled(true);
        helixAdmin.addInstance(cluster, instance);
      } else {
        helixAdmin.setConfig(participantScope(), Map.of(RoutingTable.DRAINING_FIELD, "false"));
      }
    } finally {
      helixAdmin.close();
    }
    zk.deleteRecursively("/" + cluster + "/INSTANCES/" + instanceId + "/CUSTOMIZEDSTATES/"
        + RoutingTable.READINESS_STATE_TYPE);
    HelixManager manager = ZooKeeperConnections.helixManager(cluster, instanceId,
        InstanceType.PARTICIPANT, zkAddress, sessionTimeout);
    manager.getStateMachineEngine().registerStateModelFactory(LeaderStandbySMD.name,
        new PartitionStateModel.Factory(replicaManager));
    replicaManager.reportReadinessTo(new HelixReadinessReports(manager,
        this::becomeReadyIfCaughtUp));
    manager.connect();
    return manager;
  }

  private HelixConfigScope participantScope() {
    return new HelixConfigScopeBuilder(HelixConfigScope.ConfigScopeProperty.PARTICIPANT)
        .forCluster(cluster).forParticipant(instanceId).build();
  }

  /**
   * Marks this server draining (or not) in its Helix instance config: one ZooKeeper write, no
   * state transition, so no leadership moves while it drains; routers' routing tables drop it at
   * once ({@link RoutingTable}), fast clients at their next routing refresh.
   */
  private void markDraining(HelixManager manager, boolean draining) {
    manager.getClusterManagmentTool().setConfig(participantScope(),
        Map.of(RoutingTable.DRAINING_FIELD, Boolean.toString(draining)));
    LOG.info("server {}: {} routing", instanceId, draining ? "withdrawn from" : "back in");
  }

  /** READY when Helix has assigned this server no replica since it joined: nothing to catch up. */
  private void becomeReadyIfUnassigned(Duration since) {
    if (replicas.replicas().isEmpty() && host.lifecycle().moveTo(ServingState.READY, "")) {
      LOG.info("server {}: no replica assigned {} after joining; ready (nothing to catch up)",
          instanceId, since);
    }
  }

  /** READY once a replica has caught up (ProcessHost ignores it after the drain began). */
  private void becomeReadyIfCaughtUp() {
    if (replicas.anyCaughtUp()) {
      host.lifecycle().moveTo(ServingState.READY, "");
    }
  }

  /**
   * Takes a failed replica out of service: disabled for this instance in Helix, which moves it
   * (and its leadership) elsewhere. An operator enables it again once the cause is fixed.
   */
  private void disable(HelixManager manager, String topic, int partition) {
    try {
      manager.getClusterManagmentTool().enablePartition(false, cluster, instanceId, topic,
          List.of(topic + "_" + partition));
      LOG.error("{} partition {}: disabled on {} in Helix after its ingestion failed; enable it"
          + " again once the cause is fixed", topic, partition, instanceId);
    } catch (RuntimeException e) {
      LOG.error("{} partition {}: could not be disabled in Helix after its ingestion failed",
          topic, partition, e);
    }
  }

  /** The Helix instance id, {@code host_grpcPort}. */
  public String instanceId() {
    return instanceId;
  }

  /** The gRPC read port. */
  public int grpcPort() {
    return grpcPort;
  }

  /** The admin HTTP URL. */
  public String adminUrl() {
    return admin.url();
  }

  /** This server's view of the cluster (what its plugins get as {@code cluster()}). */
  public ZkClusterView clusterView() {
    return clusterView;
  }

  /** The plugins of this server. */
  public PluginManager plugins() {
    return host.plugins();
  }

  /** Exact key count and applied-record count of a replica held here (tests, tools). */
  public Optional<long[]> replicaCounts(String topic, int partition) {
    ReplicaManager.Replica replica = replicas.replica(topic, partition);
    return replica == null ? Optional.empty()
        : Optional.of(new long[] {replica.storage().countKeys(),
            replica.storage().appliedRecords()});
  }

  /**
   * The real-time offset of the last record a hybrid leader copied into a replica held here, or
   * marked as skipped (a dead letter); -1 when none, or when the replica is not held here (tests,
   * tools).
   */
  public long replicaUpstreamOffset(String topic, int partition) {
    ReplicaManager.Replica replica = replicas.replica(topic, partition);
    try {
      return replica == null ? -1 : replica.storage().upstreamOffset();
    } catch (RocksDBException e) {
      return -1;
    }
  }

  /**
   * Flushes the memtables of every replica held here to SST files and compacts each replica's
   * whole data, waiting for both, one replica after the other (tests and tools: a test-sized push
   * otherwise stays in RocksDB's 64 MiB memtables, so no flush or compaction statistic moves). A
   * replica closed meanwhile is left out. Safe from any thread, also during ingestion (RocksDB
   * flushes and compacts under concurrent writes); a replica's close waits for it (up to 10 s).
   *
   * @return how many replicas were flushed and compacted
   * @throws IOException naming the replica whose RocksDB failed the flush or compaction (those
   *     before it are done)
   */
  public int flushAndCompact() throws IOException {
    int n = 0;
    for (ReplicaManager.Replica replica : replicas.replicas()) {
      try {
        if (replica.storage().flushAndCompact()) {
          n++;
        }
      } catch (RocksDBException e) {
        throw new IOException(replica.topic() + " partition " + replica.partition()
            + ": flush and compaction failed: " + e.getMessage(), e);
      }
    }
    return n;
  }

  /** Whether this server leads a partition (as Helix last told it). */
  public boolean leads(String topic, int partition) {
    ReplicaManager.Replica replica = replicas.replica(topic, partition);
    return replica != null && replica.ingestion().isLeader();
  }

  /**
   * Whether a replica held here has caught up (end-of-push, its version-topic backlog and, for a
   * hybrid store, the real-time lag; see IngestionTask) and serves reads.
   */
  public boolean isReady(String topic, int partition) {
    ReplicaManager.Replica replica = replicas.replica(topic, partition);
    return replica != null && replica.ingestion().isReady();
  }

  private Readiness readiness() {
    return participant != null && participant.isConnected() ? Readiness.READY
        : Readiness.notReady("not connected to the cluster");
  }

  @Override
  public CompletableFuture<Void> stopped() {
    return host.stopped();
  }

  /**
   * Stops serving: the server leaves the cluster view, health goes NOT_SERVING, plugins drain,
   * the server leaves the cluster (Helix moves its partitions), ingestion stops, RocksDB closes
   * cleanly and the plugins stop (the sequence of {@link ProcessHost#close}).
   */
  @Override
  public void close() {
    host.close();
  }
}
