package dev.venice.runtime.localcluster.fault;

import dev.venice.spi.client.DecoratorOrder;
import dev.venice.spi.client.ReplicaDispatchDecorator;
import dev.venice.spi.client.ReplicaDispatcher;
import dev.venice.spi.config.ConfigException;
import dev.venice.spi.config.ConfigKey;
import dev.venice.spi.plugin.Extensions;
import dev.venice.spi.plugin.PluginContext;
import dev.venice.spi.plugin.PluginDescriptor;
import dev.venice.spi.plugin.ProcessKind;
import dev.venice.spi.plugin.VenicePlugin;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Fault injection for tests and benchmarks, as a client decorator plugin (replica level, innermost
 * by {@link DecoratorOrder#FAULT_INJECTION}, so the fault looks like the replica's own latency to
 * every other decorator). It slows down the client's calls to one replica, {@code
 * plugins.fault-replica-latency.replica} (an instance id, {@code host_port}), in two independent
 * ways that can be combined:
 *
 * <ul>
 *   <li><b>A fixed delay</b> on a fraction of the calls: {@code delay} (default {@code 0s}: none)
 *       before the call is sent, on a {@code probability} of the calls (default 1: all). E.g. "5% of
 *       the calls 50 ms late": {@code delay=50ms}, {@code probability=0.05}.
 *   <li><b>A proportional slowdown</b> of every call: {@code slowdown-factor} (default 1: none). The
 *       call is sent at once and its answer (or failure) is held for {@code (factor - 1)} times the
 *       time the call itself took, so the replica looks {@code factor} times slower on every call
 *       whatever its own latency is. E.g. "one replica 5× slower": {@code slowdown-factor=5}.
 * </ul>
 *
 * <p>Cancelling a call cancels it wherever it is: a delayed call is not sent (and is counted in
 * {@link #CANCELLED}), a call in flight is cancelled (its gRPC call too), a held answer is
 * dropped. Off unless {@code plugins.fault-replica-latency.enabled=true}; started with neither a
 * delay nor a slowdown, or without a replica, it refuses to start with a {@link ConfigException}
 * naming the key. Timers run on the plugin's scheduler thread, which also completes the delayed
 * and held calls.
 */
public final class ReplicaLatencyPlugin implements VenicePlugin {
  static final String ID = "fault-replica-latency";
  static final ConfigKey<String> REPLICA = ConfigKey.string("replica", "",
      "instance id (host_port) of the replica to slow down");
  static final ConfigKey<Duration> DELAY = ConfigKey.duration("delay", Duration.ZERO,
      Duration.ZERO, Duration.ofMinutes(1),
      "latency added before a call to that replica is sent (0s: none)");
  static final ConfigKey<Double> PROBABILITY = ConfigKey.decimal("probability", 1, 0, 1,
      "fraction of calls to that replica that get the delay (the rest are sent at once)");
  static final ConfigKey<Double> SLOWDOWN_FACTOR = ConfigKey.decimal("slowdown-factor", 1, 1, 1000,
      "every call to that replica takes this many times its own time: its answer is held for"
          + " (factor - 1) times the call's measured time (1: no slowdown)");
  /** Calls delayed so far (in this JVM). */
  public static final AtomicInteger DELAYED = new AtomicInteger();
  /** Delayed calls cancelled before they were sent. */
  public static final AtomicInteger CANCELLED = new AtomicInteger();
  /** Answers held by the slowdown so far (in this JVM). */
  public static final AtomicInteger HELD = new AtomicInteger();

  @Override
  public PluginDescriptor descriptor() {
    return new PluginDescriptor(ID, "1.2.0", "[1.1,2.0)",
        "adds latency to client calls to one replica: a delay on a fraction of them, or a"
            + " slowdown factor on all (tests, benchmarks)",
        Set.of(ProcessKind.CLIENT));
  }

  @Override
  public List<ConfigKey<?>> configKeys() {
    return List.of(REPLICA, DELAY, PROBABILITY, SLOWDOWN_FACTOR);
  }

  @Override
  public void start(PluginContext context, Extensions extensions) {
    String slow = context.config().get(REPLICA).trim();
    Duration delay = context.config().get(DELAY);
    double probability = context.config().get(PROBABILITY);
    double factor = context.config().get(SLOWDOWN_FACTOR);
    if (slow.isEmpty()) {
      throw new ConfigException(key(REPLICA), key(REPLICA)
          + " is not set: name the instance id (host_port) of the replica to slow down");
    }
    boolean delays = !delay.isZero() && probability > 0;
    if (!delays && factor == 1) {
      throw new ConfigException(key(DELAY), "plugins." + ID + " is enabled with no fault: set "
          + key(DELAY) + " (with " + key(PROBABILITY) + " > 0) or " + key(SLOWDOWN_FACTOR)
          + " > 1");
    }
    ReplicaFault fault = new ReplicaFault(slow, delays ? delay.toNanos() : 0, probability, factor,
        context::scheduler);
    extensions.addReplicaDecorator(new ReplicaDispatchDecorator() {
      @Override
      public String name() {
        return ID;
      }

      @Override
      public int order() {
        return DecoratorOrder.FAULT_INJECTION;
      }

      @Override
      public ReplicaDispatcher decorate(ReplicaDispatcher next, String store) {
        return fault.decorate(next);
      }
    });
  }

  private static String key(ConfigKey<?> key) {
    return "plugins." + ID + "." + key.name();
  }
}
