package dev.venice.cli;

import picocli.CommandLine.Option;

/** Options every command takes. */
public final class GlobalOptions {
  @Option(names = "--controller", paramLabel = "URL",
      description = "Controller admin URL (default: the local cluster started by this CLI).")
  String controller;

  @Option(names = "--router", paramLabel = "URL",
      description = "Router admin URL, for reads (default: the local cluster's router).")
  String router;

  @Option(names = "--json", description = "Print machine-readable JSON.")
  boolean json;

  @Option(names = "--verbose", description = "Print stack traces on failure.")
  boolean verbose;

  /** The controller URL to use. */
  String controllerUrl() {
    if (controller != null) {
      return controller;
    }
    return LocalClusterState.read().map(LocalClusterState::controller).orElseThrow(() ->
        new CliException("no --controller given and no local cluster running (start one with"
            + " 'venice cluster start' or 'venice quickstart')"));
  }

  /** The router URL to use. */
  String routerUrl() {
    if (router != null) {
      return router;
    }
    return LocalClusterState.read().map(LocalClusterState::router).orElseThrow(() ->
        new CliException("no --router given and no local cluster running (start one with"
            + " 'venice cluster start' or 'venice quickstart')"));
  }
}
