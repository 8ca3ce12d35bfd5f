package dev.venice.cli;

import dev.venice.cli.cluster.LocalClusterState;
import java.util.Optional;
import picocli.CommandLine.Option;

/** Options every command takes. */
public final class GlobalOptions {
  @Option(names = "--controller", paramLabel = "URL",
      description = {"Controller admin URL (default: the local cluster started by this CLI).",
          "Example: --controller http://127.0.0.1:5555"})
  public String controller;

  @Option(names = "--router", paramLabel = "URL",
      description = {"Router admin URL, for reads (default: the local cluster's router).",
          "Example: --router http://127.0.0.1:7777"})
  public String router;

  @Option(names = "--local-cluster", paramLabel = "NAME",
      converter = LocalClusterState.NameConverter.class,
      description = {"The named local cluster to use, or for cluster start and quickstart to run"
          + " beside the default one (its endpoints: local-cluster-NAME.json in $VENICE_HOME,"
          + " default ~/.venice)."
          + " Lower-case letters, digits, dashes.",
          "Example: --local-cluster dev"})
  public String localCluster;

  @Option(names = "--json", description = {"Print machine-readable JSON.",
      "Example: --json"})
  public boolean json;

  @Option(names = "--verbose", description = {"Print stack traces on failure.",
      "Example: --verbose"})
  public boolean verbose;

  /** The controller URL to use. */
  public String controllerUrl() {
    if (controller != null) {
      return controller;
    }
    return runningLocalCluster().map(LocalClusterState::controller).orElseThrow(() ->
        noLocalCluster("--controller"));
  }

  /** The router URL to use. */
  public String routerUrl() {
    if (router != null) {
      return router;
    }
    return runningLocalCluster().map(LocalClusterState::router).orElseThrow(() ->
        noLocalCluster("--router"));
  }

  /** The local cluster these options name ({@code --local-cluster}), if it is running. */
  public Optional<LocalClusterState> runningLocalCluster() {
    return LocalClusterState.read(localCluster);
  }

  /** The failure when {@code flag} is not given and the local cluster is not running. */
  public CliException noLocalCluster(String flag) {
    String named = localCluster == null ? "" : " --local-cluster " + localCluster;
    return new CliException("no " + flag + " given and no local cluster"
        + (localCluster == null ? "" : " " + localCluster) + " running (start one with"
        + " 'venice cluster start" + named + "' or 'venice quickstart" + named + "')");
  }
}
