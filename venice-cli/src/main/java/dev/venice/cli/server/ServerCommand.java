package dev.venice.cli.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.venice.cli.CliException;
import dev.venice.cli.GlobalOptions;
import dev.venice.cli.Output;
import dev.venice.cli.cluster.LocalClusterState;
import dev.venice.runtime.common.controller.ControllerClient;
import dev.venice.spi.config.ConfigKey;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/** {@code venice server drain}. */
@Command(name = "server", description = "Act on one server process.",
    mixinStandardHelpOptions = true, subcommands = ServerCommand.Drain.class,
    footer = {"", "Examples:",
        "  venice server drain --server 127.0.0.1_50051 --wait"})
public final class ServerCommand {
  private ServerCommand() {}

  /**
   * {@code venice server drain}: asks one server to drain and stop, through the graceful-drain
   * plugin's {@code POST /plugins/graceful-drain/drain} on its admin port. An admin URL is used as
   * given; an instance id is mapped to its admin URL through the controller ({@link #adminUrl()}).
   * With {@code --wait}, polls the server's admin port until it stops answering.
   */
  @Command(name = "drain", mixinStandardHelpOptions = true,
      description = "Drain a server and stop it: it withdraws from routing (its Helix instance"
          + " config marks it draining), waits until no read is in flight and none has started"
          + " for its quiet period, or until the timeout, then stops. Needs the graceful-drain"
          + " plugin on the server. Exit status: 0 drained (or started), 1 failed or not found,"
          + " 2 usage error.",
      footer = {"", "Examples:",
          "  venice server drain --server 127.0.0.1_7002",
          "  venice server drain --server 127.0.0.1_7002 --timeout 60s --wait",
          "  venice server drain --server http://10.0.0.5:7001 --json"})
  public static final class Drain implements Callable<Integer> {
    /** How often {@code --wait} asks whether the server still answers. */
    private static final Duration POLL = Duration.ofMillis(200);
    /** What {@code --wait} allows beyond the drain timeout: the rest of the stop. */
    private static final Duration STOP_ALLOWANCE = Duration.ofSeconds(30);
    private static final String STATUS = "/plugins/graceful-drain/";

    @Mixin GlobalOptions options;
    @Spec CommandSpec spec;

    @Option(names = "--server", required = true, paramLabel = "INSTANCE|ADMIN_URL",
        description = {"The server: its instance id (host_grpcPort, looked up through the"
            + " controller, --controller or the local cluster's) or its admin URL"
            + " (http://host:port).",
            "Example: --server 127.0.0.1_50051"})
    String server;

    @Option(names = "--timeout", paramLabel = "DURATION", converter = TimeoutConverter.class,
        description = {"The longest the drain waits for reads in flight (30s, 500ms, 2m, or whole"
            + " seconds); default: the server's plugins.graceful-drain.drain.timeout.seconds.",
            "Example: --timeout 2m"})
    Duration timeout;

    @Option(names = "--wait", description = {"Wait until the server has stopped (its admin port no"
        + " longer answers), at most the drain timeout plus 30 s, and print how long it took.",
        "Example: --wait"})
    boolean await;

    /** Built when the command runs, after its key material became the default SSL context. */
    private HttpClient http;

    @Override
    public Integer call() throws Exception {
      http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      String adminUrl = adminUrl();
      String query = timeout == null ? "" : "?timeout=" + timeout.toMillis() + "ms";
      long asked = System.nanoTime();
      HttpResponse<String> answer = send(HttpRequest.newBuilder(URI.create(adminUrl + STATUS
          + "drain" + query)).POST(HttpRequest.BodyPublishers.noBody()), adminUrl);
      JsonNode accepted = accepted(answer, adminUrl);
      String instance = accepted.path("instanceId").asText(server);
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("server", instance);
      json.put("adminUrl", adminUrl);
      json.put("drain", accepted);
      String text = "server " + instance + ": draining (" + accepted.path("inFlight").asLong()
          + " read(s) in flight, timeout " + seconds(accepted.path("timeoutSeconds").asDouble())
          + ")";
      if (await) {
        Duration limit = Duration.ofMillis(Math.round(accepted.path("timeoutSeconds").asDouble()
            * 1000)).plus(STOP_ALLOWANCE);
        JsonNode last = waitUntilStopped(adminUrl, instance, accepted, asked, limit);
        double took = (System.nanoTime() - asked) / 1e9;
        json.put("stoppedAfterSeconds", took);
        json.put("lastStatus", last);
        text = "server " + instance + ": stopped " + seconds(took) + " after the drain request;"
            + " last seen " + last.path("state").asText() + ", draining for "
            + seconds(last.path("drainSeconds").asDouble()) + ", last read started "
            + seconds(last.path("lastRequestAfterStartSeconds").asDouble())
            + " after the drain began, " + last.path("inFlight").asLong() + " in flight, "
            + last.path("refusedAfterDeadline").asLong() + " refused after the deadline";
      }
      Output.print(spec.commandLine().getOut(), options, json, text);
      return 0;
    }

    /**
     * The server's admin URL: {@code --server} itself when it is a URL; for an instance id, the
     * server of that id among the live members the controller's {@code GET /cluster} lists ({@code
     * members}, with their admin URLs), or, from a controller that lists none, among the local
     * cluster's servers (each names its instance in its graceful-drain status).
     */
    private String adminUrl() {
      String given = server.strip();
      if (given.isEmpty()) {
        throw new CliException("--server is empty: give an instance id (host_grpcPort) or an"
            + " admin URL (http://host:port)");
      }
      if (given.startsWith("http://") || given.startsWith("https://")) {
        try {
          URI uri = URI.create(given);
          if (uri.getHost() == null) {
            throw new IllegalArgumentException("no host");
          }
        } catch (IllegalArgumentException e) {
          throw new CliException("--server " + given + " is not an admin URL (http://host:port)");
        }
        return given.replaceAll("/+$", "");
      }
      Optional<LocalClusterState> local = options.controller == null
          ? options.runningLocalCluster() : Optional.empty();
      if (options.controller == null && local.isEmpty()) {
        throw new CliException("--server " + given + " is an instance id, looked up through the"
            + " cluster's controller, and no --controller is given nor local cluster"
            + (options.localCluster == null ? "" : " " + options.localCluster) + " running:"
            + " give --controller, or the server's admin URL (--server http://host:port)");
      }
      JsonNode cluster = new ControllerClient(options.controllerUrl()).cluster();
      String name = cluster.path("cluster").asText("?");
      Map<String, String> byInstance = new LinkedHashMap<>();
      if (cluster.has("members")) {
        for (JsonNode member : cluster.path("members")) {
          if (member.path("kind").asText().equalsIgnoreCase("server")) {
            byInstance.put(member.path("instanceId").asText(), member.path("adminUrl").asText());
          }
        }
      } else if (local.isPresent()) {
        return localServer(given, local.get());
      } else {
        List<String> servers = new ArrayList<>();
        cluster.path("storageInstances").forEach(s -> servers.add(s.asText()));
        if (servers.contains(given)) {
          throw new CliException("server " + given + " of cluster " + name + ": the controller"
              + " does not list admin URLs; give it as --server http://<host>:<admin port>");
        }
        throw new CliException("no server " + given + " in cluster " + name + "; servers: "
            + (servers.isEmpty() ? "none" : String.join(", ", servers)));
      }
      String url = byInstance.get(given);
      if (url == null || url.isEmpty()) {
        throw new CliException("no server " + given + " in cluster " + name + "; servers: "
            + (byInstance.isEmpty() ? "none" : String.join(", ", byInstance.keySet())));
      }
      return url.replaceAll("/+$", "");
    }

    /** The local cluster's server {@code id}, found by asking each server for its instance id. */
    private String localServer(String id, LocalClusterState local) {
      Map<String, String> byInstance = new LinkedHashMap<>();
      List<String> withoutPlugin = new ArrayList<>();
      for (String url : local.servers()) {
        String instance = instanceAt(url);
        if (instance == null) {
          withoutPlugin.add(url);
        } else {
          byInstance.put(instance, url);
        }
      }
      String url = byInstance.get(id);
      if (url == null) {
        throw new CliException("no server " + id + " in cluster " + local.cluster()
            + "; servers: " + (byInstance.isEmpty() ? "none with the graceful-drain plugin"
                : String.join(", ", byInstance.keySet()))
            + (withoutPlugin.isEmpty() ? "" : "; not answering for graceful-drain: "
                + String.join(", ", withoutPlugin)));
      }
      return url;
    }

    /** The instance id the server at {@code url} reports, or null without the plugin there. */
    private String instanceAt(String url) {
      try {
        HttpResponse<String> status = http.send(HttpRequest.newBuilder(URI.create(url + STATUS))
            .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
        return status.statusCode() == 200
            ? Output.JSON.readTree(status.body()).path("instanceId").asText(null) : null;
      } catch (IOException e) {
        return null;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CliException("interrupted");
      }
    }

    private HttpResponse<String> send(HttpRequest.Builder request, String adminUrl) {
      try {
        return http.send(request.timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString());
      } catch (IOException e) {
        throw new CliException("server at " + adminUrl + " is unreachable ("
            + (e.getMessage() == null ? "connection failed" : e.getMessage()) + ")");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CliException("interrupted");
      }
    }

    /** The 202's status, or the failure named for an operator. */
    private JsonNode accepted(HttpResponse<String> answer, String adminUrl) throws IOException {
      int code = answer.statusCode();
      if (code == 404) {
        throw new CliException("server at " + adminUrl + " has no graceful-drain plugin (404):"
            + " put it in the server's plugin directory with plugins.graceful-drain.enabled=true");
      }
      JsonNode body;
      try {
        body = Output.JSON.readTree(answer.body());
      } catch (IOException e) {
        throw new CliException("server at " + adminUrl + " answered " + code + " without JSON");
      }
      if (code == 400 && "timeout".equals(body.path("parameter").asText())) {
        throw new CliException("--timeout refused by the server: " + body.path("error").asText());
      }
      if (code != 202) {
        throw new CliException("server at " + adminUrl + " answered " + code + ": "
            + body.path("error").asText("no reason given"));
      }
      return body;
    }

    /**
     * Polls the status until the admin port stops answering; returns the last status seen.
     *
     * @throws CliException when {@code limit} passes first
     */
    private JsonNode waitUntilStopped(String adminUrl, String instance, JsonNode first,
        long asked, Duration limit) throws IOException, InterruptedException {
      JsonNode last = first;
      while (true) {
        HttpResponse<String> status;
        try {
          status = http.send(HttpRequest.newBuilder(URI.create(adminUrl + STATUS))
              .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException busy) {
          status = null; // a slow answer is not a stopped process: ask again
        } catch (IOException e) {
          return last; // the port is closed: the process stopped
        }
        if (status != null && status.statusCode() == 200) {
          last = Output.JSON.readTree(status.body());
        }
        if (System.nanoTime() - asked > limit.toNanos()) {
          throw new CliException("server " + instance + " still answers " + seconds(
              limit.toNanos() / 1e9) + " after the drain request (last seen "
              + last.path("state").asText() + ", " + last.path("inFlight").asLong()
              + " in flight)");
        }
        Thread.sleep(POLL.toMillis());
      }
    }

    private static String seconds(double s) {
      return String.format(Locale.ROOT, "%.1f s", s);
    }
  }

  /**
   * Parses {@code --timeout}: {@code 30s}, {@code 500ms}, {@code 2m}, {@code 1h}, ISO-8601 ({@code
   * PT30S}) or whole seconds ({@code 30}); positive, at most an hour. A bad value is a usage error
   * naming the flag.
   */
  public static final class TimeoutConverter implements ITypeConverter<Duration> {
    private static final ConfigKey<Duration> TIMEOUT = ConfigKey.duration("timeout",
        Duration.ofSeconds(30), Duration.ofMillis(1), Duration.ofHours(1), "drain timeout");

    @Override
    public Duration convert(String value) {
      String v = value.strip();
      try { // whole seconds, or a duration as configuration takes it (SPI ConfigKey.duration)
        return TIMEOUT.parse(v.matches("\\d{1,9}") ? v + "s" : v);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException("'" + value + "' is not a drain timeout (a duration"
            + " such as 30s, 500ms or 2m, or whole seconds; more than 0, at most 1h)");
      }
    }
  }
}
