package dev.venice.cli.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.venice.cli.Output;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import picocli.CommandLine;

/**
 * The scaffolding the CLI command tests share: stand-ins for a controller or a server (a loopback
 * HTTP server answering fixed JSON bodies by path and query) and a way to run a command as the
 * {@code venice} launcher would, capturing its exit status, standard output and error.
 *
 * <p>Register it with {@code @RegisterExtension final StandInController standIn = new
 * StandInController();}: the servers it started are stopped after each test. Not thread-safe to
 * configure; the servers answer on their own threads.
 */
final class StandInController implements AfterEachCallback {
  private final List<HttpServer> servers = new CopyOnWriteArrayList<>();
  private final List<String> asked = new CopyOnWriteArrayList<>();

  /** A command's run: its exit status and what it printed (trimmed). */
  record Run(int status, String out, String err) {
    /** Standard output read as JSON (for {@code --json} runs). */
    JsonNode json() throws IOException {
      return Output.JSON.readTree(out);
    }
  }

  /** Runs {@code command} (a fresh picocli command object) with {@code args}. */
  static Run run(Object command, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(command);
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int status = cli.execute(args);
    return new Run(status, out.toString().trim(), err.toString().trim());
  }

  /**
   * Starts a stand-in answering a GET of each key of {@code bodies} (the raw path and query, as
   * sent: {@code /plugins/x/skew?store=a%26b}) with status 200 and the value as JSON. Anything
   * else gets a 404 with a one-line {@code error}: for {@code /stores/<name>} the controller's
   * {@code store <name> does not exist} ({@code STORE_NOT_FOUND}), otherwise {@code no route
   * <path>}. Every path asked is recorded in {@link #asked()}.
   */
  HttpServer serve(Map<String, String> bodies) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(),
        0), 0);
    server.createContext("/", exchange -> {
      String path = exchange.getRequestURI().toString();
      asked.add(path);
      String body = bodies.get(path);
      String name = path.startsWith("/stores/") ? path.substring("/stores/".length()) : null;
      byte[] bytes = (body != null ? body : name != null && !name.contains("/")
          && !name.contains("?")
          ? "{\"error\":\"store " + name + " does not exist\",\"errorType\":\"STORE_NOT_FOUND\"}"
          : "{\"error\":\"no route " + path + "\"}").getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(body == null ? 404 : 200, bytes.length);
      exchange.getResponseBody().write(bytes);
      exchange.close();
    });
    server.start();
    servers.add(server);
    return server;
  }

  /** {@link #serve}, returning the stand-in's URL. */
  String url(Map<String, String> bodies) throws IOException {
    return url(serve(bodies));
  }

  /** A stand-in's URL, {@code http://127.0.0.1:<port>}. */
  static String url(HttpServer server) {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** The paths and queries asked of every stand-in so far, in order. */
  List<String> asked() {
    return asked;
  }

  @Override
  public void afterEach(ExtensionContext context) {
    servers.forEach(s -> s.stop(0));
    servers.clear();
    asked.clear();
  }
}
