package dev.venice.spi.plugin;

import dev.venice.spi.client.ReplicaDispatchDecorator;
import dev.venice.spi.client.StoreClientDecorator;
import dev.venice.spi.controller.AdminMutationHook;
import dev.venice.spi.http.PluginHttpEndpoint;
import dev.venice.spi.rpc.RpcService;
import dev.venice.spi.server.IngestionRecordHook;
import dev.venice.spi.server.ReadHook;
import dev.venice.spi.server.RequestHook;

/**
 * Where a plugin adds what it contributes, during {@link VenicePlugin#start}. A host uses the kinds
 * it has hook points for (a server: read, request, ingestion, lifecycle, RPC services; a router:
 * read, request, lifecycle, RPC services; a controller: admin mutations, lifecycle, RPC services; a
 * client: decorators; a Da Vinci client: Da Vinci, ingestion and lifecycle hooks) and logs, once, any kind it ignores. Every method returns this object for
 * chaining.
 */
public interface Extensions {
  /** Adds a store-level client decorator. */
  Extensions addStoreDecorator(StoreClientDecorator decorator);

  /** Adds a replica-level client decorator. */
  Extensions addReplicaDecorator(ReplicaDispatchDecorator decorator);

  /** Adds a read hook (servers, routers). */
  Extensions addReadHook(ReadHook hook);

  /**
   * Adds a request hook (servers, routers): once per read call, around the whole call.
   *
   * @since 1.3.0
   */
  @dev.venice.spi.Experimental(since = "1.3.0")
  Extensions addRequestHook(RequestHook hook);

  /** Adds an ingestion-record hook (servers). */
  Extensions addIngestionHook(IngestionRecordHook hook);

  /** Adds an admin-mutation hook (controllers). */
  Extensions addAdminMutationHook(AdminMutationHook hook);

  /** Adds a lifecycle hook (every process). */
  Extensions addLifecycleHook(LifecycleHook hook);

  /**
   * Adds a gRPC service to the process's gRPC port (servers, routers, controllers), beside the
   * process's own services. A name the process or another plugin already serves is refused: the
   * plugin fails to start, naming it.
   *
   * @since 1.4.0
   */
  @dev.venice.spi.Experimental(since = "1.4.0")
  Extensions addRpcService(RpcService service);

  /** Adds a background task the host runs on the plugin's scheduler. */
  Extensions addBackgroundTask(BackgroundTask task);

  /** Adds an HTTP endpoint under {@code /plugins/<id>/} on the admin port. */
  Extensions addHttpEndpoint(PluginHttpEndpoint endpoint);

  /**
   * Adds a Da Vinci hook (Da Vinci clients): resume decisions for local copies, version swaps.
   *
   * @since 1.8.0
   */
  @dev.venice.spi.Experimental(since = "1.8.0")
  Extensions addDaVinciHook(dev.venice.spi.davinci.DaVinciHook hook);

  /**
   * Adds an authorizer, asked before admin mutations, push starts and reads when security is on.
   *
   * @since 1.9.0
   */
  @dev.venice.spi.Experimental(since = "1.9.0")
  Extensions addAuthorizer(dev.venice.spi.security.Authorizer authorizer);

  /**
   * Adds a bearer-token authenticator, asked for the principal of a request that carries a token
   * when security is on.
   *
   * @since 1.9.0
   */
  @dev.venice.spi.Experimental(since = "1.9.0")
  Extensions addTokenAuthenticator(dev.venice.spi.security.TokenAuthenticator authenticator);

  /**
   * Adds a listener told of denied operations (for audit), when security is on.
   *
   * @since 1.9.0
   */
  @dev.venice.spi.Experimental(since = "1.9.0")
  Extensions addAccessDenialListener(dev.venice.spi.security.AccessDenialListener listener);
}
