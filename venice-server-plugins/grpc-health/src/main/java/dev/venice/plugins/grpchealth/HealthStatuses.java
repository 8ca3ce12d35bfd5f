package dev.venice.plugins.grpchealth;

import dev.venice.plugins.grpchealth.proto.HealthCheckResponse.ServingStatus;
import dev.venice.spi.plugin.ServingState;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * The health statuses of the process's two services, from its serving state, and the Watch
 * streams that follow them. Liveness (service {@code ""}) is SERVING in every state but {@link
 * ServingState#STOPPING}; readiness (the configured name) is SERVING in {@link ServingState#READY}
 * only; any other name is unknown.
 *
 * <p>Fed by the serving lifecycle's subscription ({@link #accept}, in order). Each watch gets the
 * status at its start, then each change of its service's status once (no repeats), and ends
 * cleanly after NOT_SERVING when the process reaches {@link ServingState#STOPPING} (a watch of an
 * unknown service gets SERVICE_UNKNOWN once and ends there too, without another message).
 *
 * <p>Thread-safe, without locks: each watch has a queue of states drained by one thread at a time
 * (the one that finds it idle), so its messages go out in order while no lock is held around a
 * {@link WatchSink} call. States only move forward, so a watch skips a state older than one it has
 * delivered (a change that raced with its start).
 */
final class HealthStatuses implements Consumer<ServingState> {
  /** What a health service name asks for. */
  enum Probe {
    /** Service {@code ""}: is the process alive? */
    LIVENESS,
    /** The configured readiness service: should work be sent to it? */
    READINESS,
    /** Any other name. */
    UNKNOWN;

    /** The metric tag value: {@code liveness}, {@code readiness}, {@code unknown}. */
    String tag() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** The status in {@code state}: SERVICE_UNKNOWN for an unknown service. */
    ServingStatus status(ServingState state) {
      return switch (this) {
        case LIVENESS -> state.isLive() ? ServingStatus.SERVING : ServingStatus.NOT_SERVING;
        case READINESS -> state.isReady() ? ServingStatus.SERVING : ServingStatus.NOT_SERVING;
        case UNKNOWN -> ServingStatus.SERVICE_UNKNOWN;
      };
    }
  }

  /** Where a watch's messages go; called by one thread at a time, in order. */
  interface WatchSink {
    /** Sends one status. */
    void send(ServingStatus status);

    /** Ends the stream cleanly (status OK). */
    void complete();
  }

  private final String readinessService;
  private final GrpcHealthMetrics metrics;
  private final AtomicReference<ServingState> state = new AtomicReference<>(ServingState.STARTING);
  private final Set<Watch> watches = ConcurrentHashMap.newKeySet();

  /**
   * Starts in {@link ServingState#STARTING}, until the first {@link #accept}.
   *
   * @param readinessService the readiness service's name, not {@code ""}
   * @param metrics where the statuses, checks and active watches are counted
   */
  HealthStatuses(String readinessService, GrpcHealthMetrics metrics) {
    this.readinessService = readinessService;
    this.metrics = metrics;
    metrics.statesChanged(ServingState.STARTING);
  }

  /** What {@code service} asks for. */
  Probe probe(String service) {
    if (service.isEmpty()) {
      return Probe.LIVENESS;
    }
    return service.equals(readinessService) ? Probe.READINESS : Probe.UNKNOWN;
  }

  /**
   * The protocol's Check: the status of {@code service} now, counted.
   *
   * @return empty for an unknown service (the caller answers NOT_FOUND)
   */
  Optional<ServingStatus> check(String service) {
    Probe probe = probe(service);
    if (probe == Probe.UNKNOWN) {
      metrics.checked(probe, null);
      return Optional.empty();
    }
    ServingStatus status = probe.status(state.get());
    metrics.checked(probe, status);
    return Optional.of(status);
  }

  /**
   * The protocol's Watch: sends the status of {@code service} now (on this thread, unless a state
   * change is delivering to it at the same time), then every change until {@link
   * ServingState#STOPPING} or until the returned action runs.
   *
   * @return releases the watch (for the call's cancellation); harmless after it ended
   */
  Runnable watch(String service, WatchSink sink) {
    Watch watch = new Watch(probe(service), sink);
    watches.add(watch);
    metrics.activeWatches(watch.probe).incrementAndGet();
    // after joining the set: a change from now on is offered by accept, an earlier one read here
    watch.offer(state.get());
    return watch::release;
  }

  /**
   * The lifecycle listener: a new serving state, told to every watch on this thread. A state
   * older than the current one is ignored.
   */
  @Override
  public void accept(ServingState next) {
    ServingState now = state.accumulateAndGet(next,
        (current, proposed) -> proposed.ordinal() > current.ordinal() ? proposed : current);
    if (now != next) {
      return;
    }
    metrics.statesChanged(now);
    for (Watch watch : watches) {
      watch.offer(now);
    }
  }

  /** Ends every watch as {@link ServingState#STOPPING} would (the plugin stops). */
  void close() {
    accept(ServingState.STOPPING);
  }

  /** One Watch call: its queue of states and what it has sent. */
  private final class Watch {
    final Probe probe;
    private final WatchSink sink;
    private final ConcurrentLinkedQueue<ServingState> pending = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean draining = new AtomicBoolean();
    // read and written by the draining thread only (the flag's CAS and set order them)
    private ServingState delivered;
    private ServingStatus sent;
    private boolean ended;

    Watch(Probe probe, WatchSink sink) {
      this.probe = probe;
      this.sink = sink;
    }

    void offer(ServingState next) {
      pending.add(next);
      do {
        if (!draining.compareAndSet(false, true)) {
          return; // the thread draining it delivers this state too
        }
        try {
          for (ServingState s = pending.poll(); s != null; s = pending.poll()) {
            deliver(s);
          }
        } finally {
          draining.set(false);
        }
      } while (!pending.isEmpty());
    }

    private void deliver(ServingState next) {
      if (ended || (delivered != null && next.ordinal() <= delivered.ordinal())) {
        return;
      }
      delivered = next;
      ServingStatus status = probe.status(next);
      if (status != sent) {
        sent = status;
        sink.send(status);
      }
      if (next == ServingState.STOPPING) {
        ended = true;
        release();
        sink.complete();
      }
    }

    void release() {
      if (watches.remove(this)) {
        metrics.activeWatches(probe).decrementAndGet();
      }
    }
  }
}
