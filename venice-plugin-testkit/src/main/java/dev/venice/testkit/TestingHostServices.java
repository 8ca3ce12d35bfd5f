package dev.venice.testkit;

import dev.venice.spi.client.ExtraLoadBudget;
import dev.venice.spi.davinci.LocalPartitions;
import dev.venice.spi.host.ClusterView;
import dev.venice.spi.host.HostServices;
import dev.venice.spi.host.PartitionStats;
import dev.venice.spi.host.RoutingService;
import dev.venice.spi.host.ServingLifecycle;
import dev.venice.spi.host.ServingStateMachine;
import dev.venice.spi.host.StorageStatsService;
import dev.venice.spi.host.StoreMetadataService;
import dev.venice.spi.plugin.ProcessKind;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Host services a test sets: store metadata ({@link TestingStores}, always present unless {@link
 * #withoutStoreMetadata()}), optional routing and storage statistics, a {@link TestingClusterView}
 * (present, as on a host, in controllers, servers and routers; absent in clients), a {@link
 * TestingExtraLoadBudget} (present in clients, as on a fast client) and the Kafka client settings
 * (empty by default, as on a host without Kafka). Setters return this object.
 * Thread-safe: every field is replaced atomically; readers see the latest value.
 */
public final class TestingHostServices implements HostServices {
  private final TestingStores stores = new TestingStores();
  private final TestingClusterView cluster = new TestingClusterView();
  private final TestingExtraLoadBudget extraLoad = new TestingExtraLoadBudget();
  private final ServingStateMachine lifecycle =
      new ServingStateMachine("starting (test)", () -> { });
  private volatile ProcessKind processKind = ProcessKind.SERVER;
  private volatile String instanceId = "localhost_7000";
  private volatile String clusterName = "test-cluster";
  private volatile boolean storeMetadata = true;
  private volatile Boolean clusterPresent;
  private volatile RoutingService routing;
  private volatile StorageStatsService storageStats;
  private volatile LocalPartitions localPartitions;
  private volatile Map<String, String> kafka = Map.of();

  /** Sets the kind of process (the {@link TestingPluginContext} builder sets it). */
  public TestingHostServices processKind(ProcessKind kind) {
    this.processKind = Objects.requireNonNull(kind, "kind");
    return this;
  }

  /** The kind of process, as an enum. */
  public ProcessKind kind() {
    return processKind;
  }

  /** Sets the instance id (default {@code localhost_7000}). */
  public TestingHostServices instanceId(String instanceId) {
    this.instanceId = Objects.requireNonNull(instanceId, "instanceId");
    return this;
  }

  /** Sets the cluster name (default {@code test-cluster}). */
  public TestingHostServices clusterName(String clusterName) {
    this.clusterName = Objects.requireNonNull(clusterName, "clusterName");
    return this;
  }

  /** Makes {@link #storeMetadata()} empty, as on a host that knows no store metadata. */
  public TestingHostServices withoutStoreMetadata() {
    this.storeMetadata = false;
    return this;
  }

  /** Sets the routing service; {@code null} (the default) makes {@link #routing()} empty. */
  public TestingHostServices routing(RoutingService routing) {
    this.routing = routing;
    return this;
  }

  /** Makes {@link #storageStats()} list {@code partitions}, a copy taken now. */
  public TestingHostServices storageStats(List<PartitionStats> partitions) {
    List<PartitionStats> copy = List.copyOf(partitions);
    this.storageStats = () -> copy;
    return this;
  }

  /**
   * Makes {@link #storageStats()} this service, for a test that controls what it answers over
   * time (its {@code engineStats()}, for example); {@code null} makes it empty.
   * @since 1.5.0
   */
  public TestingHostServices storageStats(StorageStatsService service) {
    this.storageStats = service;
    return this;
  }

  /**
   * A Da Vinci client's local partitions, as the host offers them ({@link #localPartitions()});
   * absent until set.
   */
  public TestingHostServices localPartitions(LocalPartitions partitions) {
    this.localPartitions = partitions;
    return this;
  }

  /**
   * Forces {@link #cluster()} present or absent; by default it is present unless the process kind
   * is a client, as on a host.
   */
  public TestingHostServices clusterPresent(boolean present) {
    this.clusterPresent = present;
    return this;
  }

  /** Sets the Kafka client settings (at least {@code bootstrap.servers} when not empty). */
  public TestingHostServices kafkaClientConfig(Map<String, String> settings) {
    this.kafka = Map.copyOf(settings);
    return this;
  }

  /** The store metadata a test sets, whether or not {@link #storeMetadata()} offers it. */
  public TestingStores stores() {
    return stores;
  }

  /** The cluster view a test sets up, whether or not {@link #cluster()} offers it. */
  public TestingClusterView clusterView() {
    return cluster;
  }

  @Override
  public String processKind() {
    return processKind.id();
  }

  @Override
  public String instanceId() {
    return instanceId;
  }

  @Override
  public String clusterName() {
    return clusterName;
  }

  @Override
  public Optional<StoreMetadataService> storeMetadata() {
    return storeMetadata ? Optional.of(stores) : Optional.empty();
  }

  @Override
  public Optional<RoutingService> routing() {
    return Optional.ofNullable(routing);
  }

  @Override
  public Optional<StorageStatsService> storageStats() {
    return Optional.ofNullable(storageStats);
  }

  @Override
  public Optional<ClusterView> cluster() {
    Boolean forced = clusterPresent;
    boolean present = forced != null ? forced
        : processKind != ProcessKind.CLIENT && processKind != ProcessKind.DA_VINCI_CLIENT;
    return present ? Optional.of(cluster) : Optional.empty();
  }

  /**
   * The serving state machine a test drives ({@code moveTo}), whether or not {@link #lifecycle()}
   * offers it; a plugin's {@code requestStop} is only recorded ({@code stopRequested()}).
   */
  public ServingStateMachine servingLifecycle() {
    return lifecycle;
  }

  /** The testing state machine in controllers, servers and routers; empty in clients. */
  @Override
  public Optional<ServingLifecycle> lifecycle() {
    return processKind == ProcessKind.CLIENT || processKind == ProcessKind.DA_VINCI_CLIENT
        ? Optional.empty() : Optional.of(lifecycle);
  }

  /** The extra-load budget a test sets, whether or not {@link #extraLoadBudget} offers it. */
  public TestingExtraLoadBudget extraLoad() {
    return extraLoad;
  }

  /** The one testing budget, for any store, in a client process; empty in other kinds. */
  @Override
  public Optional<ExtraLoadBudget> extraLoadBudget(String store) {
    return processKind == ProcessKind.CLIENT ? Optional.of(extraLoad) : Optional.empty();
  }

  @Override
  public Map<String, String> kafkaClientConfig() {
    return kafka;
  }

  @Override
  public Optional<LocalPartitions> localPartitions() {
    return Optional.ofNullable(localPartitions);
  }
}
