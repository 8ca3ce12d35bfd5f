package dev.venice.runtime.localcluster.fault;

import dev.venice.spi.client.DecoratorOrder;
import dev.venice.spi.client.ReplicaDispatchDecorator;
import dev.venice.spi.client.ReplicaDispatcher;
import dev.venice.spi.client.ReplicaResponse;
import dev.venice.spi.config.ConfigKey;
import dev.venice.spi.plugin.Extensions;
import dev.venice.spi.plugin.PluginContext;
import dev.venice.spi.plugin.PluginDescriptor;
import dev.venice.spi.plugin.ProcessKind;
import dev.venice.spi.plugin.VenicePlugin;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Fault injection for tests and benchmarks, as a client decorator plugin (replica level, innermost
 * by {@link DecoratorOrder#FAULT_INJECTION}): calls to the replica {@code
 * plugins.fault-replica-latency.replica} (an instance id) wait {@code delay} before they are sent
 * (a {@code probability} of them: 1 by default).
 * Cancelling a delayed call stops it before it reaches the server, and is counted. Off unless
 * {@code plugins.fault-replica-latency.enabled=true}.
 */
public final class ReplicaLatencyPlugin implements VenicePlugin {
  static final ConfigKey<String> REPLICA = ConfigKey.string("replica", "",
      "instance id (host_port) of the replica to slow down");
  static final ConfigKey<Duration> DELAY = ConfigKey.duration("delay", Duration.ofSeconds(2),
      Duration.ZERO, Duration.ofMinutes(1), "latency added before each call to that replica");
  static final ConfigKey<Double> PROBABILITY = ConfigKey.decimal("probability", 1, 0, 1,
      "fraction of calls to that replica that are delayed (the rest go straight through)");
  /** Calls delayed so far (in this JVM). */
  public static final AtomicInteger DELAYED = new AtomicInteger();
  /** Delayed calls cancelled before they were sent. */
  public static final AtomicInteger CANCELLED = new AtomicInteger();

  @Override
  public PluginDescriptor descriptor() {
    return new PluginDescriptor("fault-replica-latency", "1.1.0", "[1.1,2.0)",
        "adds latency to client calls to one replica (tests, benchmarks)",
        Set.of(ProcessKind.CLIENT));
  }

  @Override
  public List<ConfigKey<?>> configKeys() {
    return List.of(REPLICA, DELAY, PROBABILITY);
  }

  @Override
  public void start(PluginContext context, Extensions extensions) {
    String slow = context.config().get(REPLICA);
    long delayNanos = context.config().get(DELAY).toNanos();
    double probability = context.config().get(PROBABILITY);
    extensions.addReplicaDecorator(new ReplicaDispatchDecorator() {
      @Override
      public String name() {
        return "fault-replica-latency";
      }

      @Override
      public int order() {
        return DecoratorOrder.FAULT_INJECTION;
      }

      @Override
      public ReplicaDispatcher decorate(ReplicaDispatcher next, String store) {
        return request -> {
          if (!request.candidates().get(0).instanceId().equals(slow)
              || ThreadLocalRandom.current().nextDouble() >= probability) {
            return next.dispatch(request);
          }
          DELAYED.incrementAndGet();
          CompletableFuture<ReplicaResponse> sent = new CompletableFuture<>();
          AtomicReference<CompletableFuture<ReplicaResponse>> call = new AtomicReference<>();
          ScheduledFuture<?> later = context.scheduler().schedule(() -> {
            CompletableFuture<ReplicaResponse> dispatched = next.dispatch(request);
            call.set(dispatched);
            dispatched.whenComplete((r, e) -> {
              if (e != null) {
                sent.completeExceptionally(e);
              } else {
                sent.complete(r);
              }
            });
          }, delayNanos, TimeUnit.NANOSECONDS);
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
              CompletableFuture<ReplicaResponse> dispatched = call.get();
              if (dispatched != null) {
                dispatched.cancel(mayInterrupt);
              }
              return super.cancel(mayInterrupt);
            }
          };
        };
      }
    });
  }
}
