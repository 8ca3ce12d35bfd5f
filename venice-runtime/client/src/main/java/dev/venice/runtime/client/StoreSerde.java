package dev.venice.runtime.client;

import dev.venice.runtime.common.data.AvroSerde;
import dev.venice.runtime.common.data.Compression;
import dev.venice.runtime.common.meta.CompressionStrategy;
import dev.venice.runtime.common.meta.RoutingMetadata;
import dev.venice.spi.client.VeniceClientException;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.Schema;

/**
 * Serializes keys with the store's key schema and deserializes values: decompressed, then decoded
 * with the schema they were written with and projected onto the reader schema (the newest value
 * schema the client knows).
 */
final class StoreSerde {
  private final String store;
  private final Schema keySchema;
  private final Map<Integer, Schema> valueSchemas = new TreeMap<>();
  private final Schema readerSchema;
  private final VersionDictionaries dictionaries;

  /**
   * A serde for the store {@code metadata} describes; {@code dictionaries} serves the
   * dictionaries of its {@code ZSTD_WITH_DICT} versions.
   */
  StoreSerde(RoutingMetadata metadata, VersionDictionaries dictionaries) {
    this.dictionaries = dictionaries;
    this.store = metadata.store();
    this.keySchema = new Schema.Parser().parse(metadata.keySchema());
    metadata.valueSchemas().forEach((id, json) -> valueSchemas.put(id,
        new Schema.Parser().parse(json)));
    this.readerSchema = ((TreeMap<Integer, Schema>) valueSchemas).lastEntry().getValue();
  }

  /** Serializes a key; a key of the wrong type is a {@link VeniceClientException} naming it. */
  byte[] key(Object key) {
    try {
      return AvroSerde.serialize(keySchema, key);
    } catch (IllegalArgumentException e) {
      throw new VeniceClientException(store, "key " + key + " ("
          + (key == null ? "null" : key.getClass().getSimpleName()) + ") does not match the key"
          + " schema " + keySchema, e);
    }
  }

  /**
   * Decodes a serialized key (a Da Vinci scan's keys): a string key as a {@link String}, as
   * callers pass it (Avro decodes strings as {@code Utf8}), any other as Avro generic data.
   */
  Object keyObject(byte[] key) {
    Object decoded = AvroSerde.deserialize(keySchema, keySchema, key);
    return keySchema.getType() == Schema.Type.STRING ? decoded.toString() : decoded;
  }

  /** The key schema. */
  Schema keySchema() {
    return keySchema;
  }

  /** The schema values are decoded to: the newest value schema known. */
  Schema readerSchema() {
    return readerSchema;
  }

  /** Whether this serde knows the value schema {@code schemaId}. */
  boolean knows(int schemaId) {
    return valueSchemas.containsKey(schemaId);
  }

  /**
   * Decompresses and decodes a value read from {@code version} (whose dictionary a {@code
   * ZSTD_WITH_DICT} value needs).
   *
   * @throws VeniceClientException for an unknown schema id or bytes that do not decode
   */
  Object value(CompressionStrategy compression, int version, int schemaId, byte[] stored) {
    Schema writer = valueSchemas.get(schemaId);
    if (writer == null) {
      throw new VeniceClientException(store, "value written with schema id " + schemaId
          + ", which this client does not know yet", null);
    }
    try {
      return AvroSerde.deserialize(writer, readerSchema, Compression.decompress(compression,
          compression == CompressionStrategy.ZSTD_WITH_DICT ? dictionaries.get(version) : null,
          stored));
    } catch (IllegalArgumentException e) {
      throw new VeniceClientException(store, "cannot decode a value: " + e.getMessage(), e);
    }
  }
}
