package dev.venice.cli.export;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.avro.AvroSchemaConverter;
import org.apache.parquet.avro.AvroWriteSupport;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;

/**
 * Writes the records of a Venice store, one row per key, to a local Parquet file: the library
 * behind {@code venice export-store}.
 *
 * <h2>Shape of the file</h2>
 *
 * <p>Every row is the Avro record {@value #ROW_RECORD_NAME} (no namespace; see {@link
 * #rowSchema(Schema, Schema)}) with two fields, {@value #KEY_FIELD} and {@value #VALUE_FIELD},
 * holding the key and the value with the store's own key and value schemas. These are the field
 * names the Venice push job reads by default, so a file exported here can be pushed again, and a
 * SQL engine reads it as {@code SELECT key, value.name FROM read_parquet('store.parquet')}. Records
 * nested in the key or the value keep their names and namespaces (they are recorded in the file's
 * {@code parquet.avro.schema} metadata); a named type (record, enum or fixed) defined differently
 * by the key schema and by the value schema, or named {@value #ROW_RECORD_NAME}, is refused with
 * an {@link IllegalArgumentException} naming it, since one Avro schema cannot hold both.
 *
 * <h2>How Avro types become Parquet types</h2>
 *
 * <p>The mapping is parquet-avro's ({@link AvroSchemaConverter} and {@link AvroWriteSupport}),
 * configured as follows:
 *
 * <ul>
 *   <li>records become groups (nested to any depth; recursive schemas are refused by
 *       parquet-avro); {@code string} and {@code enum} become UTF-8 / ENUM-annotated binary, {@code
 *       bytes} binary, {@code fixed} a fixed-length byte array of its size, {@code int}, {@code
 *       long}, {@code float}, {@code double}, {@code boolean} the Parquet primitives, and Avro
 *       logical types keep their annotations (values are written as their underlying Avro type,
 *       since the data model is plain {@link GenericData} with no conversions);
 *   <li>a nullable union, {@code ["null", T]} or {@code [T, "null"]}, becomes an optional {@code
 *       T}; every other field is required;
 *   <li>arrays use the three-level {@code LIST} structure of Parquet's LogicalTypes specification
 *       ({@code parquet.avro.write-old-list-structure=false}), so array elements may be null;
 *   <li>maps use the {@code MAP} structure with string keys, and map values may be null when the
 *       value schema allows it;
 *   <li>a union with more than one non-null branch becomes a group with one optional field per
 *       non-null branch, named {@code member0}, {@code member1}, ... in branch order, exactly one
 *       of them set per value (parquet-avro's own encoding; no attempt is made to flatten it).
 * </ul>
 *
 * <h2>Memory and file layout</h2>
 *
 * <p>Rows are streamed: {@link #write} hands each row to the Parquet writer, which keeps only the
 * current row group in memory (already encoded and compressed page by page) and writes it out when
 * it reaches {@value #ROW_GROUP_SIZE_BYTES} bytes. Parquet checks the buffered size at least every
 * {@value #MAX_ROWS_BETWEEN_SIZE_CHECKS} rows (and every row while it has seen few), so memory use
 * stays near one row group plus one page per column ({@value #PAGE_SIZE_BYTES} bytes) plus a few
 * rows, whatever the file's size. Measured with 8 KiB random values: 150 MiB written in a 40 MiB
 * heap (a 32 MiB heap ran out of memory while a row group was written out), so give the writer at
 * least about 2.5 row groups of heap; 64 MiB is comfortable. Pages are compressed with {@link
 * #COMPRESSION}, which parquet-hadoop implements with zstd-jni's bundled native library and does
 * not need Hadoop's native libraries.
 *
 * <h2>Errors and the file</h2>
 *
 * <p>The file is created by {@link #open} and is complete only after {@link #close()} returns
 * normally. If {@code open}, {@code write} or {@code close} throws, the file is partial or
 * unreadable: <b>the caller deletes it</b> (this class never deletes what it created, so a caller
 * can keep it for diagnosis).
 *
 * <p>Not thread-safe: one thread opens, writes and closes a writer.
 */
public final class ParquetStoreWriter implements AutoCloseable {

  /** The Avro name of each row's record: no namespace. */
  public static final String ROW_RECORD_NAME = "venice_export_row";

  /** The field holding the key, as the Venice push job names its default key field. */
  public static final String KEY_FIELD = "key";

  /** The field holding the value, as the Venice push job names its default value field. */
  public static final String VALUE_FIELD = "value";

  /**
   * Row-group size in bytes (16 MiB): the Parquet writer buffers at most about this much encoded
   * data before writing a row group out. Smaller than Parquet's default 128 MiB so the command runs
   * in a small heap; readers handle many row groups fine.
   */
  public static final long ROW_GROUP_SIZE_BYTES = 16L * 1024 * 1024;

  /** Page size in bytes (1 MiB, Parquet's default): the unit each column is compressed in. */
  public static final int PAGE_SIZE_BYTES = 1024 * 1024;

  /**
   * Upper bound on how many rows the Parquet writer accepts between two checks of its buffered size
   * (its default is 10,000): with large values a long gap between checks could buffer far more than
   * one row group, so checks are kept frequent; each check only adds up the column buffers.
   */
  public static final int MAX_ROWS_BETWEEN_SIZE_CHECKS = 1000;

  /** Compression of every page: ZSTD (zstd-jni, no native Hadoop needed; DuckDB, Spark read it). */
  public static final CompressionCodecName COMPRESSION = CompressionCodecName.ZSTD;

  private final Path file;
  private final Schema rowSchema;
  private final ParquetWriter<GenericRecord> writer;
  // One row record reused for every row: the Parquet writer encodes it into its column buffers
  // during write() and keeps no reference to it.
  private final GenericData.Record row;
  private long rows;
  private boolean failed;
  private boolean closed;

  private ParquetStoreWriter(Path file, Schema rowSchema, ParquetWriter<GenericRecord> writer) {
    this.file = file;
    this.rowSchema = rowSchema;
    this.writer = writer;
    this.row = new GenericData.Record(rowSchema);
  }

  /**
   * Creates {@code out} and returns a writer for rows of the given key and value schemas.
   *
   * @param out the Parquet file to create; it must not exist yet, and its parent directory must
   *     exist (relative paths resolve against the working directory)
   * @param keySchema the store's key schema (for example {@code "string"}, {@code "int"}, {@code
   *     "long"} or a record)
   * @param valueSchema the store's value schema
   * @return an open writer; close it to finish the file
   * @throws FileAlreadyExistsException if {@code out} already exists (nothing is overwritten)
   * @throws NoSuchFileException if the parent directory of {@code out} does not exist
   * @throws NotDirectoryException if the parent of {@code out} is not a directory
   * @throws IllegalArgumentException if the two schemas cannot form one row schema (a named type
   *     defined twice differently) or parquet-avro cannot map them (for example a recursive record
   *     or a {@code "null"} schema); the message says which type and why; no file is created
   * @throws IOException if the file cannot be created; then the caller deletes whatever exists
   */
  public static ParquetStoreWriter open(Path out, Schema keySchema, Schema valueSchema)
      throws IOException {
    Objects.requireNonNull(out, "out");
    Schema rowSchema = rowSchema(keySchema, valueSchema);
    Configuration conf = parquetConfiguration();
    try {
      // Convert before the file is created, so an unmappable schema leaves no file behind.
      new AvroSchemaConverter(conf).convert(rowSchema);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "cannot write this key/value schema pair to Parquet: " + e.getMessage(), e);
    }
    Path absolute = out.toAbsolutePath();
    if (Files.exists(absolute, LinkOption.NOFOLLOW_LINKS)) {
      throw new FileAlreadyExistsException(
          out.toString(), null, "the export file already exists; choose a new file name");
    }
    Path parent = absolute.getParent();
    if (parent != null && !Files.exists(parent)) {
      throw new NoSuchFileException(
          out.toString(), null, "its directory " + parent + " does not exist; create it first");
    }
    if (parent != null && !Files.isDirectory(parent)) {
      throw new NotDirectoryException(parent + " (the parent of " + out + ")");
    }
    ParquetWriter<GenericRecord> writer =
        AvroParquetWriter.<GenericRecord>builder(new LocalOutputFile(absolute))
            .withConf(conf)
            .withSchema(rowSchema)
            .withDataModel(GenericData.get())
            .withCompressionCodec(COMPRESSION)
            .withRowGroupSize(ROW_GROUP_SIZE_BYTES)
            .withPageSize(PAGE_SIZE_BYTES)
            .withMinRowCountForPageSizeCheck(1)
            .withMaxRowCountForPageSizeCheck(MAX_ROWS_BETWEEN_SIZE_CHECKS)
            // LocalOutputFile.create opens with CREATE_NEW: a file that appeared since the check
            // above still makes this fail (FileAlreadyExistsException) rather than be overwritten.
            .withWriteMode(ParquetFileWriter.Mode.CREATE)
            .build();
    return new ParquetStoreWriter(absolute, rowSchema, writer);
  }

  /**
   * The Avro schema of one row: record {@value #ROW_RECORD_NAME} with fields {@value #KEY_FIELD}
   * (the key schema) and {@value #VALUE_FIELD} (the value schema).
   *
   * @param keySchema the store's key schema
   * @param valueSchema the store's value schema
   * @return the row schema, as {@link #open} writes it and records in the file
   * @throws IllegalArgumentException if a named type is defined differently in the key and the
   *     value schema, or a named type is called {@value #ROW_RECORD_NAME}
   */
  public static Schema rowSchema(Schema keySchema, Schema valueSchema) {
    Objects.requireNonNull(keySchema, "keySchema");
    Objects.requireNonNull(valueSchema, "valueSchema");
    Map<String, Schema> named = new LinkedHashMap<>();
    Map<String, String> definedIn = new LinkedHashMap<>();
    collectNamedTypes(keySchema, "key", named, definedIn, identitySet());
    collectNamedTypes(valueSchema, "value", named, definedIn, identitySet());
    if (named.containsKey(ROW_RECORD_NAME)) {
      throw new IllegalArgumentException(
          "the " + definedIn.get(ROW_RECORD_NAME) + " schema defines a type named '"
              + ROW_RECORD_NAME + "', the name the export gives each row's record; rename it");
    }
    List<Schema.Field> fields = new ArrayList<>(2);
    fields.add(new Schema.Field(KEY_FIELD, keySchema, "the record's key", (Object) null));
    fields.add(new Schema.Field(VALUE_FIELD, valueSchema, "the record's value", (Object) null));
    return Schema.createRecord(
        ROW_RECORD_NAME, "One key and its value, exported from a Venice store", null, false,
        fields);
  }

  private static Set<Schema> identitySet() {
    // By identity: Schema.equals/hashCode walk the whole schema, and a recursive one would loop.
    return Collections.newSetFromMap(new IdentityHashMap<>());
  }

  // Records every named type (record, enum, fixed) reachable from schema by full name, and fails if
  // one name stands for two different definitions: Avro can write a name's definition only once
  // in the row schema that goes into the file's metadata.
  private static void collectNamedTypes(
      Schema schema, String side, Map<String, Schema> named, Map<String, String> definedIn,
      Set<Schema> seen) {
    if (!seen.add(schema)) {
      return; // already walked, possibly through a recursive reference
    }
    switch (schema.getType()) {
      case RECORD:
      case ENUM:
      case FIXED:
        String name = schema.getFullName();
        Schema earlier = named.putIfAbsent(name, schema);
        if (earlier == null) {
          definedIn.put(name, side);
        } else if (!earlier.equals(schema)) {
          String first = definedIn.get(name);
          throw new IllegalArgumentException(
              "the named type '" + name + "' is defined differently in the " + first
                  + " schema and in the " + side + " schema; one Parquet export row cannot hold"
                  + " both (" + earlier + " vs " + schema + ")");
        }
        if (schema.getType() == Schema.Type.RECORD) {
          for (Schema.Field field : schema.getFields()) {
            collectNamedTypes(field.schema(), side, named, definedIn, seen);
          }
        }
        break;
      case ARRAY:
        collectNamedTypes(schema.getElementType(), side, named, definedIn, seen);
        break;
      case MAP:
        collectNamedTypes(schema.getValueType(), side, named, definedIn, seen);
        break;
      case UNION:
        for (Schema branch : schema.getTypes()) {
          collectNamedTypes(branch, side, named, definedIn, seen);
        }
        break;
      default:
        break; // primitives have no name
    }
  }

  // A Hadoop Configuration that loads no core-default.xml/core-site.xml: a Hadoop file that
  // happens to be on the class path must not change how an export is written.
  private static Configuration parquetConfiguration() {
    Configuration conf = new Configuration(false);
    // The three-level LIST structure of the Parquet spec: it is the only one that allows null
    // array elements, and what current readers (DuckDB, Spark, Arrow) expect.
    conf.setBoolean(AvroWriteSupport.WRITE_OLD_LIST_STRUCTURE, false);
    return conf;
  }

  /**
   * Writes one row. The key and value are Avro generic data as {@code GenericDatumReader} produces
   * it: {@code Utf8} or {@code String} for strings, boxed numbers, {@code GenericRecord}, {@code
   * List}, {@code Map} with {@code Utf8} or {@code String} keys, {@code GenericData.EnumSymbol},
   * {@code GenericData.Fixed}, {@code ByteBuffer} (read from its position to its limit, which are
   * left as they were), and {@code null} where a union allows it. The row is encoded into the
   * current row group at once, so the caller may reuse the objects after this returns.
   *
   * @param key the record's key, matching the key schema
   * @param value the record's value, matching the value schema
   * @throws IllegalArgumentException if the key or the value does not match its schema; nothing is
   *     written and the writer stays usable
   * @throws IOException if writing a full row group to the file fails; the writer is then unusable
   *     and the caller closes it and deletes the file
   * @throws IllegalStateException if the writer is closed or an earlier write failed
   */
  public void write(Object key, Object value) throws IOException {
    if (closed) {
      throw new IllegalStateException("the Parquet writer for " + file + " is closed");
    }
    if (failed) {
      throw new IllegalStateException(
          "an earlier write to " + file + " failed; close the writer and delete the file");
    }
    // Checked here because parquet-avro would fail half-way through the row with a bare
    // ClassCastException or NullPointerException, leaving a partly written record behind.
    if (!GenericData.get().validate(rowSchema.getField(KEY_FIELD).schema(), key)) {
      throw new IllegalArgumentException(
          "row " + rows + ": the key " + describe(key) + " does not match the key schema "
              + rowSchema.getField(KEY_FIELD).schema());
    }
    if (!GenericData.get().validate(rowSchema.getField(VALUE_FIELD).schema(), value)) {
      throw new IllegalArgumentException(
          "row " + rows + ": the value " + describe(value) + " does not match the value schema "
              + rowSchema.getField(VALUE_FIELD).schema());
    }
    row.put(0, key);
    row.put(1, value);
    try {
      writer.write(row);
    } catch (IOException | RuntimeException e) {
      failed = true;
      throw e;
    } finally {
      // Drop the references so the reused record does not keep the caller's last row alive.
      row.put(0, null);
      row.put(1, null);
    }
    rows++;
  }

  private static String describe(Object datum) {
    if (datum == null) {
      return "null";
    }
    String text = String.valueOf(datum);
    if (text.length() > 200) {
      text = text.substring(0, 200) + "...";
    }
    return text + " (" + datum.getClass().getName() + ")";
  }

  /**
   * How many rows {@link #write} has accepted so far.
   *
   * @return the row count, 0 for a new writer
   */
  public long rowsWritten() {
    return rows;
  }

  /**
   * The file being written.
   *
   * @return its absolute path
   */
  public Path path() {
    return file;
  }

  /**
   * The Avro schema of each row.
   *
   * @return the schema {@link #rowSchema(Schema, Schema)} built, as recorded in the file's {@code
   *     parquet.avro.schema} metadata
   */
  public Schema rowSchema() {
    return rowSchema;
  }

  /**
   * Writes the last row group and the footer, and closes the file. Calling it again does nothing.
   *
   * @throws IOException if the file cannot be finished; it is then unreadable and the caller
   *     deletes it (a second call does not retry)
   */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    writer.close();
  }
}
