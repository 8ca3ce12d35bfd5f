package dev.venice.runtime.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The preference-list rule that keeps a healthy leader: pure, so tested without Helix. */
class StickyLeaderRebalancerTest {
  private static final List<String> PREFERRED = List.of("a", "b", "c");
  private static final Set<String> ALL_LIVE = Set.of("a", "b", "c");

  @Test
  void theCurrentLeaderGoesFirstSoAReturningInstanceStaysStandby() {
    assertEquals(List.of("b", "a", "c"), StickyLeaderRebalancer.currentLeaderFirst(PREFERRED,
        Map.of("a", "STANDBY", "b", "LEADER", "c", "STANDBY"), "LEADER", ALL_LIVE, Set.of()));
  }

  @Test
  void withoutAHealthyLeaderTheListIsHelixsOwn() {
    Map<String, String> bLeads = Map.of("a", "STANDBY", "b", "LEADER");
    assertEquals(PREFERRED, StickyLeaderRebalancer.currentLeaderFirst(PREFERRED, bLeads,
        "LEADER", Set.of("a", "c"), Set.of()), "leader not live");
    assertEquals(PREFERRED, StickyLeaderRebalancer.currentLeaderFirst(PREFERRED, bLeads,
        "LEADER", ALL_LIVE, Set.of("b")), "leader disabled");
    assertEquals(List.of("a", "c"), StickyLeaderRebalancer.currentLeaderFirst(List.of("a", "c"),
        bLeads, "LEADER", ALL_LIVE, Set.of()), "leader moved out of the list");
    assertEquals(PREFERRED, StickyLeaderRebalancer.currentLeaderFirst(PREFERRED,
        Map.of("a", "OFFLINE"), "LEADER", ALL_LIVE, Set.of()), "no leader yet");
    assertNull(StickyLeaderRebalancer.currentLeaderFirst(null, bLeads, "LEADER", ALL_LIVE,
        Set.of()), "a dropped partition stays dropped");
  }
}
