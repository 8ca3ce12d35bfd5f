package dev.venice.cli.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.cli.store.StoreLatencies.Latency;
import dev.venice.cli.store.StoreLatencies.Status;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Parsing routers' Prometheus text into per-store single-get percentiles, and ranking them. */
class StoreLatenciesTest {
  @Test
  void readsWhatARoutersMicrometerTimerExports() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Timer users = timer(registry, "users", "get");
    Timer batch = timer(registry, "users", "batch_get");
    for (int i = 1; i <= 1000; i++) {
      users.record(i, TimeUnit.MICROSECONDS);
      batch.record(50, TimeUnit.MILLISECONDS);
    }
    Map<String, Latency> parsed = StoreLatencies.parse(registry.scrape());
    Latency latency = parsed.get("users");
    ValueAtPercentile[] expected = users.takeSnapshot().percentileValues();
    assertEquals(expected[0].value(TimeUnit.MILLISECONDS), latency.p50(), 1e-6);
    assertEquals(expected[1].value(TimeUnit.MILLISECONDS), latency.p99(), 1e-6);
    assertEquals(expected[2].value(TimeUnit.MILLISECONDS), latency.p999(), 1e-6);
    assertTrue(latency.p99() < 2, "batch gets are not single gets: " + latency);
    registry.close();
  }

  private static Timer timer(PrometheusMeterRegistry registry, String store, String kind) {
    return Timer.builder("venice.router.read.latency").tag("store", store).tag("kind", kind)
        .publishPercentiles(0.5, 0.99, 0.999).register(registry);
  }

  @Test
  void minorNamingVariationsAreReadAndOtherLinesIgnored() {
    String text = """
        # HELP venice_router_read_latency_ms latency
        # TYPE venice_router_read_latency_ms summary
        venice_router_read_latency_ms{store="a",kind="SINGLE_GET",quantile="0.500"} 1.5
        venice_router_read_latency_ms{store="a",kind="SINGLE_GET",quantile="0.990"} 9
        venice_router_read_latency_ms{store="a",kind="SINGLE_GET",quantile="0.999"} 12
        venice_router_read_latency_ms_count{store="a",kind="SINGLE_GET"} 100
        venice:router:read:latency{store="b",quantile="0.5"} 0.001
        venice:router:read:latency{store="b",quantile="0.99"} 0.002
        venice:router:read:latency{store="b",quantile="0.999"} 0.003
        venice_router_read_latency_seconds{store="c",kind="get",quantile="0.99"} 0.5
        venice_router_requests_total{store="a",kind="get",outcome="ok"} 100
        garbage line
        """;
    Map<String, Latency> parsed = StoreLatencies.parse(text);
    assertEquals(new Latency("a", 1.5, 9, 12), parsed.get("a"));
    assertEquals(new Latency("b", 1, 2, 3), parsed.get("b"));
    assertEquals(2, parsed.size(), "c lacks two percentiles: left out; " + parsed);
  }

  @Test
  void routersCombineToTheWorstAndStoresRankByP99() {
    Map<String, Latency> one = Map.of("a", new Latency("a", 1, 5, 9),
        "b", new Latency("b", 1, 20, 30), "c", new Latency("c", 1, 1, 1));
    Map<String, Latency> two = Map.of("a", new Latency("a", 2, 4, 40));
    Map<String, Latency> worst = StoreLatencies.worstOf(List.of(one, two));
    assertEquals(new Latency("a", 2, 5, 40), worst.get("a"));
    assertEquals(List.of("b", "a"), StoreLatencies.rank(worst, 2).stream()
        .map(Latency::store).toList());
    assertEquals(Status.OK, Status.of(7.9, 10));
    assertEquals(Status.WARN, Status.of(8, 10));
    assertEquals(Status.WARN, Status.of(10, 10));
    assertEquals(Status.OVER, Status.of(10.1, 10));
  }
}
