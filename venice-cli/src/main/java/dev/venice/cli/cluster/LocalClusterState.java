package dev.venice.cli.cluster;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.venice.cli.CliException;
import dev.venice.cli.Venice;
import dev.venice.runtime.controller.VeniceController;
import dev.venice.runtime.localcluster.LocalCluster;
import dev.venice.runtime.router.VeniceRouter;
import dev.venice.runtime.server.VeniceServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * The endpoints of the local cluster a {@code venice cluster start} or {@code venice quickstart}
 * is running, kept in {@code ~/.venice/local-cluster.json} (or under {@code $VENICE_HOME} / the
 * {@code venice.home} system property; {@code local-cluster-<name>.json} for a named one) so other
 * commands find it without flags.
 *
 * <p>The file names its owner, the process running the cluster, by pid and start instant (so a
 * recycled pid is not mistaken for it), and counts only while that process lives: a stale file
 * reads as absent and may be replaced. It is written atomically (a temporary file in the same
 * directory, then a rename), readable by its owner only where the file system has POSIX
 * permissions, and removed only by its owner. Writers and removers of one directory take a lock
 * ({@code .local-cluster.lock}) so that check-then-write and check-then-delete are atomic;
 * readers need none.
 *
 * @param pid the process running the cluster
 * @param processStarted that process's start instant (ISO-8601), null where the platform has none
 * @param name the local cluster's name ({@code --local-cluster}), null for the default one
 * @param cluster the Venice cluster name
 * @param zookeeper ZooKeeper connect string
 * @param kafka Kafka bootstrap servers
 * @param controllers controller admin URLs
 * @param routers router admin URLs
 * @param servers server admin URLs
 * @param tls where a secured cluster's certificates are ({@code --secure}); {@code null} when
 *     the cluster is not secured
 */
public record LocalClusterState(long pid, String processStarted, String name, String cluster,
    String zookeeper, String kafka, List<String> controllers, List<String> routers,
    List<String> servers, LocalTls tls) {
  /**
   * A secured local cluster's certificates, which every CLI command connects with by default.
   *
   * @param directory the throwaway authority's directory (certificates of every process too)
   * @param trustStore the PKCS12 trust store with the authority's certificate
   * @param keyStore the administrator's ({@code venice-admin}) PKCS12 key store
   * @param passwordFile the file holding both stores' password
   */
  public record LocalTls(String directory, String trustStore, String keyStore,
      String passwordFile) {}

  /** The state of an unsecured cluster. */
  public LocalClusterState(long pid, String processStarted, String name, String cluster,
      String zookeeper, String kafka, List<String> controllers, List<String> routers,
      List<String> servers) {
    this(pid, processStarted, name, cluster, zookeeper, kafka, controllers, routers, servers,
        null);
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  /** A local cluster's name: lower-case letters, digits and dashes. */
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");
  private static final Set<PosixFilePermission> OWNER_ONLY =
      PosixFilePermissions.fromString("rw-------");
  /** Threads of one JVM take this before the file lock (which is per JVM, not per thread). */
  private static final Object JVM_LOCK = new Object();

  public LocalClusterState {
    controllers = controllers == null ? List.of() : List.copyOf(controllers);
    routers = routers == null ? List.of() : List.copyOf(routers);
    servers = servers == null ? List.of() : List.copyOf(servers);
  }

  /** The state of {@code cluster}, run by {@code owner} under {@code name} (null: default). */
  public static LocalClusterState of(ProcessHandle owner, String name, LocalCluster cluster) {
    return new LocalClusterState(owner.pid(), startOf(owner), name, cluster.clusterName(),
        cluster.zooKeeperAddress(), cluster.kafkaBootstrapServers(),
        cluster.controllers().stream().map(VeniceController::url).toList(),
        cluster.routers().stream().map(VeniceRouter::adminUrl).toList(),
        cluster.servers().stream().map(VeniceServer::adminUrl).toList(),
        cluster.certificateAuthority().map(ca -> new LocalTls(ca.directory().toString(),
            ca.trustStore().toString(), ca.directory().resolve(LocalCluster.ADMIN_PRINCIPAL
                + ".p12").toString(), ca.directory().resolve("password").toString()))
            .orElse(null));
  }

  /** The state of {@code cluster}, run by this process. */
  public static LocalClusterState ofThisProcess(String name, LocalCluster cluster) {
    return of(ProcessHandle.current(), name, cluster);
  }

  /**
   * Where a secured local cluster {@code name} (null: the default one) keeps its throwaway
   * authority and certificates: {@code <home>/tls} or {@code <home>/tls-<name>}, replaced by each
   * {@code --secure} start.
   */
  public static Path certificateDirectory(String name) {
    return home().resolve(name == null ? "tls" : "tls-" + name);
  }

  /** The CLI's home: {@code venice.home}, else {@code $VENICE_HOME}, else {@code ~/.venice}. */
  public static Path home() {
    String home = System.getProperty("venice.home", System.getenv("VENICE_HOME"));
    return home != null ? Path.of(home) : Path.of(System.getProperty("user.home"), ".venice");
  }

  /** The state file of the local cluster {@code name} (null: the default one). */
  public static Path file(String name) {
    return home().resolve(name == null ? "local-cluster.json" : "local-cluster-" + name + ".json");
  }

  /** Whether {@code name} is a valid local cluster name. */
  public static boolean validName(String name) {
    return NAME.matcher(name).matches();
  }

  /** Parses {@code --local-cluster}: a bad name is a usage error naming the flag. */
  public static final class NameConverter implements ITypeConverter<String> {
    @Override
    public String convert(String value) {
      if (!validName(value)) {
        throw new TypeConversionException("'" + value + "' is not a local cluster name (lower-case"
            + " letters, digits and dashes, starting with a letter or digit, at most 64)");
      }
      return value;
    }
  }

  /** The local cluster {@code name} (null: the default one), if its owner is running. */
  public static Optional<LocalClusterState> read(String name) {
    return readFile(file(name)).filter(LocalClusterState::ownerAlive);
  }

  /** The state in {@code file} whoever owns it, empty when absent or unreadable. */
  private static Optional<LocalClusterState> readFile(Path file) {
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      return Optional.of(JSON.readValue(file.toFile(), LocalClusterState.class));
    } catch (IOException e) {
      return Optional.empty(); // unreadable or vanished: as good as absent
    }
  }

  /**
   * Fails, naming the running cluster, when the local cluster {@code name} (null: the default
   * one) is already running; called before anything is started.
   */
  public static void requireNotRunning(String name) {
    read(name).ifPresent(running -> {
      throw running.alreadyRunning();
    });
  }

  private CliException alreadyRunning() {
    return new CliException((name == null ? "a local cluster" : "local cluster " + name)
        + " is already running (pid " + pid + ", controller "
        + (controllers.isEmpty() ? "none" : controllers.get(0)) + ", state file " + file(name)
        + "); stop it with 'venice cluster stop"
        + (name == null ? "" : " --local-cluster " + name) + "', or run another one with"
        + " --local-cluster <name>");
  }

  /**
   * Records this state as the running local cluster, atomically, unless the file names another
   * running owner (then fails as {@link #requireNotRunning} does); a stale file is replaced.
   */
  public LocalClusterState claim() {
    Path file = file(name);
    try {
      locked(file.getParent(), () -> {
        Optional<LocalClusterState> current = readFile(file).filter(LocalClusterState::ownerAlive);
        if (current.isPresent()) {
          throw current.get().alreadyRunning();
        }
        writeAtomically(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(this));
        return null;
      });
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
    return this;
  }

  /**
   * Forgets this local cluster (when its process stops it): deletes the state file only if this
   * process owns this state and the file still names it, never one another process wrote since.
   *
   * @return whether the file was deleted
   */
  public boolean release() {
    Path file = file(name);
    ProcessHandle self = ProcessHandle.current();
    if (!ownedBy(self.pid(), startOf(self)) || !Files.exists(file)) {
      return false;
    }
    try {
      return locked(file.getParent(), () -> {
        Optional<LocalClusterState> current = readFile(file);
        if (current.isPresent() && current.get().ownedBy(pid, processStarted)) {
          return Files.deleteIfExists(file);
        }
        return false;
      });
    } catch (IOException e) {
      return false; // left behind, it goes stale with its owner and is ignored
    }
  }

  private boolean ownedBy(long ownerPid, String ownerStarted) {
    return pid == ownerPid && Objects.equals(processStarted, ownerStarted);
  }

  /** Whether the owner still runs: its pid is alive and started when recorded (pid reuse). */
  public boolean ownerAlive() {
    Optional<ProcessHandle> owner = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
    if (owner.isEmpty()) {
      return false;
    }
    String started = startOf(owner.get());
    return processStarted == null || started == null || processStarted.equals(started);
  }

  private static String startOf(ProcessHandle process) {
    return process.info().startInstant().map(Instant::toString).orElse(null);
  }

  /** Writes {@code bytes} to a temporary file beside {@code file}, then renames it over. */
  public static void writeAtomically(Path file, byte[] bytes) throws IOException {
    Path dir = file.getParent();
    Files.createDirectories(dir);
    Path temp = Files.createTempFile(dir, "." + file.getFileName() + ".", ".tmp",
        ownerOnly(dir));
    try {
      try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE,
          StandardOpenOption.TRUNCATE_EXISTING)) {
        out.write(ByteBuffer.wrap(bytes));
        out.force(true);
      }
      try {
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE,
            StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  private static FileAttribute<?>[] ownerOnly(Path dir) {
    return dir.getFileSystem().supportedFileAttributeViews().contains("posix")
        ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)}
        : new FileAttribute<?>[0];
  }

  private interface IoAction<T> {
    T run() throws IOException;
  }

  /** Runs {@code action} holding this JVM's and the directory's lock (other venice processes). */
  private static <T> T locked(Path dir, IoAction<T> action) throws IOException {
    Files.createDirectories(dir);
    synchronized (JVM_LOCK) {
      try (FileChannel channel = FileChannel.open(dir.resolve(".local-cluster.lock"),
          Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE), ownerOnly(dir));
          FileLock lock = channel.lock()) {
        return action.run();
      }
    }
  }

  public String controller() {
    if (controllers.isEmpty()) {
      throw new CliException("the local cluster has no controller");
    }
    return controllers.get(0);
  }

  public String router() {
    if (routers.isEmpty()) {
      throw new CliException("the local cluster has no router");
    }
    return routers.get(0);
  }
}
