package dev.venice.cli.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import dev.venice.cli.CliException;
import dev.venice.cli.GlobalOptions;
import dev.venice.cli.Output;
import dev.venice.runtime.common.controller.ControllerClient;
import dev.venice.runtime.localcluster.LocalCluster;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code venice cluster start|status}. */
@Command(name = "cluster", description = "Run a local cluster, or see a cluster's state.",
    mixinStandardHelpOptions = true,
    footer = {"", "Examples:",
        "  venice cluster start --servers 3",
        "  venice cluster status --json",
        "  venice cluster stop"},
    subcommands = {ClusterCommand.Start.class, ClusterCommand.Stop.class,
        ClusterCommand.Status.class})
public final class ClusterCommand {

  /** How a local cluster is shaped; shared with quickstart. */
  public static final class Shape {
    @Option(names = "--controllers", defaultValue = "1", description = {"Controllers (default 1).",
        "Example: --controllers 2"})
    int controllers;
    @Option(names = "--servers", defaultValue = "3", description = {"Storage servers (default 3).",
        "Example: --servers 1"})
    int servers;
    @Option(names = "--routers", defaultValue = "1", description = {"Routers (default 1).",
        "Example: --routers 2"})
    int routers;
    @Option(names = "--plugin-dir", paramLabel = "DIR",
        description = {"Plugin directory for every process (one sub-directory per plugin);"
            + " default: the distribution's plugins/ (plugins there stay off until"
            + " --plugin-config plugins.<id>.enabled=true).",
            "Example: --plugin-dir ./plugins"})
    String pluginDir;
    @Option(names = "--plugin-config", paramLabel = "KEY=VALUE",
        description = {"A plugins.<id>.<key> setting for every process (repeatable).",
            "Example: --plugin-config plugins.hedging.enabled=true"})
    Map<String, String> pluginConfig = new HashMap<>();
    @Option(names = "--secure", description = {"TLS with client certificates on every admin and"
        + " gRPC port, from a throwaway certificate authority made for this cluster (in"
        + " $VENICE_HOME/tls, printed at start; every venice command then connects as"
        + " venice-admin); the acl-authorizer plugin, when installed, on every process with the"
        + " processes and venice-admin as super users.",
        "Example: --secure"})
    boolean secure;

    LocalCluster start(String name) throws Exception {
      return builder(name).build();
    }

    /** @param name the local cluster's name ({@code --local-cluster}; null: the default one) */
    LocalCluster.Builder builder(String name) {
      LocalCluster.Builder builder = LocalCluster.builder().controllers(controllers)
          .servers(servers).routers(routers);
      if (secure) {
        builder.secure(LocalClusterState.certificateDirectory(name));
        // the processes' own settings (clients get the --plugin-config ones, not these)
        Map.of("plugins.acl-authorizer.enabled", "true", "plugins.acl-authorizer.super-groups",
            LocalCluster.PROCESS_GROUP + "," + LocalCluster.ADMIN_GROUP).forEach((key, value) -> {
              if (!pluginConfig.containsKey(key)) {
                builder.controllerConfig(key, value).serverConfig(key, value)
                    .routerConfig(key, value);
              }
            });
      }
      String directory = pluginDir != null ? pluginDir : System.getProperty("venice.plugins");
      if (directory != null) {
        builder.controllerConfig("plugin.dir", directory).serverConfig("plugin.dir", directory)
            .routerConfig("plugin.dir", directory);
      }
      pluginConfig.forEach((key, value) -> {
        builder.controllerConfig(key, value).serverConfig(key, value).routerConfig(key, value);
      });
      return builder;
    }
  }

  /** Prints the endpoints and, for a secured cluster, where its certificates are. */
  public static void printEndpoints(PrintWriter out, LocalClusterState state) {
    out.println("cluster     " + state.cluster());
    out.println("zookeeper   " + state.zookeeper());
    out.println("kafka       " + state.kafka());
    state.controllers().forEach(u -> out.println("controller  " + u
        + "   (admin API, /metrics, /plugins)"));
    state.routers().forEach(u -> out.println("router      " + u
        + "   (/metadata/<store>, /metrics)"));
    state.servers().forEach(u -> out.println("server      " + u
        + "   (/partitions, /metrics)"));
    if (state.tls() != null) {
      out.println("tls         " + state.tls().directory() + "   (a throwaway authority:"
          + " ca.pem, truststore.p12, password, one <name>.p12/.pem/-key.pem per process)");
      out.println("admin       " + state.tls().keyStore() + "   (venice-admin: every venice"
          + " command connects with it)");
    }
    out.flush();
  }

  /**
   * Records {@code cluster}, just started, as the local cluster {@code name} (null: the default
   * one). Callers check {@link LocalClusterState#requireNotRunning} before starting it; should
   * another process claim the name meanwhile, this stops {@code cluster} and fails the same way.
   */
  public static LocalClusterState claim(String name, LocalCluster cluster) {
    try {
      return LocalClusterState.ofThisProcess(name, cluster).claim();
    } catch (RuntimeException e) {
      cluster.close();
      throw e;
    }
  }

  public static void awaitCtrlC(LocalCluster cluster, LocalClusterState state, PrintWriter out)
      throws InterruptedException {
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      state.release();
      cluster.close();
      stopped.countDown();
    }, "venice-local-cluster-stop"));
    out.println("Ctrl-C stops the cluster.");
    out.flush();
    stopped.await();
  }

  @Command(name = "start", description = "Run a local cluster (ZooKeeper, Kafka, controllers,"
      + " servers, routers) on loopback until Ctrl-C, printing its endpoints. Other venice"
      + " commands use it by default.", mixinStandardHelpOptions = true,
      footer = {"", "Examples:", "  venice cluster start --servers 3",
          "  venice cluster start --local-cluster dev   (beside the default one)"})
  public static final class Start implements Callable<Integer> {
    @Mixin GlobalOptions options;
    @Mixin Shape shape;
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      LocalClusterState.requireNotRunning(options.localCluster);
      LocalCluster cluster = shape.start(options.localCluster);
      LocalClusterState state = claim(options.localCluster, cluster);
      if (options.json) {
        Output.print(out, options, state, "");
      } else {
        printEndpoints(out, state);
      }
      awaitCtrlC(cluster, state, out);
      return 0;
    }
  }

  @Command(name = "stop", description = "Stop the local cluster that 'venice cluster start' or"
      + " 'venice quickstart' runs (it stops in order and removes its state file).",
      mixinStandardHelpOptions = true,
      footer = {"", "Examples:", "  venice cluster stop", "  venice cluster stop --local-cluster dev"})
  public static final class Stop implements Callable<Integer> {
    private static final Duration WAIT = Duration.ofSeconds(60);
    @Mixin GlobalOptions options;
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      LocalClusterState state = options.runningLocalCluster().orElseThrow(() ->
          new CliException("no local cluster" + (options.localCluster == null ? ""
              : " " + options.localCluster) + " is running; nothing to stop"));
      ProcessHandle owner = ProcessHandle.of(state.pid()).orElseThrow(() -> new CliException(
          "the local cluster's process " + state.pid() + " is gone"));
      owner.destroy(); // SIGTERM: its shutdown hook stops the cluster and removes the state file
      try {
        owner.onExit().get(WAIT.toSeconds(), TimeUnit.SECONDS);
      } catch (TimeoutException e) {
        throw new CliException("the local cluster (pid " + state.pid() + ") did not stop within "
            + WAIT.toSeconds() + " s; it is still running");
      }
      Output.print(spec.commandLine().getOut(), options, Map.of("stopped", state.pid()),
          "stopped the local cluster (pid " + state.pid() + ")");
      return 0;
    }
  }

  @Command(name = "status", description = "Show the cluster's leader controller, storage"
      + " instances and store count.", mixinStandardHelpOptions = true,
      footer = {"", "Example:", "  venice cluster status --controller http://127.0.0.1:5555"})
  public static final class Status implements Callable<Integer> {
    @Mixin GlobalOptions options;
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      JsonNode status = new ControllerClient(options.controllerUrl()).cluster();
      Output.print(spec.commandLine().getOut(), options, status,
          "cluster            " + status.path("cluster").asText()
              + "\nleader controller  " + status.path("leader").asText()
              + "\nstorage instances  " + status.path("storageInstances")
              + "\nstores             " + status.path("stores").asInt());
      return 0;
    }
  }
}
