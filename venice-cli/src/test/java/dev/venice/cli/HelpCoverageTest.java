package dev.venice.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.IllegalFormatException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Every command of the tree has a description and an example (in its footer, under
 * "Examples:"), and every option and positional parameter a description whose last line is an
 * example ({@code Example: --store users}); {@code --help} and {@code --version} excepted. A new
 * command or option without them fails the build, naming it.
 */
class HelpCoverageTest {
  @Test
  void everyCommandAndOptionHasADescriptionAndAnExample() {
    CommandLine venice = new CommandLine(new Venice());
    List<String> commands = new ArrayList<>();
    List<String> missing = missing(venice, commands);
    assertEquals(List.of(), missing, "commands or options without a description or example");
    assertTrue(commands.size() >= 30, "commands walked: " + commands);
    for (String expected : new String[] {"venice store create", "venice cluster start",
        "venice plugins list", "venice server drain", "venice search", "venice completion",
        "venice help"}) {
      assertTrue(commands.contains(expected), expected + " walked: " + commands);
    }
  }

  /**
   * The check bites: a command and options without descriptions or examples are named, and so is
   * a description picocli cannot format.
   */
  @Test
  void aCommandOrOptionWithoutAnExampleIsNamed() {
    CommandLine tool = new CommandLine(new Tool());
    List<String> missing = missing(tool, new ArrayList<>());
    assertEquals(List.of(
        "tool: no example",
        "tool: a '%' not written '%%' in \"A tool, 80% done.\"",
        "tool --store: no example (the description's last line must be 'Example: ...')",
        "tool --shared: no example (the description's last line must be 'Example: ...')",
        "tool --bare: no description",

        "tool FILE: no example (the description's last line must be 'Example: ...')",
        "tool sub: no description",
        "tool sub --in-group: no description"), missing);
  }

  /** A tool with what the check looks for, one piece missing at a time. */
  @Command(name = "tool", mixinStandardHelpOptions = true, description = "A tool, 80% done.",
      subcommands = Tool.Sub.class)
  static final class Tool {
    @Option(names = "--store", description = "Store name.")
    String store;
    @Option(names = "--good", description = {"A documented option.", "Example: --good 3"})
    int good;
    @Mixin Shared shared;
    @Option(names = "--bare")
    boolean bare;

    @Parameters(paramLabel = "FILE", arity = "0..1", description = "The input file.")
    String file;

    @Command(name = "sub", footer = {"", "Examples:", "  tool sub --in-group"})
    static final class Sub {
      @ArgGroup(exclusive = true)
      Group group;
    }

    static final class Group {
      @Option(names = "--in-group")
      boolean inGroup;
    }
  }

  static final class Shared {
    @Option(names = "--shared", description = "Mixed in, no example.")
    boolean shared;
  }

  /**
   * What lacks a description or an example, in the tree under {@code root}, in walking order;
   * {@code walked} gets every command's full name.
   */
  static List<String> missing(CommandLine root, List<String> walked) {
    List<String> missing = new ArrayList<>();
    Set<CommandSpec> seen = new LinkedHashSet<>();
    walk(root.getCommandSpec(), seen, missing);
    seen.forEach(spec -> walked.add(spec.qualifiedName()));
    return missing;
  }

  private static void walk(CommandSpec command, Set<CommandSpec> seen, List<String> missing) {
    if (!seen.add(command)) {
      return; // an alias of one walked
    }
    String path = command.qualifiedName();
    if (blank(command.usageMessage().description())) {
      missing.add(path + ": no description");
    }
    if (!hasExample(command.usageMessage().footer(), command.root().name())) {
      missing.add(path + ": no example");
    }
    formats(path, command.usageMessage().description(), missing);
    formats(path, command.usageMessage().footer(), missing);
    for (OptionSpec option : command.options()) {
      if (!option.usageHelp() && !option.versionHelp()) {
        check(path + " " + option.longestName(), option, missing);
      }
    }
    for (PositionalParamSpec parameter : command.positionalParameters()) {
      check(path + " " + parameter.paramLabel(), parameter, missing);
    }
    for (CommandLine sub : command.subcommands().values()) {
      walk(sub.getCommandSpec(), seen, missing);
    }
  }

  private static void check(String name, ArgSpec arg, List<String> missing) {
    String[] description = arg.description(); // formatted by picocli, '%%' is '%' here
    if (blank(description)) {
      missing.add(name + ": no description");
    } else if (!description[description.length - 1].strip().matches("Example: \\S.*")) {
      missing.add(name + ": no example (the description's last line must be 'Example: ...')");
    }
  }

  /**
   * A command's help text is a format string to picocli: a lone '%' makes it print a warning
   * instead. (An option's description is formatted as picocli reads it, and warns then.)
   */
  private static void formats(String name, String[] lines, List<String> missing) {
    for (String line : lines) {
      try {
        String.format(line);
      } catch (IllegalFormatException e) {
        missing.add(name + ": a '%' not written '%%' in \"" + line + "\"");
      }
    }
  }

  /** A footer with an example: a line running the tool after an "Examples:" or "Example:". */
  private static boolean hasExample(String[] footer, String tool) {
    boolean examples = false;
    for (String line : footer) {
      String text = line.strip();
      if (text.matches("Examples?:")) {
        examples = true;
      } else if (examples && (text.startsWith(tool + " ") || text.contains(" " + tool + " ")
          || text.contains("(" + tool + " "))) {
        return true;
      }
    }
    return false;
  }

  private static boolean blank(String[] lines) {
    return Arrays.stream(lines).allMatch(String::isBlank);
  }
}
