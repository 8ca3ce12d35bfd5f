package dev.venice.plugins.requestsizehistograms;

import dev.venice.spi.client.RequestKind;
import dev.venice.spi.plugin.StoreSettings;
import dev.venice.spi.server.InboundRequest;
import dev.venice.spi.server.ReadOutcome;
import dev.venice.spi.server.ReadRequest;
import dev.venice.spi.server.RequestEnd;
import dev.venice.spi.server.RequestScope;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Recorder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

/**
 * What the request-size-histograms plugin costs per read call on a server, with 1 and 2 threads
 * recording at once into the same store's histograms (the worst case: one busy store), on a
 * Prometheus registry as on a host:
 *
 * <ul>
 *   <li>{@code single}: a single get of a 1 KiB value: request hook, read hook, end;
 *   <li>{@code batch10}: a batch get of 10 keys of 1 KiB;
 *   <li>{@code sampled1pct}: a single get of a store sampled at 1% (what an unsampled call costs,
 *       mostly);
 *   <li>{@code summaryRecord}: one {@code DistributionSummary.record} with the plugin's buckets,
 *       the unit the plugin pays per recorded value;
 *   <li>{@code hdrRecorder}: one HdrHistogram {@code Recorder.recordValue} (2 significant digits),
 *       the alternative, which would still need a conversion to Prometheus buckets at scrape time.
 * </ul>
 *
 * The roles are built directly, without a host: the host's per-store switch is not included.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RequestSizeHistogramsBenchmark {
  private static final RequestEnd OK = new RequestEnd(0, "OK", "");
  private static final ReadOutcome FOUND_1K = new ReadOutcome(true, 1024, 1000, false);
  private static final byte[] KEY = {2, 4, 6, 8};

  private RequestSizeHook hook;
  private DistributionSummary summary;
  private Recorder recorder;

  @Setup(Level.Trial)
  public void setUp() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    RequestSizeHistogramsConfig all = new RequestSizeHistogramsConfig(1.0, 100);
    RequestSizeHistogramsConfig onePercent = new RequestSizeHistogramsConfig(0.01, 100);
    StoreSettings<RequestSizeHistogramsConfig> settings =
        new StoreSettings<RequestSizeHistogramsConfig>() {
          @Override
          public RequestSizeHistogramsConfig get(String store) {
            return store.equals("sampled") ? onePercent : all;
          }

          @Override
          public RequestSizeHistogramsConfig processWide() {
            return all;
          }
        };
    RequestSizeHistogramsMetrics metrics = new RequestSizeHistogramsMetrics(registry,
        "venice.server.request.size.histograms.", 100);
    hook = new RequestSizeHook(settings, metrics, () -> ThreadLocalRandom.current().nextDouble());
    summary = metrics.forStore("raw").kind(RequestKind.BATCH_GET).valueBytes;
    recorder = new Recorder(2);
  }

  /** Each thread's own call headers, as each gRPC call has its own map. */
  @State(Scope.Thread)
  public static class Call {
    final Map<String, String> headers = Map.of("user-agent", "bench-" + Thread.currentThread()
        .getId());
    final InboundRequest single = new InboundRequest("venice.read.v1.VeniceRead/Get",
        RequestKind.SINGLE_GET, "users", 1, 0, 1, headers);
    final InboundRequest batch = new InboundRequest("venice.read.v1.VeniceRead/BatchGet",
        RequestKind.BATCH_GET, "users", 1, 0, 10, headers);
    final InboundRequest sampled = new InboundRequest("venice.read.v1.VeniceRead/Get",
        RequestKind.SINGLE_GET, "sampled", 1, 0, 1, headers);
    final ReadRequest key = new ReadRequest("users", 1, 0, KEY, headers);
    final ReadRequest sampledKey = new ReadRequest("sampled", 1, 0, KEY, headers);
  }

  private RequestScope get(InboundRequest request, ReadRequest key, int keys) {
    RequestScope scope = hook.onRequest(request);
    for (int i = 0; i < keys; i++) {
      hook.afterRead(key, FOUND_1K);
    }
    scope.onEnd(OK);
    return scope;
  }

  @Benchmark
  @Threads(1)
  public RequestScope single1(Call call) {
    return get(call.single, call.key, 1);
  }

  @Benchmark
  @Threads(2)
  public RequestScope single2(Call call) {
    return get(call.single, call.key, 1);
  }

  @Benchmark
  @Threads(1)
  public RequestScope batch10x1(Call call) {
    return get(call.batch, call.key, 10);
  }

  @Benchmark
  @Threads(2)
  public RequestScope batch10x2(Call call) {
    return get(call.batch, call.key, 10);
  }

  @Benchmark
  @Threads(2)
  public RequestScope sampled1pct2(Call call) {
    return get(call.sampled, call.sampledKey, 1);
  }

  @Benchmark
  @Threads(1)
  public void summaryRecord1() {
    summary.record(1024);
  }

  @Benchmark
  @Threads(2)
  public void summaryRecord2() {
    summary.record(1024);
  }

  @Benchmark
  @Threads(1)
  public void hdrRecorder1() {
    recorder.recordValue(1024);
  }

  @Benchmark
  @Threads(2)
  public void hdrRecorder2() {
    recorder.recordValue(1024);
  }
}
