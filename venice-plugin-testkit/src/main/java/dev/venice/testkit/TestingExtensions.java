package dev.venice.testkit;

import dev.venice.spi.client.ReplicaDispatchDecorator;
import dev.venice.spi.client.StoreClientDecorator;
import dev.venice.spi.controller.AdminMutationHook;
import dev.venice.spi.davinci.DaVinciHook;
import dev.venice.spi.security.AccessDenialListener;
import dev.venice.spi.security.Authorizer;
import dev.venice.spi.security.TokenAuthenticator;
import dev.venice.spi.http.PluginHttpEndpoint;
import dev.venice.spi.plugin.BackgroundTask;
import dev.venice.spi.plugin.Extensions;
import dev.venice.spi.plugin.LifecycleHook;
import dev.venice.spi.rpc.RpcService;
import dev.venice.spi.server.IngestionRecordHook;
import dev.venice.spi.server.ReadHook;
import dev.venice.spi.server.RequestHook;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The {@link Extensions} a test hands to {@code VenicePlugin.start}: it keeps what the plugin adds,
 * in order, so the test can call the hooks itself. It runs nothing (background tasks are not
 * scheduled, endpoints not served). Thread-safe.
 */
public final class TestingExtensions implements Extensions {
  private final List<StoreClientDecorator> storeDecorators = new CopyOnWriteArrayList<>();
  private final List<ReplicaDispatchDecorator> replicaDecorators = new CopyOnWriteArrayList<>();
  private final List<ReadHook> readHooks = new CopyOnWriteArrayList<>();
  private final List<RequestHook> requestHooks = new CopyOnWriteArrayList<>();
  private final List<IngestionRecordHook> ingestionHooks = new CopyOnWriteArrayList<>();
  private final List<AdminMutationHook> adminMutationHooks = new CopyOnWriteArrayList<>();
  private final List<LifecycleHook> lifecycleHooks = new CopyOnWriteArrayList<>();
  private final List<BackgroundTask> backgroundTasks = new CopyOnWriteArrayList<>();
  private final List<PluginHttpEndpoint> httpEndpoints = new CopyOnWriteArrayList<>();
  private final List<RpcService> rpcServices = new CopyOnWriteArrayList<>();
  private final List<DaVinciHook> daVinciHooks = new CopyOnWriteArrayList<>();
  private final List<Authorizer> authorizers = new CopyOnWriteArrayList<>();
  private final List<TokenAuthenticator> tokenAuthenticators = new CopyOnWriteArrayList<>();
  private final List<AccessDenialListener> accessDenialListeners = new CopyOnWriteArrayList<>();

  @Override
  public TestingExtensions addStoreDecorator(StoreClientDecorator decorator) {
    storeDecorators.add(Objects.requireNonNull(decorator, "decorator"));
    return this;
  }

  @Override
  public TestingExtensions addReplicaDecorator(ReplicaDispatchDecorator decorator) {
    replicaDecorators.add(Objects.requireNonNull(decorator, "decorator"));
    return this;
  }

  @Override
  public TestingExtensions addReadHook(ReadHook hook) {
    readHooks.add(Objects.requireNonNull(hook, "hook"));
    return this;
  }

  @Override
  public TestingExtensions addRequestHook(RequestHook hook) {
    requestHooks.add(Objects.requireNonNull(hook, "hook"));
    return this;
  }

  @Override
  public TestingExtensions addIngestionHook(IngestionRecordHook hook) {
    ingestionHooks.add(Objects.requireNonNull(hook, "hook"));
    return this;
  }

  @Override
  public TestingExtensions addAdminMutationHook(AdminMutationHook hook) {
    adminMutationHooks.add(Objects.requireNonNull(hook, "hook"));
    return this;
  }

  @Override
  public TestingExtensions addLifecycleHook(LifecycleHook hook) {
    lifecycleHooks.add(Objects.requireNonNull(hook, "hook"));
    return this;
  }

  @Override
  public TestingExtensions addBackgroundTask(BackgroundTask task) {
    backgroundTasks.add(Objects.requireNonNull(task, "task"));
    return this;
  }

  @Override
  public TestingExtensions addHttpEndpoint(PluginHttpEndpoint endpoint) {
    httpEndpoints.add(Objects.requireNonNull(endpoint, "endpoint"));
    return this;
  }

  @Override
  public TestingExtensions addRpcService(RpcService service) {
    rpcServices.add(Objects.requireNonNull(service, "service"));
    return this;
  }

  @Override
  public TestingExtensions addDaVinciHook(DaVinciHook hook) {
    daVinciHooks.add(Objects.requireNonNull(hook, "hook"));
    return this;
  }

  @Override
  public TestingExtensions addAuthorizer(Authorizer authorizer) {
    authorizers.add(Objects.requireNonNull(authorizer, "authorizer"));
    return this;
  }

  @Override
  public TestingExtensions addTokenAuthenticator(TokenAuthenticator authenticator) {
    tokenAuthenticators.add(Objects.requireNonNull(authenticator, "authenticator"));
    return this;
  }

  @Override
  public TestingExtensions addAccessDenialListener(AccessDenialListener listener) {
    accessDenialListeners.add(Objects.requireNonNull(listener, "listener"));
    return this;
  }

  /** The store-level decorators added, in order. */
  public List<StoreClientDecorator> storeDecorators() {
    return List.copyOf(storeDecorators);
  }

  /** The replica-level decorators added, in order. */
  public List<ReplicaDispatchDecorator> replicaDecorators() {
    return List.copyOf(replicaDecorators);
  }

  /** The read hooks added, in order. */
  public List<ReadHook> readHooks() {
    return List.copyOf(readHooks);
  }

  /** The request hooks added, in order. */
  public List<RequestHook> requestHooks() {
    return List.copyOf(requestHooks);
  }

  /** The ingestion hooks added, in order. */
  public List<IngestionRecordHook> ingestionHooks() {
    return List.copyOf(ingestionHooks);
  }

  /** The admin-mutation hooks added, in order. */
  public List<AdminMutationHook> adminMutationHooks() {
    return List.copyOf(adminMutationHooks);
  }

  /** The lifecycle hooks added, in order. */
  public List<LifecycleHook> lifecycleHooks() {
    return List.copyOf(lifecycleHooks);
  }

  /** The background tasks added, in order. */
  public List<BackgroundTask> backgroundTasks() {
    return List.copyOf(backgroundTasks);
  }

  /** The HTTP endpoints added, in order. */
  public List<PluginHttpEndpoint> httpEndpoints() {
    return List.copyOf(httpEndpoints);
  }

  /** The RPC services added, in order. */
  public List<RpcService> rpcServices() {
    return List.copyOf(rpcServices);
  }

  /** The Da Vinci hooks added, in order. */
  public List<DaVinciHook> daVinciHooks() {
    return List.copyOf(daVinciHooks);
  }

  /** The authorizers added, in order. */
  public List<Authorizer> authorizers() {
    return List.copyOf(authorizers);
  }

  /** The token authenticators added, in order. */
  public List<TokenAuthenticator> tokenAuthenticators() {
    return List.copyOf(tokenAuthenticators);
  }

  /** The access-denial listeners added, in order. */
  public List<AccessDenialListener> accessDenialListeners() {
    return List.copyOf(accessDenialListeners);
  }

  /**
   * The endpoint served at {@code /plugins/<id>/<path>}.
   *
   * @param path as the endpoint's {@link PluginHttpEndpoint#path()} gives it ({@code ""} for the
   *     plugin's root)
   * @throws NoSuchElementException naming the paths there are when none has {@code path}
   */
  public PluginHttpEndpoint endpoint(String path) {
    return httpEndpoints.stream().filter(e -> e.path().equals(path)).findFirst()
        .orElseThrow(() -> new NoSuchElementException("no endpoint at '" + path + "'; the plugin"
            + " added " + httpEndpoints.stream().map(e -> "'" + e.path() + "'").toList()));
  }

  /** Whether the plugin added nothing at all. */
  public boolean isEmpty() {
    return storeDecorators.isEmpty() && replicaDecorators.isEmpty() && readHooks.isEmpty()
        && requestHooks.isEmpty() && ingestionHooks.isEmpty() && adminMutationHooks.isEmpty()
        && lifecycleHooks.isEmpty() && backgroundTasks.isEmpty() && httpEndpoints.isEmpty()
        && rpcServices.isEmpty() && daVinciHooks.isEmpty();
  }
}
