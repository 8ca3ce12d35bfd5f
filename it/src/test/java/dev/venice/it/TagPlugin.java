package dev.venice.it;

import dev.venice.spi.client.DecoratorOrder;
import dev.venice.spi.client.ForwardingStoreClient;
import dev.venice.spi.client.RequestContext;
import dev.venice.spi.client.StoreClient;
import dev.venice.spi.client.StoreClientDecorator;
import dev.venice.spi.config.ConfigKey;
import dev.venice.spi.plugin.Extensions;
import dev.venice.spi.plugin.PluginContext;
import dev.venice.spi.plugin.PluginDescriptor;
import dev.venice.spi.plugin.VenicePlugin;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A client decorator plugin for the integration tests, found on the class path and switched on by
 * configuration alone: it records each get with the per-store {@code plugins.test-tag.tag} value.
 */
public final class TagPlugin implements VenicePlugin {
  static final ConfigKey<String> TAG = ConfigKey.string("tag", "untagged", "a label to record");
  /** What the decorator saw: {@code <tag>:<key>}. */
  public static final Queue<String> SEEN = new ConcurrentLinkedQueue<>();

  @Override
  public PluginDescriptor descriptor() {
    return new PluginDescriptor("test-tag", "1.0.0", "[1.0,2.0)", "records gets with a tag");
  }

  @Override
  public List<ConfigKey<?>> configKeys() {
    return List.of(TAG);
  }

  @Override
  public void start(PluginContext context, Extensions extensions) {
    extensions.addStoreDecorator(new StoreClientDecorator() {
      @Override
      public String name() {
        return "test-tag";
      }

      @Override
      public int order() {
        return DecoratorOrder.TRACING;
      }

      @Override
      public <K, V> StoreClient<K, V> decorate(StoreClient<K, V> client) {
        return new ForwardingStoreClient<>(client) {
          @Override
          public CompletableFuture<V> get(K key, RequestContext requestContext) {
            SEEN.add(context.configForStore(storeName()).get(TAG) + ":" + key);
            return super.get(key, requestContext);
          }
        };
      }
    });
  }
}
