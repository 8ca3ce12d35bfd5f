package dev.venice.runtime.common.schema;

import java.util.List;
import java.util.stream.Collectors;
import org.apache.avro.LogicalType;
import org.apache.avro.Schema;

/**
 * Avro types as words, the way the schema tools show them: {@code long}, {@code int (date)},
 * {@code string (nullable)} for {@code ["null", "string"]}, {@code one of int, string} for other
 * unions, {@code array of record Address}, {@code map of long}, {@code enum Color (RED, GREEN)},
 * {@code fixed Md5 (16 bytes)}; logical types in parentheses. Shared by the field-level diff
 * ({@link SchemaDiff}) and the CLI's schema pages, which word named types their own way (written
 * once, referenced after) through {@link NamedTypes}. Stateless and thread-safe.
 */
public final class SchemaWords {
  /**
   * How a named type (record, enum, fixed) reads where it appears.
   */
  @FunctionalInterface
  public interface NamedTypes {
    /**
     * The words for {@code named} met at {@code path} (dotted field path; {@code []} for array
     * items, {@code {}} for map values; {@code ""} for the top level).
     */
    String words(Schema named, String path);
  }

  /** Every named type in full, records by name: what {@link #of(Schema)} uses. */
  public static final NamedTypes IN_FULL = (named, path) -> inFull(named);

  private SchemaWords() {}

  /** {@code schema} as words, named types in full ({@link #IN_FULL}). */
  public static String of(Schema schema) {
    return of(schema, "", IN_FULL);
  }

  /**
   * {@code schema}, found at {@code path}, as words, each named type worded by {@code named}.
   */
  public static String of(Schema schema, String path, NamedTypes named) {
    LogicalType logical = schema.getLogicalType();
    String base = switch (schema.getType()) {
      case RECORD, ENUM, FIXED -> named.words(schema, path);
      case ARRAY -> "array of " + of(schema.getElementType(), path + "[]", named);
      case MAP -> "map of " + of(schema.getValueType(), path + "{}", named);
      case UNION -> union(schema.getTypes(), path, named);
      default -> schema.getType().getName();
    };
    return logical == null ? base : base + " (" + logical.getName() + ")";
  }

  /**
   * A named type in full: {@code record Address}, {@code enum Color (RED, GREEN)}, {@code fixed
   * Md5 (16 bytes)}.
   */
  public static String inFull(Schema named) {
    String kind = named.getType().getName() + " " + named.getName();
    return switch (named.getType()) {
      case ENUM -> kind + " (" + String.join(", ", named.getEnumSymbols()) + ")";
      case FIXED -> kind + " (" + named.getFixedSize() + " bytes)";
      default -> kind;
    };
  }

  private static String union(List<Schema> branches, String path, NamedTypes named) {
    List<Schema> others = branches.stream().filter(b -> b.getType() != Schema.Type.NULL)
        .toList();
    if (others.isEmpty()) {
      return "null";
    }
    String words = others.size() == 1 ? of(others.get(0), path, named)
        : "one of " + others.stream().map(b -> of(b, path, named))
            .collect(Collectors.joining(", "));
    return others.size() < branches.size() ? words + " (nullable)" : words;
  }
}
