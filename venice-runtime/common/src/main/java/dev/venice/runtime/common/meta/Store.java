package dev.venice.runtime.common.meta;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A store as the controller keeps it. Value schemas live beside it (they only grow); everything
 * here changes through conditional updates.
 *
 * @param name the store name
 * @param keySchema the Avro key schema, fixed at creation
 * @param partitionCount partitions of the next version
 * @param replicationFactor replicas per partition of the next version
 * @param compressionStrategy compression of the next version
 * @param hybrid hybrid settings, or {@code null} for a batch-only store
 * @param schemaCompatibility which value-schema changes are accepted
 * @param numVersionsToPreserve how many online versions (the current one included) are kept
 * @param currentVersion the version reads go to, 0 before the first push goes online
 * @param largestUsedVersion the highest version number ever created (numbers are never reused)
 * @param versions the versions that exist, oldest first
 * @param pluginSettings per-store plugin settings, {@code plugins.<id>.<key>} to value
 * @param createdAtMs when the store was created (epoch milliseconds)
 */
public record Store(
    String name,
    String keySchema,
    int partitionCount,
    int replicationFactor,
    CompressionStrategy compressionStrategy,
    HybridConfig hybrid,
    SchemaCompatibility schemaCompatibility,
    int numVersionsToPreserve,
    int currentVersion,
    int largestUsedVersion,
    List<Version> versions,
    Map<String, String> pluginSettings,
    long createdAtMs) {

  /** Copies the collections. */
  public Store {
    versions = List.copyOf(versions);
    pluginSettings = Map.copyOf(pluginSettings);
  }

  /** The store as plugins see it ({@link dev.venice.spi.host.StoreInfo}). */
  public dev.venice.spi.host.StoreInfo toStoreInfo() {
    return new dev.venice.spi.host.StoreInfo(name, currentVersion, partitionCount,
        replicationFactor, compressionStrategy.name(), hybrid != null, pluginSettings);
  }

  /** One version, if it exists. */
  public Optional<Version> version(int number) {
    return versions.stream().filter(v -> v.number() == number).findFirst();
  }

  /** The version being pushed, if any. */
  public Optional<Version> pushInProgress() {
    return versions.stream().filter(v -> v.status() == VersionStatus.STARTED).findFirst();
  }

  /** A copy with {@code version} added or replaced, versions kept in number order. */
  public Store withVersion(Version version) {
    List<Version> updated = new ArrayList<>(versions);
    updated.removeIf(v -> v.number() == version.number());
    updated.add(version);
    updated.sort(Comparator.comparingInt(Version::number));
    return new Store(name, keySchema, partitionCount, replicationFactor, compressionStrategy, hybrid,
        schemaCompatibility, numVersionsToPreserve, currentVersion,
        Math.max(largestUsedVersion, version.number()), updated, pluginSettings, createdAtMs);
  }

  /** A copy without version {@code number}. */
  public Store withoutVersion(int number) {
    List<Version> updated = versions.stream().filter(v -> v.number() != number).toList();
    return new Store(name, keySchema, partitionCount, replicationFactor, compressionStrategy, hybrid,
        schemaCompatibility, numVersionsToPreserve, currentVersion, largestUsedVersion, updated,
        pluginSettings, createdAtMs);
  }

  /** A copy with another current version. */
  public Store withCurrentVersion(int number) {
    return new Store(name, keySchema, partitionCount, replicationFactor, compressionStrategy, hybrid,
        schemaCompatibility, numVersionsToPreserve, number, largestUsedVersion, versions,
        pluginSettings, createdAtMs);
  }
}
