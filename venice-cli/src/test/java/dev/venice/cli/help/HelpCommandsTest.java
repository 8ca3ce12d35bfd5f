package dev.venice.cli.help;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.venice.cli.Output;
import dev.venice.cli.Venice;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/** {@code venice search}, {@code venice completion} and {@code venice help}, no cluster needed. */
class HelpCommandsTest {
  @TempDir Path dir;

  record Run(int status, String out, String err) {
    List<String> lines() {
      return out.lines().toList();
    }
  }

  private static Run venice(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status = Venice.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(status, out.toString(), err.toString().trim());
  }

  @Test
  void searchFindsCommandsByKeywordInAnyCase() {
    Run rebalance = venice("search", "rebalance");
    assertEquals(0, rebalance.status(), rebalance.err());
    assertTrue(rebalance.lines().get(0).startsWith("venice show-leader-distribution  Show how the"
        + " partition leaders"), rebalance.out());
    for (String word : new String[] {"retention", "RETENTION", "Retention"}) {
      Run retention = venice("search", word);
      assertEquals(0, retention.status(), retention.err());
      assertEquals(List.of("venice show-topic-retention  Show the topic-retention enforcer's last"
          + " run on the leader controller"), retention.lines(), word);
    }
    // every word must match: "drain" alone finds more than "drain wait"
    Run drain = venice("search", "drain");
    Run drainWait = venice("search", "drain", "--limit", "1", "WAIT");
    assertTrue(drain.lines().size() > 1, drain.out());
    assertEquals(List.of("venice server drain  Drain a server and stop it"), drainWait.lines());
    // --limit keeps the best; the root itself is never a hit
    Run store = venice("search", "store");
    Run best = venice("search", "store", "--limit", "3");
    assertTrue(store.lines().size() > 10, store.out());
    assertEquals(store.lines().subList(0, 3).stream().map(HelpCommandsTest::spaced).toList(),
        best.lines().stream().map(HelpCommandsTest::spaced).toList());
    assertTrue(store.lines().stream().anyMatch(line -> line.matches("venice store +Create, .*")),
        store.out());
    assertTrue(store.lines().stream().noneMatch(line -> line.matches("venice +Run a local.*")));
  }

  /** The line with its columns' padding as one space (it depends on the longest name shown). */
  private static String spaced(String line) {
    return line.replaceAll(" +", " ");
  }

  @Test
  void searchPrintsJson() throws Exception {
    Run run = venice("search", "hot", "--json");
    assertEquals(0, run.status(), run.err());
    JsonNode hits = Output.JSON.readTree(run.out());
    assertTrue(hits.isArray() && hits.size() >= 2, run.out());
    JsonNode first = hits.get(0);
    assertEquals("venice show-hot-keys", first.path("command").asText(), run.out());
    assertEquals("Show a store's hottest keys", first.path("summary").asText());
    assertTrue(first.path("score").asInt() >= 16, run.out());
    assertEquals("name", first.path("matchedIn").get(0).asText(), run.out());
    assertEquals("venice show-hot-partitions", hits.get(1).path("command").asText(), run.out());
  }

  @Test
  void searchWithoutAHitOrWordFails() {
    Run none = venice("search", "zebra");
    assertEquals(1, none.status());
    assertEquals("", none.out());
    assertEquals("venice search: no command matches 'zebra'", none.err());
    Run notAll = venice("search", "drain", "zebra");
    assertEquals(1, notAll.status());
    assertEquals("venice search: no command matches all of 'drain', 'zebra'", notAll.err());
    for (String[] args : new String[][] {{"search", ""}, {"search", " "}, {"search"},
        {"search", "store", "--limit", "0"}}) {
      Run bad = venice(args);
      assertEquals(2, bad.status(), String.join(" ", args));
      assertEquals(1, bad.err().lines().count(), bad.err());
      assertTrue(bad.err().startsWith("venice search: "), bad.err());
    }
    assertTrue(venice("search", "").err().startsWith("venice search: empty search word"));
  }

  /** Name, then description, then examples, then option names, then option descriptions. */
  @Test
  void searchRanksByWhereTheWordMatched() {
    CommandSpec root = new CommandLine(new Tool()).getCommandSpec();
    List<SearchCommand.Hit> hits = SearchCommand.search(root, List.of("LAG"), null);
    assertEquals(List.of("tool lag", "tool b-described", "tool c-example", "tool d-option",
        "tool e-option-text", "tool f-option-text"), hits.stream().map(SearchCommand.Hit::command)
        .toList());
    assertEquals(List.of("name", "option description"), hits.get(0).matchedIn());
    assertEquals(17, hits.get(0).score());
    assertEquals(List.of(8, 4, 2, 1, 1), hits.stream().skip(1).map(SearchCommand.Hit::score)
        .toList());
    assertEquals("Shows lag", hits.get(1).summary());
  }

  @Command(name = "tool", subcommands = {Tool.F.class, Tool.E.class, Tool.D.class, Tool.C.class,
      Tool.B.class, Tool.A.class, Tool.None.class})
  static final class Tool {
    @Command(name = "f-option-text")
    static final class F {
      @Option(names = "--x", description = {"How much lag.", "Example: --x 1"})
      int x;
    }

    @Command(name = "e-option-text")
    static final class E {
      @Option(names = "--x", description = {"Anything.", "Example: --x lag"})
      int x;
    }

    @Command(name = "d-option")
    static final class D {
      @Option(names = "--max-lag")
      int x;
    }

    @Command(name = "c-example", footer = {"Examples:", "  tool c-example # lag"})
    static final class C {}

    @Command(name = "b-described", description = "Shows lag: every partition's.")
    static final class B {}

    @Command(name = "lag")
    static final class A {
      @Option(names = "--y", description = "Lag in ms.")
      int y;
    }

    @Command(name = "none", description = "Nothing to see.")
    static final class None {}
  }

  /** The bash script, loaded by a real bash, registers the completion of venice. */
  @Test
  void completionScriptLoadsInBash() throws Exception {
    Run bash = venice("completion", "bash");
    assertEquals(0, bash.status(), bash.err());
    assertEquals("", bash.err());
    assertTrue(bash.out().startsWith("#!/usr/bin/env bash"), bash.out());
    for (String command : new String[] {"show-topic-retention", "search", "completion", "drain",
        "--store", "--limit"}) {
      assertTrue(bash.out().contains(command), command);
    }
    Path script = Files.writeString(dir.resolve("venice-completion.bash"), bash.out());
    Process process = new ProcessBuilder("bash", "-c", "source \"$0\" && complete -p venice",
        script.toString()).redirectErrorStream(true).start();
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "bash did not finish");
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
        .strip();
    assertEquals(0, process.exitValue(), output);
    assertTrue(output.matches("complete .*-F _complete_venice.* venice"), output);
  }

  @Test
  void completionScriptForZshLoadsBashcompinit() {
    Run zsh = venice("completion", "zsh");
    assertEquals(0, zsh.status(), zsh.err());
    int compinit = zsh.out().indexOf("autoload -U +X compinit && compinit");
    int bashcompinit = zsh.out().indexOf("autoload -U +X bashcompinit && bashcompinit");
    int complete = zsh.out().indexOf("complete -F _complete_venice");
    assertTrue(compinit >= 0 && bashcompinit > compinit && complete > bashcompinit, zsh.out());
    // the bash script is the same: picocli's loads bashcompinit itself when run by zsh
    assertEquals(venice("completion", "bash").out(), zsh.out());
  }

  @Test
  void completionRefusesAnotherShell() {
    Run fish = venice("completion", "fish");
    assertEquals(2, fish.status());
    assertEquals("", fish.out());
    assertTrue(fish.err().startsWith("venice completion: unknown shell 'fish' (allowed: bash,"
        + " zsh)"), fish.err());
    assertEquals(1, fish.err().lines().count(), fish.err());
    assertEquals(2, venice("completion").status());
  }

  @Test
  void helpPrintsTheHelpOfAnyCommand() {
    Run help = venice("help", "store", "create");
    assertEquals(0, help.status(), help.err());
    assertEquals(venice("store", "create", "--help").out(), help.out());
    assertTrue(help.out().contains("Example: --partitions 3"), help.out());
    assertEquals(venice("--help").out(), venice("help").out());
    Run unknown = venice("help", "store", "nope");
    assertEquals(2, unknown.status());
    assertTrue(unknown.err().startsWith("venice help: unknown command 'nope' under"
        + " 'venice store'"), unknown.err());
  }
}
