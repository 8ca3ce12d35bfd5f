package dev.venice.plugins.auditlog;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.venice.spi.controller.AdminMutation;
import dev.venice.spi.controller.AdminOutcome;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;

/**
 * Audit events and their wire format: Avro single-object encoding, which prefixes each event with
 * its writer schema's fingerprint. A reader knowing this and every earlier schema version decodes
 * any event and projects it onto the newest schema, so readers and writers can evolve apart.
 */
public final class AuditEvents {
  /** The newest event schema (the one this version writes). */
  public static final Schema SCHEMA = load("AuditEvent-v1.avsc");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final BinaryMessageEncoder<GenericRecord> ENCODER =
      new BinaryMessageEncoder<>(GenericData.get(), SCHEMA);

  private AuditEvents() {}

  /** The event for one admin operation and its outcome. */
  public static GenericRecord event(AdminMutation mutation, AdminOutcome outcome,
      String controller) {
    GenericRecord event = new GenericData.Record(SCHEMA);
    event.put("timestampMs", mutation.timestamp().toEpochMilli());
    event.put("cluster", mutation.cluster());
    event.put("store", mutation.store());
    event.put("operation", mutation.operation().name());
    event.put("principal", mutation.caller().principal());
    event.put("address", mutation.caller().address());
    event.put("controller", controller);
    event.put("success", outcome.success());
    event.put("error", outcome.error());
    event.put("before", json(mutation.before()));
    event.put("requested", json(mutation.requested()));
    event.put("after", json(outcome.after()));
    return event;
  }

  /** The wire bytes of an event. */
  public static byte[] encode(GenericRecord event) {
    try {
      ByteBuffer buffer = ENCODER.encode(event);
      byte[] bytes = new byte[buffer.remaining()];
      buffer.get(bytes);
      return bytes;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode an audit event", e);
    }
  }

  /**
   * A decoder reading events written with {@code writerSchemas} (every schema version ever used)
   * into {@code readerSchema}.
   */
  public static BinaryMessageDecoder<GenericRecord> decoder(Schema readerSchema,
      Schema... writerSchemas) {
    BinaryMessageDecoder<GenericRecord> decoder =
        new BinaryMessageDecoder<>(GenericData.get(), readerSchema);
    for (Schema writer : writerSchemas) {
      decoder.addSchema(writer);
    }
    return decoder;
  }

  /** Decodes an event written by any known version into the newest schema. */
  public static GenericRecord decode(byte[] bytes) throws IOException {
    return decoder(SCHEMA, SCHEMA).decode(bytes);
  }

  private static String json(Map<String, Object> state) {
    try {
      return JSON.writeValueAsString(state);
    } catch (JsonProcessingException e) {
      return "{\"unserializable\": \"" + e.getOriginalMessage().replace("\"", "'") + "\"}";
    }
  }

  private static Schema load(String resource) {
    try (InputStream in = AuditEvents.class.getResourceAsStream(resource)) {
      return new Schema.Parser().parse(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + resource, e);
    }
  }
}
