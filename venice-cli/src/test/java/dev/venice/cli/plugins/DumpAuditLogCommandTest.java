package dev.venice.cli.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.venice.cli.Output;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.GenericRecordBuilder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.junit.jupiter.api.Test;

/**
 * How {@code dump-audit-log} decodes and prints events, from the schemas the audit-log plugin
 * ships (read from its module's resources, as its endpoint publishes them) and events written with
 * Avro's own encoder: v2 denials print DENIED with their reason, v1 events print ALLOWED, also
 * when the controller publishes only v1 (audit-log 1.1).
 */
class DumpAuditLogCommandTest {
  private static final Path SCHEMAS = Path.of("").toAbsolutePath().getParent().resolve(
      "venice-controller-plugins/audit-log/src/main/resources/dev/venice/plugins/auditlog");

  private static Schema schema(int version) throws Exception {
    return new Schema.Parser().parse(Files.readString(
        SCHEMAS.resolve("AuditEvent-v" + version + ".avsc")));
  }

  /** What {@code GET /plugins/audit-log/} answers: the topic and the schemas, oldest first. */
  private static JsonNode published(Schema... schemas) throws Exception {
    ObjectNode body = Output.JSON.createObjectNode().put("topic", "venice-admin-audit-log");
    for (Schema schema : schemas) {
      body.withArray("schemas").add(Output.JSON.readTree(schema.toString()));
    }
    return body;
  }

  private static byte[] encode(GenericRecord event) throws Exception {
    ByteBuffer buffer = new BinaryMessageEncoder<GenericRecord>(GenericData.get(),
        event.getSchema()).encode(event);
    byte[] bytes = new byte[buffer.remaining()];
    buffer.get(bytes);
    return bytes;
  }

  private static GenericRecordBuilder common(Schema schema, String operation, String principal) {
    return new GenericRecordBuilder(schema).set("timestampMs", 1_700_000_000_000L)
        .set("cluster", "venice-c1").set("store", "users").set("operation", operation)
        .set("principal", principal).set("address", "10.9.8.7:6543").set("controller", "ctl_1")
        .set("before", "{}").set("requested", "{\"partitionCount\":4}").set("after", "{}");
  }

  private static GenericRecord v1Mutation() throws Exception {
    return common(schema(1), "UPDATE_STORE", "bob").set("success", true).build();
  }

  @Test
  void aV1EventPrintsAsAllowed() throws Exception {
    GenericRecord read = DumpAuditLogCommand.decoder(published(schema(1), schema(2)))
        .decode(encode(v1Mutation()));
    Map<String, Object> row = DumpAuditLogCommand.row(read);
    assertEquals("ALLOWED", row.get("decision"));
    assertEquals("", row.get("resource"));
    assertNull(row.get("reason"));
    assertEquals("2023-11-14T22:13:20Z  ALLOWED  UPDATE_STORE  users  by bob from 10.9.8.7:6543"
        + "  ok  requested {\"partitionCount\":4}", DumpAuditLogCommand.line(row));
  }

  @Test
  void aDenialPrintsDeniedWithItsReasonInTheTableAndTheJson() throws Exception {
    GenericRecord denial = common(schema(2), "get", "mallory").set("success", false)
        .set("error", "PERMISSION_DENIED").set("requested", "{}").set("decision", "DENIED")
        .set("resource", "store users").set("reason", "acl: mallory may not read users").build();
    Map<String, Object> row = DumpAuditLogCommand.row(DumpAuditLogCommand.decoder(
        published(schema(1), schema(2))).decode(encode(denial)));
    assertEquals("2023-11-14T22:13:20Z  DENIED  get  users  by mallory from 10.9.8.7:6543"
        + "  reason: acl: mallory may not read users", DumpAuditLogCommand.line(row));
    JsonNode json = Output.JSON.readTree(Output.JSON.writeValueAsString(row));
    assertEquals("DENIED", json.get("decision").asText());
    assertEquals("acl: mallory may not read users", json.get("reason").asText());
    assertEquals("store users", json.get("resource").asText());
  }

  @Test
  void aControllerPublishingOnlyV1StillPrintsItsEventsAsAllowed() throws Exception {
    Map<String, Object> row = DumpAuditLogCommand.row(DumpAuditLogCommand.decoder(
        published(schema(1))).decode(encode(v1Mutation())));
    assertEquals("ALLOWED", row.get("decision"));
    assertTrue(DumpAuditLogCommand.line(row).contains("ALLOWED  UPDATE_STORE  users  by bob"),
        DumpAuditLogCommand.line(row));
  }
}
