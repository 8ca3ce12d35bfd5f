package dev.venice.cli.plugins;

import com.fasterxml.jackson.databind.JsonNode;
import dev.venice.cli.CliException;
import dev.venice.cli.GlobalOptions;
import dev.venice.cli.Output;
import dev.venice.cli.cluster.LocalClusterState;
import dev.venice.runtime.common.admin.AdminHttpServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code venice plugins list}. */
@Command(name = "plugins", description = "See which plugins each process loaded.",
    mixinStandardHelpOptions = true, subcommands = PluginsCommand.ListPlugins.class,
    footer = {"", "Examples:",
        "  venice plugins list",
        "  venice plugins list --json"})
public final class PluginsCommand {

  @Command(name = "list", description = "List each process's plugins: id, version, SPI range,"
      + " state, source (and why one failed).", mixinStandardHelpOptions = true,
      footer = {"", "Examples:",
          "  venice plugins list",
          "  venice plugins list --url http://127.0.0.1:5555 --json"})
  static final class ListPlugins implements Callable<Integer> {
    /** process, id, version, SPI range, state, then source and message. */
    private static final String ROW = "%-22s %-22s %-10s %-11s %-14s %s%n";
    @Mixin GlobalOptions options;
    @Spec CommandSpec spec;
    @Option(names = "--url", paramLabel = "ADMIN_URL",
        description = {"Admin URL of a process (repeatable); default: every process of the local"
            + " cluster, or the --controller.",
            "Example: --url http://127.0.0.1:5555"})
    List<String> urls;

    @Override
    public Integer call() throws Exception {
      Map<String, String> processes = processes();
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      List<Map<String, Object>> result = new ArrayList<>();
      StringBuilder text = new StringBuilder(String.format(ROW,
          "PROCESS", "ID", "VERSION", "SPI", "STATE", "SOURCE / MESSAGE"));
      Map<String, List<String>> bySecurity = new LinkedHashMap<>();
      for (Map.Entry<String, String> process : processes.entrySet()) {
        HttpResponse<String> answer = fetch(http, process.getValue());
        JsonNode plugins = Output.JSON.readTree(answer.body());
        String security = answer.headers().firstValue(AdminHttpServer.SECURITY_HEADER)
            .orElse("unknown");
        bySecurity.computeIfAbsent(security, s -> new ArrayList<>()).add(process.getKey());
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("process", process.getKey());
        row.put("url", process.getValue());
        row.put("security", security);
        row.put("plugins", plugins);
        result.add(row);
        if (plugins.isEmpty()) {
          text.append(String.format("%-22s (no plugins)%n", process.getKey()));
        }
        for (JsonNode p : plugins) {
          String message = p.path("message").asText();
          List<String> off = new ArrayList<>();
          p.path("storesOff").forEach(store -> off.add(store.asText()));
          if (!off.isEmpty()) {
            message = (message.isEmpty() ? "" : message + "; ") + "off for stores "
                + String.join(", ", off);
          }
          text.append(String.format(ROW, process.getKey(),
              p.path("id").asText(), p.path("version").asText(),
              p.path("spiVersionRange").asText(), p.path("state").asText(),
              p.path("source").asText() + (message.isEmpty() ? "" : " - " + message)));
        }
      }
      bySecurity.forEach((security, names) -> text.append(security.equals("unauthenticated")
          ? "UNAUTHENTICATED: " + String.join(", ", names) + " run without TLS (ssl.enabled is"
              + " false): callers are not authenticated and nothing is authorized\n"
          : "security of " + String.join(", ", names) + ": " + security + "\n"));
      Output.print(spec.commandLine().getOut(), options, result, text.toString().trim());
      return 0;
    }

    private Map<String, String> processes() {
      Map<String, String> processes = new LinkedHashMap<>();
      if (urls != null && !urls.isEmpty()) {
        urls.forEach(u -> processes.put(u, u));
        return processes;
      }
      if (options.controller != null) {
        processes.put("controller", options.controller);
        return processes;
      }
      LocalClusterState state = options.runningLocalCluster().orElseThrow(() ->
          options.noLocalCluster("--url or --controller"));
      for (int i = 0; i < state.controllers().size(); i++) {
        processes.put("controller-" + (i + 1), state.controllers().get(i));
      }
      for (int i = 0; i < state.servers().size(); i++) {
        processes.put("server-" + (i + 1), state.servers().get(i));
      }
      for (int i = 0; i < state.routers().size(); i++) {
        processes.put("router-" + (i + 1), state.routers().get(i));
      }
      return processes;
    }

    private static HttpResponse<String> fetch(HttpClient http, String url) {
      try {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(
            url.replaceAll("/+$", "") + "/plugins")).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
          throw new CliException(url + "/plugins answered " + response.statusCode());
        }
        return response;
      } catch (IOException e) {
        throw new CliException("process at " + url + " is unreachable ("
            + (e.getMessage() == null ? "connection failed" : e.getMessage()) + ")");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CliException("interrupted");
      }
    }
  }
}
