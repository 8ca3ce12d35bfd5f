package dev.venice.cli.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.IntFunction;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.util.Utf8;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writes rows of every Avro shape the export must carry and reads them back with DuckDB, an
 * independent Parquet reader with no Hadoop or parquet-mr in it, comparing every field.
 */
class ParquetStoreWriterTest {

  static final Schema VALUE_SCHEMA = new Schema.Parser().parse("""
      {"type": "record", "name": "Profile", "namespace": "com.example.users", "fields": [
        {"name": "name", "type": "string"},
        {"name": "age", "type": "int"},
        {"name": "id", "type": "long"},
        {"name": "ratio", "type": "double"},
        {"name": "active", "type": "boolean"},
        {"name": "address", "type": {"type": "record", "name": "Address", "fields": [
          {"name": "street", "type": "string"},
          {"name": "zip", "type": ["null", "int"], "default": null}]}},
        {"name": "scores", "type": {"type": "array", "items": ["null", "int"]}},
        {"name": "tags", "type": {"type": "map", "values": ["null", "string"]}},
        {"name": "color", "type": {"type": "enum", "name": "Color",
          "symbols": ["RED", "GREEN", "BLUE"]}},
        {"name": "digest", "type": {"type": "fixed", "name": "Digest", "size": 4}},
        {"name": "avatar", "type": "bytes"},
        {"name": "nickname", "type": ["null", "string"], "default": null},
        {"name": "either", "type": ["int", "string"]}
      ]}""");

  static final Schema RECORD_KEY_SCHEMA = new Schema.Parser().parse("""
      {"type": "record", "name": "UserKey", "namespace": "com.example.users", "fields": [
        {"name": "tenant", "type": "string"},
        {"name": "userId", "type": "long"}]}""");

  static final int ROWS = 60;

  @TempDir Path dir;

  /** Values with every shape, including the null corners, varying with the row number. */
  static GenericRecord value(int i) {
    Schema addressSchema = VALUE_SCHEMA.getField("address").schema();
    GenericRecord address = new GenericData.Record(addressSchema);
    address.put("street", new Utf8(i + " Main St"));
    address.put("zip", i % 3 == 0 ? null : 10_000 + i);

    List<Integer> scores = new ArrayList<>();
    for (int k = 0; k < i % 5; k++) {
      scores.add(k == 1 ? null : i * 10 + k); // a null element whenever there are two or more
    }
    Map<Utf8, Utf8> tags = new LinkedHashMap<>();
    for (int k = 0; k < i % 4; k++) {
      tags.put(new Utf8("t" + k), k == 2 ? null : new Utf8("v" + i + "-" + k));
    }
    Random random = new Random(i);
    byte[] digest = new byte[4];
    random.nextBytes(digest);
    byte[] avatar = new byte[i % 7 * 3]; // empty for some rows
    random.nextBytes(avatar);

    GenericRecord value = new GenericData.Record(VALUE_SCHEMA);
    // Alternate Utf8 and String: GenericDatumReader gives Utf8, hand-built records often String.
    value.put("name", i % 2 == 0 ? new Utf8("user-" + i) : "user-" + i);
    value.put("age", 20 + i);
    value.put("id", 1_000_000_000_000L + i);
    value.put("ratio", i / 8.0);
    value.put("active", i % 2 == 1);
    value.put("address", address);
    value.put("scores", scores);
    value.put("tags", tags);
    value.put("color", new GenericData.EnumSymbol(
        VALUE_SCHEMA.getField("color").schema(), List.of("RED", "GREEN", "BLUE").get(i % 3)));
    value.put("digest", new GenericData.Fixed(VALUE_SCHEMA.getField("digest").schema(), digest));
    // A buffer whose position is not 0: only position..limit is the value.
    ByteBuffer buffer = ByteBuffer.allocate(avatar.length + 2);
    buffer.put((byte) 7).put(avatar).put((byte) 9).flip().position(1).limit(1 + avatar.length);
    value.put("avatar", buffer);
    value.put("nickname", i % 2 == 0 ? null : new Utf8("nick" + i));
    value.put("either", i % 2 == 0 ? (Object) i : new Utf8("s" + i));
    return value;
  }

  @Test
  void recordKeysAndRichValuesReadBackFieldByField() throws Exception {
    IntFunction<Object> key = i -> {
      GenericRecord k = new GenericData.Record(RECORD_KEY_SCHEMA);
      k.put("tenant", new Utf8("tenant-" + (i % 3)));
      k.put("userId", (long) i);
      return k;
    };
    Path file = writeRows(RECORD_KEY_SCHEMA, key);
    try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
        Statement st = db.createStatement();
        ResultSet rs = st.executeQuery("SELECT key.tenant, key.userId FROM "
            + parquet(file) + " ORDER BY file_row_number")) {
      for (int i = 0; i < ROWS; i++) {
        assertTrue(rs.next(), "row " + i);
        GenericRecord expected = (GenericRecord) key.apply(i);
        assertEquals(expected.get("tenant").toString(), rs.getString(1));
        assertEquals(expected.get("userId"), rs.getLong(2));
      }
      assertFalse(rs.next());
    }
    checkValues(file);
    // The key record's name and namespace are kept in the Avro schema stored in the file.
    assertTrue(avroSchemaInFile(file).contains("\"name\":\"UserKey\""), avroSchemaInFile(file));
  }

  @Test
  void stringKeys() throws Exception {
    IntFunction<Object> key = i -> i % 2 == 0 ? new Utf8("key-" + i) : "key-" + i;
    Path file = writeRows(Schema.create(Schema.Type.STRING), key);
    checkKeys(file, i -> key.apply(i).toString(), (rs) -> rs.getString(1));
    checkValues(file);
  }

  @Test
  void intKeys() throws Exception {
    Path file = writeRows(Schema.create(Schema.Type.INT), i -> i * 7 - 100);
    checkKeys(file, i -> i * 7 - 100, (rs) -> rs.getInt(1));
    checkValues(file);
  }

  @Test
  void longKeys() throws Exception {
    Path file = writeRows(Schema.create(Schema.Type.LONG), i -> (long) i << 40);
    checkKeys(file, i -> (long) i << 40, (rs) -> rs.getLong(1));
  }

  @Test
  void parquetTypesAreTheFaithfulMapping() throws Exception {
    Path file = writeRows(Schema.create(Schema.Type.INT), i -> i);
    Map<String, String> types = new LinkedHashMap<>();
    try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
        Statement st = db.createStatement();
        ResultSet rs = st.executeQuery("DESCRIBE SELECT key, value FROM "
            + "read_parquet('" + sqlPath(file) + "')")) {
      while (rs.next()) {
        types.put(rs.getString("column_name"), rs.getString("column_type"));
      }
    }
    assertEquals("INTEGER", types.get("key"));
    // Arrays are lists (three-level, so elements may be null), maps are maps, enums strings,
    // fixed and bytes blobs, the two-branch union parquet-avro's member0/member1 struct.
    assertEquals("STRUCT(\"name\" VARCHAR, age INTEGER, id BIGINT, ratio DOUBLE, active BOOLEAN, "
        + "address STRUCT(street VARCHAR, zip INTEGER), scores INTEGER[], "
        + "tags MAP(VARCHAR, VARCHAR), color VARCHAR, digest BLOB, avatar BLOB, nickname VARCHAR, "
        + "either STRUCT(member0 INTEGER, member1 VARCHAR))", types.get("value"));
  }

  @Test
  void refusesAnExistingFile() throws Exception {
    Path file = dir.resolve("taken.parquet");
    Files.writeString(file, "precious");
    IOException e = assertThrows(FileAlreadyExistsException.class, () ->
        ParquetStoreWriter.open(file, Schema.create(Schema.Type.INT), VALUE_SCHEMA));
    assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("already exists"), e.getMessage());
    assertEquals("precious", Files.readString(file));
  }

  @Test
  void refusesAMissingParentDirectory() {
    Path file = dir.resolve("no-such-dir").resolve("out.parquet");
    IOException e = assertThrows(NoSuchFileException.class, () ->
        ParquetStoreWriter.open(file, Schema.create(Schema.Type.INT), VALUE_SCHEMA));
    assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    assertFalse(Files.exists(file.getParent()));
  }

  @Test
  void refusesTwoDifferentTypesWithOneName() {
    Schema otherAddress = new Schema.Parser().parse("""
        {"type": "record", "name": "Address", "namespace": "com.example.users", "fields": [
          {"name": "city", "type": "string"}]}""");
    Path file = dir.resolve("clash.parquet");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () ->
        ParquetStoreWriter.open(file, otherAddress, VALUE_SCHEMA));
    assertTrue(e.getMessage().contains("com.example.users.Address"), e.getMessage());
    assertTrue(e.getMessage().contains("key schema") && e.getMessage().contains("value schema"),
        e.getMessage());
    assertFalse(Files.exists(file));
  }

  @Test
  void refusesSchemasParquetCannotHold() {
    Schema recursive = new Schema.Parser().parse("""
        {"type": "record", "name": "Node", "fields": [
          {"name": "label", "type": "string"},
          {"name": "next", "type": ["null", "Node"], "default": null}]}""");
    Path file = dir.resolve("recursive.parquet");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () ->
        ParquetStoreWriter.open(file, Schema.create(Schema.Type.INT), recursive));
    assertTrue(e.getMessage().contains("Node"), e.getMessage());
    assertFalse(Files.exists(file), "no file is left behind");
  }

  @Test
  void acceptsOneTypeUsedByBothKeyAndValue() throws Exception {
    Schema keyAddress = VALUE_SCHEMA.getField("address").schema();
    Path file = dir.resolve("shared.parquet");
    try (ParquetStoreWriter writer = ParquetStoreWriter.open(file, keyAddress, VALUE_SCHEMA)) {
      writer.write(value(4).get("address"), value(4));
    }
    try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
        Statement st = db.createStatement();
        ResultSet rs = st.executeQuery("SELECT key.street, value.address.street FROM "
            + parquet(file))) {
      assertTrue(rs.next());
      assertEquals("4 Main St", rs.getString(1));
      assertEquals("4 Main St", rs.getString(2));
    }
  }

  @Test
  void aMismatchedDatumIsRefusedAndTheWriterGoesOn() throws Exception {
    Path file = dir.resolve("mismatch.parquet");
    try (ParquetStoreWriter writer =
        ParquetStoreWriter.open(file, Schema.create(Schema.Type.INT), VALUE_SCHEMA)) {
      writer.write(1, value(1));
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> writer.write("two", value(2)));
      assertTrue(e.getMessage().contains("key"), e.getMessage());
      GenericRecord broken = value(3);
      broken.put("name", null);
      assertThrows(IllegalArgumentException.class, () -> writer.write(3, broken));
      writer.write(4, value(4));
      assertEquals(2, writer.rowsWritten());
      writer.close();
      writer.close(); // idempotent
      assertThrows(IllegalStateException.class, () -> writer.write(5, value(5)));
    }
    try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
        Statement st = db.createStatement();
        ResultSet rs = st.executeQuery("SELECT key FROM " + parquet(file)
            + " ORDER BY file_row_number")) {
      assertTrue(rs.next());
      assertEquals(1, rs.getInt(1));
      assertTrue(rs.next());
      assertEquals(4, rs.getInt(1));
      assertFalse(rs.next());
    }
  }

  @Test
  void anEmptyExportIsAValidFile() throws Exception {
    Path file = dir.resolve("empty.parquet");
    ParquetStoreWriter.open(file, Schema.create(Schema.Type.STRING), VALUE_SCHEMA).close();
    try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
        Statement st = db.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*) FROM " + parquet(file))) {
      assertTrue(rs.next());
      assertEquals(0, rs.getLong(1));
    }
  }

  // ---------------------------------------------------------------------------------------------

  private Path writeRows(Schema keySchema, IntFunction<Object> key) throws IOException {
    Path file = dir.resolve(keySchema.getType().getName() + "-keys.parquet");
    try (ParquetStoreWriter writer = ParquetStoreWriter.open(file, keySchema, VALUE_SCHEMA)) {
      for (int i = 0; i < ROWS; i++) {
        GenericRecord value = value(i);
        writer.write(key.apply(i), value);
        // The writer must not consume the ByteBuffer: the caller's record is unchanged.
        assertEquals(1, ((ByteBuffer) value.get("avatar")).position());
      }
      assertEquals(ROWS, writer.rowsWritten());
    }
    return file;
  }

  interface Column<T> {
    T get(ResultSet rs) throws SQLException;
  }

  private static <T> void checkKeys(Path file, IntFunction<T> expected, Column<T> column)
      throws SQLException {
    try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
        Statement st = db.createStatement();
        ResultSet rs = st.executeQuery("SELECT key FROM " + parquet(file)
            + " ORDER BY file_row_number")) {
      for (int i = 0; i < ROWS; i++) {
        assertTrue(rs.next(), "row " + i);
        assertEquals(expected.apply(i), column.get(rs), "key of row " + i);
      }
      assertFalse(rs.next());
    }
  }

  /** Compares every field of every value in the file with {@link #value(int)}. */
  private static void checkValues(Path file) throws SQLException {
    String sql = "SELECT value.name, value.age, value.id, value.ratio, value.active, "
        + "value.address.street, value.address.zip, value.scores, "
        + "map_keys(value.tags), map_values(value.tags), value.color, value.digest, "
        + "value.avatar, value.nickname, value.either.member0, value.either.member1 FROM "
        + parquet(file) + " ORDER BY file_row_number";
    try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
        Statement st = db.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      for (int i = 0; i < ROWS; i++) {
        assertTrue(rs.next(), "row " + i);
        GenericRecord v = value(i);
        GenericRecord address = (GenericRecord) v.get("address");
        String row = "row " + i;
        assertEquals(v.get("name").toString(), rs.getString(1), row);
        assertEquals(v.get("age"), rs.getInt(2), row);
        assertEquals(v.get("id"), rs.getLong(3), row);
        assertEquals(v.get("ratio"), rs.getDouble(4), row);
        assertEquals(v.get("active"), rs.getBoolean(5), row);
        assertEquals(address.get("street").toString(), rs.getString(6), row);
        assertEquals(address.get("zip"), rs.getObject(7), row);
        assertEquals(v.get("scores"), Arrays.asList((Object[]) rs.getArray(8).getArray()), row);
        Map<String, String> tags = new LinkedHashMap<>();
        Object[] tagKeys = (Object[]) rs.getArray(9).getArray();
        Object[] tagValues = (Object[]) rs.getArray(10).getArray();
        for (int k = 0; k < tagKeys.length; k++) {
          tags.put((String) tagKeys[k], (String) tagValues[k]);
        }
        Map<String, String> expectedTags = new LinkedHashMap<>();
        ((Map<?, ?>) v.get("tags")).forEach((k, val) ->
            expectedTags.put(k.toString(), val == null ? null : val.toString()));
        assertEquals(expectedTags, tags, row);
        assertEquals(v.get("color").toString(), rs.getString(11), row);
        assertArrayEquals(((GenericData.Fixed) v.get("digest")).bytes(), rs.getBytes(12), row);
        ByteBuffer avatar = (ByteBuffer) v.get("avatar");
        byte[] avatarBytes = new byte[avatar.remaining()];
        avatar.duplicate().get(avatarBytes);
        assertArrayEquals(avatarBytes, rs.getBytes(13), row);
        Object nickname = v.get("nickname");
        assertEquals(nickname == null ? null : nickname.toString(), rs.getString(14), row);
        Object either = v.get("either");
        if (either instanceof Integer) {
          assertEquals(either, rs.getObject(15), row);
          assertNull(rs.getObject(16), row);
        } else {
          assertNull(rs.getObject(15), row);
          assertEquals(either.toString(), rs.getString(16), row);
        }
      }
      assertFalse(rs.next(), "no row beyond " + ROWS);
    }
  }

  private static String avroSchemaInFile(Path file) throws SQLException {
    try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
        Statement st = db.createStatement();
        ResultSet rs = st.executeQuery("SELECT decode(value) FROM parquet_kv_metadata('"
            + sqlPath(file) + "') WHERE decode(key) = 'parquet.avro.schema'")) {
      assertTrue(rs.next(), "the file records its Avro schema");
      return rs.getString(1);
    }
  }

  static String parquet(Path file) {
    return "read_parquet('" + sqlPath(file) + "', file_row_number = true)";
  }

  static String sqlPath(Path file) {
    return file.toString().replace("'", "''");
  }
}
