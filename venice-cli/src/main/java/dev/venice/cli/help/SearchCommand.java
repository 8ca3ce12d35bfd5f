package dev.venice.cli.help;

import dev.venice.cli.CliException;
import dev.venice.cli.Output;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code venice search WORD...}: the commands whose name, description, examples or options
 * mention every word, case-insensitively, ranked by where they matched.
 */
@Command(name = "search", mixinStandardHelpOptions = true,
    description = "Find commands by keyword: every word must appear, in any case, in the"
        + " command's name, description or examples, or in one of its options' names or"
        + " descriptions. Hits are ranked by where they matched (name, then description and"
        + " examples, then option names, then option descriptions), ties by command.",
    footer = {"", "Examples:",
        "  venice search rebalance",
        "  venice search retention",
        "  venice search store latency --limit 3",
        "  venice search replica --json"})
public final class SearchCommand implements Callable<Integer> {
  /**
   * Where a word matched, strongest first. A hit scores the weights of the places each word
   * matched in; each weight is more than all weaker ones together, so hits rank by their
   * strongest place, then the next.
   */
  public enum Place {
    NAME("name", 16),
    DESCRIPTION("description", 8),
    EXAMPLES("examples", 4),
    OPTION_NAME("option name", 2),
    OPTION_DESCRIPTION("option description", 1);

    final String label;
    final int weight;

    Place(String label, int weight) {
      this.label = label;
      this.weight = weight;
    }

    /** How {@code --json} names this place. */
    public String label() {
      return label;
    }
  }

  /** One command found: its full name, summary, score and the places it matched. */
  public record Hit(String command, String summary, int score, List<String> matchedIn) {}

  @Spec CommandSpec spec;

  @Parameters(paramLabel = "WORD", arity = "1..*",
      description = {"The keyword to look for; with several, a command must match them all.",
          "Example: retention"})
  List<String> words;

  @Option(names = "--limit", paramLabel = "N",
      description = {"Print at most N commands, the best ranked (default: all).",
          "Example: --limit 5"})
  Integer limit;

  @Option(names = "--json", description = {"Print the hits as a JSON array of"
      + " {command, summary, score, matchedIn}.", "Example: --json"})
  boolean json;

  @Override
  public Integer call() {
    for (String word : words) {
      if (word.isBlank()) {
        throw new ParameterException(spec.commandLine(),
            "empty search word: give a word such as 'retention'");
      }
    }
    if (limit != null && limit < 1) {
      throw new ParameterException(spec.commandLine(),
          "--limit must be at least 1, not " + limit);
    }
    List<Hit> hits = search(spec.root(), words, spec);
    if (hits.isEmpty()) {
      throw new CliException("no command matches " + (words.size() == 1 ? "'" + words.get(0)
          + "'" : "all of '" + String.join("', '", words) + "'"));
    }
    if (limit != null && hits.size() > limit) {
      hits = hits.subList(0, limit);
    }
    var out = spec.commandLine().getOut();
    if (json) {
      out.println(Output.json(hits));
    } else {
      int width = hits.stream().mapToInt(h -> h.command().length()).max().orElse(0);
      for (Hit hit : hits) {
        out.println(String.format("%-" + width + "s  %s", hit.command(), hit.summary()));
      }
    }
    out.flush();
    return 0;
  }

  /**
   * The commands under {@code root} (itself excluded) matching every word, best first;
   * {@code self}, the search command, is searched without its examples.
   */
  public static List<Hit> search(CommandSpec root, List<String> words, CommandSpec self) {
    List<Hit> hits = new ArrayList<>();
    for (CommandSpec command : commands(root)) {
      Map<Place, String> texts = texts(command, command == self);
      int score = 0;
      Set<String> matchedIn = new LinkedHashSet<>();
      boolean all = true;
      for (String word : words) {
        String needle = word.toLowerCase(Locale.ROOT);
        boolean found = false;
        for (Map.Entry<Place, String> text : texts.entrySet()) {
          if (text.getValue().contains(needle)) {
            matchedIn.add(text.getKey().label);
            score += text.getKey().weight;
            found = true;
          }
        }
        if (!found) {
          all = false;
          break;
        }
      }
      if (all) {
        List<String> places = new ArrayList<>();
        for (Place place : Place.values()) {
          if (matchedIn.contains(place.label)) {
            places.add(place.label);
          }
        }
        hits.add(new Hit(command.qualifiedName(" "), summary(command), score, places));
      }
    }
    hits.sort(Comparator.comparingInt(Hit::score).reversed().thenComparing(Hit::command));
    return hits;
  }

  /** Every command below {@code root}, depth first, each once (aliases share a spec). */
  static List<CommandSpec> commands(CommandSpec root) {
    Set<CommandSpec> seen = new LinkedHashSet<>();
    collect(root, seen);
    seen.remove(root);
    return new ArrayList<>(seen);
  }

  private static void collect(CommandSpec command, Set<CommandSpec> seen) {
    if (!seen.add(command)) {
      return;
    }
    for (CommandLine sub : command.subcommands().values()) {
      collect(sub.getCommandSpec(), seen);
    }
  }

  /** {@code store create} for {@code venice store create}. */
  static String path(CommandSpec command) {
    String name = command.qualifiedName(" ");
    String root = command.root().name();
    return name.startsWith(root + " ") ? name.substring(root.length() + 1) : name;
  }

  /**
   * The command's description's first line, up to its first ". ", ": " or "; " and without a
   * final period (the rest is detail, and the line is one of a list).
   */
  static String summary(CommandSpec command) {
    String[] description = command.usageMessage().description();
    String first = description.length == 0 ? "" : text(description[0]).split("\n")[0].strip();
    int end = first.length();
    for (String stop : new String[] {". ", ": ", "; "}) {
      int at = first.indexOf(stop);
      if (at > 0 && at < end) {
        end = at;
      }
    }
    String summary = first.substring(0, end);
    return summary.endsWith(".") ? summary.substring(0, summary.length() - 1) : summary;
  }

  /**
   * The texts searched, lower case, strongest place first; for the search command itself
   * ({@code self}) without its examples, which would make it a hit for the words they show.
   */
  private static Map<Place, String> texts(CommandSpec command, boolean self) {
    Map<Place, String> texts = new LinkedHashMap<>();
    List<String> names = new ArrayList<>(List.of(path(command)));
    names.addAll(List.of(command.aliases()));
    texts.put(Place.NAME, lower(String.join("\n", names)));
    texts.put(Place.DESCRIPTION, lower(String.join("\n", command.usageMessage().description())));
    texts.put(Place.EXAMPLES,
        self ? "" : lower(String.join("\n", command.usageMessage().footer())));
    StringBuilder optionNames = new StringBuilder();
    StringBuilder optionDescriptions = new StringBuilder();
    for (OptionSpec option : command.options()) {
      if (option.usageHelp() || option.versionHelp()) {
        continue;
      }
      optionNames.append(String.join("\n", option.names())).append('\n');
      optionDescriptions.append(description(option.description(), self)).append('\n');
    }
    for (PositionalParamSpec parameter : command.positionalParameters()) {
      optionNames.append(parameter.paramLabel()).append('\n');
      optionDescriptions.append(description(parameter.description(), self)).append('\n');
    }
    texts.put(Place.OPTION_NAME, lower(optionNames.toString()));
    texts.put(Place.OPTION_DESCRIPTION, lower(optionDescriptions.toString()));
    return texts;
  }

  private static String description(String[] lines, boolean withoutExamples) {
    List<String> kept = new ArrayList<>();
    for (String line : lines) {
      if (!(withoutExamples && line.strip().startsWith("Example:"))) {
        kept.add(line);
      }
    }
    return String.join("\n", kept);
  }

  private static String lower(String text) {
    return text(text).toLowerCase(Locale.ROOT);
  }

  /** A picocli description as printed: {@code %%} is {@code %}, {@code %n} a new line. */
  private static String text(String format) {
    return format.replace("%n", "\n").replace("%%", "%");
  }
}
