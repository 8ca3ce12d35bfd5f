package dev.venice.cli;

import dev.venice.runtime.common.controller.ControllerException;
import dev.venice.spi.client.VeniceClientException;
import dev.venice.spi.config.ConfigException;
import java.io.PrintWriter;
import java.util.concurrent.CompletionException;
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
        PushCommand.class,
        GetCommand.class,
        BatchGetCommand.class,
        PluginsCommand.class,
        DumpAuditLogCommand.class,
        CommandLine.HelpCommand.class},
    footer = {"", "Examples:",
        "  venice quickstart --exit-after-demo",
        "  venice store list --json",
        "  venice push --store users --file users.jsonl",
        "  venice get --store users --key '\"alice\"'"})
public final class Venice implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  /** Runs the command and exits with its status. */
  public static void main(String[] args) {
    System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /**
   * Runs the command with the given output streams.
   *
   * @return 0 on success, 1 when the command failed, 2 for a usage error
   */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cli = new CommandLine(new Venice());
    cli.setOut(out);
    cli.setErr(err);
    cli.setExpandAtFiles(false); // '@file' is ours: schemas given as files
    cli.setExecutionExceptionHandler((error, command, parsed) -> {
      boolean verbose = command.getParseResult().hasMatchedOption("--verbose");
      Throwable cause = error instanceof CompletionException && error.getCause() != null
          ? error.getCause() : error;
      err.println(command.getCommandName() + ": " + describe(cause));
      if (verbose) {
        cause.printStackTrace(err);
      }
      err.flush();
      return 1;
    });
    return cli.execute(args);
  }

  private static String describe(Throwable error) {
    if (error instanceof ControllerException c && c.status() > 0) {
      return c.getMessage() + " (" + c.status() + " " + c.errorType() + ")";
    }
    if (error instanceof CliException || error instanceof ControllerException
        || error instanceof VeniceClientException || error instanceof ConfigException
        || error instanceof IllegalArgumentException || error instanceof IllegalStateException) {
      return error.getMessage();
    }
    return error.toString();
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
