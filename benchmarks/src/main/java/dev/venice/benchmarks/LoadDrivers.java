package dev.venice.benchmarks;

import dev.venice.spi.client.StoreClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The two ways a load run sends reads. Both record each successful call's latency in microseconds
 * into an HdrHistogram; failed calls are counted, not recorded.
 *
 * <ul>
 *   <li><b>Closed loop</b> ({@link #closedLoop}): {@code threads} readers, each sending its next
 *       call when the previous one answered. Easy to saturate a cluster with, but a slow call also
 *       delays the calls its reader would have sent meanwhile, and those never show up in the
 *       histogram (coordinated omission): a closed loop understates the tail under a slow replica.
 *   <li><b>Open loop</b> ({@link #openLoop}): calls are scheduled at a fixed arrival rate, {@code
 *       i / rate} after the start, whatever the previous calls do, and each call's latency is
 *       measured <em>from its scheduled send time</em>, so a sender that falls behind (a GC pause,
 *       a busy CPU) charges the wait to the calls it delayed, as a real arrival stream would.
 * </ul>
 */
public final class LoadDrivers {
  private LoadDrivers() {}

  /** One read: sends it through {@code client} and returns its future. */
  @FunctionalInterface
  public interface Call {
    /** Sends the call. */
    CompletableFuture<?> send(StoreClient<String, Object> client);
  }

  /**
   * What one driver measured.
   *
   * @param calls calls that answered
   * @param errors calls that failed, or were not sent or not answered in time (open loop)
   * @param seconds the wall time of the measurement (open loop: the sending time)
   * @param latency the successful calls' latencies, microseconds
   * @param maxSendLagMicros open loop: the furthest the sender fell behind its schedule (0 for
   *     the closed loop)
   * @param maxSendMicros open loop: the longest a call took to be sent (the synchronous part of
   *     {@code get}, before its future is returned; 0 for the closed loop)
   */
  public record Outcome(long calls, long errors, double seconds, Histogram latency,
      long maxSendLagMicros, long maxSendMicros) {
    /** Successful calls per second. */
    public double throughput() {
      return calls / seconds;
    }
  }

  /**
   * {@code threads} readers, each calling and waiting for the answer, for {@code length}.
   *
   * @throws InterruptedException if interrupted while waiting for the readers
   */
  public static Outcome closedLoop(StoreClient<String, Object> client, Call call, int threads,
      Duration length) throws InterruptedException {
    Recorder recorder = new Recorder(3);
    LongAdder calls = new LongAdder();
    LongAdder errors = new LongAdder();
    long start = System.nanoTime();
    long end = start + length.toNanos();
    List<Thread> readers = new ArrayList<>(threads);
    for (int t = 0; t < threads; t++) {
      Thread reader = new Thread(() -> {
        while (System.nanoTime() < end) {
          long begin = System.nanoTime();
          try {
            call.send(client).join();
            LoadReport.recordNanos(recorder, System.nanoTime() - begin);
            calls.increment();
          } catch (RuntimeException e) {
            errors.increment();
          }
        }
      }, "closed-loop-" + t);
      reader.start();
      readers.add(reader);
    }
    for (Thread reader : readers) {
      reader.join();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    return new Outcome(calls.sum(), errors.sum(), seconds, recorder.getIntervalHistogram(), 0,
        0);
  }

  /**
   * Sends calls at {@code ratePerSecond} for {@code length} from the calling thread, then waits up
   * to {@code drain} for the calls still in flight (those not answered by then count as errors).
   * At most {@code ratePerSecond × (drain + 5 s)} calls are in flight at once; a call that would
   * exceed it is not sent and counts as an error (the cluster is then far past saturation).
   *
   * @throws InterruptedException if interrupted while sending or draining
   */
  public static Outcome openLoop(StoreClient<String, Object> client, Call call,
      double ratePerSecond, Duration length, Duration drain) throws InterruptedException {
    if (!(ratePerSecond > 0)) {
      throw new IllegalArgumentException("open-loop rate " + ratePerSecond + " is not positive");
    }
    Recorder recorder = new Recorder(3);
    LongAdder calls = new LongAdder();
    LongAdder errors = new LongAdder();
    AtomicLong inFlight = new AtomicLong();
    long maxInFlight = (long) Math.ceil(ratePerSecond * (drain.toSeconds() + 5));
    double intervalNanos = 1e9 / ratePerSecond;
    long count = (long) (length.toNanos() / intervalNanos);
    long maxLag = 0;
    long maxSend = 0;
    long start = System.nanoTime();
    for (long i = 0; i < count; i++) {
      long scheduled = start + (long) (i * intervalNanos);
      long now;
      while ((now = System.nanoTime()) < scheduled) {
        LockSupport.parkNanos(scheduled - now);
        if (Thread.interrupted()) {
          throw new InterruptedException("open-loop driver interrupted");
        }
      }
      maxLag = Math.max(maxLag, now - scheduled);
      if (inFlight.get() >= maxInFlight) {
        errors.increment();
        continue;
      }
      inFlight.incrementAndGet();
      CompletableFuture<?> future;
      try {
        future = call.send(client);
      } catch (RuntimeException e) {
        future = CompletableFuture.failedFuture(e);
      }
      maxSend = Math.max(maxSend, System.nanoTime() - now);
      future.whenComplete((value, error) -> {
        if (error == null) {
          LoadReport.recordNanos(recorder, System.nanoTime() - scheduled);
          calls.increment();
        } else {
          errors.increment();
        }
        inFlight.decrementAndGet();
      });
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    long drainEnd = System.nanoTime() + drain.toNanos();
    while (inFlight.get() > 0 && System.nanoTime() < drainEnd) {
      LockSupport.parkNanos(1_000_000);
    }
    errors.add(inFlight.get());
    return new Outcome(calls.sum(), errors.sum(), seconds, recorder.getIntervalHistogram(),
        maxLag / 1000, maxSend / 1000);
  }

  /**
   * A jHiccup-style probe: a thread that asks to sleep 1 ms over and over and records how much
   * longer each sleep took. A long oversleep is a stall of the whole process or machine (a GC or
   * safepoint pause, the OS not scheduling the thread), which every call in flight then waits
   * for too, whatever the client does.
   */
  public static final class Hiccups {
    private final Thread thread;
    private volatile boolean running = true;
    private long maxMicros;
    private long over5ms;

    /** Starts the probe. */
    public Hiccups() {
      thread = new Thread(() -> {
        while (running) {
          long before = System.nanoTime();
          LockSupport.parkNanos(1_000_000);
          long overMicros = (System.nanoTime() - before - 1_000_000) / 1000;
          maxMicros = Math.max(maxMicros, overMicros);
          if (overMicros > 5_000) {
            over5ms++;
          }
        }
      }, "hiccup-probe");
      thread.setDaemon(true);
      thread.start();
    }

    /** Stops the probe; returns {@code {longest oversleep in µs, oversleeps above 5 ms}}. */
    public long[] stop() throws InterruptedException {
      running = false;
      thread.join();
      return new long[] {maxMicros, over5ms};
    }
  }
}
