package dev.venice.cli.export;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.util.Utf8;

/**
 * The child JVM of {@link ParquetStoreWriterHeapTest}: writes {@code rows} rows of random,
 * incompressible values through {@link ParquetStoreWriter} in a heap smaller than the data.
 * Every value is derived from the seed and the row number alone, so the test regenerates any row
 * to check it without keeping the data anywhere.
 *
 * <p>Arguments: output file, row count, seed. Exit code 0 means the file was closed normally.
 */
public final class ParquetHeapChild {

  static final Schema VALUE_SCHEMA = new Schema.Parser().parse("""
      {"type": "record", "name": "Blob", "namespace": "dev.venice.test", "fields": [
        {"name": "payload", "type": "bytes"},
        {"name": "text", "type": "string"}]}""");

  /** Bytes of random payload per row: with the text, ~8 KiB a row. */
  static final int PAYLOAD_BYTES = 8 * 1024;

  /** Characters of random text per row. */
  static final int TEXT_CHARS = 64;

  private ParquetHeapChild() {}

  static byte[] payload(long seed, long row) {
    byte[] bytes = new byte[PAYLOAD_BYTES];
    new SplittableRandom(seed * 1_000_003L + row).nextBytes(bytes);
    return bytes;
  }

  static String text(long seed, long row) {
    // A different stream from the payload's (offset seed), printable so DuckDB returns it as is.
    SplittableRandom random = new SplittableRandom(~(seed * 1_000_003L + row));
    StringBuilder text = new StringBuilder(TEXT_CHARS);
    for (int i = 0; i < TEXT_CHARS; i++) {
      text.append((char) random.nextInt('!', '~' + 1));
    }
    return text.toString();
  }

  public static void main(String[] args) throws Exception {
    Path out = Path.of(args[0]);
    long rows = Long.parseLong(args[1]);
    long seed = Long.parseLong(args[2]);
    long dataBytes = rows * (PAYLOAD_BYTES + TEXT_CHARS);
    long heap = Runtime.getRuntime().maxMemory();
    if (heap >= dataBytes) {
      // The test only means something if the data could not all be held in memory.
      System.err.println("heap " + heap + " is not smaller than the data " + dataBytes);
      System.exit(2);
    }
    GenericRecord value = new GenericData.Record(VALUE_SCHEMA);
    try (ParquetStoreWriter writer =
        ParquetStoreWriter.open(out, Schema.create(Schema.Type.LONG), VALUE_SCHEMA)) {
      for (long row = 0; row < rows; row++) {
        // One value record reused: the writer encodes each row during write().
        value.put("payload", ByteBuffer.wrap(payload(seed, row)));
        value.put("text", new Utf8(text(seed, row)));
        writer.write(row, value);
      }
      System.out.println("wrote " + writer.rowsWritten() + " rows, " + dataBytes
          + " bytes of values, max heap " + heap);
    }
  }
}
