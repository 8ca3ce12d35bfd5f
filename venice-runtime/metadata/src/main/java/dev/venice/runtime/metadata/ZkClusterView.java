package dev.venice.runtime.metadata;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.venice.runtime.common.meta.TopicNames;
import dev.venice.runtime.common.meta.ZkPaths;
import dev.venice.runtime.common.process.Membership;
import dev.venice.runtime.common.security.Tls;
import dev.venice.spi.config.ConfigKey;
import dev.venice.spi.host.ClusterMember;
import dev.venice.spi.host.ClusterView;
import dev.venice.spi.host.EndpointResult;
import dev.venice.spi.plugin.ProcessKind;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.apache.helix.zookeeper.impl.client.ZkClient;
import org.apache.helix.zookeeper.zkclient.IZkChildListener;
import org.apache.helix.zookeeper.zkclient.IZkStateListener;
import org.apache.helix.zookeeper.zkclient.exception.ZkBadVersionException;
import org.apache.helix.zookeeper.zkclient.exception.ZkNoNodeException;
import org.apache.helix.zookeeper.zkclient.exception.ZkNodeExistsException;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Watcher.Event.KeeperState;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runtime's {@link ClusterView}: live processes from ZooKeeper, replica states from Helix, and
 * a bounded HTTP client for other processes' plugin endpoints. Every controller, router and server
 * has one, on the ZooKeeper client it already uses for metadata (no session of its own).
 *
 * <h2>Registration</h2>
 *
 * <p>A process calls {@link #register} once its admin HTTP server (and gRPC server, where it has
 * one) is bound: that writes an EPHEMERAL znode {@code /<cluster>/LiveProcesses/<instanceId>}
 * (see {@link ZkPaths#liveProcesses}) holding JSON {@code {"kind": "server", "adminUrl":
 * "http://127.0.0.1:7001", "grpcAddress": "127.0.0.1:7002"}} ({@code kind} a {@link
 * ProcessKind#id()}, {@code grpcAddress} absent for a controller). Instance ids: a server's Helix
 * participant id {@code host_grpcPort}, a router's {@code host_grpcPort}, a controller's Helix
 * controller name {@code host_adminPort}. {@link #deregister} (or {@link #close}) deletes the
 * znode on an orderly stop; a lost ZooKeeper session deletes it anyway, and when the client
 * establishes a new session the znode is written again. A stale znode of the same id left by a
 * crashed earlier run (whose session has not expired yet) is replaced.
 *
 * <h2>Watching</h2>
 *
 * <p>{@link #members()} reads memory: a child watch on {@code LiveProcesses} (which ZooKeeper
 * fires on every join and leave, and the client re-arms, also after a new session) re-reads the
 * children and their data, so the list follows ZooKeeper within the watch's delivery time (a few
 * milliseconds on a healthy ensemble). The parent need not exist yet: the first registration
 * creates it and the watch picks it up. Registrations that cannot be decoded are logged and left
 * out.
 *
 * <h2>Replica states</h2>
 *
 * <p>{@link #replicaStates} asks a {@link ReplicaStateSource} (a {@link RoutingTable}: Helix's
 * external view, kept in memory by Helix's routing table provider) for the version topic's
 * resource {@code <store>_v<N>}.
 *
 * <h2>Calling plugin endpoints</h2>
 *
 * <p>{@link #callPlugin} sends {@code GET <adminUrl>/plugins/<pluginId>/<path>} with the JDK's
 * {@link HttpClient} (HTTP/1.1, no redirects). At most {@link #MAX_PARALLEL_CALLS} requests of
 * this view are in flight at once, across all concurrent {@code callPlugin} calls; the others
 * queue without holding a thread. Each member's {@code timeout} starts when its request is sent
 * (not while it queues) and bounds the whole answer, body included. So a call over {@code n}
 * members completes within about {@code ceil(n / maxParallelCalls) * timeout}.
 *
 * <p>Thread-safety: every method may be called from any thread.
 */
public final class ZkClusterView implements ClusterView, Membership, AutoCloseable {
  /** {@code cluster.view.max.parallel.calls}: plugin-endpoint requests in flight at once. */
  public static final ConfigKey<Integer> MAX_PARALLEL_CALLS = ConfigKey.integer(
      "cluster.view.max.parallel.calls", 8, 1, 256, "how many requests to other processes'"
          + " plugin endpoints this process's cluster view sends at once; the rest queue");

  /** A plugin id, as the plugin manager accepts it: {@code bloom-filter}. */
  private static final Pattern PLUGIN_ID = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");
  private static final Pattern DOT_SEGMENT = Pattern.compile("(?i)(\\.|%2e){1,2}");
  private static final Logger LOG = LoggerFactory.getLogger(ZkClusterView.class);
  private static final ObjectMapper JSON = new ObjectMapper()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
      .setSerializationInclusion(JsonInclude.Include.NON_NULL);
  private static final Comparator<ClusterMember> ORDER =
      Comparator.comparing(ClusterMember::kind).thenComparing(ClusterMember::instanceId);
  private static final AtomicInteger VIEWS = new AtomicInteger();

  /**
   * Where replica states come from: the Helix external view of a version topic's resource.
   * Implementations are thread-safe and answer from memory.
   */
  @FunctionalInterface
  public interface ReplicaStateSource {
    /**
     * Partition number to instance id to Helix state of the resource {@code versionTopic}; empty
     * when it is unknown (or not known yet).
     */
    Map<Integer, Map<String, String>> replicaStates(String versionTopic);
  }

  /** The JSON of a registration znode. */
  private record Registration(String kind, String adminUrl, String grpcAddress) {}

  private final ZkClient zk;
  private final String cluster;
  private final String parent;
  private final ReplicaStateSource states;
  private final int maxParallelCalls;
  private final IZkChildListener childListener = (path, children) -> refresh();
  private final IZkStateListener sessionListener = new SessionListener();
  private final ExecutorService executor;
  private final HttpClient http;
  private final Semaphore permits;
  private final Queue<Call> queued = new ConcurrentLinkedQueue<>();
  private final Set<Call> inFlight = ConcurrentHashMap.newKeySet();
  private volatile List<ClusterMember> members = List.of();
  private volatile boolean closed;
  /** Guarded by {@code this}. */
  private ClusterMember self;

  /**
   * A view of {@code cluster}'s live processes, watching from now on.
   *
   * @param zk the process's (connected) metadata client, with raw-bytes serialization ({@link
   *     ZooKeeperConnections#metadataClient}); the view neither owns nor closes it
   * @param cluster the cluster name
   * @param states where replica states come from
   * @param maxParallelCalls plugin-endpoint requests in flight at once, at least 1 (the process's
   *     {@link #MAX_PARALLEL_CALLS})
   * @param tls the process's key material for calling other processes' admin ports over HTTPS;
   *     {@code null} when security is off
   */
  public ZkClusterView(ZkClient zk, String cluster, ReplicaStateSource states,
      int maxParallelCalls, Tls tls) {
    this.zk = Objects.requireNonNull(zk, "zk");
    this.cluster = Objects.requireNonNull(cluster, "cluster");
    this.states = Objects.requireNonNull(states, "states");
    if (maxParallelCalls < 1) {
      throw new IllegalArgumentException("maxParallelCalls must be at least 1, got "
          + maxParallelCalls);
    }
    this.maxParallelCalls = maxParallelCalls;
    this.parent = ZkPaths.liveProcesses(cluster);
    this.permits = new Semaphore(maxParallelCalls);
    int id = VIEWS.incrementAndGet();
    AtomicInteger threads = new AtomicInteger();
    this.executor = Executors.newCachedThreadPool(runnable -> {
      Thread thread = new Thread(runnable,
          "cluster-view-" + id + "-http-" + threads.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
    HttpClient.Builder http = HttpClient.newBuilder().executor(executor)
        .version(HttpClient.Version.HTTP_1_1).followRedirects(HttpClient.Redirect.NEVER);
    if (tls != null) {
      http.sslContext(tls.context());
    }
    this.http = http.build();
    zk.subscribeStateChanges(sessionListener);
    zk.subscribeChildChanges(parent, childListener);
    refresh();
  }

  /** The most plugin-endpoint requests this view has in flight at once. */
  public int maxParallelCalls() {
    return maxParallelCalls;
  }

  /**
   * Registers this process as a live member: an EPHEMERAL znode under {@code
   * /<cluster>/LiveProcesses}, written again after a ZooKeeper session loss. Call once its ports
   * are bound.
   *
   * @throws IllegalStateException when the cluster does not exist in ZooKeeper (no controller has
   *     set it up), when this view already registered a member, or when it is closed
   */
  @Override
  public synchronized void register(ClusterMember member) {
    Objects.requireNonNull(member, "member");
    if (closed) {
      throw new IllegalStateException("the cluster view of " + cluster + " is closed");
    }
    if (self != null) {
      throw new IllegalStateException("this process is already registered as "
          + self.instanceId());
    }
    self = member;
    try {
      writeRegistration(member);
    } catch (RuntimeException e) {
      self = null;
      throw e;
    }
    LOG.info("registered {} {} in cluster {} (admin {}, gRPC {})", member.kind().id(),
        member.instanceId(), cluster, member.adminUrl(), member.grpcAddress());
  }

  /**
   * Removes this process's registration (an orderly stop): other processes' views drop it as soon
   * as their watch fires. Does nothing when not registered.
   */
  @Override
  public synchronized void deregister() {
    ClusterMember member = self;
    self = null;
    if (member == null) {
      return;
    }
    String path = ZkPaths.liveProcess(cluster, member.instanceId());
    try {
      Stat stat = zk.getStat(path);
      if (stat != null && stat.getEphemeralOwner() == zk.getSessionId()) {
        zk.delete(path, stat.getVersion());
      }
      LOG.info("deregistered {} {} from cluster {}", member.kind().id(), member.instanceId(),
          cluster);
    } catch (RuntimeException e) {
      LOG.warn("could not remove {} from ZooKeeper; it goes with the session", path, e);
    }
  }

  /** Writes {@code member}'s znode, replacing one of another (dead) session. */
  private void writeRegistration(ClusterMember member) {
    ensureParent();
    String path = ZkPaths.liveProcess(cluster, member.instanceId());
    byte[] data = encode(member);
    for (int attempt = 0; attempt < 5; attempt++) {
      Stat stat = zk.getStat(path);
      if (stat != null) {
        if (stat.getEphemeralOwner() == zk.getSessionId()) {
          return; // ours already (a new-session event raced with register)
        }
        LOG.info("replacing {} left by an earlier session 0x{}", path,
            Long.toHexString(stat.getEphemeralOwner()));
        try {
          zk.delete(path, stat.getVersion());
        } catch (ZkNoNodeException | ZkBadVersionException changed) {
          // expired or replaced meanwhile: look again
        }
      }
      try {
        zk.create(path, data, CreateMode.EPHEMERAL);
        return;
      } catch (ZkNodeExistsException raced) {
        // look again
      }
    }
    throw new IllegalStateException("could not register " + path + ": another process keeps"
        + " writing it (two processes with instance id " + member.instanceId() + "?)");
  }

  private void ensureParent() {
    if (zk.exists(parent)) {
      return;
    }
    try {
      zk.createPersistent(parent, false);
    } catch (ZkNodeExistsException raced) {
      // another process created it
    } catch (ZkNoNodeException noCluster) {
      throw new IllegalStateException("cluster " + cluster + " does not exist in ZooKeeper (no"
          + " /" + cluster + "); start a controller for it first", noCluster);
    }
  }

  private static byte[] encode(ClusterMember member) {
    try {
      return JSON.writeValueAsBytes(new Registration(member.kind().id(), member.adminUrl(),
          member.grpcAddress()));
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode " + member + ": " + e.getMessage(), e);
    }
  }

  /** Re-reads the live processes; on the ZooKeeper event thread, or the constructor's. */
  private synchronized void refresh() {
    if (closed) {
      return;
    }
    List<String> children;
    try {
      children = zk.getChildren(parent);
    } catch (ZkNoNodeException none) {
      children = List.of();
    }
    List<ClusterMember> found = new ArrayList<>(children.size());
    for (String child : children) {
      byte[] data;
      try {
        data = zk.readData(parent + "/" + child);
      } catch (ZkNoNodeException gone) {
        continue; // left since the listing; its own event follows
      }
      try {
        Registration r = JSON.readValue(data, Registration.class);
        found.add(new ClusterMember(child, ProcessKind.fromId(r.kind()), r.adminUrl(),
            r.grpcAddress()));
      } catch (IOException | RuntimeException bad) {
        LOG.warn("ignoring live-process registration {}/{} that cannot be read: {}", parent,
            child, bad.toString());
      }
    }
    found.sort(ORDER);
    List<ClusterMember> now = List.copyOf(found);
    if (!now.equals(members)) {
      LOG.debug("live processes of {}: {}", cluster, now);
    }
    members = now;
  }

  /** Re-registers after a new session (the old session's ephemeral znode is gone). */
  private final class SessionListener implements IZkStateListener {
    @Override
    public void handleStateChanged(KeeperState state) {
      // the client reconnects by itself; only a new session needs work
    }

    @Override
    public void handleNewSession(String sessionId) {
      synchronized (ZkClusterView.this) {
        if (closed || self == null) {
          return;
        }
        try {
          writeRegistration(self);
          LOG.info("registered {} again in cluster {} after a new ZooKeeper session {}",
              self.instanceId(), cluster, sessionId);
        } catch (RuntimeException e) {
          LOG.error("could not register {} again in cluster {} after a new ZooKeeper session;"
              + " other processes do not see it until it restarts", self.instanceId(), cluster, e);
        }
      }
      refresh();
    }

    @Override
    public void handleSessionEstablishmentError(Throwable error) {
      LOG.warn("ZooKeeper session of the cluster view of {} could not be established", cluster,
          error);
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>An immutable snapshot, from memory (the watch keeps it current).
   */
  @Override
  public List<ClusterMember> members() {
    return members;
  }

  /**
   * {@inheritDoc}
   *
   * <p>From memory: the external view Helix's routing table provider keeps. An unknown store, a
   * store name that cannot name a version topic, or a version below 1 gives an empty map.
   */
  @Override
  public Map<Integer, Map<String, String>> replicaStates(String store, int version) {
    if (store == null || store.isEmpty() || version < 1) {
      return Map.of();
    }
    return states.replicaStates(TopicNames.versionTopic(store, version));
  }

  /**
   * {@inheritDoc}
   *
   * <p>Errors a member's result may carry: {@code "timed out after <n> ms"}, {@code "connection
   * refused"}, {@code "could not connect: ..."}, {@code "I/O error: ..."} (e.g. the connection
   * closed mid-answer), {@code "bad admin URL: ..."}, {@code "cluster view closed"}. A status
   * other than 2xx is an answer, not an error ({@link EndpointResult#ok()} is false).
   *
   * @throws NullPointerException when an argument or a member is null
   * @throws IllegalArgumentException synchronously, before any request: {@code pluginId} is not
   *     a plugin id (lower-case letters and digits in dash-separated words, e.g. {@code
   *     bloom-filter}); {@code path} starts with {@code /}, has a {@code .} or {@code ..} segment
   *     (also percent-encoded) that would leave {@code /plugins/<pluginId>/}, a fragment or
   *     backslash, or is not a valid URI path and query; or {@code timeout} is not positive
   */
  @Override
  public CompletableFuture<List<EndpointResult>> callPlugin(Collection<ClusterMember> members,
      String pluginId, String path, Duration timeout) {
    Objects.requireNonNull(members, "members");
    Objects.requireNonNull(timeout, "timeout");
    String suffix = pluginPath(pluginId, path);
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive, got " + timeout);
    }
    List<ClusterMember> targets = List.copyOf(members);
    List<CompletableFuture<EndpointResult>> results = new ArrayList<>(targets.size());
    for (ClusterMember member : targets) {
      CompletableFuture<EndpointResult> result = new CompletableFuture<>();
      results.add(result);
      URI uri;
      try {
        uri = uri(member.adminUrl(), suffix);
      } catch (IllegalArgumentException bad) {
        result.complete(failure(member, "bad admin URL: " + bad.getMessage()));
        continue;
      }
      queued.add(new Call(member, uri, timeout, result));
    }
    dispatch();
    return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new))
        .thenApply(done -> results.stream().map(CompletableFuture::join).toList());
  }

  /**
   * {@code /plugins/<pluginId>/<path>}, checked.
   *
   * @throws IllegalArgumentException as {@link #callPlugin} documents
   */
  static String pluginPath(String pluginId, String path) {
    Objects.requireNonNull(pluginId, "pluginId");
    Objects.requireNonNull(path, "path");
    if (!PLUGIN_ID.matcher(pluginId).matches()) {
      throw new IllegalArgumentException("'" + pluginId + "' is not a plugin id: lower-case"
          + " letters and digits in dash-separated words, e.g. bloom-filter");
    }
    int query = path.indexOf('?');
    String pathPart = query < 0 ? path : path.substring(0, query);
    if (pathPart.startsWith("/")) {
      throw new IllegalArgumentException("plugin path '" + path + "' must be relative to"
          + " /plugins/" + pluginId + "/ (no leading '/')");
    }
    if (path.indexOf('#') >= 0 || path.indexOf('\\') >= 0) {
      throw new IllegalArgumentException("plugin path '" + path + "' must not contain '#' or"
          + " '\\'");
    }
    for (String segment : pathPart.split("/", -1)) {
      if (DOT_SEGMENT.matcher(segment).matches()) {
        throw new IllegalArgumentException("plugin path '" + path + "' has a '" + segment
            + "' segment; it must stay below /plugins/" + pluginId + "/");
      }
    }
    String suffix = "/plugins/" + pluginId + "/" + path;
    try {
      URI checked = new URI("http://localhost" + suffix);
      if (!checked.normalize().getRawPath().startsWith("/plugins/" + pluginId + "/")) {
        throw new IllegalArgumentException("plugin path '" + path + "' leaves /plugins/"
            + pluginId + "/");
      }
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("plugin path '" + path + "' is not a valid URI path"
          + " and query: " + e.getMessage(), e);
    }
    return suffix;
  }

  private static URI uri(String adminUrl, String suffix) {
    String base = adminUrl;
    while (base.endsWith("/")) {
      base = base.substring(0, base.length() - 1);
    }
    URI uri = URI.create(base + suffix);
    if (!"http".equalsIgnoreCase(uri.getScheme()) && !"https".equalsIgnoreCase(uri.getScheme())
        || uri.getHost() == null) {
      throw new IllegalArgumentException(adminUrl + " is not an http(s) URL with a host");
    }
    return uri;
  }

  /** One member's pending request. */
  private record Call(ClusterMember member, URI uri, Duration timeout,
      CompletableFuture<EndpointResult> result) {}

  /** Starts queued calls while permits last; safe to call from any thread, any number of times. */
  private void dispatch() {
    while (!queued.isEmpty()) {
      if (closed) {
        failQueued();
        return;
      }
      if (!permits.tryAcquire()) {
        return; // a finishing call dispatches again
      }
      Call call = queued.poll();
      if (call == null) {
        permits.release(); // another thread took it; look again
        continue;
      }
      start(call);
    }
  }

  private void start(Call call) {
    inFlight.add(call);
    long millis = Math.max(1, call.timeout().toMillis());
    String timedOut = "timed out after " + millis + " ms";
    CompletableFuture<HttpResponse<String>> exchange;
    try {
      HttpRequest request = HttpRequest.newBuilder(call.uri()).timeout(call.timeout())
          .header("Accept", "application/json, text/plain;q=0.9, */*;q=0.8").GET().build();
      exchange = http.sendAsync(request,
          HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (RuntimeException e) {
      finish(call, failure(call.member(), describe(e, timedOut)));
      return;
    }
    exchange.handle((response, error) -> error == null
            ? new EndpointResult(call.member(), response.statusCode(), response.body(), null)
            : failure(call.member(), describe(error, timedOut)))
        .completeOnTimeout(failure(call.member(), timedOut), millis, TimeUnit.MILLISECONDS)
        .whenCompleteAsync((result, impossible) -> {
          exchange.cancel(true); // abandons the exchange when the timeout came first
          finish(call, result != null ? result
              : failure(call.member(), describe(impossible, timedOut)));
        }, this::runOrInline);
  }

  /** Runs on the view's threads; after {@link #close}, on the caller's. */
  private void runOrInline(Runnable task) {
    try {
      executor.execute(task);
    } catch (RuntimeException rejected) {
      task.run();
    }
  }

  private void finish(Call call, EndpointResult result) {
    if (inFlight.remove(call)) {
      call.result().complete(result);
      permits.release();
    }
    dispatch();
  }

  private void failQueued() {
    for (Call call; (call = queued.poll()) != null; ) {
      call.result().complete(failure(call.member(), "cluster view closed"));
    }
  }

  private static EndpointResult failure(ClusterMember member, String error) {
    return new EndpointResult(member, 0, "", error);
  }

  /** Why a request got no answer, in the words {@link #callPlugin} documents. */
  static String describe(Throwable error, String timedOut) {
    Throwable cause = error;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof HttpTimeoutException) {
      return timedOut;
    }
    if (cause instanceof ConnectException) {
      String message = deepestMessage(cause);
      return message == null || message.toLowerCase(Locale.ROOT).contains("refused")
          ? "connection refused" : "could not connect: " + message;
    }
    if (cause instanceof CancellationException) {
      return "cancelled";
    }
    String message = deepestMessage(cause);
    String what = message == null ? cause.getClass().getSimpleName() : message;
    return cause instanceof IOException ? "I/O error: " + what
        : cause.getClass().getSimpleName() + ": " + what;
  }

  private static String deepestMessage(Throwable error) {
    String message = null;
    for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t.getMessage() != null && !t.getMessage().isBlank()) {
        message = t.getMessage();
      }
    }
    return message;
  }

  /**
   * Deregisters, stops watching, and ends every pending call with the error {@code "cluster view
   * closed"} (their futures complete normally). Does not close the ZooKeeper client.
   */
  @Override
  public void close() {
    deregister();
    synchronized (this) {
      closed = true;
    }
    zk.unsubscribeChildChanges(parent, childListener);
    zk.unsubscribeStateChanges(sessionListener);
    failQueued();
    for (Call call : List.copyOf(inFlight)) {
      finish(call, failure(call.member(), "cluster view closed"));
    }
    executor.shutdownNow();
  }
}
