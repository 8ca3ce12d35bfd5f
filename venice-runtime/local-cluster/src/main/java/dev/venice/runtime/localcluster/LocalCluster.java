package dev.venice.runtime.localcluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.venice.runtime.common.controller.ControllerClient;
import dev.venice.runtime.common.meta.PushStatus;
import dev.venice.runtime.common.meta.ReplicaStatus;
import dev.venice.runtime.common.meta.Store;
import dev.venice.runtime.common.meta.TopicNames;
import dev.venice.runtime.common.meta.Version;
import dev.venice.runtime.common.meta.VersionStatus;
import dev.venice.runtime.common.security.Tls;
import dev.venice.runtime.common.security.TlsSettings;
import dev.venice.runtime.controller.VeniceController;
import dev.venice.runtime.metadata.ZooKeeperConnections;
import dev.venice.runtime.router.VeniceRouter;
import dev.venice.runtime.server.VeniceServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.apache.helix.HelixAdmin;
import org.apache.helix.manager.zk.ZKHelixAdmin;
import org.apache.helix.model.ExternalView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Venice cluster in one JVM: embedded ZooKeeper, a KRaft Kafka broker, one or more controllers,
 * storage servers and routers, all on loopback and free ports, in a temporary directory deleted on {@link #close}.
 * Startup fails fast with a message naming the part that did not come up.
 *
 * <p>A {@link Builder#secure secure} cluster runs every admin and gRPC port over TLS with client
 * certificates required (unless a process's settings say {@code ssl.needs.client.cert=false},
 * for callers with bearer tokens): a {@link ThrowawayCa} issues one certificate per process ({@code
 * controller-1}, {@code server-1}, {@code router-1}..., group {@code venice-processes}) and one for
 * the administrator ({@code venice-admin}, group {@code venice-admins}), which this class's own
 * calls use; {@link #issue} makes more for test clients.
 *
 * <pre>{@code
 * try (LocalCluster cluster = LocalCluster.builder().controllers(2).build()) {
 *   ControllerClient admin = new ControllerClient(cluster.controllerUrl());
 *   ...
 * }
 * }</pre>
 */
public final class LocalCluster implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LocalCluster.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String clusterName;
  private final Path workDir;
  private final Map<String, String> controllerConfig;
  private final List<VeniceController> controllers = new ArrayList<>();
  private final Map<String, String> serverConfig;
  private final Map<String, String> routerConfig;
  private final List<VeniceServer> servers = new ArrayList<>();
  private final List<VeniceRouter> routers = new ArrayList<>();
  private final List<ExternalProcess> external = new ArrayList<>();
  private final FaultInjector faults = new FaultInjector();
  private final Duration startupTimeout;
  private HelixAdmin helixAdmin;
  private final Map<VeniceServer, Map<String, String>> serverSettings = new HashMap<>();
  private EmbeddedZooKeeper zooKeeper;
  private EmbeddedKafka kafka;
  /** The cluster's certificate authority; {@code null} unless secure. */
  private final ThrowawayCa ca;
  /** The administrator's key material; {@code null} unless secure. */
  private final Tls adminTls;
  private final Map<String, Integer> processesOfKind = new HashMap<>();

  private LocalCluster(Builder b) throws Exception {
    this.clusterName = b.clusterName;
    this.workDir = Files.createTempDirectory("venice-local-cluster-");
    if (b.secure) {
      this.ca = ThrowawayCa.create(b.certificateDirectory != null ? b.certificateDirectory
          : workDir.resolve("tls"));
      ThrowawayCa.Identity admin = ca.issue(ADMIN_PRINCIPAL, List.of(ADMIN_GROUP));
      this.adminTls = Tls.load(clientTls(admin));
    } else {
      this.ca = null;
      this.adminTls = null;
    }
    this.controllerConfig = new HashMap<>(b.controllerConfig);
    this.serverConfig = new HashMap<>(b.serverConfig);
    this.routerConfig = new HashMap<>(b.routerConfig);
    String sessionTimeout = b.zooKeeperSessionTimeout.toMillis() + "ms";
    for (Map<String, String> config : List.of(controllerConfig, serverConfig, routerConfig)) {
      config.putIfAbsent(ZooKeeperConnections.SESSION_TIMEOUT.name(), sessionTimeout);
    }
    this.startupTimeout = b.startupTimeout;
    try {
      zooKeeper = startPart("ZooKeeper", () -> EmbeddedZooKeeper.start(workDir.resolve("zk")));
      kafka = startPart("Kafka", () -> EmbeddedKafka.start(workDir.resolve("kafka"),
          b.startupTimeout));
      for (int i = 0; i < b.controllers; i++) {
        addController();
      }
      waitFor("a leader controller", b.startupTimeout,
          () -> controllers.stream().anyMatch(VeniceController::isLeader));
      for (int i = 0; i < b.servers; i++) {
        addServer();
      }
      for (int i = 0; i < b.routers; i++) {
        addRouter();
      }
      for (int i = 0; i < b.externalServers; i++) {
        addExternalServer();
      }
      for (int i = 0; i < b.externalRouters; i++) {
        addExternalRouter();
      }
    } catch (Exception | Error e) {
      close();
      throw e;
    }
    LOG.info("local cluster {} up: ZooKeeper {}, Kafka {}, controller {}", clusterName,
        zooKeeper.address(), kafka.bootstrapServers(), controllerUrl());
  }

  /** The administrator's principal in a secure cluster. */
  public static final String ADMIN_PRINCIPAL = "venice-admin";
  /** The administrator's group in a secure cluster. */
  public static final String ADMIN_GROUP = "venice-admins";
  /** The group of every process's certificate in a secure cluster. */
  public static final String PROCESS_GROUP = "venice-processes";

  /** A builder; by default one controller. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Adds {@code kind}'s next certificate ({@code server-2}) and the {@code ssl.*} keys to a process's
   * configuration, when the cluster is secure; the name either way.
   */
  private String identify(String kind, Map<String, String> config) throws IOException {
    String name = kind + "-" + processesOfKind.merge(kind, 1, Integer::sum);
    if (ca != null) {
      ThrowawayCa.Identity identity = ca.issue(name, List.of(PROCESS_GROUP));
      config.put(TlsSettings.SSL_ENABLED.name(), "true");
      config.put(TlsSettings.KEYSTORE_LOCATION.name(), identity.keyStore().toString());
      config.put(TlsSettings.KEYSTORE_PASSWORD.name(), ca.password());
      config.put(TlsSettings.KEYSTORE_TYPE.name(), ThrowawayCa.keyStoreType());
      config.put(TlsSettings.TRUSTSTORE_LOCATION.name(), ca.trustStore().toString());
      config.put(TlsSettings.TRUSTSTORE_PASSWORD.name(), ca.password());
      config.put(TlsSettings.TRUSTSTORE_TYPE.name(), ThrowawayCa.keyStoreType());
      config.putIfAbsent(TlsSettings.NEEDS_CLIENT_CERT.name(), "true"); // a test may ask tokens
    }
    return name;
  }

  /**
   * Issues a client certificate for {@code principal}, member of {@code groups}, by this secure
   * cluster's authority.
   *
   * @return the settings a client connects with (its key store and the cluster's trust store)
   * @throws IllegalStateException when the cluster is not secure
   */
  public synchronized TlsSettings issue(String principal, List<String> groups) throws IOException {
    if (ca == null) {
      throw new IllegalStateException("local cluster " + clusterName + " is not secure: build it"
          + " with secure() to issue certificates");
    }
    return clientTls(ca.issue(principal, groups));
  }

  private TlsSettings clientTls(ThrowawayCa.Identity identity) {
    return TlsSettings.client(identity.keyStore(), ca.trustStore(), ca.password());
  }

  /** The certificate authority of a secure cluster (its files: {@link ThrowawayCa#directory()}). */
  public Optional<ThrowawayCa> certificateAuthority() {
    return Optional.ofNullable(ca);
  }

  /** The administrator's key material ({@code venice-admin}) of a secure cluster. */
  public Optional<Tls> adminTls() {
    return Optional.ofNullable(adminTls);
  }

  /**
   * A controller client as the administrator: over TLS with {@code venice-admin}'s certificate in
   * a secure cluster, plain otherwise.
   */
  public ControllerClient adminClient() {
    return new ControllerClient(controllerUrl(), "local-cluster", Duration.ofSeconds(30),
        adminTls);
  }

  /** Starts one more controller for this cluster and returns it. */
  public synchronized VeniceController addController() throws Exception {
    Map<String, String> config = new HashMap<>(controllerConfig);
    identify("controller", config);
    config.put("cluster.name", clusterName);
    config.put("zookeeper.address", zooKeeper.address());
    config.put("kafka.bootstrap.servers", kafka.bootstrapServers());
    VeniceController controller = startPart("controller " + (controllers.size() + 1),
        () -> VeniceController.start(config));
    controllers.add(controller);
    return controller;
  }

  /** Starts one more storage server, with a data directory of its own, and returns it. */
  public synchronized VeniceServer addServer() throws Exception {
    Map<String, String> config = new HashMap<>(serverConfig);
    config.put("cluster.name", clusterName);
    config.put("zookeeper.address", zooKeeper.address());
    config.put("kafka.bootstrap.servers", kafka.bootstrapServers());
    config.put("data.dir", workDir.resolve("server-" + (serverSettings.size() + 1)).toString());
    identify("server", config);
    return startServer(config);
  }

  /** Stops a server (cleanly: RocksDB and consumers closed); {@link #restartServer} revives it. */
  public synchronized void stopServer(VeniceServer server) {
    if (servers.remove(server)) {
      server.close();
    }
  }

  /**
   * Starts a stopped server again with the same data directory and ports, so it rejoins as the same
   * Helix instance and resumes its partitions from their checkpoints.
   */
  public synchronized VeniceServer restartServer(VeniceServer stopped) throws Exception {
    Map<String, String> config = new HashMap<>(serverSettings.remove(stopped));
    config.put("grpc.port", Integer.toString(stopped.grpcPort()));
    return startServer(config);
  }

  private VeniceServer startServer(Map<String, String> config) throws Exception {
    VeniceServer server = startPart("server " + config.get("data.dir"),
        () -> VeniceServer.start(config));
    servers.add(server);
    serverSettings.put(server, config);
    return server;
  }

  /**
   * Starts one more storage server in a JVM of its own (so it can be stalled and crashed), with
   * fixed ports and its own data directory, and waits until it is healthy.
   */
  public synchronized ExternalProcess addExternalServer() throws Exception {
    Map<String, String> config = new HashMap<>(serverConfig);
    String name = "server-x" + (externalCount(ExternalProcess.Kind.SERVER) + 1);
    config.put("cluster.name", clusterName);
    config.put("zookeeper.address", zooKeeper.address());
    config.put("kafka.bootstrap.servers", kafka.bootstrapServers());
    config.put("data.dir", workDir.resolve("external").resolve(name + "-data").toString());
    config.put("grpc.port", Integer.toString(FreePorts.next()));
    config.put("admin.port", Integer.toString(FreePorts.next()));
    identify("server", config);
    return startExternal(ExternalProcess.Kind.SERVER, name, config);
  }

  /** Starts one more router in a JVM of its own and waits until it is healthy. */
  public synchronized ExternalProcess addExternalRouter() throws Exception {
    Map<String, String> config = new HashMap<>(routerConfig);
    String name = "router-x" + (externalCount(ExternalProcess.Kind.ROUTER) + 1);
    config.put("cluster.name", clusterName);
    config.put("zookeeper.address", zooKeeper.address());
    config.put("kafka.bootstrap.servers", kafka.bootstrapServers());
    config.put("grpc.port", Integer.toString(FreePorts.next()));
    config.put("admin.port", Integer.toString(FreePorts.next()));
    identify("router", config);
    return startExternal(ExternalProcess.Kind.ROUTER, name, config);
  }

  private ExternalProcess startExternal(ExternalProcess.Kind kind, String name,
      Map<String, String> config) throws Exception {
    ExternalProcess process = new ExternalProcess(kind, name, workDir.resolve("external"),
        config, adminTls);
    external.add(process);
    startPart(kind + " " + name, () -> process.start(startupTimeout));
    return process;
  }

  private long externalCount(ExternalProcess.Kind kind) {
    return external.stream().filter(p -> p.kind() == kind).count();
  }

  /** The external servers, in start order. */
  public synchronized List<ExternalProcess> externalServers() {
    return external.stream().filter(p -> p.kind() == ExternalProcess.Kind.SERVER).toList();
  }

  /** The external routers, in start order. */
  public synchronized List<ExternalProcess> externalRouters() {
    return external.stream().filter(p -> p.kind() == ExternalProcess.Kind.ROUTER).toList();
  }

  /** The admin URLs of every router, in-process ones first. */
  public synchronized List<String> routerUrls() {
    List<String> urls = new ArrayList<>(routers.stream().map(VeniceRouter::adminUrl).toList());
    externalRouters().forEach(r -> urls.add(r.adminUrl()));
    return urls;
  }

  /** Stalls, crashes and slows parts of this cluster; faults are undone on close. */
  public FaultInjector faults() {
    return faults;
  }

  /**
   * Waits until a partition of a version has {@code count} ready replicas: in LEADER or STANDBY
   * state in Helix's external view <em>and</em> reporting COMPLETED (caught up with end-of-push)
   * to the controller.
   *
   * @throws IllegalStateException with the replicas, states and reports seen at the deadline
   */
  public void awaitReadyReplicas(String topic, int partition, int count, Duration timeout) {
    String partitionName = topic + "_" + partition;
    ControllerClient admin = adminClient();
    String[] seen = {"no external view"};
    waitFor(() -> "partition " + partition + " of " + topic + " to have " + count
        + " ready replicas; it had " + seen[0], timeout, () -> {
          ExternalView view = helix().getResourceExternalView(clusterName, topic);
          Map<String, String> states = view == null ? null : view.getStateMap(partitionName);
          Map<String, ReplicaStatus> reports = admin.pushStatus(TopicNames.storeOf(topic),
              TopicNames.versionOf(topic)).partitions().get(partition).replicas();
          seen[0] = "states " + states + ", reports " + reports;
          return states != null && states.entrySet().stream()
              .filter(e -> e.getValue().equals("LEADER") || e.getValue().equals("STANDBY"))
              .filter(e -> reports.get(e.getKey()) == ReplicaStatus.COMPLETED)
              .count() >= count;
        });
  }

  /** The instance Helix's external view shows as the LEADER of a partition, if any. */
  public Optional<String> leaderOf(String topic, int partition) {
    ExternalView view = helix().getResourceExternalView(clusterName, topic);
    Map<String, String> states = view == null ? null : view.getStateMap(topic + "_" + partition);
    return states == null ? Optional.empty() : states.entrySet().stream()
        .filter(e -> e.getValue().equals("LEADER")).map(Map.Entry::getKey).findFirst();
  }

  /**
   * Waits until a Helix instance (a server's {@code host_grpcPort}) serves some partition again.
   *
   * @throws IllegalStateException naming the instance and the resources checked
   */
  public void awaitInExternalView(String instanceId, Duration timeout) {
    waitFor(() -> instanceId + " back in the external view of any of "
        + helix().getResourcesInCluster(clusterName), timeout, () -> {
          for (String resource : helix().getResourcesInCluster(clusterName)) {
            ExternalView view = helix().getResourceExternalView(clusterName, resource);
            if (view != null && view.getPartitionSet().stream()
                .map(view::getStateMap).filter(Objects::nonNull)
                .anyMatch(states -> "LEADER".equals(states.get(instanceId))
                    || "STANDBY".equals(states.get(instanceId)))) {
              return true;
            }
          }
          return false;
        });
  }

  /**
   * Waits until a version is online.
   *
   * @throws IllegalStateException with the push status (what it still waits for) at the deadline
   */
  public void awaitVersionOnline(String store, int version, Duration timeout) {
    ControllerClient admin = adminClient();
    String[] status = {"unknown"};
    waitFor(() -> "store " + store + " version " + version + " online; it is " + status[0],
        timeout, () -> {
          PushStatus push = admin.pushStatus(store, version);
          status[0] = push.status() + (push.detail().isEmpty() ? "" : " (" + push.detail() + ")");
          if (push.status() == VersionStatus.ERROR || push.status() == VersionStatus.KILLED) {
            throw new IllegalStateException("store " + store + " version " + version + " ended "
                + status[0]);
          }
          return push.status() == VersionStatus.ONLINE;
        });
  }

  /**
   * Waits until every router routes the store's current version: its routing metadata names that
   * version with {@code replicationFactor} ready replicas for every partition. A version goes
   * online on the servers' reports; Helix's routing view follows a moment later.
   *
   * @throws IllegalStateException naming the router and what it listed at the deadline
   */
  public void awaitRoutable(String store, Duration timeout) {
    ControllerClient admin = adminClient();
    HttpClient.Builder httpBuilder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2));
    if (adminTls != null) {
      httpBuilder.sslContext(adminTls.context());
    }
    HttpClient http = httpBuilder.build();
    String[] seen = {"nothing yet"};
    waitFor(() -> "every router to route store " + store + "; last seen: " + seen[0], timeout,
        () -> {
          Store current = admin.getStore(store);
          int replicas = current.version(current.currentVersion())
              .map(Version::replicationFactor).orElse(Integer.MAX_VALUE);
          for (String router : routerUrls()) {
            try {
              HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(
                  router + "/metadata/" + store)).timeout(Duration.ofSeconds(2)).build(),
                  HttpResponse.BodyHandlers.ofString());
              seen[0] = router + " answered " + response.statusCode() + " " + response.body();
              JsonNode metadata = JSON.readTree(response.body());
              if (response.statusCode() != 200
                  || metadata.path("currentVersion").asInt() != current.currentVersion()) {
                return false;
              }
              for (JsonNode partition : metadata.path("replicas")) {
                if (partition.size() < replicas) {
                  return false;
                }
              }
            } catch (IOException e) {
              seen[0] = router + " unreachable: " + e;
              return false;
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              return false;
            }
          }
          return true;
        });
  }

  private synchronized HelixAdmin helix() {
    if (helixAdmin == null) {
      helixAdmin = new ZKHelixAdmin(zooKeeper.address());
    }
    return helixAdmin;
  }

  /** Starts one more router and returns it. */
  public synchronized VeniceRouter addRouter() throws Exception {
    Map<String, String> config = new HashMap<>(routerConfig);
    config.put("cluster.name", clusterName);
    config.put("zookeeper.address", zooKeeper.address());
    config.put("kafka.bootstrap.servers", kafka.bootstrapServers());
    identify("router", config);
    VeniceRouter router = startPart("router " + (routers.size() + 1),
        () -> VeniceRouter.start(config));
    routers.add(router);
    return router;
  }

  /** Stops a router. */
  public synchronized void stopRouter(VeniceRouter router) {
    if (routers.remove(router)) {
      router.close();
    }
  }

  /** The running routers, in start order. */
  public synchronized List<VeniceRouter> routers() {
    return List.copyOf(routers);
  }

  /** The admin URL of the first router, which clients are built with. */
  public synchronized String routerUrl() {
    if (routers.isEmpty()) {
      throw new IllegalStateException("local cluster " + clusterName + " has no router");
    }
    return routers.get(0).adminUrl();
  }

  /** The running storage servers, in start order. */
  public synchronized List<VeniceServer> servers() {
    return List.copyOf(servers);
  }

  /** Stops one controller (a graceful stop: it gives up leadership at once). */
  public synchronized void stopController(VeniceController controller) {
    if (controllers.remove(controller)) {
      controller.close();
    }
  }

  /** The cluster name. */
  public String clusterName() {
    return clusterName;
  }

  /** The running controllers, in start order. */
  public synchronized List<VeniceController> controllers() {
    return List.copyOf(controllers);
  }

  /** The URL of the first running controller (any controller accepts any request). */
  public synchronized String controllerUrl() {
    if (controllers.isEmpty()) {
      throw new IllegalStateException("local cluster " + clusterName + " has no controller");
    }
    return controllers.get(0).url();
  }

  /** The leader controller, waiting up to {@code timeout} for an election. */
  public VeniceController leader(Duration timeout) {
    waitFor("a leader controller", timeout,
        () -> controllers().stream().anyMatch(VeniceController::isLeader));
    return controllers().stream().filter(VeniceController::isLeader).findFirst().orElseThrow();
  }

  /** The ZooKeeper connect string. */
  public String zooKeeperAddress() {
    return zooKeeper.address();
  }

  /** The Kafka bootstrap servers. */
  public String kafkaBootstrapServers() {
    return kafka.bootstrapServers();
  }

  /**
   * Waits until {@code condition} holds.
   *
   * @throws IllegalStateException naming {@code what} when it did not hold within {@code timeout}
   */
  public static void waitFor(String what, Duration timeout, BooleanSupplier condition) {
    waitFor(() -> what, timeout, condition);
  }

  /** As {@link #waitFor(String, Duration, BooleanSupplier)}, describing what is missing last. */
  public static void waitFor(Supplier<String> what, Duration timeout, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("gave up after " + timeout.toMillis() + " ms waiting for "
            + what.get());
      }
      LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
    }
  }

  @Override
  public synchronized void close() {
    faults.close();
    for (int i = external.size() - 1; i >= 0; i--) {
      external.get(i).stop();
    }
    external.clear();
    if (helixAdmin != null) {
      helixAdmin.close();
      helixAdmin = null;
    }
    for (int i = routers.size() - 1; i >= 0; i--) {
      try {
        routers.get(i).close();
      } catch (RuntimeException e) {
        LOG.warn("stopping router {} failed", i, e);
      }
    }
    routers.clear();
    for (int i = servers.size() - 1; i >= 0; i--) {
      try {
        servers.get(i).close();
      } catch (RuntimeException e) {
        LOG.warn("stopping server {} failed", i, e);
      }
    }
    servers.clear();
    for (int i = controllers.size() - 1; i >= 0; i--) {
      try {
        controllers.get(i).close();
      } catch (RuntimeException e) {
        LOG.warn("stopping controller {} failed", i, e);
      }
    }
    controllers.clear();
    if (kafka != null) {
      kafka.close();
      kafka = null;
    }
    if (zooKeeper != null) {
      zooKeeper.close();
      zooKeeper = null;
    }
    deleteRecursively(workDir);
  }

  private interface Starter<T> {
    T start() throws Exception;
  }

  private static <T> T startPart(String part, Starter<T> starter) throws Exception {
    try {
      return starter.start();
    } catch (Exception e) {
      throw new IllegalStateException("local cluster: " + part + " did not come up: " + e, e);
    }
  }

  private static void deleteRecursively(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try {
      Files.walkFileTree(dir, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
          Files.deleteIfExists(file);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
          Files.deleteIfExists(d);
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      LOG.warn("could not delete {}", dir, e);
    }
  }

  /** Configures a {@link LocalCluster}. */
  public static final class Builder {
    private String clusterName = "venice-local";
    private int controllers = 1;
    private int servers;
    private int routers;
    private int externalServers;
    private int externalRouters;
    private Duration startupTimeout = Duration.ofSeconds(60);
    private Duration zooKeeperSessionTimeout = Duration.ofSeconds(6);
    private final Map<String, String> controllerConfig = new HashMap<>();
    private final Map<String, String> serverConfig = new HashMap<>();
    private final Map<String, String> routerConfig = new HashMap<>();
    private boolean secure;
    private Path certificateDirectory;

    private Builder() {}

    /**
     * Runs every admin and gRPC port over TLS with client certificates required, from a throwaway
     * certificate authority in the cluster's temporary directory (see the class comment).
     */
    public Builder secure() {
      this.secure = true;
      return this;
    }

    /**
     * As {@link #secure()}, with the authority and certificates in {@code directory} (created;
     * left in place on close, so the CLI can print where they are and later commands use them).
     */
    public Builder secure(Path directory) {
      this.secure = true;
      this.certificateDirectory = Objects.requireNonNull(directory, "directory");
      return this;
    }

    /** Adds a router setting (see the router's configuration keys). */
    public Builder routerConfig(String key, String value) {
      routerConfig.put(key, value);
      return this;
    }

    /** How many storage servers to start; default 0. */
    public Builder servers(int count) {
      if (count < 0) {
        throw new IllegalArgumentException("server count must not be negative");
      }
      this.servers = count;
      return this;
    }

    /** How many servers to start in JVMs of their own (for real stalls and crashes); default 0. */
    public Builder externalServers(int count) {
      this.externalServers = count;
      return this;
    }

    /** How many routers to start in JVMs of their own; default 0. */
    public Builder externalRouters(int count) {
      this.externalRouters = count;
      return this;
    }

    /** How many routers to start; default 0. */
    public Builder routers(int count) {
      if (count < 0) {
        throw new IllegalArgumentException("router count must not be negative");
      }
      this.routers = count;
      return this;
    }

    /** Adds a server setting (see the server's configuration keys). */
    public Builder serverConfig(String key, String value) {
      serverConfig.put(key, value);
      return this;
    }

    /** The cluster name; default {@code venice-local}. */
    public Builder clusterName(String name) {
      this.clusterName = Objects.requireNonNull(name, "name");
      return this;
    }

    /** How many controllers to start; default 1. */
    public Builder controllers(int count) {
      if (count < 1) {
        throw new IllegalArgumentException("a local cluster needs at least one controller");
      }
      this.controllers = count;
      return this;
    }

    /** Adds a controller setting (see the controller's configuration keys). */
    public Builder controllerConfig(String key, String value) {
      controllerConfig.put(key, value);
      return this;
    }

    /**
     * The ZooKeeper session timeout of every controller, server and router ({@code
     * zookeeper.session.timeout}, unless a process's own setting names one); default 6 s, so a
     * crashed or stalled process loses its leaderships soon. The embedded ZooKeeper grants 1 s to
     * 10 s (2 to 20 ticks of 500 ms).
     */
    public Builder zooKeeperSessionTimeout(Duration timeout) {
      this.zooKeeperSessionTimeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /** How long each part may take to come up; default 60 s. */
    public Builder startupTimeout(Duration timeout) {
      this.startupTimeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /** Starts the cluster. */
    public LocalCluster build() throws Exception {
      return new LocalCluster(this);
    }
  }
}
