package dev.venice.cli.store;

import com.fasterxml.jackson.databind.JsonNode;
import dev.venice.cli.CliException;
import dev.venice.cli.Output;
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
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * How a command asks every server one plugin endpoint: the servers the controller lists ({@code
 * GET /cluster} members of kind {@code server} with an admin URL), asked {@link #PARALLELISM} at
 * a time, each request bounded by a timeout; one server's failure is its {@link Answer}, never the
 * command's. Used by {@code show-hot-keys}, {@code show-ingestion-breakdown} and {@code
 * show-data-age}.
 */
final class ServerFanOut {
  /** How many servers are asked at once. */
  static final int PARALLELISM = 8;

  /**
   * One server's answer.
   *
   * @param instance its instance id
   * @param adminUrl its admin URL
   * @param body the JSON it answered, {@code null} when it did not
   * @param failure why there is no answer (timeout, connection, HTTP status), {@code null} when
   *     it answered
   */
  record Answer(String instance, String adminUrl, JsonNode body, String failure) {
    /** The answer as a "not answering" row: instance, adminUrl and reason. */
    Map<String, String> notAnswering() {
      return Map.of("instance", instance, "adminUrl", adminUrl, "reason", failure);
    }
  }

  private ServerFanOut() {}

  /**
   * The servers {@code cluster} (the controller's {@code GET /cluster}) lists: instance id to admin
   * URL, sorted by instance id.
   *
   * @throws CliException when it lists none
   */
  private static Map<String, String> servers(JsonNode cluster, String controllerUrl) {
    Map<String, String> servers = new TreeMap<>();
    for (JsonNode member : cluster.path("members")) {
      if (member.path("kind").asText().equalsIgnoreCase("server")
          && !member.path("adminUrl").asText().isEmpty()) {
        servers.put(member.path("instanceId").asText(),
            member.path("adminUrl").asText().replaceAll("/+$", ""));
      }
    }
    if (servers.isEmpty()) {
      throw new CliException("the controller at " + controllerUrl + " lists no server"
          + " with an admin URL (GET /cluster members)");
    }
    return servers;
  }

  /**
   * Every server's answers, split into those that answered and those that did not.
   *
   * @param answered the servers' answers with a body, in instance order
   * @param notAnswering one {@code {"instance", "reason"}} per server that did not answer
   */
  record Answers(List<Answer> answered, List<Map<String, String>> notAnswering) {}

  /**
   * Asks every server the controller lists ({@link #servers}, then {@link #ask}) about one store.
   *
   * @throws CliException naming the store and each server's reason when none answered
   */
  static Answers askEveryServer(ControllerClient admin, String controllerUrl, String store,
      String pathAndQuery, String pluginId, Duration timeout) throws InterruptedException {
    List<Answer> answers = ask(servers(admin.cluster(), controllerUrl), pathAndQuery, pluginId,
        timeout);
    List<Answer> answered = answers.stream().filter(a -> a.failure() == null).toList();
    List<Map<String, String>> notAnswering = answers.stream().filter(a -> a.failure() != null)
        .map(Answer::notAnswering).toList();
    if (answered.isEmpty()) {
      throw new CliException("no server answered for store " + store + ": " + notAnswering
          .stream().map(m -> m.get("instance") + " (" + m.get("reason") + ")").toList());
    }
    return new Answers(answered, notAnswering);
  }

  /**
   * Asks {@code GET <adminUrl><pathAndQuery>} of every server, {@link #PARALLELISM} at a time.
   *
   * @param pathAndQuery e.g. {@code /plugins/hot-keys/top?store=users} (already encoded)
   * @param pluginId the plugin serving it, named in a 404 without a reason
   * @param timeout how long each server may take
   * @return one answer per server, in the order of {@code servers}
   */
  private static List<Answer> ask(Map<String, String> servers, String pathAndQuery,
      String pluginId, Duration timeout) throws InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(timeout).build();
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(PARALLELISM, servers.size()),
        r -> {
          Thread t = new Thread(r, "ask-" + pluginId);
          t.setDaemon(true);
          return t;
        });
    try {
      Map<String, Future<Answer>> pending = new LinkedHashMap<>();
      servers.forEach((instance, url) -> pending.put(instance,
          pool.submit(() -> askOne(http, instance, url, pathAndQuery, pluginId, timeout))));
      List<Answer> answers = new ArrayList<>();
      for (Map.Entry<String, Future<Answer>> p : pending.entrySet()) {
        String url = servers.get(p.getKey());
        try { // each request has its own timeout; this bounds the wait for a queued one too
          answers.add(p.getValue().get(timeout.toMillis() * (servers.size() / PARALLELISM + 2),
              TimeUnit.MILLISECONDS));
        } catch (TimeoutException e) {
          answers.add(new Answer(p.getKey(), url, null, "no answer within " + timeout.toMillis()
              + " ms"));
        } catch (ExecutionException e) {
          answers.add(new Answer(p.getKey(), url, null, String.valueOf(e.getCause())));
        }
      }
      return answers;
    } finally {
      pool.shutdownNow();
    }
  }

  private static Answer askOne(HttpClient http, String instance, String url, String pathAndQuery,
      String pluginId, Duration timeout) {
    try {
      HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url
          + pathAndQuery)).timeout(timeout).GET().build(), HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        String reason;
        try {
          reason = Output.JSON.readTree(response.body()).path("error").asText("");
        } catch (IOException e) {
          reason = "";
        }
        return new Answer(instance, url, null, "HTTP " + response.statusCode()
            + (response.statusCode() == 404 && (reason.isEmpty() || reason.startsWith("no route"))
                ? ": no " + pluginId + " plugin" : reason.isEmpty() ? "" : ": " + reason));
      }
      return new Answer(instance, url, Output.JSON.readTree(response.body()), null);
    } catch (HttpTimeoutException e) {
      return new Answer(instance, url, null, "no answer within " + timeout.toMillis() + " ms");
    } catch (IOException e) {
      return new Answer(instance, url, null, e.getMessage() == null
          ? e.getClass().getSimpleName() : e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Answer(instance, url, null, "interrupted");
    }
  }

  /** Parses {@code --timeout}: a duration such as {@code 5s} or {@code 500ms}, up to a minute. */
  public static final class ServerTimeout implements ITypeConverter<Duration> {
    private static final ConfigKey<Duration> TIMEOUT = ConfigKey.duration("timeout",
        Duration.ofSeconds(5), Duration.ofMillis(1), Duration.ofMinutes(1),
        "time a server may take to answer");

    @Override
    public Duration convert(String value) {
      try {
        return TIMEOUT.parse(value.strip());
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException("'" + value + "' is not a timeout"
            + " (a duration such as 5s or 500ms; more than 0, at most 1m)");
      }
    }
  }
}
