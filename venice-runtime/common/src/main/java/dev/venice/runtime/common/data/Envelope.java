package dev.venice.runtime.common.data;

import dev.venice.runtime.common.meta.CompressionStrategy;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * The value of every Kafka record in a version or real-time topic: one protocol-version byte, then
 * the Avro binary encoding of the envelope schema of that version. The record's Kafka key is the
 * serialized store key (control messages use {@link #CONTROL_KEY}).
 *
 * <p><b>Protocol versions</b>. Version 1 has a required {@code producerTimestampMs}; version 2
 * (written since data freshness, issue 20) makes it optional ({@code ["null", "long"]}, default
 * {@code null} = not available). This code writes version 2 and reads both: the protocol byte
 * names the writer's schema and Avro's schema resolution reads it into the newest one, so an old
 * producer's version-1 records still ingest. A server older than version 2 cannot decode what a
 * new producer writes (it dead-letters it as undecodable): upgrade servers before producers.
 *
 * <p>Producers stamp each record with their id and a per-partition sequence number, so servers
 * detect duplicates (skipped) and gaps (counted). A hybrid leader copying a real-time record into
 * the version topic stamps {@code upstreamOffset} with the record's real-time offset, so the next
 * leader knows where to resume.
 *
 * @param type put, delete or control
 * @param control the control message kind, {@link ControlType#NONE} for data
 * @param producerId the producer's id (a UUID)
 * @param sequence the producer's sequence number in this partition, from 0
 * @param producerTimestampMs when the producer wrote it (epoch milliseconds, the producer's
 *     clock), or {@link #NO_TIMESTAMP} when not available (a version-2 record written without
 *     one; a non-positive version-1 value reads as not available too)
 * @param upstreamOffset the real-time offset a leader copied it from, or -1
 * @param schemaId the value schema id of a put, or -1
 * @param value the (compressed) value of a put, empty otherwise
 * @param compression the version's compression, carried by start-of-push
 */
public record Envelope(
    MessageType type,
    ControlType control,
    String producerId,
    long sequence,
    long producerTimestampMs,
    long upstreamOffset,
    int schemaId,
    byte[] value,
    CompressionStrategy compression) {

  /** The protocol version this code writes (it reads 1 to this one). */
  public static final byte PROTOCOL_VERSION = 2;
  /** {@link #producerTimestampMs} of a record whose producer gave none ("not available"). */
  public static final long NO_TIMESTAMP = -1;
  /** The Kafka key of control messages. */
  public static final byte[] CONTROL_KEY = {0, 'c', 't', 'l'};

  private static final String SCHEMA_TEMPLATE = """
      {"type": "record", "name": "KafkaMessageEnvelope", "namespace": "dev.venice.kafka",
       "fields": [
         {"name": "type", "type": {"type": "enum", "name": "MessageType",
                                   "symbols": ["PUT", "DELETE", "CONTROL"]}},
         {"name": "control", "type": {"type": "enum", "name": "ControlType",
                                      "symbols": ["NONE", "START_OF_PUSH", "END_OF_PUSH",
                                                  "REAL_TIME_SKIPPED"]}},
         {"name": "producerId", "type": "string"},
         {"name": "sequence", "type": "long"},
         {"name": "producerTimestampMs", "type": %s},
         {"name": "upstreamOffset", "type": "long", "default": -1},
         {"name": "schemaId", "type": "int", "default": -1},
         {"name": "value", "type": "bytes"},
         {"name": "compression", "type": "string", "default": "NO_OP"}
       ]}""";
  /** The envelope schema of each protocol version, by version (index 0 unused). */
  private static final Schema[] SCHEMAS = {null,
      new Schema.Parser().parse(SCHEMA_TEMPLATE.formatted("\"long\"")),
      new Schema.Parser().parse(SCHEMA_TEMPLATE.formatted(
          "[\"null\", \"long\"], \"default\": null"))};
  private static final Schema NEWEST = SCHEMAS[PROTOCOL_VERSION];

  /** Kinds of record. */
  public enum MessageType {
    /** A value for a key. */
    PUT,
    /** A key removed. */
    DELETE,
    /** A control message. */
    CONTROL
  }

  /** Kinds of control message. */
  public enum ControlType {
    /** Not a control message. */
    NONE,
    /** A batch push starts; carries the compression strategy. */
    START_OF_PUSH,
    /** A batch push is complete in this partition. */
    END_OF_PUSH,
    /**
     * A hybrid leader did not copy the real-time record at {@code upstreamOffset} (it took the
     * dead-letter path): replicas move their real-time position past it. A server older than this
     * symbol cannot decode it and takes it for a dead letter of its own, which changes no data.
     */
    REAL_TIME_SKIPPED
  }

  /** Validates the fields. */
  public Envelope {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(control, "control");
    Objects.requireNonNull(producerId, "producerId");
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(compression, "compression");
  }

  /** Whether the producer gave a timestamp. */
  public boolean hasProducerTimestamp() {
    return producerTimestampMs > 0;
  }

  /** Serializes the envelope in the current {@link #PROTOCOL_VERSION}. */
  public byte[] encode() {
    return encode(PROTOCOL_VERSION);
  }

  /**
   * Serializes the envelope in an older protocol version, as an old producer would (tests of
   * backward compatibility); version 1 writes {@link #NO_TIMESTAMP} as {@code -1}.
   *
   * @throws IllegalArgumentException for a version this code does not know
   */
  byte[] encode(byte protocolVersion) {
    if (protocolVersion < 1 || protocolVersion > PROTOCOL_VERSION) {
      throw new IllegalArgumentException("unknown envelope protocol version " + protocolVersion);
    }
    Schema schema = SCHEMAS[protocolVersion];
    GenericRecord record = new GenericData.Record(schema);
    record.put("type", new GenericData.EnumSymbol(schema.getField("type").schema(),
        type.name()));
    record.put("control", new GenericData.EnumSymbol(schema.getField("control").schema(),
        control.name()));
    record.put("producerId", producerId);
    record.put("sequence", sequence);
    record.put("producerTimestampMs", hasProducerTimestamp() ? Long.valueOf(producerTimestampMs)
        : protocolVersion == 1 ? Long.valueOf(NO_TIMESTAMP) : null);
    record.put("upstreamOffset", upstreamOffset);
    record.put("schemaId", schemaId);
    record.put("value", ByteBuffer.wrap(value));
    record.put("compression", compression.name());
    byte[] body = AvroSerde.serialize(schema, record);
    byte[] bytes = new byte[body.length + 1];
    bytes[0] = protocolVersion;
    System.arraycopy(body, 0, bytes, 1, body.length);
    return bytes;
  }

  /**
   * Parses an envelope of any protocol version from 1 to {@link #PROTOCOL_VERSION}.
   *
   * @throws IllegalArgumentException saying what is wrong (unknown protocol version, bad bytes)
   */
  public static Envelope decode(byte[] bytes) {
    if (bytes == null || bytes.length < 2) {
      throw new IllegalArgumentException("envelope too short ("
          + (bytes == null ? "null" : bytes.length + " bytes") + ")");
    }
    if (bytes[0] < 1 || bytes[0] > PROTOCOL_VERSION) {
      throw new IllegalArgumentException("unknown envelope protocol version " + bytes[0]
          + " (this server reads versions 1 to " + PROTOCOL_VERSION + ")");
    }
    GenericRecord r = (GenericRecord) AvroSerde.deserialize(SCHEMAS[bytes[0]], NEWEST,
        Arrays.copyOfRange(bytes, 1, bytes.length));
    Long timestamp = (Long) r.get("producerTimestampMs");
    ByteBuffer value = (ByteBuffer) r.get("value");
    byte[] valueBytes = new byte[value.remaining()];
    value.get(valueBytes);
    try {
      return new Envelope(MessageType.valueOf(r.get("type").toString()),
          ControlType.valueOf(r.get("control").toString()), r.get("producerId").toString(),
          (Long) r.get("sequence"),
          timestamp == null || timestamp <= 0 ? NO_TIMESTAMP : timestamp,
          (Long) r.get("upstreamOffset"), (Integer) r.get("schemaId"), valueBytes,
          CompressionStrategy.valueOf(r.get("compression").toString()));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("envelope has an unknown value: " + e.getMessage(), e);
    }
  }

  /** A copy with another value (e.g. compressed for the version topic). */
  public Envelope withValue(byte[] newValue) {
    return new Envelope(type, control, producerId, sequence, producerTimestampMs, upstreamOffset,
        schemaId, newValue, compression);
  }

  /** A copy stamped by a hybrid leader with the real-time offset it came from. */
  public Envelope withUpstream(String leaderProducerId, long leaderSequence, long rtOffset) {
    return new Envelope(type, control, leaderProducerId, leaderSequence, producerTimestampMs,
        rtOffset, schemaId, value, compression);
  }
}
