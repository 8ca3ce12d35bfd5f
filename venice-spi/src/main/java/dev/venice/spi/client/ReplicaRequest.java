package dev.venice.spi.client;

import java.util.List;
import java.util.Objects;

/**
 * The request for one partition of one store version, on its way to a replica. The innermost
 * dispatcher sends it to the <em>first</em> of {@link #candidates()}; a replica-level decorator
 * chooses a replica by reordering or filtering the candidates ({@link #withCandidates}).
 *
 * <p>Keys are the serialized key bytes, in request order; answers refer to them by index. Key
 * arrays are shared, not copied: treat them as read-only.
 */
public final class ReplicaRequest {
  private final String store;
  private final int version;
  private final int partition;
  private final RequestKind kind;
  private final List<byte[]> keys;
  private final RequestContext context;
  private final List<Replica> candidates;

  /**
   * @param store the store
   * @param version the store version being read
   * @param partition the partition all keys belong to
   * @param kind the kind of read
   * @param keys serialized keys, at least one
   * @param context the logical request's context
   * @param candidates the ready replicas of the partition, most preferred first
   */
  public ReplicaRequest(String store, int version, int partition, RequestKind kind,
      List<byte[]> keys, RequestContext context, List<Replica> candidates) {
    this.store = Objects.requireNonNull(store, "store");
    this.version = version;
    this.partition = partition;
    this.kind = Objects.requireNonNull(kind, "kind");
    this.keys = List.copyOf(keys);
    this.context = Objects.requireNonNull(context, "context");
    this.candidates = List.copyOf(candidates);
    if (this.keys.isEmpty()) {
      throw new IllegalArgumentException("store " + store + ": a replica request needs a key");
    }
  }

  /** The store. */
  public String store() {
    return store;
  }

  /** The store version being read. */
  public int version() {
    return version;
  }

  /** The partition all keys belong to. */
  public int partition() {
    return partition;
  }

  /** The kind of read. */
  public RequestKind kind() {
    return kind;
  }

  /** The serialized keys, in request order. */
  public List<byte[]> keys() {
    return keys;
  }

  /** The logical request's context. */
  public RequestContext context() {
    return context;
  }

  /** The replicas to try, most preferred first; the request goes to the first. */
  public List<Replica> candidates() {
    return candidates;
  }

  /** A copy of this request with other candidates, e.g. reordered by preference. */
  public ReplicaRequest withCandidates(List<Replica> newCandidates) {
    return new ReplicaRequest(store, version, partition, kind, keys, context, newCandidates);
  }

  /**
   * A copy of this request with another context, e.g. with a tracing header for this attempt.
   *
   * @since 1.3.0
   */
  public ReplicaRequest withContext(RequestContext newContext) {
    return new ReplicaRequest(store, version, partition, kind, keys, newContext, candidates);
  }

  @Override
  public String toString() {
    return kind + " " + store + "_v" + version + "/" + partition + " (" + keys.size() + " keys) -> "
        + candidates;
  }
}
