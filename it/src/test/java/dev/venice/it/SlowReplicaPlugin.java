package dev.venice.it;

import dev.venice.spi.client.DecoratorOrder;
import dev.venice.spi.client.ReplicaDispatchDecorator;
import dev.venice.spi.client.ReplicaDispatcher;
import dev.venice.spi.client.ReplicaResponse;
import dev.venice.spi.config.ConfigKey;
import dev.venice.spi.plugin.Extensions;
import dev.venice.spi.plugin.PluginContext;
import dev.venice.spi.plugin.PluginDescriptor;
import dev.venice.spi.plugin.VenicePlugin;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test fault injection as a replica-level decorator plugin, innermost by default order: calls to
 * {@code plugins.test-slow-replica.replica} wait {@code delay} before they are sent. Cancelling a
 * delayed call cancels it before it reaches the server, and is counted.
 */
public final class SlowReplicaPlugin implements VenicePlugin {
  static final ConfigKey<String> REPLICA = ConfigKey.string("replica", "", "instance to slow");
  static final ConfigKey<Duration> DELAY = ConfigKey.duration("delay", Duration.ofSeconds(2),
      Duration.ZERO, Duration.ofMinutes(1), "added latency");
  /** Delayed calls, and those cancelled before they were sent. */
  public static final AtomicInteger DELAYED = new AtomicInteger();
  public static final AtomicInteger CANCELLED = new AtomicInteger();

  @Override
  public PluginDescriptor descriptor() {
    return new PluginDescriptor("test-slow-replica", "1.0.0", "[1.0,2.0)", "slows one replica");
  }

  @Override
  public List<ConfigKey<?>> configKeys() {
    return List.of(REPLICA, DELAY);
  }

  @Override
  public void start(PluginContext context, Extensions extensions) {
    String slow = context.config().get(REPLICA);
    long delayNanos = context.config().get(DELAY).toNanos();
    extensions.addReplicaDecorator(new ReplicaDispatchDecorator() {
      @Override
      public String name() {
        return "test-slow-replica";
      }

      @Override
      public int order() {
        return DecoratorOrder.FAULT_INJECTION;
      }

      @Override
      public ReplicaDispatcher decorate(ReplicaDispatcher next, String store) {
        return request -> {
          if (!request.candidates().get(0).instanceId().equals(slow)) {
            return next.dispatch(request);
          }
          DELAYED.incrementAndGet();
          CompletableFuture<ReplicaResponse> sent = new CompletableFuture<>();
          ScheduledFuture<?> later = context.scheduler().schedule(() ->
              next.dispatch(request).whenComplete((r, e) -> {
                if (e != null) {
                  sent.completeExceptionally(e);
                } else {
                  sent.complete(r);
                }
              }), delayNanos, TimeUnit.NANOSECONDS);
          return new CompletableFuture<ReplicaResponse>() {
            {
              sent.whenComplete((r, e) -> {
                if (e != null) {
                  completeExceptionally(e);
                } else {
                  complete(r);
                }
              });
            }

            @Override
            public boolean cancel(boolean mayInterrupt) {
              if (later.cancel(false)) {
                CANCELLED.incrementAndGet();
              }
              return super.cancel(mayInterrupt);
            }
          };
        };
      }
    });
  }
}
