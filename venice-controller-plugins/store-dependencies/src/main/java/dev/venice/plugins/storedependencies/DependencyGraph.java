package dev.venice.plugins.storedependencies;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * An immutable graph of stores and the stores each reads from (its <em>upstream</em> stores): an
 * edge {@code b -> a} means store {@code b} declares {@code a} upstream. Nodes are the stores that
 * exist; an upstream name that is not an existing store (deleted after it was declared) is a
 * <em>missing</em> store: kept in its downstream store's list, left out of traversals, layers and
 * cycles, and reported by {@link #missing()}.
 *
 * <p>Queries: direct and transitive upstream and downstream stores (breadth-first, nearest first),
 * cycles (depth-first), top-down layers (a store's layer is 0 when it reads no existing store,
 * else 1 + the largest layer of its upstream stores; a store in a cycle or downstream of one has
 * none), the connected part around a store, and an ASCII rendering. Every result is sorted or in
 * breadth-first order over sorted names, so it is the same for the same graph. Each query costs
 * O(stores + edges). No SPI types; thread-safe (immutable).
 */
final class DependencyGraph {
  /** The widest a rendered line gets before its upstream list wraps (unless one name is wider). */
  static final int RENDER_WIDTH = 100;

  private final SortedMap<String, List<String>> upstream;
  private final Map<String, SortedSet<String>> downstream;

  /**
   * @param upstreamOf every existing store to the stores it declares upstream, in the declared
   *     order (duplicates are dropped); names that are not keys are missing stores
   */
  DependencyGraph(Map<String, ? extends List<String>> upstreamOf) {
    SortedMap<String, List<String>> up = new TreeMap<>();
    Map<String, SortedSet<String>> down = new HashMap<>();
    upstreamOf.forEach((store, list) -> {
      up.put(store, List.copyOf(new LinkedHashSet<>(list)));
      down.computeIfAbsent(store, s -> new TreeSet<>());
    });
    up.forEach((store, list) -> {
      for (String u : list) {
        if (up.containsKey(u)) {
          down.get(u).add(store);
        }
      }
    });
    this.upstream = Collections.unmodifiableSortedMap(up);
    this.downstream = down;
  }

  /** The existing stores, sorted. */
  Set<String> stores() {
    return upstream.keySet();
  }

  /** Whether {@code store} exists in this graph. */
  boolean exists(String store) {
    return upstream.containsKey(store);
  }

  /**
   * This graph with {@code store}'s upstream stores replaced by {@code upstreams} (the store is
   * added when new), or the store removed when {@code upstreams} is {@code null} (its downstream
   * stores then name a missing store).
   */
  DependencyGraph with(String store, List<String> upstreams) {
    Map<String, List<String>> changed = new TreeMap<>(upstream);
    if (upstreams == null) {
      changed.remove(store);
    } else {
      changed.put(store, upstreams);
    }
    return new DependencyGraph(changed);
  }

  /**
   * The stores {@code store} declares upstream, in declared order, missing ones included.
   *
   * @throws IllegalArgumentException naming the store when it does not exist
   */
  List<String> declaredUpstream(String store) {
    return upstream(store);
  }

  /**
   * The existing stores {@code store} reads from: directly, or (with {@code transitive}) through
   * any number of stores, nearest first (breadth-first; names sorted at each distance). The store
   * itself is left out, also when it is in a cycle.
   *
   * @throws IllegalArgumentException naming the store when it does not exist
   */
  List<String> upstream(String store, boolean transitive) {
    return reach(store, transitive, s -> upstream(s).stream().filter(this::exists).sorted()
        .toList());
  }

  /**
   * The existing stores that read from {@code store}: directly, or (with {@code transitive})
   * through any number of stores, nearest first, as {@link #upstream(String, boolean)}.
   *
   * @throws IllegalArgumentException naming the store when it does not exist
   */
  List<String> downstream(String store, boolean transitive) {
    return reach(store, transitive, s -> List.copyOf(downstream.get(s)));
  }

  /**
   * The names {@code store} declares upstream that are no existing store, in declared order.
   *
   * @throws IllegalArgumentException naming the store when it does not exist
   */
  List<String> missingUpstream(String store) {
    return upstream(store).stream().filter(u -> !exists(u)).toList();
  }

  /**
   * Every missing store (a name declared upstream that is no existing store) to the existing
   * stores that declare it, both sorted.
   */
  SortedMap<String, SortedSet<String>> missing() {
    SortedMap<String, SortedSet<String>> missing = new TreeMap<>();
    upstream.forEach((store, list) -> {
      for (String u : list) {
        if (!exists(u)) {
          missing.computeIfAbsent(u, m -> new TreeSet<>()).add(store);
        }
      }
    });
    return missing;
  }

  /**
   * The shortest cycle through {@code store}, following upstream edges, as a path that starts and
   * ends with the store ({@code [a, c, b, a]}: a reads c, c reads b, b reads a); {@code [a, a]} for
   * a store that declares itself. Empty when the store is in no cycle.
   *
   * @throws IllegalArgumentException naming the store when it does not exist
   */
  Optional<List<String>> cycleThrough(String store) {
    Map<String, String> parent = new HashMap<>();
    Deque<String> queue = new ArrayDeque<>();
    queue.add(store);
    while (!queue.isEmpty()) {
      String at = queue.poll();
      for (String next : upstream(at)) {
        if (next.equals(store)) {
          List<String> path = new ArrayList<>();
          for (String s = at; s != null; s = parent.get(s)) {
            path.add(s);
          }
          Collections.reverse(path);
          path.add(store);
          return Optional.of(path);
        }
        if (exists(next) && !parent.containsKey(next) && !next.equals(store)) {
          parent.put(next, at);
          queue.add(next);
        }
      }
    }
    return Optional.empty();
  }

  /**
   * The cycles of the graph: one path per back edge a depth-first search over the sorted stores
   * meets, each starting and ending with the same store as {@link #cycleThrough} does. Every store
   * in a cycle is in at least one path; a graph without cycles gives an empty list.
   */
  List<List<String>> cycles() {
    List<List<String>> cycles = new ArrayList<>();
    Map<String, Integer> state = new HashMap<>(); // absent: unseen, 1: on the path, 2: done
    for (String root : upstream.keySet()) {
      if (state.containsKey(root)) {
        continue;
      }
      // iterative DFS: the path, and per path element the index of its next upstream
      List<String> path = new ArrayList<>();
      List<Integer> next = new ArrayList<>();
      path.add(root);
      next.add(0);
      state.put(root, 1);
      while (!path.isEmpty()) {
        int top = path.size() - 1;
        String at = path.get(top);
        List<String> ups = upstream(at);
        int i = next.get(top);
        if (i == ups.size()) {
          state.put(at, 2);
          path.remove(top);
          next.remove(top);
          continue;
        }
        next.set(top, i + 1);
        String u = ups.get(i);
        if (!exists(u)) {
          continue;
        }
        Integer s = state.get(u);
        if (s == null) {
          state.put(u, 1);
          path.add(u);
          next.add(0);
        } else if (s == 1) {
          List<String> cycle = new ArrayList<>(path.subList(path.indexOf(u), path.size()));
          cycle.add(u);
          cycles.add(List.copyOf(cycle));
        }
      }
    }
    return cycles;
  }

  /**
   * Every store's top-down layer: 0 for a store that reads no existing store, else 1 + the largest
   * layer of its existing upstream stores (so every store comes after all it reads). A store in a
   * cycle, or reading one directly or transitively, has no layer and is left out.
   *
   * @return store to layer, sorted by store
   */
  SortedMap<String, Integer> layers() {
    Map<String, Integer> pending = new HashMap<>();
    Deque<String> ready = new ArrayDeque<>();
    for (Map.Entry<String, List<String>> e : upstream.entrySet()) {
      int count = (int) e.getValue().stream().filter(this::exists).count();
      pending.put(e.getKey(), count);
      if (count == 0) {
        ready.add(e.getKey());
      }
    }
    SortedMap<String, Integer> layers = new TreeMap<>();
    while (!ready.isEmpty()) { // Kahn's topological order: a store once all it reads is placed
      String store = ready.poll();
      int layer = 0;
      for (String u : upstream(store)) {
        if (exists(u)) {
          layer = Math.max(layer, layers.get(u) + 1);
        }
      }
      layers.put(store, layer);
      for (String d : downstream.get(store)) {
        if (pending.merge(d, -1, Integer::sum) == 0) {
          ready.add(d);
        }
      }
    }
    return layers;
  }

  /**
   * The part of the graph connected to {@code store} (every store reachable from it following
   * edges either way), with the upstream lists as declared (missing stores kept).
   *
   * @throws IllegalArgumentException naming the store when it does not exist
   */
  DependencyGraph component(String store) {
    List<String> part = reach(store, true, s -> {
      SortedSet<String> near = new TreeSet<>(downstream.get(s));
      upstream(s).stream().filter(this::exists).forEach(near::add);
      return List.copyOf(near);
    });
    Map<String, List<String>> kept = new TreeMap<>();
    kept.put(store, upstream(store));
    part.forEach(s -> kept.put(s, upstream(s)));
    return new DependencyGraph(kept);
  }

  /**
   * The graph as text for a terminal, top-down: a summary line, then per layer a heading and one
   * line per store, {@code "  <store> <- <upstream>, <upstream>"} (a missing upstream marked
   * {@code (missing)}), roots first; the stores without a layer under a heading of their own; then
   * the cycles, one per line as {@code a -> b -> a}; then the missing stores with the stores that
   * name them. Every store is on exactly one line of the layers; an upstream list longer than
   * {@link #RENDER_WIDTH} columns continues on lines indented under the first upstream, so no line
   * is wider than that unless a single store name is. Ends without a line break.
   */
  String render() {
    String nl = System.lineSeparator();
    SortedMap<String, Integer> layers = layers();
    int depth = layers.values().stream().mapToInt(Integer::intValue).max().orElse(-1) + 1;
    int edges = upstream.values().stream().mapToInt(List::size).sum();
    StringBuilder text = new StringBuilder();
    text.append(stores().size()).append(stores().size() == 1 ? " store, " : " stores, ")
        .append(edges).append(edges == 1 ? " dependency, " : " dependencies, ").append(depth)
        .append(depth == 1 ? " layer" : " layers").append(" (a store is listed with the stores it"
            + " reads: store <- upstream)");
    List<List<String>> byLayer = new ArrayList<>();
    for (int i = 0; i < depth; i++) {
      byLayer.add(new ArrayList<>());
    }
    layers.forEach((store, layer) -> byLayer.get(layer).add(store));
    for (int i = 0; i < depth; i++) {
      text.append(nl).append("layer ").append(i).append(i == 0 ? " (reads no store)" : "");
      byLayer.get(i).forEach(store -> line(text, nl, store));
    }
    List<String> unlayered = stores().stream().filter(s -> !layers.containsKey(s)).toList();
    if (!unlayered.isEmpty()) {
      text.append(nl).append("in a cycle or reading one (no layer)");
      unlayered.forEach(store -> line(text, nl, store));
    }
    List<List<String>> cycles = cycles();
    if (!cycles.isEmpty()) {
      text.append(nl).append("cycles");
      cycles.forEach(c -> text.append(nl).append("  ").append(String.join(" -> ", c)));
    }
    SortedMap<String, SortedSet<String>> missing = missing();
    if (!missing.isEmpty()) {
      text.append(nl).append("missing stores (declared upstream, do not exist)");
      missing.forEach((m, by) -> text.append(nl).append("  ").append(m).append("  named by ")
          .append(String.join(", ", by)));
    }
    return text.toString();
  }

  private void line(StringBuilder text, String nl, String store) {
    StringBuilder line = new StringBuilder("  ").append(store);
    List<String> ups = upstream(store);
    if (ups.isEmpty()) {
      text.append(nl).append(line);
      return;
    }
    line.append(" <- ");
    String indent = " ".repeat(line.length());
    boolean first = true;
    for (String u : ups) {
      String item = exists(u) ? u : u + " (missing)";
      if (!first) {
        line.append(',');
        if (line.length() + 1 + item.length() > RENDER_WIDTH) {
          text.append(nl).append(line);
          line = new StringBuilder(indent);
        } else {
          line.append(' ');
        }
      }
      line.append(item);
      first = false;
    }
    text.append(nl).append(line);
  }

  private List<String> upstream(String store) {
    List<String> list = upstream.get(store);
    if (list == null) {
      throw new IllegalArgumentException("store " + store + " does not exist");
    }
    return list;
  }

  /** Breadth-first from {@code store} (left out), one step with {@code transitive} false. */
  private List<String> reach(String store, boolean transitive,
      java.util.function.Function<String, List<String>> step) {
    upstream(store); // exists
    Set<String> seen = new LinkedHashSet<>();
    seen.add(store);
    List<String> frontier = List.of(store);
    List<String> found = new ArrayList<>();
    while (!frontier.isEmpty()) {
      SortedSet<String> nextLevel = new TreeSet<>();
      for (String s : frontier) {
        for (String n : step.apply(s)) {
          if (seen.add(n)) {
            nextLevel.add(n);
          }
        }
      }
      found.addAll(nextLevel);
      frontier = transitive ? List.copyOf(nextLevel) : List.of();
    }
    return found;
  }

  /** The declared upstream lists, for tests and the endpoint: store to list, sorted by store. */
  Map<String, List<String>> asMap() {
    return new LinkedHashMap<>(upstream);
  }
}
