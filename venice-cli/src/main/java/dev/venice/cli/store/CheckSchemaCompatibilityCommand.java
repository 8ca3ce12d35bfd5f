package dev.venice.cli.store;

import dev.venice.cli.CliException;
import dev.venice.runtime.common.controller.ControllerClient;
import dev.venice.runtime.common.controller.SchemaDryRun.Reason;
import dev.venice.runtime.common.controller.SchemaDryRun.VersionVerdict;
import dev.venice.runtime.common.controller.ValueSchema;
import dev.venice.runtime.common.meta.SchemaCompatibility;
import dev.venice.runtime.common.schema.SchemaVerdicts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code venice check-schema-compatibility} (seed project 7): a candidate value schema checked
 * against every value schema a store has registered, under a compatibility mode, with each
 * violation at field level in plain words and a fix ({@link SchemaVerdicts}: Avro's own
 * resolution rules, the engine the controller's registration uses, so the two never disagree).
 * Reads only; registers nothing.
 */
@Command(name = "check-schema-compatibility",
    description = {"Check a candidate value schema against every value schema the store has"
        + " registered, under a compatibility mode: which versions it is compatible with and, for"
        + " the others, every violation field by field (what changed, why readers or writers"
        + " break, what would fix it). Registers nothing."},
    mixinStandardHelpOptions = true,
    footer = {"", "Exit status: 0 compatible with every registered value schema under the mode,"
        + " 1 not, 2 a usage or connection error (no store, an unreadable or invalid schema file,"
        + " no controller).", "", "Examples:",
        "  venice check-schema-compatibility --store users --schema user-v3.avsc",
        "  venice check-schema-compatibility --store users --schema user-v3.avsc --mode FULL",
        "  venice check-schema-compatibility --store users --schema user-v3.avsc --json"})
public final class CheckSchemaCompatibilityCommand extends StoreCommand.Base {
  @Option(names = {"-s", "--store"}, required = true, description = {"Store name.",
      "Example: --store users"})
  String store;

  @Option(names = "--schema", required = true, paramLabel = "FILE",
      description = {"The candidate Avro value schema, a file.",
          "Example: --schema user-v3.avsc"})
  Path schema;

  @Option(names = "--mode", paramLabel = "MODE",
      description = {"BACKWARD (the new schema reads old data), FORWARD (old schemas read new"
          + " data), FULL (both) or NONE (report only); default: the store's own"
          + " schemaCompatibility.",
          "Example: --mode FULL"})
  SchemaCompatibility mode;

  @Override
  public Integer call() {
    Schema candidate;
    Map<String, Object> answer;
    String text;
    try {
      candidate = candidate();
      ControllerClient admin = admin();
      SchemaCompatibility effective = mode != null ? mode
          : existingStore(admin, store).schemaCompatibility();
      List<ValueSchema> registered = admin.schemas(store).valueSchemas();
      List<VersionVerdict> verdicts = new ArrayList<>();
      for (ValueSchema earlier : registered) {
        verdicts.add(SchemaVerdicts.verdict(candidate, new Schema.Parser().parse(earlier.schema()),
            earlier.id(), effective));
      }
      answer = answer(effective, verdicts);
      text = describe(effective, verdicts);
    } catch (RuntimeException e) { // the store, the file, the controller: none is a verdict
      spec.commandLine().getErr().println(spec.qualifiedName() + ": " + e.getMessage());
      spec.commandLine().getErr().flush();
      return 2;
    }
    print(answer, text);
    return Boolean.TRUE.equals(answer.get("compatible")) ? 0 : 1;
  }

  private Schema candidate() {
    String json;
    try {
      json = Files.readString(schema);
    } catch (IOException e) {
      throw new CliException("--schema: cannot read " + schema + ": " + e.getMessage());
    }
    try {
      return new Schema.Parser().parse(json);
    } catch (SchemaParseException | NullPointerException e) {
      throw new CliException("--schema: " + schema + " is not a valid Avro schema: "
          + e.getMessage());
    }
  }

  private Map<String, Object> answer(SchemaCompatibility effective,
      List<VersionVerdict> verdicts) {
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("store", store);
    answer.put("schemaFile", schema.toString());
    answer.put("mode", effective.name());
    answer.put("compatible", verdicts.stream().allMatch(VersionVerdict::compatible));
    answer.put("compatibleWith", verdicts.stream().filter(VersionVerdict::compatible)
        .map(VersionVerdict::id).toList());
    answer.put("incompatibleWith", verdicts.stream().filter(v -> !v.compatible())
        .map(VersionVerdict::id).toList());
    answer.put("versions", verdicts);
    return answer;
  }

  /** A table of verdicts, then each incompatible version's violations with their fixes. */
  private String describe(SchemaCompatibility effective, List<VersionVerdict> verdicts) {
    StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
        "store %s: %s against %d registered value schemas, mode %s%n%n%-6s %-13s %-14s %s%n",
        store, schema, verdicts.size(), effective, "ID", "VERDICT", "NEW READS OLD",
        "OLD READS NEW"));
    for (VersionVerdict v : verdicts) {
      out.append(String.format(Locale.ROOT, "%-6d %-13s %-14s %s%n", v.id(),
          v.compatible() ? "compatible" : "INCOMPATIBLE", v.newReadsOld() ? "yes" : "no",
          v.oldReadsNew() ? "yes" : "no"));
    }
    for (VersionVerdict v : verdicts) {
      for (Reason reason : v.reasons()) {
        out.append(String.format(Locale.ROOT, "%nvalue schema %d, %s%s:%n  %s%n  fix: %s%n",
            v.id(), reason.direction(), reason.enforced() ? "" : " (not required by " + effective
                + ")", reason.message(), reason.fix()));
      }
    }
    List<Integer> bad = verdicts.stream().filter(v -> !v.compatible()).map(VersionVerdict::id)
        .toList();
    out.append(System.lineSeparator()).append(bad.isEmpty()
        ? "Compatible with every registered value schema under " + effective + "."
        : "INCOMPATIBLE under " + effective + " with value schemas " + bad + ".");
    return out.toString();
  }
}
