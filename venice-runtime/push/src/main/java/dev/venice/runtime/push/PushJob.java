package dev.venice.runtime.push;

import com.fasterxml.jackson.databind.JsonNode;
import dev.venice.runtime.common.controller.ControllerClient;
import dev.venice.runtime.common.controller.ControllerException;
import dev.venice.runtime.common.controller.StoreSchemas;
import dev.venice.runtime.common.controller.ValueSchema;
import dev.venice.runtime.common.data.AvroSerde;
import dev.venice.runtime.common.data.Compression;
import dev.venice.runtime.common.data.CompressionDictionary;
import dev.venice.runtime.common.data.VeniceWriter;
import dev.venice.runtime.common.meta.CompressionStrategy;
import dev.venice.runtime.common.meta.PushStatus;
import dev.venice.runtime.common.meta.TopicNames;
import dev.venice.runtime.common.meta.Version;
import dev.venice.runtime.common.meta.VersionStatus;
import dev.venice.spi.plugin.TimeSource;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;

/**
 * Pushes a file as a new version of a store: reads the whole input once to check every record
 * (nothing is created for an input with a bad record), asks the controller for the version
 * declaring the record count, writes every record into the version topic (partitioned with the
 * store's partitioner, compressed with the version's strategy) between start-of-push and
 * end-of-push, and waits until the version is online.
 *
 * <p>Input: an Avro container file of records with a {@code key} and a {@code value} field whose
 * schemas are the store's key schema and one of its registered value schemas; or JSON lines,
 * strictly: one {@code {"key": ..., "value": ...}} object per line (blank lines are skipped) in
 * Avro's JSON encoding of the store's key schema and newest value schema, with nothing after the
 * object and no field the schemas do not have. A record that does not fit stops the push with its
 * record (or line) number and the reason, before any version exists.
 *
 * <p>Two rules keep an accidental input from replacing a store's data (the controller enforces
 * them on the declared count): an empty input is refused unless {@link #allowEmpty(boolean)}; an
 * input with more than {@code push.max.shrink.fraction} (default 50%) fewer records than the
 * current version is refused unless {@link #force(boolean)}. A refused or failed push leaves the
 * current version serving.
 */
public final class PushJob {
  /** Input formats. */
  public enum Format {
    /** An Avro container file. */
    AVRO,
    /** JSON lines in Avro's JSON encoding. */
    JSON_LINES;

    /** The format a file name suggests: {@code .avro} is Avro, anything else JSON lines. */
    public static Format of(Path file) {
      return file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".avro") ? AVRO
          : JSON_LINES;
    }
  }

  /**
   * What a push did.
   *
   * @param store the store
   * @param version the version it created, now current
   * @param records records written
   * @param bytes key and value bytes written (before compression)
   * @param duration from start to online
   */
  public record Result(String store, int version, long records, long bytes, Duration duration) {}

  /** The write loop samples its count for the estimator at most this often (100 ms). */
  private static final long ESTIMATOR_SAMPLE_NANOS = 100_000_000L;
  /** With a rate limit, how far behind its schedule the push may catch up at full speed. */
  private static final long PACING_BURST_NANOS = 100_000_000L;
  /** The sampling seed: a rerun samples the same records. */
  private static final long SAMPLE_SEED = 19;
  /** Values a ZSTD_WITH_DICT push trains its dictionary on (sampled over the whole input). */
  private static final int DICTIONARY_SAMPLE_SIZE = 10_000;

  private final ControllerClient admin;
  private final String store;
  private final Path input;
  private final Format format;
  private final Duration onlineTimeout;
  private final Consumer<PushProgress> progress;
  private final boolean allowEmpty;
  private final boolean force;
  private final double maxRecordsPerSecond;

  private PushJob(ControllerClient admin, String store, Path input, Format format,
      Duration onlineTimeout, Consumer<PushProgress> progress, boolean allowEmpty,
      boolean force, double maxRecordsPerSecond) {
    this.maxRecordsPerSecond = maxRecordsPerSecond;
    this.admin = admin;
    this.store = store;
    this.input = input;
    this.format = format;
    this.onlineTimeout = onlineTimeout;
    this.progress = progress;
    this.allowEmpty = allowEmpty;
    this.force = force;
  }

  /** A push of {@code input} into {@code store} through the controller at {@code controllerUrl}. */
  public static PushJob create(String controllerUrl, String store, Path input) {
    return create(new ControllerClient(controllerUrl), store, input);
  }

  /**
   * A push of {@code input} into {@code store} through {@code admin}: a client built with the push
   * job's key material ({@code ControllerClient(url, principal, timeout, tls)}) for a cluster with
   * {@code ssl.enabled}, whose authorizers then see the push start as the certificate's principal
   * (it needs {@code WRITE} on the store).
   */
  public static PushJob create(ControllerClient admin, String store, Path input) {
    return new PushJob(Objects.requireNonNull(admin, "admin"), store, input, Format.of(input),
        Duration.ofMinutes(30), p -> { }, false, false, 0);
  }

  /** The same push reading {@code inputFormat}. */
  public PushJob format(Format inputFormat) {
    return new PushJob(admin, store, input, Objects.requireNonNull(inputFormat), onlineTimeout,
        progress, allowEmpty, force, maxRecordsPerSecond);
  }

  /** The same push, waiting at most {@code timeout} for the version to go online. */
  public PushJob onlineTimeout(Duration timeout) {
    return new PushJob(admin, store, input, format, timeout, progress, allowEmpty, force,
        maxRecordsPerSecond);
  }

  /** The same push, reporting progress to {@code listener} (every 1000 records and at the end). */
  public PushJob progress(Consumer<PushProgress> listener) {
    return new PushJob(admin, store, input, format, onlineTimeout, listener, allowEmpty, force,
        maxRecordsPerSecond);
  }

  /** The same push, allowed (or not, the default) to make an empty version current. */
  public PushJob allowEmpty(boolean allow) {
    return new PushJob(admin, store, input, format, onlineTimeout, progress, allow, force,
        maxRecordsPerSecond);
  }

  /**
   * The same push, allowed (or not, the default) to replace a current version with more records
   * than the controller's {@code push.max.shrink.fraction} allows (by default, more than twice as
   * many).
   */
  public PushJob force(boolean forced) {
    return new PushJob(admin, store, input, format, onlineTimeout, progress, allowEmpty, forced,
        maxRecordsPerSecond);
  }

  /**
   * The same push, writing at most {@code recordsPerSecond} records a second (0, the default: as
   * fast as Kafka takes them), to spare a cluster that serves reads from a large push.
   *
   * @throws IllegalArgumentException when the rate is negative or not finite
   */
  public PushJob maxRecordsPerSecond(double recordsPerSecond) {
    if (!(recordsPerSecond >= 0) || Double.isInfinite(recordsPerSecond)) {
      throw new IllegalArgumentException("max records per second must be 0 (no limit) or"
          + " positive: " + recordsPerSecond);
    }
    return new PushJob(admin, store, input, format, onlineTimeout, progress, allowEmpty, force,
        recordsPerSecond);
  }

  /**
   * Runs the push. While it writes and waits it reports its progress and ETA (its {@link
   * ThroughputEstimator}'s) to the controller about once a second, shown by {@code GET
   * /stores/{store}/versions/{n}} and {@code GET /pushes}.
   *
   * @throws PushException naming the store, file and record (or line) when anything fails; the
   *     store's current version keeps serving
   */
  public Result run() {
    if (!Files.isReadable(input)) {
      throw new PushException("push into store " + store + ": cannot read input file " + input,
          null);
    }
    StoreSchemas schemas;
    String kafka;
    try {
      schemas = admin.schemas(store);
      kafka = admin.cluster().get("kafkaBootstrapServers").asText();
    } catch (ControllerException e) {
      throw new PushException("push into store " + store + ": " + e.getMessage(), e);
    }
    Schema keySchema = new Schema.Parser().parse(schemas.keySchema());
    long start = System.nanoTime();
    // a ZSTD_WITH_DICT version's dictionary is trained on a sample taken while checking
    Reservoir sample = storeCompression() == CompressionStrategy.ZSTD_WITH_DICT
        ? new Reservoir(DICTIONARY_SAMPLE_SIZE) : null;
    long total = validate(keySchema, schemas.valueSchemas(), start, sample);
    Version version;
    try {
      version = admin.startPush(store, total, allowEmpty, force);
    } catch (ControllerException e) {
      // the controller's refusal names the store and the rule (empty, shrink, push in progress)
      throw new PushException(e.getMessage() + (e.status() > 0 ? " (" + e.status() + " "
          + e.errorType() + ")" : ""), e);
    }
    String topic = TopicNames.versionTopic(store, version.number());
    ThroughputEstimator estimator = new ThroughputEstimator(total,
        ThroughputEstimator.Settings.DEFAULT, TimeSource.SYSTEM);
    try (PushProgressReporter reporter = new PushProgressReporter(admin, store,
        version.number(), estimator)) {
      CompressionDictionary dictionary = version.compressionStrategy()
          == CompressionStrategy.ZSTD_WITH_DICT ? dictionary(version, sample, schemas) : null;
      long[] counts = write(kafka, version, topic, keySchema, schemas.valueSchemas(), total,
          start, estimator, dictionary);
      reporter.writingDone();
      progress.accept(new PushProgress(counts[0], total, counts[1], System.nanoTime() - start,
          "WAITING_FOR_ONLINE"));
      awaitOnline(version.number());
      progress.accept(new PushProgress(counts[0], total, counts[1], System.nanoTime() - start,
          "DONE"));
      return new Result(store, version.number(), counts[0], counts[1],
          Duration.ofNanos(System.nanoTime() - start));
    } catch (IOException | RuntimeException e) {
      // the one failure path once the version exists: it never serves, the current one does
      killQuietly(version.number());
      if (e instanceof PushException push) {
        throw push;
      }
      throw new PushException("push into " + topic + " failed: " + (e instanceof IOException
          ? "reading " + input + ": " : "") + e.getMessage(), e);
    }
  }

  /**
   * Benchmarks every compression strategy on a uniform sample of the input's values (seed project
   * 19, {@code venice push --benchmark-compression}) and recommends one; it reads the input and
   * the store's schemas and changes nothing: no version, no topic, no setting.
   *
   * @param sampleSize the most values to sample (reservoir sampling, Vitter's algorithm R, with a
   *     fixed seed so a rerun samples the same records), at least 1
   * @param decompressionBudgetMicros the most a value's decompression may take (µs)
   * @throws PushException naming the store and file when the input cannot be read or holds no
   *     record, or a record does not fit the store's schemas
   * @throws IllegalArgumentException when {@code sampleSize} is below 1 or the budget not above 0
   */
  public CompressionBenchmark.Report benchmarkCompression(int sampleSize,
      double decompressionBudgetMicros) {
    if (sampleSize < 1) {
      throw new IllegalArgumentException("the sample size must be at least 1; got " + sampleSize);
    }
    if (!Files.isReadable(input)) {
      throw new PushException("benchmark for store " + store + ": cannot read input file "
          + input, null);
    }
    StoreSchemas schemas;
    try {
      schemas = admin.schemas(store);
    } catch (ControllerException e) {
      throw new PushException("benchmark for store " + store + ": " + e.getMessage(), e);
    }
    Reservoir sample;
    try {
      sample = sampleValues(schemas, sampleSize);
    } catch (IOException e) {
      throw new PushException("benchmark for store " + store + ": reading " + input
          + " failed: " + e.getMessage(), e);
    }
    if (sample.values().isEmpty()) {
      throw new PushException("benchmark for store " + store + ": " + input
          + " holds no record to sample", null);
    }
    return new CompressionBenchmark(System::nanoTime).run(sample.values(), sample.offered(),
        decompressionBudgetMicros);
  }

  /**
   * Writes every record between start-of-push and end-of-push, each acknowledged by Kafka first.
   *
   * @return records and bytes written
   * @throws PushException when Kafka refuses a record or the input changed since it was checked
   */
  private long[] write(String kafka, Version version, String topic, Schema keySchema,
      List<ValueSchema> valueSchemas, long total, long start, ThroughputEstimator estimator,
      CompressionDictionary dictionary) throws IOException {
    long[] counts = new long[2];
    long nextSample = System.nanoTime();
    long nextDue = nextSample;
    AtomicReference<Throwable> sendFailure = new AtomicReference<>();
    try (RecordSource source = open(keySchema, valueSchemas);
        VeniceWriter writer = new VeniceWriter(kafka, topic, version.partitionCount())) {
      writer.startOfPush(version.compressionStrategy()).join();
      for (SourceRecord record; (record = source.next()) != null; ) {
        byte[] key = AvroSerde.serialize(keySchema, record.key());
        byte[] value = AvroSerde.serialize(record.valueSchema(), record.value());
        writer.put(key, Compression.compress(version.compressionStrategy(), dictionary, value),
            record.schemaId()).whenComplete((ok, error) -> {
              if (error != null) {
                sendFailure.compareAndSet(null, error);
              }
            });
        counts[0]++;
        counts[1] += key.length + value.length;
        checkSent(topic, sendFailure);
        if (maxRecordsPerSecond > 0) {
          // each record is due one interval after the last; a slow moment is made up by at most
          // PACING_BURST_NANOS, so a stall is not followed by a burst far above the limit
          nextDue = Math.max(nextDue, System.nanoTime() - PACING_BURST_NANOS)
              + (long) (1e9 / maxRecordsPerSecond);
          for (long wait; (wait = nextDue - System.nanoTime()) > 0; ) {
            LockSupport.parkNanos(wait);
          }
        }
        if ((counts[0] & 63) == 0 && System.nanoTime() >= nextSample) {
          estimator.record(counts[0]);
          nextSample = System.nanoTime() + ESTIMATOR_SAMPLE_NANOS;
        }
        if (counts[0] % 1000 == 0) {
          progress.accept(new PushProgress(counts[0], total, counts[1],
              System.nanoTime() - start, "WRITING"));
        }
      }
      if (counts[0] != total) {
        throw new PushException("push into store " + store + ": " + input + " changed during"
            + " the push: checked " + total + " records, then read " + counts[0], null);
      }
      writer.flush(); // every record acknowledged before end-of-push: a late failure never serves
      checkSent(topic, sendFailure);
      estimator.record(counts[0]);
      writer.endOfPush().join();
    }
    return counts;
  }

  private static void checkSent(String topic, AtomicReference<Throwable> sendFailure) {
    Throwable failure = sendFailure.get();
    if (failure != null) {
      throw new PushException("push into " + topic + ": Kafka refused a record: " + failure,
          failure);
    }
  }

  /**
   * Reads every record once and encodes it as the push will, so a bad record is found before any
   * version exists.
   *
   * @return the number of records
   */
  private long validate(Schema keySchema, List<ValueSchema> valueSchemas, long start,
      Reservoir sample) {
    long records = 0;
    try (RecordSource source = open(keySchema, valueSchemas)) {
      for (SourceRecord record; (record = source.next()) != null; ) {
        try {
          AvroSerde.serialize(keySchema, record.key());
          byte[] value = AvroSerde.serialize(record.valueSchema(), record.value());
          if (sample != null) {
            sample.offer(value);
          }
        } catch (RuntimeException e) {
          throw new PushException("push into store " + store + ": " + input + " "
              + source.position() + " cannot be encoded with the store's schemas: " + e, e);
        }
        if (++records % 10_000 == 0) {
          progress.accept(new PushProgress(records, -1, 0, System.nanoTime() - start,
              "CHECKING"));
        }
      }
    } catch (IOException e) {
      throw new PushException("push into store " + store + ": reading " + input + " failed: "
          + e.getMessage(), e);
    }
    return records;
  }

  private void awaitOnline(int version) {
    long deadline = System.nanoTime() + onlineTimeout.toNanos();
    while (true) {
      PushStatus status = admin.pushStatus(store, version);
      if (status.status() == VersionStatus.ONLINE) {
        return;
      }
      if (status.status() != VersionStatus.STARTED) {
        throw new PushException("push of store " + store + " version " + version + " ended "
            + status.status() + ": " + status.detail(), null);
      }
      if (System.nanoTime() > deadline) {
        throw new PushException("push of store " + store + " version " + version
            + " not online after " + onlineTimeout.toSeconds() + " s: " + status.detail(), null);
      }
      LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
    }
  }

  private void killQuietly(int version) {
    try {
      admin.killPush(store, version);
    } catch (ControllerException e) {
      // the push may already have ended; the caller reports the original failure
    }
  }

  /** The store's compression now (a push's version takes it when it is created). */
  private CompressionStrategy storeCompression() {
    try {
      return admin.getStore(store).compressionStrategy();
    } catch (ControllerException e) {
      throw new PushException("push into store " + store + ": " + e.getMessage(), e);
    }
  }

  /**
   * Trains the version's dictionary on the sample taken while checking (or, when the store's
   * compression changed to {@code ZSTD_WITH_DICT} in between, on one taken now) and sends it to
   * the controller before start-of-push, so every server has it before the first record. An empty
   * input has nothing to learn from: the newest value schema's text serves as the dictionary.
   */
  private CompressionDictionary dictionary(Version version, Reservoir sample,
      StoreSchemas schemas) throws IOException {
    Reservoir values = sample != null ? sample
        : sampleValues(schemas, DICTIONARY_SAMPLE_SIZE);
    CompressionDictionary dictionary = values.values().stream().allMatch(v -> v.length == 0)
        ? CompressionDictionary.of(schemas.valueSchemas().get(schemas.valueSchemas().size() - 1)
            .schema().getBytes(StandardCharsets.UTF_8))
        : CompressionDictionary.train(values.values(),
            CompressionDictionary.DEFAULT_TRAINED_BYTES);
    admin.putDictionary(store, version.number(), dictionary.bytes());
    return dictionary;
  }

  /** Reads the input once, sampling at most {@code size} serialized values. */
  private Reservoir sampleValues(StoreSchemas schemas, int size) throws IOException {
    Reservoir sample = new Reservoir(size);
    try (RecordSource source = open(new Schema.Parser().parse(schemas.keySchema()),
        schemas.valueSchemas())) {
      for (SourceRecord record; (record = source.next()) != null; ) {
        sample.offer(AvroSerde.serialize(record.valueSchema(), record.value()));
      }
    }
    return sample;
  }

  /**
   * A uniform sample of at most {@code capacity} values from a stream of unknown length
   * (reservoir sampling, Vitter's algorithm R), with a fixed seed so a rerun samples the same
   * records.
   */
  private static final class Reservoir {
    private final int capacity;
    private final List<byte[]> values = new ArrayList<>();
    private final SplittableRandom random = new SplittableRandom(SAMPLE_SEED);
    private long offered;

    Reservoir(int capacity) {
      this.capacity = capacity;
    }

    void offer(byte[] value) {
      offered++;
      if (values.size() < capacity) {
        values.add(value);
        return;
      }
      long slot = random.nextLong(offered);
      if (slot < capacity) {
        values.set((int) slot, value);
      }
    }

    List<byte[]> values() {
      return values;
    }

    long offered() {
      return offered;
    }
  }

  /** One input record: key datum, value datum, the value's schema and its id. */
  private record SourceRecord(Object key, Object value, Schema valueSchema, int schemaId) {}

  private interface RecordSource extends AutoCloseable {
    /** The next record, or null at the end; a bad record is a {@link PushException}. */
    SourceRecord next() throws IOException;

    /** Where the last record was read, e.g. {@code line 7} or {@code record 7}. */
    String position();

    @Override
    void close() throws IOException;
  }

  private RecordSource open(Schema keySchema, List<ValueSchema> valueSchemas) throws IOException {
    return format == Format.AVRO ? avro(keySchema, valueSchemas)
        : jsonLines(keySchema, valueSchemas.get(valueSchemas.size() - 1));
  }

  private RecordSource avro(Schema keySchema, List<ValueSchema> valueSchemas) throws IOException {
    DataFileReader<GenericRecord> reader;
    try {
      reader = new DataFileReader<>(input.toFile(), new GenericDatumReader<>());
    } catch (IOException | AvroRuntimeException e) {
      throw new PushException("push into store " + store + ": " + input
          + " is not an Avro container file: " + e.getMessage(), e);
    }
    Schema fileSchema = reader.getSchema();
    Schema.Field key = fileSchema.getType() == Schema.Type.RECORD ? fileSchema.getField("key")
        : null;
    Schema.Field value = key == null ? null : fileSchema.getField("value");
    if (key == null || value == null) {
      reader.close();
      throw new PushException("push into store " + store + ": records of " + input
          + " need a 'key' and a 'value' field; the file's schema is " + fileSchema, null);
    }
    if (!key.schema().equals(keySchema)) {
      reader.close();
      throw new PushException("push into store " + store + ": the key field of " + input + " is "
          + key.schema() + " but the store's key schema is " + keySchema, null);
    }
    int schemaId = valueSchemas.stream()
        .filter(v -> new Schema.Parser().parse(v.schema()).equals(value.schema()))
        .mapToInt(ValueSchema::id).findFirst().orElse(-1);
    if (schemaId < 0) {
      reader.close();
      throw new PushException("push into store " + store + ": the value schema of " + input
          + " is not registered for the store; register it first (venice schema add)", null);
    }
    long[] number = {0};
    return new RecordSource() {
      @Override
      public SourceRecord next() {
        if (!reader.hasNext()) {
          return null;
        }
        number[0]++;
        try {
          GenericRecord record = reader.next();
          return new SourceRecord(record.get("key"), record.get("value"), value.schema(),
              schemaId);
        } catch (AvroRuntimeException e) {
          throw new PushException("push into store " + store + ": " + input + " record "
              + number[0] + " is unreadable: " + e.getMessage(), e);
        }
      }

      @Override
      public String position() {
        return "record " + number[0];
      }

      @Override
      public void close() throws IOException {
        reader.close();
      }
    };
  }

  private RecordSource jsonLines(Schema keySchema, ValueSchema valueSchema) throws IOException {
    Schema value = new Schema.Parser().parse(valueSchema.schema());
    Schema line = SchemaBuilder.record("PushLine").namespace("dev.venice.push").fields()
        .name("key").type(keySchema).noDefault()
        .name("value").type(value).noDefault()
        .endRecord();
    GenericDatumReader<GenericRecord> datumReader = new GenericDatumReader<>(line);
    BufferedReader reader = Files.newBufferedReader(input, StandardCharsets.UTF_8);
    long[] number = {0};
    return new RecordSource() {
      @Override
      public SourceRecord next() throws IOException {
        String text;
        do {
          text = reader.readLine();
          number[0]++;
        } while (text != null && text.isBlank());
        if (text == null) {
          return null;
        }
        String where = "push into store " + store + ": " + input + " line " + number[0];
        JsonNode json = JsonLines.parseLine(text, where, keySchema, value, valueSchema.id());
        try {
          GenericRecord record = datumReader.read(null,
              DecoderFactory.get().jsonDecoder(line, json.toString()));
          return new SourceRecord(record.get("key"), record.get("value"), value,
              valueSchema.id());
        } catch (IOException | AvroRuntimeException e) {
          throw new PushException(where + " does not match the store's schemas (key " + keySchema
              + ", value schema " + valueSchema.id() + "): " + e.getMessage(), e);
        }
      }

      @Override
      public String position() {
        return "line " + number[0];
      }

      @Override
      public void close() throws IOException {
        reader.close();
      }
    };
  }
}
