package dev.venice.runtime.push;

import dev.venice.runtime.common.controller.ControllerClient;
import dev.venice.runtime.common.controller.StoreSchemas;
import dev.venice.runtime.common.controller.ValueSchema;
import dev.venice.runtime.common.data.AvroSerde;
import dev.venice.runtime.common.data.VeniceWriter;
import dev.venice.runtime.common.meta.Store;
import dev.venice.runtime.common.meta.TopicNames;
import java.util.concurrent.CompletableFuture;
import org.apache.avro.Schema;

/**
 * Writes to a hybrid store's real-time topic: each put or delete is acknowledged once Kafka has it
 * (all in-sync replicas), after which it is never lost; the partition leaders copy it into the
 * current version. Values are serialized with the store's newest value schema and written
 * uncompressed: leaders compress them for the version they write into.
 */
public final class OnlineProducer implements AutoCloseable {
  private final String store;
  private final Schema keySchema;
  private final Schema valueSchema;
  private final int valueSchemaId;
  private final VeniceWriter writer;

  private OnlineProducer(String store, Schema keySchema, ValueSchema value, VeniceWriter writer) {
    this.store = store;
    this.keySchema = keySchema;
    this.valueSchema = new Schema.Parser().parse(value.schema());
    this.valueSchemaId = value.id();
    this.writer = writer;
  }

  /**
   * A producer for {@code store}, found through the controller at {@code controllerUrl}.
   *
   * @throws IllegalArgumentException when the store is not hybrid
   */
  public static OnlineProducer create(String controllerUrl, String store) {
    ControllerClient admin = new ControllerClient(controllerUrl);
    Store metadata = admin.getStore(store);
    if (metadata.hybrid() == null) {
      throw new IllegalArgumentException("store " + store + " is not hybrid: it takes no"
          + " real-time writes (set its hybrid settings first)");
    }
    StoreSchemas schemas = admin.schemas(store);
    String kafka = admin.cluster().get("kafkaBootstrapServers").asText();
    return new OnlineProducer(store, new Schema.Parser().parse(schemas.keySchema()),
        schemas.valueSchemas().get(schemas.valueSchemas().size() - 1),
        new VeniceWriter(kafka, TopicNames.realTimeTopic(store), metadata.partitionCount()));
  }

  /** Writes a value; completes when Kafka acknowledged it. */
  public CompletableFuture<Void> put(Object key, Object value) {
    try {
      return writer.put(AvroSerde.serialize(keySchema, key),
          AvroSerde.serialize(valueSchema, value), valueSchemaId).thenApply(m -> null);
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(new IllegalArgumentException("store " + store + ": "
          + e.getMessage(), e));
    }
  }

  /** Removes a key; completes when Kafka acknowledged it. */
  public CompletableFuture<Void> delete(Object key) {
    try {
      return writer.delete(AvroSerde.serialize(keySchema, key)).thenApply(m -> null);
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(new IllegalArgumentException("store " + store + ": "
          + e.getMessage(), e));
    }
  }

  @Override
  public void close() {
    writer.close();
  }
}
