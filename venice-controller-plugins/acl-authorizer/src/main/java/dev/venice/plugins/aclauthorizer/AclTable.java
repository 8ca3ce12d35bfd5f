package dev.venice.plugins.aclauthorizer;

import dev.venice.spi.security.AccessLevel;
import dev.venice.spi.security.Principal;
import dev.venice.spi.security.Resource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An immutable set of {@link AclEntry grants}, at most one per (subject, resource), indexed for
 * the authorizer: by principal name and by group, then by store, with each subject's cluster grant
 * beside. {@link #allows} costs one hash lookup per subject consulted (the user, then each of its
 * groups) plus one per grant map, and allocates nothing. Changes ({@link #with}, {@link #without})
 * return a new table. Thread-safe (immutable).
 */
final class AclTable {
  /** No grant: everything is denied. */
  static final AclTable EMPTY = new AclTable(Map.of());

  private static final Comparator<AclEntry> ORDER =
      Comparator.<AclEntry, String>comparing(AclEntry::resource).thenComparing(AclEntry::subject);

  /** By subject then resource, as read or changed. */
  private final Map<String, Map<String, AclEntry>> bySubject;
  private final List<AclEntry> entries;
  private final Map<String, Grants> users;
  private final Map<String, Grants> groups;

  private AclTable(Map<String, Map<String, AclEntry>> bySubject) {
    this.bySubject = bySubject;
    List<AclEntry> all = new ArrayList<>();
    Map<String, Grants> users = new HashMap<>();
    Map<String, Grants> groups = new HashMap<>();
    bySubject.forEach((subject, grants) -> {
      all.addAll(grants.values());
      Grants indexed = new Grants(grants.values());
      if (subject.startsWith(AclEntry.USER)) {
        users.put(subject.substring(AclEntry.USER.length()), indexed);
      } else {
        groups.put(subject.substring(AclEntry.GROUP.length()), indexed);
      }
    });
    all.sort(ORDER);
    this.entries = List.copyOf(all);
    this.users = Map.copyOf(users);
    this.groups = Map.copyOf(groups);
  }

  /** A table of {@code entries}; of two for the same subject and resource the later wins. */
  static AclTable of(Collection<AclEntry> entries) {
    Map<String, Map<String, AclEntry>> bySubject = new LinkedHashMap<>();
    for (AclEntry entry : entries) {
      bySubject.computeIfAbsent(entry.subject(), s -> new LinkedHashMap<>())
          .put(entry.resource(), entry);
    }
    return new AclTable(bySubject);
  }

  /** Every grant, ordered by resource then subject. */
  List<AclEntry> entries() {
    return entries;
  }

  /** How many grants the table holds. */
  int size() {
    return entries.size();
  }

  /** The grant of {@code subject} on {@code resource}, if any. */
  Optional<AclEntry> find(String subject, String resource) {
    return Optional.ofNullable(bySubject.getOrDefault(subject, Map.of()).get(resource));
  }

  /** This table with {@code entry}, replacing the subject's grant on that resource if any. */
  AclTable with(AclEntry entry) {
    List<AclEntry> next = new ArrayList<>(entries);
    next.add(entry);
    return of(next);
  }

  /** This table without the grant of {@code subject} on {@code resource} (the same if none). */
  AclTable without(String subject, String resource) {
    if (find(subject, resource).isEmpty()) {
      return this;
    }
    List<AclEntry> next = new ArrayList<>(entries);
    next.removeIf(e -> e.subject().equals(subject) && e.resource().equals(resource));
    return of(next);
  }

  /** This table without any grant on {@code resource} (the same if none). */
  AclTable withoutResource(String resource) {
    if (entries.stream().noneMatch(e -> e.resource().equals(resource))) {
      return this;
    }
    List<AclEntry> next = new ArrayList<>(entries);
    next.removeIf(e -> e.resource().equals(resource));
    return of(next);
  }

  /**
   * Whether a grant allows {@code principal} an operation needing {@code needed} on {@code
   * resource}: a grant to {@code user:<principal.name()>} or to {@code group:<g>} for one of its
   * groups, on that store or on the cluster for a store, on the cluster for the cluster, whose
   * level {@link AccessLevel#implies implies} {@code needed}.
   */
  boolean allows(Principal principal, AccessLevel needed, Resource resource) {
    Grants user = users.get(principal.name());
    if (user != null && user.allows(needed, resource)) {
      return true;
    }
    if (groups.isEmpty()) {
      return false;
    }
    for (String group : principal.groups()) {
      Grants grants = groups.get(group);
      if (grants != null && grants.allows(needed, resource)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AclTable t && t.entries.equals(entries);
  }

  @Override
  public int hashCode() {
    return entries.hashCode();
  }

  @Override
  public String toString() {
    return entries.toString();
  }

  /** One subject's grants: per store, and on the cluster ({@code null} when none). */
  private static final class Grants {
    private final Map<String, AccessLevel> stores;
    private final AccessLevel cluster;

    Grants(Collection<AclEntry> entries) {
      Map<String, AccessLevel> stores = new HashMap<>();
      AccessLevel cluster = null;
      for (AclEntry entry : entries) {
        if (entry.resource().equals(AclEntry.CLUSTER)) {
          cluster = entry.access();
        } else {
          stores.put(entry.resource().substring(AclEntry.STORE.length()), entry.access());
        }
      }
      this.stores = Map.copyOf(stores);
      this.cluster = cluster;
    }

    boolean allows(AccessLevel needed, Resource resource) {
      if (resource.type() == Resource.Type.STORE) {
        AccessLevel store = stores.get(resource.name());
        if (store != null && store.implies(needed)) {
          return true;
        }
      }
      return cluster != null && cluster.implies(needed);
    }
  }
}
