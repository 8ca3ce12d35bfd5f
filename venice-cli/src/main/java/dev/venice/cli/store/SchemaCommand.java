package dev.venice.cli.store;

import dev.venice.cli.Inputs;
import dev.venice.runtime.common.controller.StoreSchemas;
import dev.venice.runtime.common.controller.ValueSchema;
import java.util.Map;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code venice schema add|list}. */
@Command(name = "schema", description = "Register and list value schemas.",
    mixinStandardHelpOptions = true,
    subcommands = {SchemaCommand.Add.class, SchemaCommand.ListSchemas.class})
public final class SchemaCommand {

  @Command(name = "add", description = "Register a value schema (checked for compatibility).",
      mixinStandardHelpOptions = true, footer = {"", "Example:",
          "  venice schema add --store users --schema @user-v2.avsc"})
  static final class Add extends StoreCommand.Base {
    @Option(names = {"-s", "--store"}, required = true, description = "Store name.")
    String store;
    @Option(names = "--schema", required = true, paramLabel = "AVRO|@FILE",
        description = "Avro value schema, inline or @file.")
    String schema;

    @Override
    public Integer call() {
      int id = admin().addValueSchema(store, Inputs.textOrFile("--schema", schema));
      print(Map.of("store", store, "id", id), "store " + store + ": value schema id " + id);
      return 0;
    }
  }

  @Command(name = "list", description = "Show the key schema and value schemas.",
      mixinStandardHelpOptions = true)
  static final class ListSchemas extends StoreCommand.Base {
    @Option(names = {"-s", "--store"}, required = true, description = "Store name.")
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
