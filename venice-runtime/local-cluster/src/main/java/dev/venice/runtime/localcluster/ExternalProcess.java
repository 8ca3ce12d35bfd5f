package dev.venice.runtime.localcluster;

import dev.venice.runtime.common.security.Tls;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * A server or router of the local cluster running in a JVM of its own, so that it can really be
 * stalled ({@code SIGSTOP}), resumed ({@code SIGCONT}) and crashed ({@code SIGKILL}). It keeps its
 * configuration file, data directory and ports across restarts, so a restarted server rejoins as
 * the same Helix instance and resumes its partitions from their checkpoints. Output goes to
 * {@code <name>.log} beside its configuration.
 */
public final class ExternalProcess {
  /** The kinds of process that can run externally. */
  public enum Kind {
    /** A storage server. */
    SERVER("dev.venice.runtime.server.ServerMain"),
    /** A router. */
    ROUTER("dev.venice.runtime.router.RouterMain");

    final String mainClass;

    Kind(String mainClass) {
      this.mainClass = mainClass;
    }
  }

  private final Kind kind;
  private final String name;
  private final Path configFile;
  private final int grpcPort;
  private final int adminPort;
  private final String host;
  private volatile Process process;
  private volatile boolean paused;
  /** The administrator's key material for the health check over HTTPS; {@code null}: plain. */
  private final Tls adminTls;

  ExternalProcess(Kind kind, String name, Path dir, Map<String, String> config, Tls adminTls) {
    this.kind = kind;
    this.name = name;
    this.adminTls = adminTls;
    this.host = config.getOrDefault("host", "127.0.0.1");
    this.grpcPort = Integer.parseInt(config.get("grpc.port"));
    this.adminPort = Integer.parseInt(config.get("admin.port"));
    this.configFile = dir.resolve(name + ".properties");
    Properties props = new Properties();
    props.putAll(config);
    try {
      Files.createDirectories(dir);
      try (var out = Files.newBufferedWriter(configFile)) {
        props.store(out, "local cluster " + kind + " " + name);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + configFile, e);
    }
  }

  /** Starts the JVM and waits until its {@code /health} answers 200. */
  synchronized ExternalProcess start(Duration timeout) throws IOException {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), kind.mainClass, configFile.toString()));
    Path log = logFile();
    process = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    paused = false;
    LocalCluster.waitFor(kind + " " + name + " healthy at " + adminUrl() + " (log: " + log + ")",
        timeout, () -> {
          if (!process.isAlive()) {
            throw new IllegalStateException(kind + " " + name + " exited with status "
                + process.exitValue() + " while starting; see " + log);
          }
          return healthy();
        });
    return this;
  }

  /** The process's output: its log, kept across restarts until the cluster closes. */
  public Path logFile() {
    return configFile.resolveSibling(name + ".log");
  }

  /** Whether {@code /health} answers 200 within a second. */
  public boolean healthy() {
    try {
      HttpClient.Builder http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1));
      if (adminTls != null) {
        http.sslContext(adminTls.context());
      }
      HttpResponse<Void> response = http.build().send(HttpRequest.newBuilder(URI.create(adminUrl() + "/health"))
              .timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.discarding());
      return response.statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Stalls the process ({@code SIGSTOP}): it holds its connections but answers nothing. */
  public synchronized void pause() {
    signal("STOP");
    paused = true;
  }

  /** Resumes a stalled process ({@code SIGCONT}). */
  public synchronized void resume() {
    signal("CONT");
    paused = false;
  }

  /** Crashes the process ({@code SIGKILL}): no shutdown hook, no clean close. */
  public synchronized void kill() {
    if (process != null && process.isAlive()) {
      process.destroyForcibly();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    paused = false;
  }

  /** Stops the process cleanly ({@code SIGTERM}, resuming it first if paused). */
  synchronized void stop() {
    if (process == null || !process.isAlive()) {
      return;
    }
    if (paused) {
      resume();
    }
    process.destroy();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }

  private void signal(String signal) {
    if (process == null || !process.isAlive()) {
      throw new IllegalStateException(kind + " " + name + " is not running");
    }
    try {
      Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid()))
          .start();
      if (!kill.waitFor(5, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new IllegalStateException("kill -" + signal + " " + process.pid() + " failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** Whether the JVM is running (paused counts as running). */
  public boolean isAlive() {
    return process != null && process.isAlive();
  }

  /** Whether it is stalled by {@link #pause()}. */
  public boolean isPaused() {
    return paused;
  }

  /** The kind of process. */
  public Kind kind() {
    return kind;
  }

  /** Its name in the local cluster, e.g. {@code server-2}. */
  public String name() {
    return name;
  }

  /** The Helix instance id of a server, {@code host_grpcPort}. */
  public String instanceId() {
    return host + "_" + grpcPort;
  }

  /** The gRPC port. */
  public int grpcPort() {
    return grpcPort;
  }

  /** The admin URL. */
  public String adminUrl() {
    return (adminTls == null ? "http://" : "https://") + host + ":" + adminPort;
  }

  /** The process id, while it runs. */
  public long pid() {
    return process.pid();
  }

  @Override
  public String toString() {
    return kind + " " + name + " (" + instanceId() + ", pid " + (process == null ? "-"
        : process.pid()) + (paused ? ", paused" : "") + ")";
  }
}
