package dev.venice.plugins.storedependencies;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The graph's queries: direct and transitive traversal both ways (nearest first), cycles (a store
 * reading itself, two stores, a long ring, with the path named), top-down layers, missing
 * upstream stores, the connected part of a store, and the rendering of 50 stores (every store on
 * exactly one line, no line over 120 columns).
 */
class DependencyGraphTest {
  /** {@code "b:a,x"} pairs: store, then its upstream stores. */
  private static DependencyGraph graph(String... entries) {
    Map<String, List<String>> upstream = new LinkedHashMap<>();
    for (String e : entries) {
      String[] parts = e.split(":", -1);
      upstream.put(parts[0], parts.length < 2 || parts[1].isEmpty() ? List.of()
          : List.of(parts[1].split(",")));
    }
    return new DependencyGraph(upstream);
  }

  /** a <- b <- c, a <- d, c and d <- e (a diamond below b). */
  private static DependencyGraph diamond() {
    return graph("a", "b:a", "c:b", "d:a", "e:c,d");
  }

  @Test
  void traversalGoesBothWaysDirectlyOrTransitivelyNearestFirst() {
    DependencyGraph g = diamond();
    assertEquals(List.of("c", "d"), g.upstream("e", false));
    assertEquals(List.of("c", "d", "a", "b"), g.upstream("e", true), "sorted at each distance");
    assertEquals(List.of("b", "d"), g.downstream("a", false));
    assertEquals(List.of("b", "d", "c", "e"), g.downstream("a", true));
    assertEquals(List.of(), g.upstream("a", true));
    assertEquals(List.of(), g.downstream("e", true));
    IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
        () -> g.upstream("zz", false));
    assertEquals("store zz does not exist", none.getMessage());
  }

  @Test
  void aStoreReadingItselfIsACycleOfOne() {
    DependencyGraph g = graph("a:a", "b:a");
    assertEquals(Optional.of(List.of("a", "a")), g.cycleThrough("a"));
    assertEquals(Optional.empty(), g.cycleThrough("b"));
    assertEquals(List.of(List.of("a", "a")), g.cycles());
    assertEquals(List.of(), g.upstream("a", true), "the store itself is left out");
  }

  @Test
  void twoStoresReadingEachOtherAreACycle() {
    DependencyGraph g = graph("a:b", "b:a", "c:a");
    assertEquals(Optional.of(List.of("a", "b", "a")), g.cycleThrough("a"));
    assertEquals(Optional.of(List.of("b", "a", "b")), g.cycleThrough("b"));
    assertEquals(List.of(List.of("a", "b", "a")), g.cycles());
    assertEquals(Map.of(), g.layers(), "no store of a cycle or below one has a layer");
  }

  @Test
  void aLongCycleIsFoundWithItsWholePath() {
    List<String> entries = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      entries.add(String.format("s%02d:s%02d", i, (i + 1) % 30));
    }
    entries.add("x:s05"); // reads the ring: not in it
    DependencyGraph g = graph(entries.toArray(String[]::new));
    List<String> cycle = g.cycleThrough("s00").orElseThrow();
    assertEquals(31, cycle.size());
    assertEquals("s00", cycle.get(0));
    assertEquals("s01", cycle.get(1));
    assertEquals("s29", cycle.get(29));
    assertEquals("s00", cycle.get(30));
    assertEquals(1, g.cycles().size());
    assertEquals(Optional.empty(), g.cycleThrough("x"));
    assertFalse(g.layers().containsKey("x"), "reads a cycle: no layer");
  }

  @Test
  void aChangeThatClosesACycleIsSeenThroughTheChangedStore() {
    DependencyGraph g = graph("a", "b:a", "c:b");
    assertEquals(List.of(), g.cycles());
    DependencyGraph closed = g.with("a", List.of("c"));
    assertEquals("a -> c -> b -> a", String.join(" -> ", closed.cycleThrough("a").orElseThrow()));
    assertFalse(g.with("a", null).exists("a"));
    assertEquals(Map.of("a", new java.util.TreeSet<>(List.of("b"))),
        g.with("a", null).missing(), "a deleted upstream store is missing");
  }

  @Test
  void layersPutEveryStoreBelowAllItReads() {
    assertEquals(new TreeMap<>(Map.of("a", 0, "b", 1, "c", 2, "d", 1, "e", 3)),
        diamond().layers());
    DependencyGraph withMissing = graph("a", "b:a,gone");
    assertEquals(Map.of("a", 0, "b", 1), withMissing.layers());
    assertEquals(Map.of("x", 0), graph("x:gone").layers(), "a missing store is no layer");
  }

  @Test
  void missingUpstreamStoresAreKeptListedAndLeftOutOfTraversal() {
    DependencyGraph g = graph("a", "b:a,gone", "c:gone,b");
    assertEquals(List.of("gone"), g.missingUpstream("b"));
    assertEquals(List.of("a", "gone"), g.declaredUpstream("b"));
    assertEquals(List.of("b", "a"), g.upstream("c", true));
    assertEquals("{gone=[b, c]}", g.missing().toString());
    assertFalse(g.exists("gone"));
    assertTrue(g.render().contains("  b <- a, gone (missing)"), g.render());
    assertTrue(g.render().contains("  gone  named by b, c"), g.render());
  }

  @Test
  void theComponentOfAStoreHoldsWhatItIsConnectedToOnly() {
    DependencyGraph g = graph("a", "b:a", "c:b", "x", "y:x");
    assertEquals(List.of("a", "b", "c"), List.copyOf(g.component("b").stores()));
    assertEquals(List.of("x", "y"), List.copyOf(g.component("x").stores()));
  }

  @Test
  void fiftyStoresRenderOneLinePerStoreTopDownWithinTheWidth() {
    // 50 stores in 5 layers of 10: each store of layer L reads the 10 stores of layer L-1,
    // so the upstream lists are long and wrap
    Map<String, List<String>> upstream = new TreeMap<>();
    for (int layer = 0; layer < 5; layer++) {
      for (int i = 0; i < 10; i++) {
        List<String> reads = new ArrayList<>();
        for (int j = 0; layer > 0 && j < 10; j++) {
          reads.add(name(layer - 1, j));
        }
        upstream.put(name(layer, i), reads);
      }
    }
    upstream.get(name(4, 0)).add("retired-feature-store-of-the-previous-quarter"); // missing
    DependencyGraph g = new DependencyGraph(upstream);
    String text = g.render();
    List<String> lines = text.lines().toList();
    for (String line : lines) {
      assertTrue(line.length() <= 120, "too wide (" + line.length() + "): " + line);
    }
    for (String store : upstream.keySet()) {
      long starting = lines.stream().filter(l -> l.equals("  " + store)
          || l.startsWith("  " + store + " <- ")).count();
      assertEquals(1, starting, store + " must start exactly one line:\n" + text);
    }
    assertEquals("50 stores, 401 dependencies, 5 layers (a store is listed with the stores it"
        + " reads: store <- upstream)", lines.get(0));
    assertEquals("layer 0 (reads no store)", lines.get(1));
    int layer1 = lines.indexOf("layer 1");
    int layer4 = lines.indexOf("layer 4");
    assertTrue(layer1 > 0 && layer4 > layer1, text);
    assertTrue(lines.indexOf("  " + name(0, 3)) < layer1, "roots first");
    assertTrue(text.contains("retired-feature-store-of-the-previous-quarter (missing)"), text);
  }

  @Test
  void cyclesAndTheirStoresAreRenderedApart() {
    String nl = System.lineSeparator();
    String text = graph("a", "b:c", "c:b", "d:c").render();
    assertTrue(text.contains("layer 0 (reads no store)" + nl + "  a" + nl), text);
    assertTrue(text.contains("in a cycle or reading one (no layer)" + nl + "  b <- c" + nl
        + "  c <- b" + nl + "  d <- c" + nl), text);
    assertTrue(text.contains("cycles" + nl + "  b -> c -> b"), text);
  }

  private static String name(int layer, int i) {
    return "feature-store-layer" + layer + "-n" + i;
  }
}
