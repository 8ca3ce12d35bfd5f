package dev.venice.cli.help;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help.ColorScheme;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/**
 * {@code venice help [COMMAND...]}: picocli's help command, with a description and examples of its
 * own (picocli's {@link CommandLine.HelpCommand} has none and is final), and sub-commands at any
 * depth ({@code venice help store create}).
 */
@Command(name = "help", helpCommand = true,
    description = "Print the help of venice, or of the command named: what it does, its options"
        + " and examples.",
    footer = {"", "Examples:",
        "  venice help",
        "  venice help push",
        "  venice help store create"})
public final class HelpCommand implements CommandLine.IHelpCommandInitializable2, Runnable {
  @Option(names = {"-h", "--help"}, usageHelp = true,
      description = "Show the help of the help command and exit.")
  boolean helpRequested;

  @Parameters(paramLabel = "COMMAND", arity = "0..*",
      description = {"The command whose help to print, with its sub-command if it has them"
          + " (default: venice itself).", "Example: store create"})
  List<String> commands = new ArrayList<>();

  private CommandLine self;
  private ColorScheme colorScheme;
  private PrintWriter out;

  @Override
  public void init(CommandLine helpCommandLine, ColorScheme colorScheme, PrintWriter out,
      PrintWriter err) {
    this.self = helpCommandLine;
    this.colorScheme = colorScheme;
    this.out = out;
  }

  @Override
  public void run() {
    CommandLine target = self.getParent() != null ? self.getParent() : self;
    for (String name : commands) {
      CommandLine sub = target.getSubcommands().get(name);
      if (sub == null) {
        throw new ParameterException(self, "unknown command '" + name + "' under '"
            + target.getCommandSpec().qualifiedName() + "'");
      }
      target = sub;
    }
    PrintWriter to = out != null ? out : self.getOut();
    if (colorScheme != null) {
      target.usage(to, colorScheme);
    } else {
      target.usage(to);
    }
  }
}
