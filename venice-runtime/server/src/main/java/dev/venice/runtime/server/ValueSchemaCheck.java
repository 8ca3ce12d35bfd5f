package dev.venice.runtime.server;

import dev.venice.runtime.common.data.AvroSerde;
import dev.venice.runtime.metadata.ZkStoreRepository;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.apache.avro.Schema;

/**
 * Checks the values a hybrid leader copies from the real-time topic against the store's registered
 * value schemas, so a value no reader could decode never reaches the version topic: its schema id
 * must be registered, and the value must be exactly one encoding of that schema (Avro binary, the
 * schema as both writer and reader). Schemas are cached by id; an id not in the cache reloads the
 * store's schemas from ZooKeeper, at most once a second (a run of bad ids must not hammer it), so
 * a schema registered after the leader started is found. Used on one ingestion thread.
 */
final class ValueSchemaCheck {
  private static final long RELOAD_NANOS = TimeUnit.SECONDS.toNanos(1);

  /** What is wrong with a record: a dead-letter reason and its detail. */
  record Problem(String reason, String detail) {}

  private final String store;
  private final Function<String, Map<Integer, String>> loadSchemas;
  private final LongSupplier nanoTime;
  private final Map<Integer, Schema> schemas = new HashMap<>();
  private long lastLoadNanos;
  private boolean loaded;

  ValueSchemaCheck(String store, ZkStoreRepository repository) {
    this(store, repository::valueSchemas, System::nanoTime);
  }

  /**
   * @param loadSchemas the store's value schemas, id to schema JSON
   * @param nanoTime the clock that spaces reloads
   */
  ValueSchemaCheck(String store, Function<String, Map<Integer, String>> loadSchemas,
      LongSupplier nanoTime) {
    this.store = store;
    this.loadSchemas = loadSchemas;
    this.nanoTime = nanoTime;
  }

  /**
   * What is wrong with a put's value, or {@code null} when it is a valid encoding of its schema.
   *
   * @return {@code unknown-schema} (the id is not registered for the store) or {@code
   *     schema-violation} (the bytes are not one encoding of the schema), with a detail
   */
  Problem check(int schemaId, byte[] value) {
    Schema schema = schema(schemaId);
    if (schema == null) {
      return new Problem("unknown-schema", "value schema id " + schemaId
          + " is not registered for store " + store + " (registered: " + schemas.keySet() + ")");
    }
    try {
      AvroSerde.deserialize(schema, schema, value);
      return null;
    } catch (IllegalArgumentException e) {
      return new Problem("schema-violation", "value schema " + schemaId + " of store " + store
          + ": " + e.getMessage());
    }
  }

  private Schema schema(int schemaId) {
    Schema cached = schemas.get(schemaId);
    if (cached != null) {
      return cached;
    }
    long now = nanoTime.getAsLong();
    if (loaded && now - lastLoadNanos < RELOAD_NANOS) {
      return null;
    }
    loaded = true;
    lastLoadNanos = now;
    loadSchemas.apply(store).forEach((id, json) ->
        schemas.computeIfAbsent(id, unused -> new Schema.Parser().parse(json)));
    return schemas.get(schemaId);
  }
}
