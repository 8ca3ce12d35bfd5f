package dev.venice.spi.plugin;

import dev.venice.spi.client.ReplicaDispatchDecorator;
import dev.venice.spi.client.StoreClientDecorator;
import dev.venice.spi.controller.AdminMutationHook;
import dev.venice.spi.http.PluginHttpEndpoint;
import dev.venice.spi.server.IngestionRecordHook;
import dev.venice.spi.server.ReadHook;

/**
 * Where a plugin adds what it contributes, during {@link VenicePlugin#start}. A host uses the kinds
 * it has hook points for (a server: read, ingestion, lifecycle; a controller: admin mutations,
 * lifecycle; a client: decorators) and logs, once, any kind it ignores. Every method returns this
 * object for chaining.
 */
public interface Extensions {
  /** Adds a store-level client decorator. */
  Extensions addStoreDecorator(StoreClientDecorator decorator);

  /** Adds a replica-level client decorator. */
  Extensions addReplicaDecorator(ReplicaDispatchDecorator decorator);

  /** Adds a read hook (servers, routers). */
  Extensions addReadHook(ReadHook hook);

  /** Adds an ingestion-record hook (servers). */
  Extensions addIngestionHook(IngestionRecordHook hook);

  /** Adds an admin-mutation hook (controllers). */
  Extensions addAdminMutationHook(AdminMutationHook hook);

  /** Adds a lifecycle hook (every process). */
  Extensions addLifecycleHook(LifecycleHook hook);

  /** Adds a background task the host runs on the plugin's scheduler. */
  Extensions addBackgroundTask(BackgroundTask task);

  /** Adds an HTTP endpoint under {@code /plugins/<id>/} on the admin port. */
  Extensions addHttpEndpoint(PluginHttpEndpoint endpoint);
}
