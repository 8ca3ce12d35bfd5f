package dev.venice.benchmarks;

import dev.venice.plugins.aclauthorizer.AclAuthorizerPlugin;
import dev.venice.spi.plugin.ProcessKind;
import dev.venice.spi.security.AccessDecision;
import dev.venice.spi.security.AccessLevel;
import dev.venice.spi.security.AccessRequest;
import dev.venice.spi.security.Authorizer;
import dev.venice.spi.security.Principal;
import dev.venice.spi.security.Resource;
import dev.venice.testkit.ManualTimeSource;
import dev.venice.testkit.TestingPluginContext;
import dev.venice.testkit.TestingStateStore;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The acl-authorizer plugin's decision for one read, as a server or router asks it: the plugin
 * started on a server (in a testing context, over an in-memory state store) with 1,100 grants
 * (100 users and 10 groups, each READ on 10 of 100 stores) and a super user, then {@code
 * allowedRead} (a user's own store grant), {@code allowedReadViaGroup} (no user grant: one of the
 * principal's 3 groups has it; the groups are tried in the set's order), {@code deniedRead} (no
 * grant: the denial and its reason are built) and, as the floor, {@code
 * concurrentHashMapLookup}: one {@code ConcurrentHashMap} lookup of a (principal, store) key and
 * the level check. Run with {@code -prof gc} for the allocation per call.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class AclAuthorizerBenchmark {
  private TestingPluginContext context;
  private Authorizer authorizer;
  private AccessRequest allowed;
  private AccessRequest allowedViaGroup;
  private AccessRequest denied;
  private final Map<String, AccessLevel> flat = new ConcurrentHashMap<>();
  private String flatKey;

  /** Starts the plugin over 1,100 grants and checks each request is decided as its row says. */
  @Setup(Level.Trial)
  public void setUp() throws Exception {
    StringJoiner entries = new StringJoiner(",", "{\"format\":1,\"entries\":[", "]}");
    for (int user = 0; user < 100; user++) {
      for (int store = 0; store < 10; store++) {
        String storeName = "store-" + (user + store * 10) % 100;
        entries.add("{\"subject\":\"user:user-" + user + "\",\"resource\":\"store:" + storeName
            + "\",\"access\":\"READ\"}");
        flat.put("user-" + user + "/" + storeName, AccessLevel.READ);
      }
    }
    for (int group = 0; group < 10; group++) {
      for (int store = 0; store < 10; store++) {
        entries.add("{\"subject\":\"group:group-" + group + "\",\"resource\":\"store:store-"
            + (group * 10 + store) + "\",\"access\":\"READ\"}");
      }
    }
    TestingStateStore state = new TestingStateStore(new ManualTimeSource());
    state.create("acls", entries.toString().getBytes(StandardCharsets.UTF_8));
    context = TestingPluginContext.builder(new AclAuthorizerPlugin())
        .processKind(ProcessKind.SERVER).stateStore(state).config("super-users", "admin")
        .build();
    authorizer = context.start().authorizers().get(0);
    Principal user = Principal.authenticated("user-7", Set.of("group-1", "group-2", "group-3"));
    Principal stranger = Principal.authenticated("stranger", Set.of("group-1", "group-2",
        "group-3"));
    allowed = new AccessRequest(user, "get", AccessLevel.READ, Resource.store("store-17"));
    allowedViaGroup = new AccessRequest(stranger, "get", AccessLevel.READ,
        Resource.store("store-35"));
    denied = new AccessRequest(stranger, "get", AccessLevel.READ, Resource.store("store-99"));
    flatKey = "user-7/store-17";
    check(allowed, true);
    check(allowedViaGroup, true);
    check(denied, false);
  }

  private void check(AccessRequest request, boolean expected) {
    AccessDecision decision = authorizer.authorize(request);
    if (decision.allowed() != expected) {
      throw new IllegalStateException("the benchmark's ACLs do not decide " + request + " as "
          + (expected ? "allowed" : "denied") + ": " + decision);
    }
  }

  /** Stops the plugin and its context. */
  @TearDown(Level.Trial)
  public void tearDown() {
    context.close();
  }

  /** A user's READ on a store it holds a grant on. */
  @Benchmark
  public AccessDecision allowedRead() {
    return authorizer.authorize(allowed);
  }

  /** A READ allowed through a grant to one of the principal's 3 groups (none to the user). */
  @Benchmark
  public AccessDecision allowedReadViaGroup() {
    return authorizer.authorize(allowedViaGroup);
  }

  /** A READ nobody granted: the denial with its reason. */
  @Benchmark
  public AccessDecision deniedRead() {
    return authorizer.authorize(denied);
  }

  /** The floor: one ConcurrentHashMap lookup and the level check. */
  @Benchmark
  public boolean concurrentHashMapLookup() {
    AccessLevel level = flat.get(flatKey);
    return level != null && level.implies(AccessLevel.READ);
  }
}
