package dev.venice.cli.help;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code venice completion bash|zsh}: picocli's completion script ({@link AutoComplete}) for the
 * whole command tree. zsh runs the bash script through bashcompinit, which the script loads
 * itself; {@link #script} adds the lines that load it only if a picocli version left them out.
 */
@Command(name = "completion", mixinStandardHelpOptions = true,
    description = "Print a shell completion script for venice: its commands, sub-commands and"
        + " options complete on TAB. Load it in the current shell with source, or save it where"
        + " the shell loads completions from.",
    footer = {"", "Examples:",
        "  source <(venice completion bash)",
        "  venice completion bash > /etc/bash_completion.d/venice",
        "  venice completion zsh > ~/.venice-completion.zsh"})
public final class CompletionCommand implements Callable<Integer> {
  /** The shells a script can be printed for. */
  public static final List<String> SHELLS = List.of("bash", "zsh");

  /** What zsh needs before a bash completion script, if the script does not load it itself. */
  static final String ZSH_HEADER = "autoload -U +X compinit && compinit\n"
      + "autoload -U +X bashcompinit && bashcompinit\n";

  @Spec CommandSpec spec;

  @Parameters(paramLabel = "SHELL",
      description = {"The shell to print the script for: bash or zsh.", "Example: bash"})
  String shell;

  @Override
  public Integer call() {
    if (!SHELLS.contains(shell)) {
      throw new ParameterException(spec.commandLine(), "unknown shell '" + shell
          + "' (allowed: " + String.join(", ", SHELLS) + ")");
    }
    var out = spec.commandLine().getOut();
    out.print(script(spec.root(), shell));
    out.flush();
    return 0;
  }

  /** The completion script of {@code root} for {@code shell} (bash or zsh). */
  public static String script(CommandSpec root, String shell) {
    String script = AutoComplete.bash(root.name(), root.commandLine());
    if (shell.equals("zsh") && !script.contains("bashcompinit")) {
      script = ZSH_HEADER + script;
    }
    return script;
  }
}
