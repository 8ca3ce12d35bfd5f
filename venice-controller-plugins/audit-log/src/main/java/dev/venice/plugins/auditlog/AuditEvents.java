package dev.venice.plugins.auditlog;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.venice.spi.controller.AdminMutation;
import dev.venice.spi.controller.AdminOutcome;
import dev.venice.spi.security.AccessDenial;
import dev.venice.spi.security.Resource;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.List;
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
 *
 * <p>Two kinds of event share the schema: an admin mutation applied or attempted on a controller
 * ({@code decision} {@value #ALLOWED}) and an access an authorizer denied on a controller, server
 * or router ({@code decision} {@value #DENIED}).
 */
public final class AuditEvents {
  /** The first event schema (plugin 1.0 and 1.1). */
  public static final Schema SCHEMA_V1 = load("AuditEvent-v1.avsc");
  /**
   * The newest event schema, the one this version writes: v1 plus {@code decision}, {@code
   * resource} and {@code reason}, each with a default.
   */
  public static final Schema SCHEMA = load("AuditEvent-v2.avsc");
  /** Every schema events were ever written with, oldest first. */
  public static final List<Schema> WRITER_SCHEMAS = List.of(SCHEMA_V1, SCHEMA);
  /** {@code decision} of an applied or attempted admin mutation (and of every v1 event). */
  public static final String ALLOWED = "ALLOWED";
  /** {@code decision} of a denied access. */
  public static final String DENIED = "DENIED";
  /** {@code error} of a denied access. */
  public static final String PERMISSION_DENIED = "PERMISSION_DENIED";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final BinaryMessageEncoder<GenericRecord> ENCODER =
      new BinaryMessageEncoder<>(GenericData.get(), SCHEMA);

  private AuditEvents() {}

  /**
   * The event for one admin operation and its outcome: {@code decision} {@value #ALLOWED},
   * {@code resource} {@code store <name>} (or {@code cluster <name>} for a cluster-wide one),
   * {@code reason} null.
   *
   * @param controller the instance id of the controller that applied it
   */
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
    event.put("decision", ALLOWED);
    event.put("resource", (mutation.store() != null ? Resource.store(mutation.store())
        : Resource.cluster(mutation.cluster())).toString());
    event.put("reason", null);
    return event;
  }

  /**
   * The event for one denied access: {@code timestampMs} the denial's time, {@code store} the
   * store for a store resource (else null), {@code operation} the request's operation as the host
   * named it, {@code principal} the principal's name, {@code address} the denial's, {@code
   * success} false, {@code error} {@value #PERMISSION_DENIED}, {@code before}, {@code requested}
   * and {@code after} {@code "{}"}, {@code decision} {@value #DENIED}, {@code resource} {@code
   * store <name>} or {@code cluster <name>}, {@code reason} the authorizer's reason.
   *
   * @param cluster the cluster of the recording process
   * @param recorder the instance id of the recording process (a controller, server or router),
   *     written into {@code controller}
   */
  public static GenericRecord denial(AccessDenial denial, String cluster, String recorder) {
    Resource resource = denial.request().resource();
    GenericRecord event = new GenericData.Record(SCHEMA);
    event.put("timestampMs", denial.time().toEpochMilli());
    event.put("cluster", cluster);
    event.put("store", resource.type() == Resource.Type.STORE ? resource.name() : null);
    event.put("operation", denial.request().operation());
    event.put("principal", denial.request().principal().name());
    event.put("address", denial.address());
    event.put("controller", recorder);
    event.put("success", false);
    event.put("error", PERMISSION_DENIED);
    event.put("before", "{}");
    event.put("requested", "{}");
    event.put("after", "{}");
    event.put("decision", DENIED);
    event.put("resource", resource.toString());
    event.put("reason", denial.reason());
    return event;
  }

  /**
   * The plain-text Kafka headers of an event, in this order: {@code principal}, {@code
   * operation}, {@code decision}, {@code resource} (its fields of those names, as text; a field
   * the event's schema lacks is written with its v2 default), so a consumer sees who tried what
   * without decoding Avro ({@code kcat -f '%h %s\n'}).
   */
  public static Map<String, String> headers(GenericRecord event) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("principal", text(event, "principal", ""));
    headers.put("operation", text(event, "operation", ""));
    headers.put("decision", text(event, "decision", ALLOWED));
    headers.put("resource", text(event, "resource", ""));
    return headers;
  }

  /** The Kafka key of an event: its store, or its cluster for a cluster-wide event. */
  static String key(GenericRecord event) {
    Object store = event.get("store");
    return String.valueOf(store != null ? store : event.get("cluster"));
  }

  private static String text(GenericRecord event, String field, String absent) {
    if (event.getSchema().getField(field) == null) {
      return absent;
    }
    Object value = event.get(field);
    return value == null ? absent : value.toString();
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
    return decoder(SCHEMA, WRITER_SCHEMAS.toArray(Schema[]::new)).decode(bytes);
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
