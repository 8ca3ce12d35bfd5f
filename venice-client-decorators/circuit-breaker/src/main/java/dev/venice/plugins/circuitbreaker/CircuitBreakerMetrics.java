package dev.venice.plugins.circuitbreaker;

import dev.venice.plugins.circuitbreaker.CircuitBreaker.State;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;

/**
 * One store's circuit-breaker meters under the host-given prefix: per store the requests refused
 * because every replica's breaker was open, and per (store, instance) the {@link Instance} meters.
 * All are created once, when the store's or the instance's breaker is first needed, never per
 * request. Thread-safe.
 */
final class CircuitBreakerMetrics {
  private final MeterRegistry registry;
  private final String prefix;
  private final String store;
  private final Logger logger;
  /** Partition requests failed at once with {@link CircuitOpenException}. */
  final Counter allOpen;

  /**
   * @param prefix the host-given meter prefix ({@code venice.client.circuit.breaker.})
   * @param logger where transitions are logged
   */
  CircuitBreakerMetrics(MeterRegistry registry, String prefix, String store, Logger logger) {
    this.registry = registry;
    this.prefix = prefix;
    this.store = store;
    this.logger = logger;
    this.allOpen = Counter.builder(prefix + "all.open")
        .description("Partition requests failed at once: every replica's breaker was open")
        .tag("store", store).register(registry);
  }

  /** The meters of one instance's breaker (its state gauge follows with {@link Instance#watch}). */
  Instance forInstance(String instance) {
    return new Instance(instance);
  }

  /**
   * One instance's meters: attempts by outcome, transitions by target state, rejections, and the
   * state gauge; logs each transition. Listens to the instance's breaker.
   */
  final class Instance implements CircuitBreaker.TransitionListener {
    private final String instance;
    private final Counter[] transitionsTo = new Counter[State.values().length];
    private final Counter[] callsBy = new Counter[Outcome.values().length];
    /** Requests not sent to the instance because its breaker refused them. */
    final Counter rejections;

    private Instance(String instance) {
      this.instance = instance;
      for (State state : State.values()) {
        transitionsTo[state.ordinal()] = Counter.builder(prefix + "transitions")
            .description("Circuit breaker transitions, by the state moved to")
            .tags("store", store, "instance", instance, "state", state.name())
            .register(registry);
      }
      for (Outcome outcome : Outcome.values()) {
        callsBy[outcome.ordinal()] = Counter.builder(prefix + "calls")
            .description("Attempts sent to the instance, by what they told its breaker")
            .tags("store", store, "instance", instance, "outcome", outcome.name())
            .register(registry);
      }
      this.rejections = Counter.builder(prefix + "rejections")
          .description("Requests not sent to the instance because its breaker was open (skipped"
              + " by replica selection or refused at the attempt)")
          .tags("store", store, "instance", instance).register(registry);
    }

    /** Registers the state gauge of {@code breaker} (0 closed, 1 open, 2 half-open). */
    void watch(CircuitBreaker breaker) {
      Gauge.builder(prefix + "state", breaker, b -> b.state().gaugeValue)
          .description("Circuit breaker state: 0 closed, 1 open, 2 half-open")
          .tags("store", store, "instance", instance).strongReference(true).register(registry);
    }

    /** Counts one permitted attempt's outcome. */
    void recordCall(Outcome outcome) {
      callsBy[outcome.ordinal()].increment();
    }

    @Override
    public void onTransition(State from, State to) {
      transitionsTo[to.ordinal()].increment();
      logger.info("store {}: the circuit breaker of instance {} went from {} to {}", store,
          instance, from, to);
    }
  }
}
