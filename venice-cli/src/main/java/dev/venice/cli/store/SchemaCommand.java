package dev.venice.cli.store;

import dev.venice.cli.Inputs;
import dev.venice.runtime.common.controller.SchemaDryRun;
import dev.venice.runtime.common.controller.SchemaDryRun.AffectedPush;
import dev.venice.runtime.common.controller.SchemaDryRun.Reason;
import dev.venice.runtime.common.controller.SchemaDryRun.VersionVerdict;
import dev.venice.runtime.common.controller.StoreSchemas;
import dev.venice.runtime.common.controller.ValueSchema;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code venice schema add|list}. */
@Command(name = "schema", description = "Register and list value schemas.",
    mixinStandardHelpOptions = true,
    footer = {"", "Examples:",
        "  venice schema add --store users --schema @user-v2.avsc",
        "  venice schema list --store users"},
    subcommands = {SchemaCommand.Add.class, SchemaCommand.ListSchemas.class})
public final class SchemaCommand {

  @Command(name = "add", description = {"Register a value schema (checked for compatibility).",
      "With --dry-run, register nothing: show per registered value schema whether the new one is"
          + " compatible and why not (field by field), the pushes in flight it would touch, and"
          + " whether the registration would be accepted."},
      mixinStandardHelpOptions = true, footer = {"", "Exit status: 0 registered (with --dry-run:"
          + " would be accepted), 1 refused (with --dry-run: would be refused) or failed,"
          + " 2 usage error.", "", "Examples:",
          "  venice schema add --store users --schema @user-v2.avsc",
          "  venice schema add --store users --schema @user-v2.avsc --dry-run",
          "  venice schema add --store users --schema @user-v2.avsc --dry-run --json"})
  static final class Add extends StoreCommand.Base {
    @Option(names = {"-s", "--store"}, required = true, description = {"Store name.",
        "Example: --store users"})
    String store;
    @Option(names = "--schema", required = true, paramLabel = "AVRO|@FILE",
        description = {"Avro value schema, inline or @file.",
            "Example: --schema @user-v2.avsc"})
    String schema;
    @Option(names = "--dry-run", description = {"Check only: register nothing, change nothing.",
        "Example: --dry-run"})
    boolean dryRun;

    @Override
    public Integer call() {
      String text = Inputs.textOrFile("--schema", schema);
      if (dryRun) {
        SchemaDryRun report = admin().dryRunValueSchema(store, text);
        print(report, describe(report));
        return report.accepted() ? 0 : 1;
      }
      int id = admin().addValueSchema(store, text);
      print(Map.of("store", store, "id", id), "store " + store + ": value schema id " + id);
      return 0;
    }
  }

  /** The dry run for a person: a table of verdicts, the reasons, the pushes, the conclusion. */
  static String describe(SchemaDryRun report) {
    StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
        "store %s: dry run of a value schema registration (schemaCompatibility %s)%n%n"
            + "%-6s %-13s %-14s %-14s%n", report.store(), report.schemaCompatibility(), "ID",
        "VERDICT", "NEW READS OLD", "OLD READS NEW"));
    for (VersionVerdict v : report.versions()) {
      out.append(String.format(Locale.ROOT, "%-6d %-13s %-14s %-14s%n", v.id(),
          v.compatible() ? "compatible" : "INCOMPATIBLE", yesNo(v.newReadsOld()),
          yesNo(v.oldReadsNew())));
    }
    for (VersionVerdict v : report.versions()) {
      for (Reason reason : v.reasons()) {
        out.append(String.format(Locale.ROOT, "%n  schema %d, %s%s: %s", v.id(),
            reason.direction(), reason.enforced() ? "" : " (not required by the mode)",
            reason.message()));
      }
    }
    out.append(String.format(Locale.ROOT, "%n%nIn-flight pushes: %s%n",
        report.inFlightPushes().isEmpty() ? "none" : ""));
    for (AffectedPush push : report.inFlightPushes()) {
      out.append("  version ").append(push.version()).append(": ").append(push.impact())
          .append(System.lineSeparator());
    }
    out.append(System.lineSeparator()).append(report.accepted()
        ? (report.identicalToId() != null ? "Would be accepted: identical to value schema "
            + report.identicalToId() + " (nothing new registered)"
            : "Would be accepted as value schema id " + report.schemaId())
        : "Would be REFUSED (" + report.refusal().status() + " " + report.refusal().errorType()
            + "): " + report.refusal().error());
    return out.toString();
  }

  private static String yesNo(boolean value) {
    return value ? "yes" : "no";
  }

  @Command(name = "list", description = "Show the key schema and value schemas.",
      mixinStandardHelpOptions = true, footer = {"", "Examples:",
          "  venice schema list --store users",
          "  venice schema list --store users --json"})
  static final class ListSchemas extends StoreCommand.Base {
    @Option(names = {"-s", "--store"}, required = true, description = {"Store name.",
        "Example: --store users"})
    String store;

    @Override
    public Integer call() {
      StoreSchemas schemas = admin().schemas(store);
      print(schemas, "key      " + schemas.keySchema() + "\n" + schemas.valueSchemas().stream()
          .map((ValueSchema v) -> "value " + v.id() + "  " + v.schema())
          .collect(Collectors.joining("\n")));
      return 0;
    }
  }
}
