package dev.venice.runtime.common.schema;

import dev.venice.runtime.common.controller.SchemaDryRun.Direction;
import dev.venice.runtime.common.controller.SchemaDryRun.Reason;
import dev.venice.runtime.common.controller.SchemaDryRun.VersionVerdict;
import dev.venice.runtime.common.meta.SchemaCompatibility;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility.Incompatibility;

/**
 * The compatibility of a candidate value schema with one registered value schema, in both
 * directions, with every violation at field level in plain words and what would fix it. The
 * engine is Avro's own {@code SchemaCompatibility.checkReaderWriterCompatibility}, which applies
 * the Avro specification's schema-resolution rules (field defaults, enum symbols and enum
 * defaults, union branches, aliases, unqualified names, the numeric promotions int → long → float
 * → double and string ↔ bytes, fixed sizes); this class only words its findings and applies the
 * store's mode: {@code BACKWARD} requires that the candidate reads data written with the
 * registered schema, {@code FORWARD} the reverse, {@code FULL} both, {@code NONE} neither (the
 * reasons are still reported). The one place the controller's registration, its dry run and
 * {@code venice check-schema-compatibility} decide compatibility. Stateless and thread-safe.
 */
public final class SchemaVerdicts {
  private SchemaVerdicts() {}

  /**
   * The verdict on {@code candidate} against the registered schema {@code id}.
   *
   * @param candidate the new schema
   * @param registered a registered schema
   * @param id the registered schema's id (named in the messages)
   * @param mode which directions must hold
   */
  public static VersionVerdict verdict(Schema candidate, Schema registered, int id,
      SchemaCompatibility mode) {
    boolean backwardEnforced = mode == SchemaCompatibility.FULL
        || mode == SchemaCompatibility.BACKWARD;
    boolean forwardEnforced = mode == SchemaCompatibility.FULL
        || mode == SchemaCompatibility.FORWARD;
    List<Reason> reasons = new ArrayList<>();
    boolean newReadsOld = check(candidate, registered, Direction.BACKWARD, backwardEnforced, id,
        reasons);
    boolean oldReadsNew = check(registered, candidate, Direction.FORWARD, forwardEnforced, id,
        reasons);
    boolean compatible = (newReadsOld || !backwardEnforced) && (oldReadsNew || !forwardEnforced);
    return new VersionVerdict(id, compatible, newReadsOld, oldReadsNew, List.copyOf(reasons));
  }

  /** Adds the reasons {@code reader} cannot read data of {@code writer}; true when it can. */
  private static boolean check(Schema reader, Schema writer, Direction direction,
      boolean enforced, int registeredId, List<Reason> reasons) {
    List<Incompatibility> found = org.apache.avro.SchemaCompatibility
        .checkReaderWriterCompatibility(reader, writer).getResult().getIncompatibilities();
    for (Incompatibility incompatibility : found) {
      String field = fieldAt(reader, incompatibility.getLocation());
      reasons.add(new Reason(direction, enforced, field, incompatibility.getLocation(),
          incompatibility.getType().name(),
          plainWords(incompatibility, field, direction, registeredId),
          incompatibility.getMessage(), fix(incompatibility, field, direction)));
    }
    return found.isEmpty();
  }

  /**
   * The dotted field path a JSON pointer of Avro's ({@code /fields/1/type/fields/0}) points at in
   * {@code schema}: {@code address.zip}; array items and map values add {@code []} and {@code
   * {}}; {@code ""} at the top level.
   */
  public static String fieldAt(Schema schema, String location) {
    List<String> names = new ArrayList<>();
    String[] steps = location.split("/");
    Schema at = schema;
    for (int i = 1; i < steps.length; i++) {
      String step = steps[i];
      if (at.getType() == Schema.Type.RECORD && step.equals("fields") && i + 1 < steps.length) {
        Schema.Field field = at.getFields().get(Integer.parseInt(steps[++i]));
        names.add(field.name());
        at = field.schema();
      } else if (at.getType() == Schema.Type.UNION && step.chars().allMatch(Character::isDigit)
          && Integer.parseInt(step) < at.getTypes().size()) {
        // (a missing branch's index is the writer union's, past the end of the reader's)
        at = at.getTypes().get(Integer.parseInt(step));
      } else if (at.getType() == Schema.Type.ARRAY && step.equals("items")) {
        names.add("[]");
        at = at.getElementType();
      } else if (at.getType() == Schema.Type.MAP && step.equals("values")) {
        names.add("{}");
        at = at.getValueType();
      } else if (!step.equals("type")) {
        break; // name, size, symbols: a property of the schema reached so far
      }
    }
    return String.join(".", names).replace(".[]", "[]").replace(".{}", "{}");
  }

  private static String plainWords(Incompatibility incompatibility, String field,
      Direction direction, int registeredId) {
    String subject = field.isEmpty() ? "the value schema itself" : "field " + field;
    String reader = reader(direction, registeredId);
    String writer = direction == Direction.BACKWARD ? "value schema " + registeredId
        : "the new schema";
    String problem = switch (incompatibility.getType()) {
      case READER_FIELD_MISSING_DEFAULT_VALUE -> "is in " + reader + " without a default and"
          + " missing from " + writer;
      case TYPE_MISMATCH -> "has a type in " + reader + " that cannot read its type in " + writer
          + " (" + incompatibility.getMessage() + ")";
      case MISSING_ENUM_SYMBOLS -> "is an enum whose symbols " + incompatibility.getMessage()
          + " of " + writer + " are missing from " + reader;
      case MISSING_UNION_BRANCH -> "is a union in " + reader + " missing a branch " + writer
          + " uses (" + incompatibility.getMessage() + ")";
      case NAME_MISMATCH -> "has a different name in " + reader + " than in " + writer + " ("
          + incompatibility.getMessage() + ")";
      case FIXED_SIZE_MISMATCH -> "is a fixed of another size in " + reader + " than in " + writer
          + " (" + incompatibility.getMessage() + ")";
    };
    return subject + " " + problem + ": " + reader + " cannot read data written with " + writer;
  }

  private static String reader(Direction direction, int registeredId) {
    return direction == Direction.BACKWARD ? "the new schema" : "value schema " + registeredId;
  }

  /**
   * What would make the read work, for the schema author: the change is always to the new schema
   * (a registered schema cannot change), so a {@code FORWARD} failure is fixed by undoing what
   * the old readers cannot follow.
   */
  static String fix(Incompatibility incompatibility, String field, Direction direction) {
    String subject = field.isEmpty() ? "the value schema" : "field " + field;
    boolean newReads = direction == Direction.BACKWARD;
    return switch (incompatibility.getType()) {
      case READER_FIELD_MISSING_DEFAULT_VALUE -> newReads
          ? "add a default to " + subject + " in the new schema (\"default\": null after making"
              + " it a union with \"null\" first, or a value of its type)"
          : "keep " + subject + " in the new schema: old readers have no default for it";
      case TYPE_MISMATCH -> newReads
          ? "give " + subject + " a type the old one promotes to (int to long, float or double;"
              + " long to float or double; float to double; string and bytes either way), or a"
              + " union that has the old type as a branch"
          : "keep the old type of " + subject + ", or one that promotes to it (old readers"
              + " promote int to long, float or double, long to float or double, float to"
              + " double, string and bytes either way)";
      case MISSING_ENUM_SYMBOLS -> newReads
          ? "keep the enum symbols " + incompatibility.getMessage() + " in " + subject + ", or"
              + " give the new enum a \"default\" symbol"
          : "do not add symbols to " + subject + " while old readers' enum has no \"default\""
              + " (or add a \"default\" to it first, in a schema all readers have)";
      case MISSING_UNION_BRANCH -> newReads
          ? "keep the union branch " + incompatibility.getMessage() + " in " + subject
          : "do not add union branches to " + subject + " that old readers cannot read";
      case NAME_MISMATCH -> newReads
          ? "keep the name of " + subject + ", or add the old full name to its \"aliases\""
          : "keep the name of " + subject + ": aliases in the new schema do not help old"
              + " readers";
      case FIXED_SIZE_MISMATCH -> "keep the size of " + subject + " (a fixed of another size"
          + " is another type: add a new field with a default instead)";
    };
  }
}
