package dev.venice.cli.store;

import com.fasterxml.jackson.databind.JsonNode;
import dev.venice.cli.CliException;
import dev.venice.cli.GlobalOptions;
import dev.venice.cli.Inputs;
import dev.venice.cli.Output;
import dev.venice.runtime.common.controller.ControllerClient;
import dev.venice.runtime.common.controller.ControllerException;
import dev.venice.runtime.common.meta.Store;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code venice store create|list|describe|update|delete}. */
@Command(name = "store", description = "Create, list, describe, update and delete stores.",
    mixinStandardHelpOptions = true,
    footer = {"", "Examples:",
        "  venice store list",
        "  venice store describe --store users",
        "  venice store create --store users --key-schema '\"string\"' --value-schema @user.avsc"},
    subcommands = {StoreCommand.Create.class, StoreCommand.ListStores.class,
        StoreCommand.Describe.class, StoreCommand.Update.class, StoreCommand.Delete.class})
public final class StoreCommand {

  /** Shared by the store commands: the controller client and printing. */
  public abstract static class Base implements Callable<Integer> {
    @Mixin GlobalOptions options;
    @Spec CommandSpec spec;

    ControllerClient admin() {
      return new ControllerClient(options.controllerUrl());
    }

    void print(Object json, String text) {
      Output.print(spec.commandLine().getOut(), options, json, text);
    }

    /**
     * The store's metadata from the controller.
     *
     * @throws CliException naming the store when it does not exist (404)
     * @throws ControllerException for any other refusal or an unreachable controller
     */
    static Store existingStore(ControllerClient admin, String store) {
      try {
        return admin.getStore(store);
      } catch (ControllerException e) {
        if (e.status() == 404) {
          throw new CliException("store " + store + " does not exist");
        }
        throw e;
      }
    }
  }

  @Command(name = "create", description = "Create a store with its key and first value schema.",
      mixinStandardHelpOptions = true, footer = {"", "Example:",
          "  venice store create --store users --key-schema '\"string\"' --value-schema @user.avsc"
              + " --partitions 3 --replication 2"})
  public static final class Create extends Base {
    @Option(names = {"-s", "--store"}, required = true, description = {"Store name.",
        "Example: --store users"})
    String store;
    @Option(names = "--key-schema", required = true, paramLabel = "AVRO|@FILE",
        description = {"Avro key schema, inline or @file.",
            "Example: --key-schema '\"string\"'"})
    String keySchema;
    @Option(names = "--value-schema", required = true, paramLabel = "AVRO|@FILE",
        description = {"Avro value schema, inline or @file.",
            "Example: --value-schema @user.avsc"})
    String valueSchema;
    @Option(names = "--partitions", description = {"Partition count.",
        "Example: --partitions 3"})
    Integer partitions;
    @Option(names = "--replication", description = {"Replication factor.",
        "Example: --replication 2"})
    Integer replication;
    @Option(names = "--compression", description = {"NO_OP, GZIP or ZSTD.",
        "Example: --compression ZSTD"})
    String compression;
    @Option(names = "--hybrid-rewind-seconds",
        description = {"Make the store hybrid, replaying this many seconds of real-time writes.",
            "Example: --hybrid-rewind-seconds 86400"})
    Long hybridRewind;

    @Override
    public Integer call() {
      Map<String, Object> request = new LinkedHashMap<>();
      request.put("name", store);
      request.put("keySchema", Inputs.textOrFile("--key-schema", keySchema));
      request.put("valueSchema", Inputs.textOrFile("--value-schema", valueSchema));
      if (partitions != null) {
        request.put("partitionCount", partitions);
      }
      if (replication != null) {
        request.put("replicationFactor", replication);
      }
      if (compression != null) {
        request.put("compressionStrategy", compression);
      }
      if (hybridRewind != null) {
        request.put("hybrid", Map.of("rewindSeconds", hybridRewind));
      }
      Store created = admin().createStore(request);
      print(created, "created store " + created.name() + " (" + created.partitionCount()
          + " partitions, replication " + created.replicationFactor() + ")");
      return 0;
    }
  }

  @Command(name = "list", description = "List the stores.", mixinStandardHelpOptions = true,
      footer = {"", "Examples:",
          "  venice store list",
          "  venice store list --json --controller http://127.0.0.1:5555"})
  public static final class ListStores extends Base {
    @Override
    public Integer call() {
      List<String> stores = admin().listStores();
      print(Map.of("stores", stores), stores.isEmpty() ? "(no stores)"
          : String.join("\n", stores));
      return 0;
    }
  }

  @Command(name = "describe", description = "Show a store's settings and versions.",
      mixinStandardHelpOptions = true, footer = {"", "Examples:",
          "  venice store describe --store users",
          "  venice store describe --store users --json"})
  public static final class Describe extends Base {
    @Option(names = {"-s", "--store"}, required = true, description = {"Store name.",
        "Example: --store users"})
    String store;

    @Override
    public Integer call() {
      Store s = admin().getStore(store);
      String versions = s.versions().isEmpty() ? "none" : s.versions().stream()
          .map(v -> "v" + v.number() + " " + v.status()).collect(Collectors.joining(", "));
      print(s, "store            " + s.name()
          + "\ncurrent version  " + s.currentVersion()
          + "\nversions         " + versions
          + "\npartitions       " + s.partitionCount()
          + "\nreplication      " + s.replicationFactor()
          + "\ncompression      " + s.compressionStrategy()
          + "\nhybrid           " + (s.hybrid() == null ? "no" : "rewind "
              + s.hybrid().rewindSeconds() + " s")
          + "\nschema checks    " + s.schemaCompatibility()
          + "\nplugin settings  " + s.pluginSettings());
      return 0;
    }
  }

  @Command(name = "update", description = "Change a store's settings.",
      mixinStandardHelpOptions = true, usageHelpWidth = 120, footer = {"", "Examples:",
          "  venice store update --store users --set replicationFactor=3",
          "  venice store update --store users --set 'pluginSettings={\"plugins.hedging.delay\":\"5ms\"}'"})
  public static final class Update extends Base {
    @Option(names = {"-s", "--store"}, required = true, description = {"Store name.",
        "Example: --store users"})
    String store;
    @Option(names = "--set", required = true, paramLabel = "FIELD=JSON",
        description = {"A field and its new value as JSON (a bare word is taken as a string);"
            + " repeatable. Fields: partitionCount, replicationFactor, compressionStrategy,"
            + " hybrid (null makes the store batch-only), schemaCompatibility,"
            + " numVersionsToPreserve, pluginSettings (plugins.<id>.<key> to a value, null"
            + " removes one; plugins.<id>.enabled switches a plugin for the store).",
            "Example: --set numVersionsToPreserve=3"})
    Map<String, String> changes;

    @Override
    public Integer call() {
      Map<String, Object> body = new LinkedHashMap<>();
      changes.forEach((field, value) -> body.put(field, parse(value)));
      Store updated = admin().updateStore(store, body);
      print(updated, "updated store " + updated.name());
      return 0;
    }

    private static Object parse(String value) {
      try {
        JsonNode node = Output.JSON.readTree(value);
        return node == null ? value : node;
      } catch (IOException notJson) {
        return value;
      }
    }
  }

  /**
   * {@code venice store delete}: without {@code --force}, first a dry run ({@code DELETE
   * /stores/{store}?dryRun=true}, which the controller's admin-mutation hooks check without
   * deleting anything); when it comes back with warnings (e.g. the store-dependencies plugin naming
   * the stores that read this one), they are printed and the deletion goes on only when the person
   * at the terminal types 'yes' (without a terminal it is refused, naming {@code --force}). Then
   * the deletion, printing the warnings its answer carries.
   */
  @Command(name = "delete", description = "Delete a store with all its versions. Asks the"
      + " controller for a dry run first and, when plugins warn (e.g. other stores read this"
      + " one), shows the warnings and asks for confirmation; --force skips both.",
      mixinStandardHelpOptions = true, footer = {"", "Examples:",
          "  venice store delete --store users",
          "  venice store delete --store users --force --json"})
  public static final class Delete extends Base {
    @Option(names = {"-s", "--store"}, required = true, description = {"Store name.",
        "Example: --store users"})
    String store;

    @Option(names = {"-f", "--force"}, description = {"Delete without the dry run and without"
        + " asking, whatever the plugins warn (scripts).",
        "Example: --force"})
    boolean force;

    @Override
    public Integer call() {
      if (store.isEmpty()) { // "/stores/" would name the store list
        throw new CliException("the store name is empty; a store name is 1 to 128 letters,"
            + " digits, '_' or '-'");
      }
      ControllerClient admin = admin();
      if (!force) {
        List<String> warnings = ControllerClient.warnings(admin.send("DELETE", "/stores/"
            + java.net.URLEncoder.encode(store, java.nio.charset.StandardCharsets.UTF_8)
            + "?dryRun=true", null));
        if (!warnings.isEmpty()) {
          confirm(warnings);
        }
      }
      List<String> warnings = admin.deleteStore(store);
      print(Map.of("deleted", store, "warnings", warnings), "deleted store " + store
          + warnings.stream().map(w -> System.lineSeparator() + "warning: " + w)
              .collect(Collectors.joining()));
      return 0;
    }

    /**
     * Shows the dry run's warnings and asks on the terminal; without one, refuses in one line
     * that carries the warnings.
     */
    private void confirm(List<String> warnings) {
      if (System.console() == null) { // one line: the warnings are in it
        throw new CliException("refusing to delete store " + store + " without a confirmation:"
            + " the controller warned (" + String.join("; ", warnings) + ") and there is no"
            + " terminal to ask on; pass --force to delete it anyway");
      }
      java.io.PrintWriter err = spec.commandLine().getErr();
      warnings.forEach(w -> err.println("warning: " + w));
      err.print("Type 'yes' to delete store " + store + ": ");
      err.flush();
      String answer;
      try {
        answer = new java.io.BufferedReader(new java.io.InputStreamReader(System.in,
            java.nio.charset.StandardCharsets.UTF_8)).readLine();
      } catch (IOException e) {
        throw new CliException("cancelled the deletion of store " + store + ": cannot read the"
            + " answer (" + e.getMessage() + ")");
      }
      if (answer == null || !answer.trim().equalsIgnoreCase("yes")) {
        throw new CliException("cancelled the deletion of store " + store + ": the answer was"
            + " not 'yes'");
      }
    }
  }

}
