package dev.venice.runtime.server;

import dev.venice.runtime.metadata.ZkStoreRepository;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;

/**
 * Checks the values a hybrid leader copies from the real-time topic against the store's registered
 * value schemas, so a value no reader could decode never reaches the version topic: its schema id
 * must be registered, and the value must be exactly one encoding of that schema (Avro binary, the
 * schema as both writer and reader; one cached reader and decoder per schema, so a check allocates
 * only the decoded value).
 *
 * <p>An id not in the cache is not at once a dead letter: a schema registered moments ago may not
 * have reached this server's ZooKeeper view yet. The check reloads the store's schemas (at most
 * once a second per id) and answers {@link Verdict#WAIT} — the leader retries the batch a second
 * later, copying nothing — until {@code unknownSchemaWait} has passed since the id was first seen;
 * only then is it {@code unknown-schema}. Used on one ingestion thread.
 */
final class ValueSchemaCheck {
  private static final long RELOAD_NANOS = TimeUnit.SECONDS.toNanos(1);

  /** What is wrong with a record: a dead-letter reason and its detail. */
  record Problem(String reason, String detail) {}

  /** A check's answer. */
  enum Verdict {
    /** The value is a valid encoding of its registered schema. */
    VALID,
    /** Its schema id is not known yet: retry the batch later (see the class comment). */
    WAIT,
    /** A dead letter: see {@link #problem}. */
    INVALID
  }

  private final String store;
  private final Function<String, Map<Integer, String>> loadSchemas;
  private final LongSupplier nanoTime;
  private final long unknownSchemaWaitNanos;
  private final Map<Integer, GenericDatumReader<Object>> readers = new HashMap<>();
  /** Unknown ids: when each was first seen and last reloaded for (nanoTime). */
  private final Map<Integer, long[]> unknown = new HashMap<>();
  private BinaryDecoder decoder;
  private Problem problem;

  ValueSchemaCheck(String store, ZkStoreRepository repository, Duration unknownSchemaWait) {
    this(store, repository::valueSchemas, System::nanoTime, unknownSchemaWait);
  }

  /**
   * @param loadSchemas the store's value schemas, id to schema JSON
   * @param nanoTime the clock that spaces reloads and measures the wait
   * @param unknownSchemaWait how long an unknown schema id is waited for before its records are
   *     dead letters
   */
  ValueSchemaCheck(String store, Function<String, Map<Integer, String>> loadSchemas,
      LongSupplier nanoTime, Duration unknownSchemaWait) {
    this.store = store;
    this.loadSchemas = loadSchemas;
    this.nanoTime = nanoTime;
    this.unknownSchemaWaitNanos = unknownSchemaWait.toNanos();
  }

  /**
   * Checks a put's value. After {@link Verdict#INVALID}, {@link #problem()} says what is wrong:
   * {@code unknown-schema} (the id is not registered for the store, after the wait) or {@code
   * schema-violation} (the bytes are not one encoding of the schema).
   */
  Verdict check(int schemaId, byte[] value) {
    GenericDatumReader<Object> reader = reader(schemaId);
    if (reader == null) {
      long firstSeen = unknown.get(schemaId)[0];
      if (nanoTime.getAsLong() - firstSeen < unknownSchemaWaitNanos) {
        return Verdict.WAIT;
      }
      problem = new Problem("unknown-schema", "value schema id " + schemaId
          + " is not registered for store " + store + " (registered: "
          + new TreeSet<>(readers.keySet()) + ")");
      return Verdict.INVALID;
    }
    decoder = DecoderFactory.get().binaryDecoder(value, decoder);
    try {
      reader.read(null, decoder);
      if (!decoder.isEnd()) {
        throw new IOException("trailing bytes after the datum");
      }
      return Verdict.VALID;
    } catch (IOException | RuntimeException e) {
      problem = new Problem("schema-violation", "value schema " + schemaId + " of store " + store
          + ": " + value.length + " bytes are not a valid " + reader.getSchema().getFullName()
          + " encoding: " + e.getMessage());
      return Verdict.INVALID;
    }
  }

  /** What the last {@link Verdict#INVALID} check found. */
  Problem problem() {
    return problem;
  }

  private GenericDatumReader<Object> reader(int schemaId) {
    GenericDatumReader<Object> cached = readers.get(schemaId);
    if (cached != null) {
      return cached;
    }
    long now = nanoTime.getAsLong();
    long[] seen = unknown.computeIfAbsent(schemaId, id -> new long[] {now, now - RELOAD_NANOS});
    if (now - seen[1] >= RELOAD_NANOS) {
      seen[1] = now;
      loadSchemas.apply(store).forEach((id, json) -> readers.computeIfAbsent(id,
          unused -> new GenericDatumReader<>(new Schema.Parser().parse(json))));
    }
    GenericDatumReader<Object> found = readers.get(schemaId);
    if (found != null) {
      unknown.remove(schemaId);
    }
    return found;
  }
}
