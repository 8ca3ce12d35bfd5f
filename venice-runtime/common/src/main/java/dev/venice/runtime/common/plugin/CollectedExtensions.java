package dev.venice.runtime.common.plugin;

import dev.venice.spi.client.ReplicaDispatchDecorator;
import dev.venice.spi.client.StoreClientDecorator;
import dev.venice.spi.controller.AdminMutationHook;
import dev.venice.spi.davinci.DaVinciHook;
import dev.venice.spi.http.PluginHttpEndpoint;
import dev.venice.spi.plugin.BackgroundTask;
import dev.venice.spi.plugin.Extensions;
import dev.venice.spi.plugin.LifecycleHook;
import dev.venice.spi.rpc.RpcService;
import dev.venice.spi.security.AccessDenialListener;
import dev.venice.spi.security.Authorizer;
import dev.venice.spi.security.TokenAuthenticator;
import dev.venice.spi.server.IngestionRecordHook;
import dev.venice.spi.server.ReadHook;
import dev.venice.spi.server.RequestHook;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** What one plugin added during its start; discarded if the start fails. */
final class CollectedExtensions implements Extensions {
  final List<StoreClientDecorator> storeDecorators = new ArrayList<>();
  final List<ReplicaDispatchDecorator> replicaDecorators = new ArrayList<>();
  final List<ReadHook> readHooks = new ArrayList<>();
  final List<RequestHook> requestHooks = new ArrayList<>();
  final List<IngestionRecordHook> ingestionHooks = new ArrayList<>();
  final List<AdminMutationHook> adminMutationHooks = new ArrayList<>();
  final List<LifecycleHook> lifecycleHooks = new ArrayList<>();
  final List<BackgroundTask> backgroundTasks = new ArrayList<>();
  final List<PluginHttpEndpoint> httpEndpoints = new ArrayList<>();
  final List<RpcService> rpcServices = new ArrayList<>();
  final List<DaVinciHook> daVinciHooks = new ArrayList<>();
  final List<Authorizer> authorizers = new ArrayList<>();
  final List<TokenAuthenticator> tokenAuthenticators = new ArrayList<>();
  final List<AccessDenialListener> accessDenialListeners = new ArrayList<>();

  private static <T> Extensions add(List<T> list, T item, Extensions self) {
    list.add(Objects.requireNonNull(item, "a plugin added null"));
    return self;
  }

  @Override
  public Extensions addStoreDecorator(StoreClientDecorator decorator) {
    return add(storeDecorators, decorator, this);
  }

  @Override
  public Extensions addReplicaDecorator(ReplicaDispatchDecorator decorator) {
    return add(replicaDecorators, decorator, this);
  }

  @Override
  public Extensions addReadHook(ReadHook hook) {
    return add(readHooks, hook, this);
  }

  @Override
  public Extensions addRequestHook(RequestHook hook) {
    return add(requestHooks, hook, this);
  }

  @Override
  public Extensions addIngestionHook(IngestionRecordHook hook) {
    return add(ingestionHooks, hook, this);
  }

  @Override
  public Extensions addAdminMutationHook(AdminMutationHook hook) {
    return add(adminMutationHooks, hook, this);
  }

  @Override
  public Extensions addLifecycleHook(LifecycleHook hook) {
    return add(lifecycleHooks, hook, this);
  }

  @Override
  public Extensions addBackgroundTask(BackgroundTask task) {
    return add(backgroundTasks, task, this);
  }

  @Override
  public Extensions addHttpEndpoint(PluginHttpEndpoint endpoint) {
    return add(httpEndpoints, endpoint, this);
  }

  @Override
  public Extensions addRpcService(RpcService service) {
    return add(rpcServices, service, this);
  }

  @Override
  public Extensions addDaVinciHook(DaVinciHook hook) {
    return add(daVinciHooks, hook, this);
  }

  @Override
  public Extensions addAuthorizer(Authorizer authorizer) {
    return add(authorizers, authorizer, this);
  }

  @Override
  public Extensions addTokenAuthenticator(TokenAuthenticator authenticator) {
    return add(tokenAuthenticators, authenticator, this);
  }

  @Override
  public Extensions addAccessDenialListener(AccessDenialListener listener) {
    return add(accessDenialListeners, listener, this);
  }
}
