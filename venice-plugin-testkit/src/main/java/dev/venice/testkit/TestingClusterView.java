package dev.venice.testkit;

import dev.venice.spi.host.ClusterMember;
import dev.venice.spi.host.ClusterView;
import dev.venice.spi.host.EndpointResult;
import dev.venice.spi.plugin.ProcessKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A {@link ClusterView} a test sets up: the members it lists, the replica states it reports, and a
 * function answering {@link #callPlugin} per member. Calls are answered synchronously (the future
 * is complete when returned) and recorded in {@link #calls()}. Like a host's view, {@code
 * callPlugin} never fails: an answer function that throws gives that member an {@link
 * EndpointResult} with status 0 and the exception as its error. Thread-safe.
 */
public final class TestingClusterView implements ClusterView {
  /**
   * One call to one member's plugin endpoint.
   *
   * @param member the member called
   * @param pluginId the plugin whose endpoint was called
   * @param path the path below {@code /plugins/<pluginId>/}, with its query
   * @param timeout the per-member timeout the caller gave
   */
  public record PluginCall(ClusterMember member, String pluginId, String path,
      Duration timeout) {}

  private static final Comparator<ClusterMember> ORDER =
      Comparator.comparing(ClusterMember::kind).thenComparing(ClusterMember::instanceId);

  private volatile List<ClusterMember> members = List.of();
  private final Map<String, Map<Integer, Map<String, String>>> replicaStates =
      new ConcurrentHashMap<>();
  private volatile Function<PluginCall, EndpointResult> answers = call -> new EndpointResult(
      call.member(), 0, "", "no answer set (TestingClusterView.answerWith)");
  private final List<PluginCall> calls = new CopyOnWriteArrayList<>();

  /** Sets the live members (sorted by kind, then instance id, as a host lists them). */
  public TestingClusterView members(Collection<ClusterMember> members) {
    List<ClusterMember> sorted = new ArrayList<>(members);
    sorted.sort(ORDER);
    this.members = List.copyOf(sorted);
    return this;
  }

  /**
   * Sets the replica states of one store version.
   *
   * @param states partition to instance id to state ({@code LEADER}, {@code STANDBY}, ...)
   */
  public TestingClusterView replicaStates(String store, int version,
      Map<Integer, Map<String, String>> states) {
    Map<Integer, Map<String, String>> copy = new TreeMap<>();
    states.forEach((partition, byInstance) -> copy.put(partition, Map.copyOf(byInstance)));
    replicaStates.put(store + "_v" + version, Collections.unmodifiableMap(copy));
    return this;
  }

  /**
   * Sets how members answer {@link #callPlugin}: called once per member and call, on the caller's
   * thread. By default every member answers with status 0 and the error "no answer set".
   */
  public TestingClusterView answerWith(Function<PluginCall, EndpointResult> answers) {
    this.answers = Objects.requireNonNull(answers, "answers");
    return this;
  }

  /** Every call made so far, one per member called, oldest first. */
  public List<PluginCall> calls() {
    return List.copyOf(calls);
  }

  @Override
  public List<ClusterMember> members() {
    return members;
  }

  @Override
  public List<ClusterMember> members(ProcessKind kind) {
    return members.stream().filter(m -> m.kind() == kind).toList();
  }

  @Override
  public Map<Integer, Map<String, String>> replicaStates(String store, int version) {
    return replicaStates.getOrDefault(store + "_v" + version, Map.of());
  }

  /** {@inheritDoc} Answered by the function set with {@link #answerWith}; already complete. */
  @Override
  public CompletableFuture<List<EndpointResult>> callPlugin(Collection<ClusterMember> members,
      String pluginId, String path, Duration timeout) {
    List<EndpointResult> results = new ArrayList<>();
    for (ClusterMember member : members) {
      PluginCall call = new PluginCall(member, pluginId, path, timeout);
      calls.add(call);
      EndpointResult result;
      try {
        result = answers.apply(call);
        if (result == null) {
          result = new EndpointResult(member, 0, "", "the answer function returned null");
        }
      } catch (RuntimeException e) {
        result = new EndpointResult(member, 0, "", String.valueOf(e));
      }
      results.add(result);
    }
    return CompletableFuture.completedFuture(List.copyOf(results));
  }
}
