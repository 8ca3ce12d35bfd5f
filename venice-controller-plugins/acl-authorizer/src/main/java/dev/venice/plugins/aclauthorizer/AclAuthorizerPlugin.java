package dev.venice.plugins.aclauthorizer;

import dev.venice.spi.config.ConfigKey;
import dev.venice.spi.config.PluginConfig;
import dev.venice.spi.controller.PluginStateStore;
import dev.venice.spi.host.Subscription;
import dev.venice.spi.plugin.Extensions;
import dev.venice.spi.plugin.PluginContext;
import dev.venice.spi.plugin.PluginDescriptor;
import dev.venice.spi.plugin.ProcessKind;
import dev.venice.spi.plugin.VenicePlugin;
import java.util.List;
import java.util.Set;

/**
 * The {@code acl-authorizer} plugin, wiring only: its descriptor (controllers, servers, routers),
 * its keys ({@link AclAuthorizerConfig}) and, at start, the {@link AclCache} over the plugin's
 * state store (watched, then loaded at once; reloaded on the node's changes and by {@link
 * AclRefreshTask}),
 * the {@link AclStoreAuthorizer} reading it and, on a controller, the {@link AclEndpoint} that
 * writes it and the {@link AclStoreDeletionHook} that removes a deleted store's grants. {@code
 * stop} closes the watch.
 */
public final class AclAuthorizerPlugin implements VenicePlugin {
  private volatile Subscription watch;

  @Override
  public PluginDescriptor descriptor() {
    return new PluginDescriptor("acl-authorizer", "1.0.0", "[1.9,2.0)",
        "store and cluster ACLs (users and groups, READ < WRITE < ADMIN) in ZooKeeper, enforced"
            + " on every read, push and admin change",
        Set.of(ProcessKind.CONTROLLER, ProcessKind.SERVER, ProcessKind.ROUTER));
  }

  @Override
  public List<ConfigKey<?>> configKeys() {
    return AclAuthorizerConfig.KEYS;
  }

  @Override
  public void validate(PluginConfig config) {
    AclAuthorizerConfig.validate(config);
  }

  /**
   * @throws IllegalStateException when the host offers no plugin state store (a client, or a host
   *     older than SPI 1.9): without the ACLs the plugin cannot decide, so it does not start
   */
  @Override
  public void start(PluginContext context, Extensions extensions) {
    PluginStateStore store = context.stateStore().orElseThrow(() -> new IllegalStateException(
        "acl-authorizer needs the plugin state store in ZooKeeper (a controller, server or"
            + " router of SPI 1.9 or newer connected to the cluster's ZooKeeper); this "
            + context.host().processKind() + " offers none, so it cannot read the ACLs"));
    AclAuthorizerConfig config = AclAuthorizerConfig.from(context.config());
    AclAuthorizerMetrics metrics = new AclAuthorizerMetrics(context.meterRegistry(),
        context.metricPrefix());
    AclCache acls = new AclCache(store, metrics, context.logger());
    watch = acls.watch(context.scheduler()); // first, so no change after the load is missed
    acls.reload();
    extensions.addAuthorizer(new AclStoreAuthorizer(acls, config, metrics))
        .addBackgroundTask(new AclRefreshTask(acls, config.refreshInterval()));
    if (ProcessKind.fromId(context.host().processKind()) == ProcessKind.CONTROLLER) {
      extensions.addHttpEndpoint(new AclEndpoint(store))
          .addAdminMutationHook(new AclStoreDeletionHook(store, metrics, context.logger()));
    }
  }

  @Override
  public void stop() {
    Subscription opened = watch;
    if (opened != null) {
      opened.close();
    }
  }
}
