package dev.venice.cli;

import dev.venice.cli.cluster.ClusterCommand;
import dev.venice.cli.cluster.QuickstartCommand;
import dev.venice.cli.cluster.ShowControllerHistoryCommand;
import dev.venice.cli.cluster.ShowTopicRetentionCommand;
import dev.venice.cli.help.CompletionCommand;
import dev.venice.cli.help.HelpCommand;
import dev.venice.cli.help.SearchCommand;
import dev.venice.cli.plugins.DumpAuditLogCommand;
import dev.venice.cli.plugins.PluginsCommand;
import dev.venice.cli.security.AclCommand;
import dev.venice.cli.server.ServerCommand;
import dev.venice.cli.store.BatchGetCommand;
import dev.venice.cli.store.CheckSchemaCompatibilityCommand;
import dev.venice.cli.store.ExportStoreCommand;
import dev.venice.cli.store.GenerateSchemaDocsCommand;
import dev.venice.cli.store.GetCommand;
import dev.venice.cli.store.InspectDlqCommand;
import dev.venice.cli.store.PushCommand;
import dev.venice.cli.store.SchemaCommand;
import dev.venice.cli.store.SetDependenciesCommand;
import dev.venice.cli.store.SetLatencyBudgetCommand;
import dev.venice.cli.store.SetReadTimeoutCommand;
import dev.venice.cli.store.ShowAssignmentCommand;
import dev.venice.cli.store.ShowConfigHistoryCommand;
import dev.venice.cli.store.ShowDataAgeCommand;
import dev.venice.cli.store.ShowDependenciesCommand;
import dev.venice.cli.store.ShowDependencyGraphCommand;
import dev.venice.cli.store.ShowHotKeysCommand;
import dev.venice.cli.store.ShowHotPartitionsCommand;
import dev.venice.cli.store.ShowIngestionBreakdownCommand;
import dev.venice.cli.store.ShowLeaderDistributionCommand;
import dev.venice.cli.store.ShowPartitionSkewCommand;
import dev.venice.cli.store.ShowStoreSlaCommand;
import dev.venice.cli.store.ShowUnderReplicatedCommand;
import dev.venice.cli.store.StoreCommand;
import dev.venice.cli.store.WatchPushesCommand;
import dev.venice.runtime.common.controller.ControllerException;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.CompletionException;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code venice} command. */
@Command(name = "venice", mixinStandardHelpOptions = true, version = "venice 0.1.0 (SPI 1.0.0)",
    description = "Run a local Venice cluster, manage stores and schemas, push data, read it back,"
        + " and see which plugins every process loaded.",
    subcommands = {
        QuickstartCommand.class,
        ClusterCommand.class,
        StoreCommand.class,
        SchemaCommand.class,
        CheckSchemaCompatibilityCommand.class,
        GenerateSchemaDocsCommand.class,
        PushCommand.class,
        GetCommand.class,
        BatchGetCommand.class,
        ExportStoreCommand.class,
        SetReadTimeoutCommand.class,
        SetLatencyBudgetCommand.class,
        ShowStoreSlaCommand.class,
        ShowHotKeysCommand.class,
        ShowHotPartitionsCommand.class,
        ShowPartitionSkewCommand.class,
        ShowIngestionBreakdownCommand.class,
        ShowDataAgeCommand.class,
        ShowConfigHistoryCommand.class,
        SetDependenciesCommand.class,
        ShowDependenciesCommand.class,
        ShowDependencyGraphCommand.class,
        InspectDlqCommand.class,
        ShowLeaderDistributionCommand.class,
        ShowAssignmentCommand.class,
        ShowControllerHistoryCommand.class,
        ShowTopicRetentionCommand.class,
        ShowUnderReplicatedCommand.class,
        WatchPushesCommand.class,
        PluginsCommand.class,
        AclCommand.class,
        DumpAuditLogCommand.class,
        ServerCommand.class,
        SearchCommand.class,
        CompletionCommand.class,
        HelpCommand.class},
    footer = {"", "Examples:",
        "  venice quickstart --exit-after-demo",
        "  venice store list --json",
        "  venice push --store users --file users.jsonl",
        "  venice get --store users --key '\"alice\"'",
        "  venice server drain --server 127.0.0.1_7002 --wait",
        "  venice search retention",
        "  source <(venice completion bash)"})
public final class Venice implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  /** Runs the command and exits with its status. */
  public static void main(String[] args) {
    System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /**
   * Runs the command with the given output streams. Every failure is one line on {@code err},
   * {@code venice <command>: <reason>}, naming the flag, file, line or store at fault and no Java
   * class; {@code --verbose} adds the stack trace below it.
   *
   * @return 0 on success, 1 when the command failed, 2 for a usage error
   */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cli = new CommandLine(new Venice());
    cli.setOut(out);
    cli.setErr(err);
    cli.setExpandAtFiles(false); // '@file' is ours: schemas given as files
    cli.setExecutionExceptionHandler((error, command, parsed) -> {
      Throwable cause = error instanceof CompletionException && error.getCause() != null
          ? error.getCause() : error;
      err.println(errorLine(command, describe(cause)));
      if (command.getParseResult().hasMatchedOption("--verbose")) {
        cause.printStackTrace(err);
      }
      err.flush();
      return 1;
    });
    cli.setParameterExceptionHandler((error, arguments) -> {
      CommandLine command = error.getCommandLine();
      err.println(errorLine(command, oneLine(error.getMessage()) + " (see '"
          + command.getCommandSpec().qualifiedName() + " --help')"));
      err.flush();
      return 2;
    });
    // before the command runs (and builds any HTTP client), its key material becomes the default
    cli.setExecutionStrategy(parsed -> {
      for (CommandLine.ParseResult command = parsed; command != null;
          command = command.subcommand()) {
        for (CommandLine.Model.CommandSpec mixin
            : command.commandSpec().mixins().values()) {
          if (mixin.userObject() instanceof GlobalOptions options) {
            if (command.hasMatchedOption("--url") || (command.hasMatchedOption("--server")
                && String.valueOf(command.matchedOptionValue("--server", "")).contains("://"))) {
              options.otherEndpointGiven();
            }
            options.installTls();
          }
        }
      }
      return new CommandLine.RunLast().execute(parsed);
    });
    return cli.execute(args);
  }

  private static String errorLine(CommandLine command, String reason) {
    return command.getCommandSpec().qualifiedName() + ": " + reason;
  }

  /**
   * The reason a command failed, for a person: the message without Java class names (they mean
   * nothing to an operator; {@code --verbose} shows them), on one line, never empty.
   */
  static String describe(Throwable error) {
    String message = error.getMessage();
    if (error instanceof ControllerException c && c.status() > 0) {
      message = message + " (" + c.status() + " " + c.errorType() + ")";
    }
    message = message == null ? "" : JAVA_CLASS.matcher(message).replaceAll("");
    message = oneLine(message);
    if (message.isEmpty() || message.equals("null")) {
      return "failed without a reason (" + kind(error) + "); run again with --verbose for details";
    }
    return message;
  }

  /** A fully qualified Java class name, with the ": " that follows it in a toString. */
  private static final Pattern JAVA_CLASS = Pattern.compile(
      "\\b(?:[a-z][a-z0-9_]*\\.)+[A-Z][A-Za-z0-9_$]*(?:Exception|Error)\\b(?::\\s*)?");

  private static String oneLine(String text) {
    return text == null ? "" : text.strip().replaceAll("\\s*\\R\\s*", "; ");
  }

  /** {@code NullPointerException} as "null pointer", for the rare failure without a message. */
  private static String kind(Throwable error) {
    return error.getClass().getSimpleName().replaceAll("(Exception|Error)$", "")
        .replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase(Locale.ROOT);
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
