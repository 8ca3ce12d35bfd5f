package dev.venice.runtime.client;

import dev.venice.runtime.client.MetadataWarmupFile.Absent;
import dev.venice.runtime.client.MetadataWarmupFile.Saved;
import dev.venice.runtime.client.MetadataWarmupFile.Unusable;
import dev.venice.runtime.client.MetadataWarmupFile.Usable;
import dev.venice.runtime.common.meta.RoutingMetadata;
import dev.venice.spi.plugin.RateGate;
import dev.venice.spi.plugin.TimeSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One fast client's metadata warm-up: at start, whether the warm-up file is fresh enough to serve
 * from; afterwards, keeping the file up to date. See {@code docs/metadata-warmup.md}.
 *
 * <p>Meters (tag {@code store}): {@code venice.client.metadata.warmup.loads{outcome=used|stale|
 * ignored|absent}}, {@code venice.client.metadata.warmup.writes{outcome=ok|failed}} and the gauge
 * {@code venice.client.metadata.age.ms} (how long ago a router last confirmed the metadata the
 * client uses).
 *
 * <p>Thread-safety: {@link #start()} runs on the client's constructing thread before the refresher
 * runs anything; {@link #saveIfDue} and {@link #saveNow} run on the client's single refresher
 * thread only, so the state of the last save needs no lock.
 */
final class MetadataWarmup {
  private static final Logger LOG = LoggerFactory.getLogger(MetadataWarmup.class);
  /** At most one warning per this interval while writes keep failing; the rest are counted. */
  static final Duration WARNING_INTERVAL = Duration.ofSeconds(10);

  private final String store;
  private final Path file;
  private final Duration maxAge;
  private final TimeSource clock;
  private final MeterRegistry registry;
  private final Consumer<String> warnings;
  private final MetadataWarmupFile.IoStep beforeMove;
  private final RateGate writeWarnings;
  private final Counter used;
  private final Counter stale;
  private final Counter ignored;
  private final Counter absent;
  private final Counter writesOk;
  private final Counter writesFailed;
  private volatile Gauge age;
  /** What the file holds as far as this client knows; refresher thread only after start. */
  private RoutingMetadata lastSaved;
  private long lastSavedAtMillis = Long.MIN_VALUE;

  /**
   * @param file the warm-up file (need not exist)
   * @param maxAge how old the file's metadata may be to serve from it at start; positive
   * @throws IllegalArgumentException naming the store when {@code maxAge} is not positive
   */
  MetadataWarmup(String store, Path file, Duration maxAge, TimeSource clock,
      MeterRegistry registry) {
    this(store, file, maxAge, clock, registry, LOG::warn, MetadataWarmupFile.IoStep.NONE);
  }

  /** As above, with where warnings go and a step between writing and moving (for tests). */
  MetadataWarmup(String store, Path file, Duration maxAge, TimeSource clock,
      MeterRegistry registry, Consumer<String> warnings, MetadataWarmupFile.IoStep beforeMove) {
    this.store = Objects.requireNonNull(store, "store");
    this.file = Objects.requireNonNull(file, "file");
    this.maxAge = checkMaxAge(store, maxAge);
    this.clock = Objects.requireNonNull(clock, "clock");
    this.registry = Objects.requireNonNull(registry, "registry");
    this.warnings = Objects.requireNonNull(warnings, "warnings");
    this.beforeMove = Objects.requireNonNull(beforeMove, "beforeMove");
    this.writeWarnings = RateGate.open(WARNING_INTERVAL, clock);
    this.used = loads("used", "Starts served from a fresh warm-up file");
    this.stale = loads("stale", "Starts that found the warm-up file older than its max age");
    this.ignored = loads("ignored", "Starts that ignored an unusable warm-up file");
    this.absent = loads("absent", "Starts without a warm-up file");
    this.writesOk = writes("ok", "Warm-up file writes");
    this.writesFailed = writes("failed", "Warm-up file writes that failed");
  }

  /** The maximum age, checked: positive. */
  static Duration checkMaxAge(String store, Duration maxAge) {
    Objects.requireNonNull(maxAge, "maxAge");
    if (maxAge.isNegative() || maxAge.isZero()) {
      throw new IllegalArgumentException("store " + store + ": metadata warm-up max age "
          + maxAge + " is not positive");
    }
    return maxAge;
  }

  private Counter loads(String outcome, String description) {
    return Counter.builder("venice.client.metadata.warmup.loads").description(description)
        .tag("store", store).tag("outcome", outcome).register(registry);
  }

  private Counter writes(String outcome, String description) {
    return Counter.builder("venice.client.metadata.warmup.writes").description(description)
        .tag("store", store).tag("outcome", outcome).register(registry);
  }

  /** The file. */
  Path file() {
    return file;
  }

  /** The clock the file's age and the metadata's age are measured with. */
  TimeSource clock() {
    return clock;
  }

  long nowMillis() {
    return clock.now().toEpochMilli();
  }

  /**
   * What the client starts from.
   *
   * @param fresh the file's metadata, when it is usable and at most max-age old; else {@code null}
   * @param staleFile when the file was usable but too old, a sentence saying so (for the error if
   *     the blocking fetch then fails); else {@code null}
   */
  record Start(Saved fresh, String staleFile) {}

  /**
   * Reads the file once and decides. An unusable file is logged with one warning naming the file
   * and the reason; a missing or stale file is logged at info (a first start or a long pause).
   * A file saved up to max-age in the future (the clock stepped back) counts as fresh.
   */
  Start start() {
    MetadataWarmupFile.ReadResult read = MetadataWarmupFile.read(file, store);
    if (read instanceof Absent) {
      absent.increment();
      LOG.info("store {}: no metadata warm-up file at {} yet; fetching routing metadata before"
          + " serving", store, file);
      return new Start(null, null);
    }
    if (read instanceof Unusable unusable) {
      ignored.increment();
      warnings.accept("store " + store + ": ignoring metadata warm-up file " + file + ": "
          + unusable.reason() + "; fetching routing metadata from the router before serving");
      return new Start(null, null);
    }
    Saved saved = ((Usable) read).saved();
    long ageMillis = nowMillis() - saved.savedAtMillis();
    if (Math.abs(ageMillis) <= maxAge.toMillis()) {
      used.increment();
      lastSaved = saved.metadata();
      lastSavedAtMillis = saved.savedAtMillis();
      LOG.info("store {}: serving from metadata warm-up file {} ({} ms old, version {}) while"
          + " refreshing in the background", store, file, ageMillis,
          saved.metadata().currentVersion());
      return new Start(saved, null);
    }
    stale.increment();
    String staleFile = "metadata warm-up file " + file + " is " + (ageMillis < 0
        ? "dated " + (-ageMillis / 1000) + " s in the future" : (ageMillis / 1000) + " s old")
        + ", beyond its max age of " + maxAge.toSeconds() + " s";
    LOG.info("store {}: {}; fetching routing metadata before serving", store, staleFile);
    return new Start(null, staleFile);
  }

  /**
   * After a successful fetch (refresher thread): writes the file when the metadata differs from
   * what the file holds, or when the file's confirmation time is half a max-age behind, so that
   * a client that crashes (and so never saves on close) leaves a file fresh enough to start from.
   */
  void saveIfDue(RoutingMetadata metadata, List<String> routerUrls, long confirmedAtMillis) {
    if (!metadata.equals(lastSaved)
        || confirmedAtMillis - lastSavedAtMillis >= maxAge.toMillis() / 2) {
      save(metadata, routerUrls, confirmedAtMillis);
    }
  }

  /** On close (refresher thread): writes the file unless it already holds exactly this. */
  void saveNow(RoutingMetadata metadata, List<String> routerUrls, long confirmedAtMillis) {
    if (!metadata.equals(lastSaved) || confirmedAtMillis > lastSavedAtMillis) {
      save(metadata, routerUrls, confirmedAtMillis);
    }
  }

  private void save(RoutingMetadata metadata, List<String> routerUrls, long confirmedAtMillis) {
    try {
      MetadataWarmupFile.write(file, new Saved(metadata, routerUrls, confirmedAtMillis),
          beforeMove);
      lastSaved = metadata;
      lastSavedAtMillis = confirmedAtMillis;
      writesOk.increment();
    } catch (IOException | RuntimeException e) {
      writesFailed.increment();
      if (writeWarnings.tryPass()) {
        warnings.accept("store " + store + ": cannot write metadata warm-up file " + file + ": "
            + e + " (reads are unaffected; failures in the next " + WARNING_INTERVAL.toSeconds()
            + " s are only counted, in venice.client.metadata.warmup.writes{outcome=failed})");
      }
    }
  }

  /**
   * Registers the age gauge: now minus {@code confirmedAtMillis} of {@code client}, held weakly.
   */
  <T> void watchAge(T client, ToLongFunction<T> confirmedAtMillis) {
    age = Gauge.builder("venice.client.metadata.age.ms", client,
            c -> nowMillis() - confirmedAtMillis.applyAsLong(c))
        .description("Milliseconds since a router last confirmed the client's routing metadata")
        .tag("store", store).register(registry);
  }

  /** Removes the age gauge (the counters stay: they count over the registry's life). */
  void close() {
    Gauge registered = age;
    if (registered != null) {
      registry.remove(registered);
    }
  }
}
