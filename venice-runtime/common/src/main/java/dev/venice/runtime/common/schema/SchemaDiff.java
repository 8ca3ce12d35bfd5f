package dev.venice.runtime.common.schema;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.avro.JsonProperties;
import org.apache.avro.LogicalType;
import org.apache.avro.Schema;

/**
 * The field-level differences between two Avro value schemas (the schema registry web view's
 * diff between consecutive versions). Unlike {@link SchemaVerdicts} it does not judge
 * compatibility: it lists what changed, so a reader sees at a glance what a new version did.
 *
 * <p>A change is a {@link Change} {@code {path, kind, before, after, detail}}:
 *
 * <ul>
 *   <li>{@code path}: dotted field names from the top-level record, {@code address.city}; an
 *       array's items add {@code []} ({@code tags[]}, {@code orders[].id}), a map's values add
 *       {@code {}} ({@code attrs{}}); {@code ""} is the value itself when it is not a record;
 *   <li>{@code kind}: {@link Kind#ADDED} (before is {@code null}), {@link Kind#REMOVED} (after is
 *       {@code null}), {@link Kind#TYPE_CHANGED}, {@link Kind#DEFAULT_CHANGED} (before and after
 *       are the defaults as JSON, {@code null} when there is none), {@link Kind#DOC_CHANGED}
 *       (before and after are the docs);
 *   <li>{@code before}, {@code after}: types as words ({@link SchemaWords}): {@code string
 *       (nullable)}, {@code array of record Address}, {@code enum Color (RED, GREEN)};
 *   <li>{@code detail}: one sentence in plain words, e.g. {@code symbols added: BLUE}.
 * </ul>
 *
 * <p>A type change is reported once, at the deepest path where it happens: {@code array of int}
 * to {@code array of long} is {@code tags[]: int -> long}, not also {@code tags}. Nested records
 * (directly, inside unions, arrays or maps) are compared field by field; a record whose name
 * changed is a type change and is still compared field by field. A change of nullability ({@code
 * ["null", X]} to {@code X}) is a type change at the field, and X's own fields are still compared.
 * A union of several non-null branches is compared as a whole (words), and the record branches
 * present on both sides with the same full name are compared field by field. Fields match by
 * name (a rename is a removal and an addition).
 *
 * <p>Recursive types: a pair of records already being compared on the current path (a record
 * that holds itself, directly or through others) is not entered again, so self-referencing
 * schemas end; a named type used at several paths is compared at each of them.
 *
 * <p>Records are named in the type words, not expanded: their fields are changes of their own.
 * Stateless and thread-safe.
 */
public final class SchemaDiff {
  private static final ObjectMapper JSON = new ObjectMapper();

  private SchemaDiff() {}

  /** What happened at a path. */
  public enum Kind {
    /** A field present only in the newer schema. */
    ADDED,
    /** A field present only in the older schema. */
    REMOVED,
    /** A different type: primitive, logical type, nullability, enum symbols, fixed size, name. */
    TYPE_CHANGED,
    /** A field's default value added, removed or changed. */
    DEFAULT_CHANGED,
    /** A field's doc added, removed or changed. */
    DOC_CHANGED
  }

  /**
   * One difference.
   *
   * @param path where, e.g. {@code address.city}, {@code tags[]}, {@code attrs{}.zip}
   * @param kind what happened
   * @param before the older side as words ({@code null} for {@link Kind#ADDED}, or no default or
   *     doc)
   * @param after the newer side as words ({@code null} for {@link Kind#REMOVED}, or no default or
   *     doc)
   * @param detail the change in one sentence
   */
  public record Change(String path, Kind kind, String before, String after, String detail) {
    /** Checks the fields. */
    public Change {
      Objects.requireNonNull(path, "path");
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(detail, "detail");
    }
  }

  /**
   * The changes from {@code before} to {@code after}, in the order of {@code before}'s fields (a
   * removed field where it was), then the added fields in {@code after}'s order, depth first.
   * Identical schemas give an empty list.
   */
  public static List<Change> diff(Schema before, Schema after) {
    Objects.requireNonNull(before, "before");
    Objects.requireNonNull(after, "after");
    List<Change> changes = new ArrayList<>();
    new Walk(changes).compare("", before, after, true);
    return List.copyOf(changes);
  }

  private static List<Schema> nonNull(List<Schema> branches) {
    return branches.stream().filter(b -> b.getType() != Schema.Type.NULL).toList();
  }

  /** The branches of a union; any other schema is its own single branch. */
  private static List<Schema> branches(Schema schema) {
    return schema.getType() == Schema.Type.UNION ? schema.getTypes() : List.of(schema);
  }

  private static boolean nullable(Schema schema) {
    return schema.getType() == Schema.Type.NULL || (schema.getType() == Schema.Type.UNION
        && schema.getTypes().stream().anyMatch(b -> b.getType() == Schema.Type.NULL));
  }

  private static String join(String prefix, String name) {
    return prefix.isEmpty() ? name : prefix + "." + name;
  }

  /** One diff: the changes so far and the record pairs being compared on the current path. */
  private static final class Walk {
    private final List<Change> changes;
    private final Deque<String> comparing = new ArrayDeque<>();

    Walk(List<Change> changes) {
      this.changes = changes;
    }

    /**
     * Compares the types at {@code path}; {@code report} is false when the caller already
     * reported a type change at this path (nullability), so only deeper changes are added.
     */
    void compare(String path, Schema a, Schema b, boolean report) {
      List<Schema> na = nonNull(branches(a));
      List<Schema> nb = nonNull(branches(b));
      if (na.size() == 1 && nb.size() == 1) {
        boolean sameNullability = nullable(a) == nullable(b);
        if (!sameNullability && report) {
          String nullability = nullable(a) ? "no longer nullable" : "now nullable";
          typeChanged(path, a, b, SchemaWords.of(na.get(0))
              .equals(SchemaWords.of(nb.get(0)))
              ? nullability : "type changed and " + nullability);
        }
        single(path, na.get(0), nb.get(0), report && sameNullability);
        return;
      }
      if (na.isEmpty() || nb.isEmpty()) {
        // a "null" type on either side: nothing nested to compare
        if (report && !SchemaWords.of(a).equals(SchemaWords.of(b))) {
          typeChanged(path, a, b, "type changed");
        }
        return;
      }
      if (report && !SchemaWords.of(a).equals(SchemaWords.of(b))) {
        typeChanged(path, a, b, unionDetail(na, nb));
      }
      for (Schema x : na) {
        for (Schema y : nb) {
          if (x.getType() == Schema.Type.RECORD && y.getType() == Schema.Type.RECORD
              && x.getFullName().equals(y.getFullName())) {
            records(path, x, y);
          }
        }
      }
    }

    /** Two non-union types at {@code path}. */
    private void single(String path, Schema x, Schema y, boolean report) {
      if (x.getType() != y.getType()) {
        if (report) {
          typeChanged(path, x, y, "type changed");
        }
        return;
      }
      boolean logicalSame = Objects.equals(logicalName(x), logicalName(y));
      switch (x.getType()) {
        case RECORD -> {
          if (report && !x.getFullName().equals(y.getFullName())) {
            typeChanged(path, x, y, "record renamed from " + x.getFullName() + " to "
                + y.getFullName());
          }
          records(path, x, y);
        }
        case ENUM -> {
          if (report && (!x.getFullName().equals(y.getFullName())
              || !x.getEnumSymbols().equals(y.getEnumSymbols()))) {
            typeChanged(path, x, y, enumDetail(x, y));
          }
        }
        case FIXED -> {
          if (report && (!x.getFullName().equals(y.getFullName())
              || x.getFixedSize() != y.getFixedSize() || !logicalSame)) {
            typeChanged(path, x, y, "fixed type changed");
          }
        }
        case ARRAY -> {
          if (report && !logicalSame) {
            typeChanged(path, x, y, "logical type changed");
          }
          compare(path + "[]", x.getElementType(), y.getElementType(), true);
        }
        case MAP -> {
          if (report && !logicalSame) {
            typeChanged(path, x, y, "logical type changed");
          }
          compare(path + "{}", x.getValueType(), y.getValueType(), true);
        }
        default -> {
          if (report && !logicalSame) {
            typeChanged(path, x, y, "logical type changed");
          }
        }
      }
    }

    /** The fields of two records, unless this pair is already being compared above. */
    private void records(String path, Schema x, Schema y) {
      String pair = x.getFullName() + "\u0000" + y.getFullName();
      if (comparing.contains(pair)) {
        return; // a recursive type: its fields are being compared further up this path
      }
      comparing.push(pair);
      try {
        Map<String, Schema.Field> after = new LinkedHashMap<>();
        for (Schema.Field f : y.getFields()) {
          after.put(f.name(), f);
        }
        for (Schema.Field f : x.getFields()) {
          String at = join(path, f.name());
          Schema.Field g = after.remove(f.name());
          if (g == null) {
            changes.add(new Change(at, Kind.REMOVED, SchemaWords.of(f.schema()), null,
                "field removed"));
            continue;
          }
          compare(at, f.schema(), g.schema(), true);
          String da = defaultJson(f);
          String db = defaultJson(g);
          if (!Objects.equals(da, db)) {
            changes.add(new Change(at, Kind.DEFAULT_CHANGED, da, db, da == null
                ? "default added" : db == null ? "default removed" : "default changed"));
          }
          if (!Objects.equals(f.doc(), g.doc())) {
            changes.add(new Change(at, Kind.DOC_CHANGED, f.doc(), g.doc(), f.doc() == null
                ? "doc added" : g.doc() == null ? "doc removed" : "doc changed"));
          }
        }
        for (Schema.Field g : after.values()) {
          changes.add(new Change(join(path, g.name()), Kind.ADDED, null,
              SchemaWords.of(g.schema()), g.hasDefaultValue()
                  ? "field added with default " + defaultJson(g)
                  : "field added without a default"));
        }
      } finally {
        comparing.pop();
      }
    }

    private void typeChanged(String path, Schema a, Schema b, String detail) {
      changes.add(new Change(path, Kind.TYPE_CHANGED, SchemaWords.of(a), SchemaWords.of(b),
          detail));
    }
  }

  private static String logicalName(Schema schema) {
    return schema.getLogicalType() == null ? null : schema.getLogicalType().getName();
  }

  /** Which symbols came and went, or the rename / reorder. */
  private static String enumDetail(Schema x, Schema y) {
    List<String> parts = new ArrayList<>();
    if (!x.getFullName().equals(y.getFullName())) {
      parts.add("enum renamed from " + x.getFullName() + " to " + y.getFullName());
    }
    Set<String> added = new LinkedHashSet<>(y.getEnumSymbols());
    added.removeAll(x.getEnumSymbols());
    Set<String> removed = new LinkedHashSet<>(x.getEnumSymbols());
    removed.removeAll(y.getEnumSymbols());
    if (!added.isEmpty()) {
      parts.add("symbols added: " + String.join(", ", added));
    }
    if (!removed.isEmpty()) {
      parts.add("symbols removed: " + String.join(", ", removed));
    }
    if (parts.isEmpty()) {
      parts.add("symbols reordered");
    }
    return String.join("; ", parts);
  }

  /** Which union branches came and went (by their words). */
  private static String unionDetail(List<Schema> na, List<Schema> nb) {
    Set<String> before = na.stream().map(SchemaWords::of)
        .collect(Collectors.toCollection(LinkedHashSet::new));
    Set<String> after = nb.stream().map(SchemaWords::of)
        .collect(Collectors.toCollection(LinkedHashSet::new));
    List<String> parts = new ArrayList<>();
    Set<String> added = new LinkedHashSet<>(after);
    added.removeAll(before);
    Set<String> removed = new LinkedHashSet<>(before);
    removed.removeAll(after);
    if (!added.isEmpty()) {
      parts.add("branches added: " + String.join(", ", added));
    }
    if (!removed.isEmpty()) {
      parts.add("branches removed: " + String.join(", ", removed));
    }
    return parts.isEmpty() ? "union changed" : String.join("; ", parts);
  }

  /** The field's default as JSON, or {@code null} when it has none. */
  private static String defaultJson(Schema.Field field) {
    if (!field.hasDefaultValue()) {
      return null;
    }
    Object value = field.defaultVal();
    if (value == null || value == JsonProperties.NULL_VALUE) {
      return "null";
    }
    if (value instanceof byte[] bytes) {
      // Avro hands a bytes or fixed default back as the raw bytes; its JSON form is ISO-8859-1
      value = new String(bytes, StandardCharsets.ISO_8859_1);
    }
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      return String.valueOf(value);
    }
  }
}
