package dev.venice.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads a process's Prometheus text at {@code /metrics}, as a scraper does. */
public final class Scrape {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private Scrape() {}

  /** The {@code /metrics} text of the process at {@code adminUrl}; fails the test on no 200. */
  public static String metrics(String adminUrl) {
    try {
      HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(adminUrl
          + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, response.statusCode(), adminUrl + "/metrics");
      return response.body();
    } catch (IOException | InterruptedException e) {
      throw new AssertionError("reading " + adminUrl + "/metrics", e);
    }
  }

  /**
   * The sum of the samples named {@code name} in {@code text} whose labels include {@code
   * store="<store>"} (any labels when {@code store} is null); 0 when there is none.
   */
  public static double sum(String text, String name, String store) {
    Matcher m = Pattern.compile("^" + Pattern.quote(name) + "(?:\\{([^}]*)\\})? (\\S+)$",
        Pattern.MULTILINE).matcher(text);
    double sum = 0;
    while (m.find()) {
      String labels = m.group(1) == null ? "" : m.group(1);
      if (store == null || labels.matches("(?:.*,)?store=\"" + Pattern.quote(store)
          + "\"(?:,.*)?")) {
        sum += Double.parseDouble(m.group(2));
      }
    }
    return sum;
  }
}
