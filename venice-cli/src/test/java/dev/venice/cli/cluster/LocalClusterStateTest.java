package dev.venice.cli.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.cli.CliException;
import dev.venice.cli.Output;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local cluster state file: atomic writes, owner-only removal, stale files. */
class LocalClusterStateTest {
  @TempDir Path home;
  private final List<Process> children = new ArrayList<>();

  @BeforeEach
  void useTemporaryHome() {
    System.setProperty("venice.home", home.toString());
  }

  @AfterEach
  void cleanUp() throws Exception {
    System.clearProperty("venice.home");
    for (Process child : children) {
      child.destroy();
      assertTrue(child.waitFor(10, TimeUnit.SECONDS), "child " + child.pid() + " stopped");
    }
  }

  /** A live process other than this one: {@code cat}, waiting on its open stdin. */
  private Process otherProcess() throws Exception {
    Process cat = new ProcessBuilder("cat").start();
    children.add(cat);
    return cat;
  }

  private static LocalClusterState state(ProcessHandle owner, String name, int endpoints) {
    return state(owner.pid(), owner.info().startInstant().map(Instant::toString).orElse(null),
        name, endpoints);
  }

  private static LocalClusterState state(long pid, String started, String name, int endpoints) {
    List<String> urls = IntStream.range(0, endpoints).mapToObj(i -> "http://127.0.0.1:" + i)
        .toList();
    return new LocalClusterState(pid, started, name, "venice-local", "127.0.0.1:2181",
        "127.0.0.1:9092", urls, urls, urls);
  }

  @Test
  void writesAtomicallyForTheOwnerOnly() throws Exception {
    Path file = LocalClusterState.file("atomic");
    assertEquals(home.resolve("local-cluster-atomic.json"), file);
    byte[] small = Output.JSON.writeValueAsBytes(state(ProcessHandle.current(), "atomic", 1));
    byte[] large = Output.JSON.writeValueAsBytes(state(ProcessHandle.current(), "atomic", 5000));
    LocalClusterState.writeAtomically(file, small);

    // A reader never sees a partial file while a writer keeps replacing it.
    AtomicBoolean writing = new AtomicBoolean(true);
    AtomicInteger reads = new AtomicInteger();
    CompletableFuture<Void> reader = CompletableFuture.runAsync(() -> {
      while (writing.get() || reads.get() == 0) {
        try {
          Output.JSON.readTree(Files.readAllBytes(file)).get("pid").asLong();
        } catch (Exception e) {
          throw new AssertionError("read a partial state file", e);
        }
        reads.incrementAndGet();
      }
    });
    try {
      for (int i = 0; i < 200 && !reader.isDone(); i++) {
        LocalClusterState.writeAtomically(file, i % 2 == 0 ? large : small);
      }
    } finally {
      writing.set(false);
    }
    reader.get(30, TimeUnit.SECONDS);
    assertTrue(reads.get() > 0);

    LocalClusterState mine = state(ProcessHandle.current(), "atomic", 2);
    Files.delete(file);
    mine.claim();
    assertEquals(Optional.of(mine), LocalClusterState.read("atomic"));
    try (Stream<Path> files = Files.list(home)) {
      assertEquals(List.of(".local-cluster.lock", "local-cluster-atomic.json"), files
          .map(p -> p.getFileName().toString()).sorted().toList(), "no temporary file left");
    }
    if (home.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      assertEquals("rw-------", PosixFilePermissions.toString(
          Files.getPosixFilePermissions(file)));
    }
    assertTrue(mine.release());
    assertFalse(Files.exists(file));
  }

  @Test
  void onlyTheOwnerRemovesTheFile() throws Exception {
    Process other = otherProcess();
    LocalClusterState theirs = state(other.toHandle(), null, 1).claim();
    Path file = LocalClusterState.file(null);
    assertEquals(home.resolve("local-cluster.json"), file);
    assertEquals(Optional.of(theirs), LocalClusterState.read(null));

    LocalClusterState mine = state(ProcessHandle.current(), null, 1);
    assertFalse(mine.release(), "not ours to remove");
    assertFalse(theirs.release(), "removed only by the process it names");
    assertTrue(Files.exists(file));

    CliException refused = assertThrows(CliException.class, mine::claim);
    assertEquals("a local cluster is already running (pid " + other.pid() + ", controller"
        + " http://127.0.0.1:0, state file " + file + "); stop it with 'venice cluster stop',"
        + " or run another one with --local-cluster <name>", refused.getMessage());
    assertThrows(CliException.class, () -> LocalClusterState.requireNotRunning(null));
    LocalClusterState.requireNotRunning("other"); // a named one is separate
    assertEquals(Optional.of(theirs), LocalClusterState.read(null), "still theirs");
  }

  @Test
  void aStaleFileReadsAsAbsentAndIsReplaced() throws Exception {
    Process gone = otherProcess();
    LocalClusterState dead = state(gone.toHandle(), null, 1);
    gone.destroy();
    assertTrue(gone.waitFor(10, TimeUnit.SECONDS));
    dead.claim();
    assertEquals(Optional.empty(), LocalClusterState.read(null), "owner not alive");
    LocalClusterState.requireNotRunning(null);

    ProcessHandle self = ProcessHandle.current();
    LocalClusterState recycled = state(self.pid(), Instant.EPOCH.toString(), null, 1);
    LocalClusterState mine = state(self, null, 1);
    recycled.claim();
    assertEquals(Optional.empty(), LocalClusterState.read(null),
        "alive pid, but started at another instant: a recycled pid");
    assertFalse(mine.release(), "not ours: another start instant");

    Files.writeString(LocalClusterState.file(null), "{\"pid\": " + self.pid() + ", \"clus");
    assertEquals(Optional.empty(), LocalClusterState.read(null), "unreadable");

    mine.claim();
    assertEquals(Optional.of(mine), LocalClusterState.read(null));
    assertTrue(mine.release());
  }

  @Test
  void namesAreLowerCaseLettersDigitsAndDashes() {
    for (String good : new String[] {"dev", "dev-2", "0", "a".repeat(64)}) {
      assertTrue(LocalClusterState.validName(good), good);
    }
    for (String bad : new String[] {"", "Dev", "a_b", "-x", "a/b", "a.json", "a".repeat(65)}) {
      assertFalse(LocalClusterState.validName(bad), bad);
    }
  }
}
