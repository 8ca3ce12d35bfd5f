package dev.venice.runtime.controller;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import dev.venice.runtime.common.admin.AdminErrorType;
import dev.venice.runtime.common.admin.AdminHttpException;
import dev.venice.runtime.common.controller.SchemaDryRun;
import dev.venice.runtime.common.controller.StoreSchemas;
import dev.venice.runtime.common.controller.ValueSchema;
import dev.venice.runtime.common.data.CompressionDictionary;
import dev.venice.runtime.common.meta.CompressionStrategy;
import dev.venice.runtime.common.meta.HybridConfig;
import dev.venice.runtime.common.meta.PushProgressReport;
import dev.venice.runtime.common.meta.PushStatus;
import dev.venice.runtime.common.meta.PushSummary;
import dev.venice.runtime.common.meta.ReplicaStatus;
import dev.venice.runtime.common.meta.SchemaCompatibility;
import dev.venice.runtime.common.meta.Store;
import dev.venice.runtime.common.meta.TopicNames;
import dev.venice.runtime.common.meta.Version;
import dev.venice.runtime.common.meta.VersionStatus;
import dev.venice.runtime.common.plugin.AdminMutationHooks;
import dev.venice.spi.config.ConfigException;
import dev.venice.spi.controller.AdminMutation;
import dev.venice.spi.controller.AdminOperation;
import dev.venice.spi.controller.AdminOutcome;
import dev.venice.spi.controller.Caller;
import dev.venice.spi.controller.RebalanceScope;
import dev.venice.spi.plugin.TimeSource;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.apache.avro.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the controller does with stores, schemas and versions. Every mutation is validated first
 * (bad input is a 4xx naming the field), then offered to the admin-mutation hooks (a veto is a 403
 * carrying the plugin's reason; a dry run stops here), then applied with conditional writes, and
 * finally reported to the after-hooks with its outcome and the before/after state.
 *
 * <p>Mutations of one store are serialized (a lock chosen by the store name's hash among 64, held
 * from the first read to the last Kafka or Helix call; two stores may share one), so conflicting
 * calls see each other's result: of concurrent deletes
 * one deletes and the others find no store (404); a push started while a delete runs finds no
 * store; a delete while a push runs drops that version's topic and resource too. ZooKeeper's
 * conditional writes still guard the metadata against another controller that believes itself the
 * leader during a fail-over.
 */
final class StoreService {
  static final Pattern STORE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,127}");
  static final Pattern PLUGIN_SETTING = Pattern.compile("plugins\\.[a-z0-9]+(-[a-z0-9]+)*\\.[a-z0-9][a-z0-9.-]*");
  static final Pattern INSTANCE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9.-]{0,252}_[0-9]{1,5}");
  static final Caller CONTROLLER = new Caller("venice-controller", "internal");
  private static final Set<String> SETTINGS = Set.of("partitionCount", "replicationFactor",
      "compressionStrategy", "hybrid", "schemaCompatibility", "numVersionsToPreserve",
      "pluginSettings");
  static final Set<String> CREATE_FIELDS = union(SETTINGS, Set.of("name", "keySchema",
      "valueSchema"));
  static final Set<String> UPDATE_FIELDS = SETTINGS;
  private static final Set<String> HYBRID_FIELDS = Set.of("rewindSeconds", "offsetLagThreshold");
  static final Set<String> PUSH_FIELDS = Set.of("recordCount", "allowEmpty", "force");
  static final Set<String> PROGRESS_FIELDS = Set.of("phase", "state", "recordsWritten",
      "totalRecords", "recordsPerSecond", "etaSeconds", "etaLowSeconds", "etaHighSeconds");
  private static final Set<String> PUSH_PHASES = Set.of("WRITING", "WAITING_FOR_ONLINE");
  private static final Set<String> ESTIMATE_STATES = Set.of("WARMING_UP", "RUNNING", "STALLED",
      "DONE");
  /** {@code GET /pushes} lists pushes in progress and those started within this window. */
  static final Duration RECENT_PUSHES = Duration.ofMinutes(10);
  private static final int MAX_PARTITIONS = 1024;
  static final int MAX_TOPICS_PER_BATCH = 100;
  /** The dead-letter topic of a store, {@code <store>_dlq} (the dead-letter-queue plugin's). */
  private static final String DLQ_SUFFIX = "_dlq";
  private static final Pattern KAFKA_CONFIG_NAME = Pattern.compile("[a-z][a-z0-9.]{0,127}");
  private static final int LOCK_STRIPES = 64;
  private static final int MAX_REPLICATION = 16;
  private static final Logger LOG = LoggerFactory.getLogger(StoreService.class);

  private final String cluster;
  private final MetadataRepository repo;
  private final ClusterResources resources;
  private final Supplier<AdminMutationHooks> hooks;
  private final PluginSettingsCheck pluginSettingsCheck;
  private final TimeSource time;
  private final Settings defaults;
  private final Duration pushTimeout;
  private final double maxShrinkFraction;
  private final ReentrantLock[] storeLocks = new ReentrantLock[LOCK_STRIPES];
  private final PushProgressBoard progress;

  /**
   * Checks one store's plugin settings against every plugin the controller can see (see {@code
   * PluginManager#checkStoreSettings}).
   */
  @FunctionalInterface
  interface PluginSettingsCheck {
    /** @throws ConfigException naming the store, key, value and what is allowed */
    void check(String store, Map<String, String> pluginSettings);
  }

  /** Defaults for stores created without explicit settings. */
  record Settings(int partitionCount, int replicationFactor, int versionsToPreserve) {}

  StoreService(String cluster, MetadataRepository repo, ClusterResources resources,
      Supplier<AdminMutationHooks> hooks, PluginSettingsCheck pluginSettingsCheck, TimeSource time,
      Settings defaults, Duration pushTimeout, double maxShrinkFraction) {
    this.pluginSettingsCheck = pluginSettingsCheck;
    this.cluster = cluster;
    this.repo = repo;
    this.resources = resources;
    this.hooks = hooks;
    this.time = time;
    this.defaults = defaults;
    this.pushTimeout = pushTimeout;
    this.maxShrinkFraction = maxShrinkFraction;
    this.progress = new PushProgressBoard(time);
    for (int i = 0; i < LOCK_STRIPES; i++) {
      storeLocks[i] = new ReentrantLock();
    }
  }

  /** Runs {@code work} holding the lock of store {@code name} (reentrant). */
  private <T> T locked(String name, Supplier<T> work) {
    ReentrantLock lock = storeLocks[Math.floorMod(name.hashCode(), LOCK_STRIPES)];
    lock.lock();
    try {
      return work.get();
    } finally {
      lock.unlock();
    }
  }

  // ---- reads -------------------------------------------------------------------------------

  List<String> storeNames() {
    return repo.storeNames();
  }

  Store store(String name) {
    checkName(name);
    return repo.read(name).orElseThrow(() -> AdminHttpException.storeNotFound(name));
  }

  StoreSchemas schemas(String name) {
    Store store = store(name);
    return new StoreSchemas(name, store.keySchema(), repo.valueSchemas(name));
  }

  PushStatus pushStatus(String name, int number) {
    Store store = store(name);
    Version version = version(store, number);
    Map<Integer, Map<String, ReplicaStatus>> reports =
        repo.replicaStatuses(TopicNames.versionTopic(name, number));
    List<PushStatus.PartitionStatus> partitions = new ArrayList<>();
    for (int p = 0; p < version.partitionCount(); p++) {
      partitions.add(new PushStatus.PartitionStatus(p, reports.getOrDefault(p, Map.of())));
    }
    boolean started = version.status() == VersionStatus.STARTED;
    String detail = started ? waitingFor(version, reports) : version.statusDetail();
    return new PushStatus(name, number, version.status(), detail, partitions,
        started ? progress.get(TopicNames.versionTopic(name, number)) : null);
  }

  /**
   * Pushes in progress and those started within {@link #RECENT_PUSHES}, of one store or of all,
   * newest first: what {@code venice watch-pushes} shows, in one call. Reads each store and each
   * listed version's replica reports from ZooKeeper.
   *
   * @param only the store to list, or empty for every store
   * @throws AdminHttpException 404 when {@code only} names no store
   */
  List<PushSummary> pushes(Optional<String> only) {
    List<Store> listed = only.isPresent() ? List.of(store(only.get()))
        : repo.storeNames().stream().map(repo::read).flatMap(Optional::stream).toList();
    long since = time.now().toEpochMilli() - RECENT_PUSHES.toMillis();
    List<PushSummary> pushes = new ArrayList<>();
    Set<String> inProgress = new HashSet<>();
    for (Store store : listed) {
      for (Version version : store.versions()) {
        boolean started = version.status() == VersionStatus.STARTED;
        if (!started && version.createdAtMs() < since) {
          continue;
        }
        String topic = TopicNames.versionTopic(store.name(), version.number());
        int completed = started ? completedPartitions(version, repo.replicaStatuses(topic))
            : version.status() == VersionStatus.ONLINE ? version.partitionCount() : 0;
        if (started) {
          inProgress.add(topic);
        }
        pushes.add(new PushSummary(store.name(), version.number(), version.status(),
            version.createdAtMs(), version.partitionCount(), completed,
            100.0 * completed / Math.max(1, version.partitionCount()),
            started ? progress.get(topic) : null));
      }
    }
    if (only.isEmpty()) {
      progress.retainOnly(inProgress);
    }
    pushes.sort((a, b) -> Long.compare(b.startedAtMs(), a.startedAtMs()));
    return pushes;
  }

  // ---- mutations ---------------------------------------------------------------------------

  Store create(JsonFields fields, Caller caller, boolean dryRun) {
    String name = fields.requiredText("name");
    checkName(name);
    return locked(name, () -> createLocked(name, fields, caller, dryRun));
  }

  private Store createLocked(String name, JsonFields fields, Caller caller, boolean dryRun) {
    Schema keySchema = AvroSchemas.parse("key schema of store " + name,
        fields.requiredText("keySchema"));
    Schema valueSchema = AvroSchemas.parse("value schema of store " + name,
        fields.requiredText("valueSchema"));
    Store store = applySettings(fields, new Store(name, keySchema.toString(),
        defaults.partitionCount(), defaults.replicationFactor(), CompressionStrategy.NO_OP, null,
        SchemaCompatibility.FULL, defaults.versionsToPreserve(), 0, 0, List.of(), Map.of(),
        time.now().toEpochMilli()));
    return mutate(AdminOperation.CREATE_STORE, name, caller, fields, dryRun,
        () -> {
          if (repo.read(name).isPresent()) {
            throw AdminHttpException.storeExists(name);
          }
          return Map.of();
        },
        () -> {
          if (store.hybrid() != null) {
            resources.createTopic(TopicNames.realTimeTopic(name), store.partitionCount());
          }
          repo.create(store, valueSchema.toString());
          return store;
        },
        StoreService::state);
  }

  Store update(String name, JsonFields fields, Caller caller, boolean dryRun) {
    checkName(name);
    return locked(name, () -> updateLocked(name, fields, caller, dryRun));
  }

  private Store updateLocked(String name, JsonFields fields, Caller caller, boolean dryRun) {
    Store before = store(name);
    Store preview = applySettings(fields, before);
    checkPartitionChange(before, preview);
    return mutate(AdminOperation.UPDATE_STORE, name, caller, fields, dryRun, () -> state(before),
        () -> {
          if (preview.hybrid() != null) {
            resources.createTopic(TopicNames.realTimeTopic(name), preview.partitionCount());
          }
          AtomicReference<Store> replaced = new AtomicReference<>();
          Store updated = repo.update(name, current -> {
            replaced.set(current);
            Store next = applySettings(fields, current);
            checkPartitionChange(current, next);
            return next;
          });
          if (updated.hybrid() == null && replaced.get().hybrid() != null) {
            resources.deleteTopic(TopicNames.realTimeTopic(name));
          }
          return updated;
        },
        StoreService::state);
  }

  /**
   * Deletes a store with every version (a push in progress included), its topics and Helix
   * resources. Of concurrent deletes exactly one succeeds; the others find no store (404).
   */
  void delete(String name, Caller caller, boolean dryRun) {
    checkName(name);
    locked(name, () -> {
      Store before = store(name);
      return mutate(AdminOperation.DELETE_STORE, name, caller, null, dryRun, () -> state(before),
          () -> {
            Store current = store(name);
            for (Version version : current.versions()) {
              dropVersionResources(name, version.number());
            }
            if (current.hybrid() != null) {
              resources.deleteTopic(TopicNames.realTimeTopic(name));
            }
            repo.delete(name);
            LOG.info("store {}: deleted with versions {}", name, current.versions().stream()
                .map(Version::number).toList());
            return current;
          }, deleted -> Map.of());
    });
  }

  /**
   * Registers a value schema. A schema identical to a registered one in its full JSON form returns
   * that id; any other difference, a doc or an alias alone included (aliases change how Avro
   * resolves fields), is a new schema id once it passes the compatibility check ({@link
   * ValueSchemaCheck}) and the admin-mutation hooks.
   *
   * @throws AdminHttpException 409 {@code INCOMPATIBLE_SCHEMA} naming the store and each violated
   *     schema id; 403 {@code VETOED} naming the plugin; 400 for an invalid schema; 404 no store
   */
  int addValueSchema(String name, String schemaJson, Caller caller) {
    checkName(name);
    return locked(name, () -> registerValueSchema(name, checkValueSchema(store(name), schemaJson),
        caller, false));
  }

  /**
   * What {@link #addValueSchema} would do now, without writing anything (seed project 35): it
   * runs the same registration in dry-run mode (the same {@link ValueSchemaCheck}, then the
   * admin-mutation hooks asked with {@code dryRun} set, as every dry run is) and reports the
   * per-schema verdicts, the pushes in flight, and the refusal the real call would answer. Only
   * reads ZooKeeper. Holds the store's lock, so it sees no half-done concurrent registration.
   *
   * @throws AdminHttpException 400 for an invalid schema, 404 when there is no store: what the
   *     request itself gets wrong is refused as for the real call
   */
  SchemaDryRun dryRunValueSchema(String name, String schemaJson, Caller caller) {
    checkName(name);
    return locked(name, () -> {
      Store store = store(name);
      ValueSchemaCheck check = checkValueSchema(store, schemaJson);
      SchemaDryRun.Refusal refusal = null;
      try {
        registerValueSchema(name, check, caller, true);
      } catch (AdminHttpException e) {
        refusal = new SchemaDryRun.Refusal(e.status(), e.type().name(), e.getMessage());
      }
      return new SchemaDryRun(name, refusal == null, refusal, store.schemaCompatibility(),
          check.identicalId().orElse(null), check.schemaId(), check.verdicts(),
          check.affectedPushes(store));
    });
  }

  /** Parses {@code schemaJson} (400 when invalid) and checks it against the store's schemas. */
  private ValueSchemaCheck checkValueSchema(Store store, String schemaJson) {
    Schema candidate = AvroSchemas.parse("value schema for store " + store.name(), schemaJson);
    return ValueSchemaCheck.of(store.name(), store.schemaCompatibility(),
        repo.valueSchemas(store.name()), candidate);
  }

  /** The registration itself; a dry run stops after the hooks (see {@link #mutate}). */
  private int registerValueSchema(String name, ValueSchemaCheck check, Caller caller,
      boolean dryRun) {
    if (check.identicalId().isPresent()) {
      return check.identicalId().get();
    }
    check.requireCompatible();
    Schema candidate = check.candidate();
    Map<String, Object> request = Map.of("schema", candidate.toString());
    Integer id = mutate(AdminOperation.ADD_VALUE_SCHEMA, name, caller, request, dryRun,
        () -> schemaState(check.registered()), () -> {
          ValueSchemaCheck attempt = check;
          while (true) {
            Optional<Integer> added = repo.addValueSchema(name, candidate.toString(),
                attempt.schemaId());
            if (added.isPresent()) {
              return added.get();
            }
            // another controller registered one meanwhile: check against what is there now
            attempt = ValueSchemaCheck.of(name, store(name).schemaCompatibility(),
                repo.valueSchemas(name), candidate);
            if (attempt.identicalId().isPresent()) {
              return attempt.identicalId().get();
            }
            attempt.requireCompatible();
          }
        }, added -> schemaState(repo.valueSchemas(name)));
    return id == null ? -1 : id;
  }

  /**
   * Starts a push: the next version, its topic and Helix resource.
   *
   * @param fields {@code recordCount} (the records the push will write, optional), {@code
   *     allowEmpty} and {@code force} (JSON booleans, default false)
   * @throws AdminHttpException 409 {@code PUSH_IN_PROGRESS}; 409 {@code EMPTY_PUSH} when
   *     {@code recordCount} is 0 without {@code allowEmpty}; 409 {@code PUSH_WOULD_SHRINK_STORE}
   *     when it is more than {@code push.max.shrink.fraction} below the current version's count
   *     without {@code force}
   */
  Version startPush(String name, JsonFields fields, Caller caller, boolean dryRun) {
    checkName(name);
    Long recordCount = fields.longValue("recordCount", 0, Long.MAX_VALUE).orElse(null);
    boolean allowEmpty = fields.bool("allowEmpty").orElse(false);
    boolean force = fields.bool("force").orElse(false);
    return locked(name, () -> {
      Store before = store(name);
      checkNoPushInProgress(before);
      checkRecordCount(before, recordCount, allowEmpty, force);
      return mutate(AdminOperation.CREATE_VERSION, name, caller, fields, dryRun,
          () -> state(before), () -> createVersion(name, recordCount),
          version -> state(store(name)));
    });
  }

  private Version createVersion(String name, Long recordCount) {
    Store updated = repo.update(name, current -> {
      checkNoPushInProgress(current);
      return current.withVersion(new Version(current.largestUsedVersion() + 1,
          VersionStatus.STARTED, time.now().toEpochMilli(), current.partitionCount(),
          current.replicationFactor(), current.compressionStrategy(), "", recordCount));
    });
    Version version = updated.versions().get(updated.versions().size() - 1);
    String topic = TopicNames.versionTopic(name, version.number());
    try {
      repo.createVersionState(topic); // before Helix assigns replicas that report and lead
      resources.createVersion(topic, version.partitionCount(), version.replicationFactor());
    } catch (AdminHttpException e) {
      finish(name, version.number(), VersionStatus.ERROR, "creating " + topic + " failed: "
          + e.getMessage(), CONTROLLER, false);
      throw e;
    }
    if (repo.read(name).flatMap(s -> s.version(version.number())).isEmpty()) {
      // another controller (a leader being replaced) deleted the store meanwhile
      resources.dropVersion(topic);
      throw AdminHttpException.storeNotFound(name);
    }
    LOG.info("store {}: push of version {} started ({} partitions, replication {}, {}"
        + " records declared)", name, version.number(), version.partitionCount(),
        version.replicationFactor(), recordCount == null ? "no" : recordCount);
    return version;
  }

  /**
   * The push rules that keep an accidental input from replacing a store's data: an empty push
   * needs {@code allowEmpty}; a push more than {@code maxShrinkFraction} smaller than the current
   * version (both counts declared by their pushes) needs {@code force}.
   */
  private void checkRecordCount(Store store, Long recordCount, boolean allowEmpty,
      boolean force) {
    if (recordCount == null) {
      return;
    }
    if (recordCount == 0 && !allowEmpty) {
      throw new AdminHttpException(AdminErrorType.EMPTY_PUSH, "push into store " + store.name()
          + " has no records; an empty version would replace the current one's data. Allow it"
          + " with allowEmpty (venice push --allow-empty)");
    }
    Long current = store.version(store.currentVersion()).map(Version::recordCount).orElse(null);
    if (force || current == null || current == 0 || recordCount == 0) {
      return;
    }
    double shrink = 1.0 - (double) recordCount / current;
    if (shrink > maxShrinkFraction) {
      throw new AdminHttpException(AdminErrorType.PUSH_WOULD_SHRINK_STORE,
          String.format(Locale.ROOT,
          "push into store %s has %d records, %s%% fewer than the %d of current version %d"
              + " (the limit is %s%%, push.max.shrink.fraction); push with force (venice push"
              + " --force) if this is intended", store.name(), recordCount, percent(shrink),
          current, store.currentVersion(), percent(maxShrinkFraction)));
    }
  }

  PushStatus killPush(String name, int number, Caller caller, boolean dryRun) {
    checkName(name);
    return locked(name, () -> {
      Version version = version(store(name), number);
      if (version.status() != VersionStatus.STARTED) {
        throw new AdminHttpException(AdminErrorType.PUSH_NOT_IN_PROGRESS,
            "store " + name + " version "
            + number + " is " + version.status() + ", not a push in progress");
      }
      finish(name, number, VersionStatus.KILLED, "killed by " + caller.principal(), caller,
          dryRun);
      return pushStatus(name, number);
    });
  }

  Store setCurrentVersion(String name, int number, Caller caller, boolean dryRun) {
    checkName(name);
    return locked(name, () -> {
      Store before = store(name);
      checkCanServe(before, number);
      return mutate(AdminOperation.SWAP_VERSION, name, caller, Map.of("version", number), dryRun,
          () -> state(before), () -> repo.update(name, current -> {
            checkCanServe(current, number);
            return current.withCurrentVersion(number);
          }), StoreService::state);
    });
  }

  /**
   * Records a replica's report, as servers do through ZooKeeper. Accepted only from a live Helix
   * instance of the cluster for a partition Helix has assigned to it.
   *
   * @throws AdminHttpException 400 for a malformed instance id or partition, 404 for an unknown
   *     store or version, 409 {@code INSTANCE_NOT_LIVE} or {@code PARTITION_NOT_ASSIGNED}
   */
  void reportReplica(String name, int number, int partition, String instance,
      ReplicaStatus status) {
    if (!INSTANCE_ID.matcher(instance).matches()) {
      throw AdminHttpException.badRequest("instance '" + JsonFields.abbreviate(instance)
          + "' is not an instance id host_port");
    }
    Version version = version(store(name), number);
    if (partition < 0 || partition >= version.partitionCount()) {
      throw AdminHttpException.badRequest("store " + name + " version " + number + " has partitions"
          + " 0 to " + (version.partitionCount() - 1) + "; got partition " + partition);
    }
    String topic = TopicNames.versionTopic(name, number);
    locked(name, () -> {
      checkReportable(name, number, topic, partition, instance);
      if (!repo.reportReplica(topic, partition, instance, status)) {
        throw new AdminHttpException(AdminErrorType.VERSION_NOT_FOUND, "store " + name + " version "
            + number + " was dropped");
      }
      return null;
    });
  }

  /**
   * Keeps a push job's progress report ({@link PushProgressReport}) for its version while the
   * push is in progress; not an admin mutation (no hooks, no audit), like a replica report.
   *
   * @throws AdminHttpException 400 for a bad field, 404 when the store or version does not exist,
   *     409 {@code PUSH_NOT_IN_PROGRESS} when the version's push has ended
   */
  void reportProgress(String name, int number, JsonFields report) {
    long total = report.longValue("totalRecords", 0, Long.MAX_VALUE).orElseThrow(
        () -> AdminHttpException.badRequest("field totalRecords is required"));
    long written = report.longValue("recordsWritten", 0, total).orElseThrow(
        () -> AdminHttpException.badRequest("field recordsWritten is required"));
    PushProgressReport received = new PushProgressReport(
        report.oneOf("phase", PUSH_PHASES).orElseThrow(
            () -> AdminHttpException.badRequest("field phase is required")),
        report.oneOf("state", ESTIMATE_STATES).orElseThrow(
            () -> AdminHttpException.badRequest("field state is required")),
        written, total, report.number("recordsPerSecond", 0, Double.MAX_VALUE).orElse(0.0),
        report.number("etaSeconds", 0, Double.MAX_VALUE).orElse(null),
        report.number("etaLowSeconds", 0, Double.MAX_VALUE).orElse(null),
        report.number("etaHighSeconds", 0, Double.MAX_VALUE).orElse(null), null);
    Version version = version(store(name), number);
    if (version.status() != VersionStatus.STARTED) {
      throw new AdminHttpException(AdminErrorType.PUSH_NOT_IN_PROGRESS, "store " + name
          + " version " + number + " is " + version.status() + "; its push has ended");
    }
    progress.put(TopicNames.versionTopic(name, number), received);
  }

  /**
   * Keeps a {@code ZSTD_WITH_DICT} version's compression dictionary, which its push trained and
   * sends before start-of-push; servers and routers read it from ZooKeeper with the version. Not an
   * admin mutation (no hooks, no audit): part of the push, like its progress. Sending the same
   * bytes again is fine (a retried call).
   *
   * @throws AdminHttpException 400 when the dictionary is empty, over {@link
   *     CompressionDictionary#MAX_BYTES} or not base64, or the version is not compressed with
   *     {@code ZSTD_WITH_DICT}; 404 for no such store or version; 409 {@code
   *     PUSH_NOT_IN_PROGRESS} once the push has ended, {@code DICTIONARY_EXISTS} for other bytes
   */
  void putDictionary(String name, int number, String base64) {
    byte[] dictionary;
    try {
      dictionary = Base64.getDecoder().decode(base64);
    } catch (IllegalArgumentException e) {
      throw AdminHttpException.badRequest("field dictionary: expected base64, got "
          + JsonFields.abbreviate(base64));
    }
    if (dictionary.length == 0 || dictionary.length > CompressionDictionary.MAX_BYTES) {
      throw AdminHttpException.badRequest("store " + name + " version " + number + ": a"
          + " compression dictionary holds 1 to " + CompressionDictionary.MAX_BYTES
          + " bytes; got " + dictionary.length);
    }
    locked(name, () -> {
      Version version = version(store(name), number);
      if (version.compressionStrategy() != CompressionStrategy.ZSTD_WITH_DICT) {
        throw AdminHttpException.badRequest("store " + name + " version " + number + " is"
            + " compressed with " + version.compressionStrategy() + ", which takes no dictionary");
      }
      if (version.status() != VersionStatus.STARTED) {
        throw new AdminHttpException(AdminErrorType.PUSH_NOT_IN_PROGRESS, "store " + name
            + " version " + number + " is " + version.status() + "; its dictionary is fixed");
      }
      if (!repo.putDictionary(name, number, dictionary)
          && !Arrays.equals(dictionary, repo.dictionary(name, number).orElse(null))) {
        throw new AdminHttpException(AdminErrorType.DICTIONARY_EXISTS, "store " + name
            + " version " + number + " has another compression dictionary already");
      }
      return null;
    });
  }

  /**
   * A version's compression dictionary.
   *
   * @throws AdminHttpException 404 when the store or version does not exist or has none
   */
  byte[] dictionary(String name, int number) {
    Version version = version(store(name), number);
    return repo.dictionary(name, number).orElseThrow(() -> new AdminHttpException(
        AdminErrorType.NOT_FOUND, "store " + name + " version " + number + " has no compression"
            + " dictionary (compression " + version.compressionStrategy() + ")"));
  }

  private void checkReportable(String name, int number, String topic, int partition,
      String instance) {
    version(store(name), number); // still there, under the store's lock
    if (!resources.isLive(instance)) {
      throw new AdminHttpException(AdminErrorType.INSTANCE_NOT_LIVE, "instance " + instance
          + " is not a live storage instance of cluster " + cluster + "; only a server holding"
          + " the replica may report it");
    }
    if (resources.replicaState(instance, topic, partition).isEmpty()) {
      throw new AdminHttpException(AdminErrorType.PARTITION_NOT_ASSIGNED, "instance " + instance
          + " does not hold partition " + partition + " of " + topic);
    }
  }

  /**
   * Rebalances one store version's Helix resource (admin operation {@code REBALANCE}) under the
   * store's lock: the before-hooks may veto it (403, naming the plugin), a dry run stops there,
   * then {@code apply} runs and the after-hooks, the audit log among them, record it with {@code
   * caller} as the principal and {@code {"version", "scope"}} as the request. A replica rebalance
   * ({@link RebalanceScope#REPLICAS}) is refused while the store has a push in progress: moving
   * replicas then would restart the ingestion of the version being pushed (seed project 37).
   *
   * @param apply the rebalance itself; returns whether it started (false: the resource is gone)
   * @return what {@code apply} returned; false for a dry run
   * @throws AdminHttpException 404 when the store or the version does not exist, 409 {@code
   *     PUSH_IN_PROGRESS} for a replica rebalance during a push, 403 when a plugin vetoes
   */
  boolean rebalance(String name, int version, RebalanceScope scope, Caller caller,
      boolean dryRun, Supplier<Boolean> apply) {
    checkName(name);
    return locked(name, () -> {
      Store before = store(name);
      version(before, version);
      if (scope == RebalanceScope.REPLICAS) {
        before.pushInProgress().ifPresent(v -> {
          throw new AdminHttpException(AdminErrorType.PUSH_IN_PROGRESS, "store " + name
              + ": no replica rebalance of version " + version + " while version " + v.number()
              + " is being pushed");
        });
      }
      Boolean started = mutate(AdminOperation.REBALANCE, name, caller,
          Map.of("version", version, "scope", scope.name()), dryRun, () -> state(before), apply,
          done -> Map.of("version", version, "scope", scope.name(), "started", done));
      return Boolean.TRUE.equals(started);
    });
  }

  /**
   * Sets configuration entries of a store's Kafka topics in one batch (admin operation {@code
   * UPDATE_TOPIC_CONFIG}, request {@code {"topics": {topic: {name: value}}}}), through the same
   * hooks as every mutation. Each topic must be the store's: {@code <store>_v<N>} of one of its
   * versions, {@code <store>_rt} or {@code <store>_dlq}.
   *
   * @throws AdminHttpException 400 for an empty batch, more than {@value #MAX_TOPICS_PER_BATCH}
   *     topics, a topic that is not the store's or a malformed config name; 404 (no store, a
   *     version topic of a version it does not have, the real-time topic of a store that is not
   *     hybrid, or a topic Kafka does not have); 403 vetoed; 503 when Kafka refuses or does not
   *     answer (its reason in the message)
   */
  void updateTopicConfigs(String name, Map<String, Map<String, String>> configsByTopic,
      Caller caller, boolean dryRun) {
    checkName(name);
    locked(name, () -> {
      Store before = store(name);
      checkTopicConfigs(before, configsByTopic);
      Map<String, Object> requested = Map.of("topics", configsByTopic);
      return mutate(AdminOperation.UPDATE_TOPIC_CONFIG, name, caller, requested, dryRun,
          () -> state(before), () -> {
            resources.alterTopicConfigs(configsByTopic);
            LOG.info("store {}: topic configs set by {}: {}", name, caller.principal(),
                configsByTopic);
            return requested;
          }, done -> done);
    });
  }

  private static void checkTopicConfigs(Store store,
      Map<String, Map<String, String>> configsByTopic) {
    String name = store.name();
    if (configsByTopic.isEmpty() || configsByTopic.size() > MAX_TOPICS_PER_BATCH) {
      throw AdminHttpException.badRequest("store " + name + ": a topic-config batch names 1 to "
          + MAX_TOPICS_PER_BATCH + " topics, got " + configsByTopic.size());
    }
    configsByTopic.forEach((topic, configs) -> {
      if (topic.equals(TopicNames.realTimeTopic(name)) && store.hybrid() == null) {
        throw new AdminHttpException(AdminErrorType.TOPIC_NOT_FOUND, "store " + name + " is not"
            + " hybrid: it has no real-time topic " + topic);
      }
      if (!topic.equals(TopicNames.realTimeTopic(name)) && !topic.equals(name + DLQ_SUFFIX)) {
        int version;
        try {
          version = TopicNames.storeOf(topic).equals(name) ? TopicNames.versionOf(topic) : -1;
        } catch (IllegalArgumentException notAVersionTopic) {
          version = -1;
        }
        if (version < 0) {
          throw AdminHttpException.badRequest("store " + name + ": topic '"
              + JsonFields.abbreviate(topic) + "' is not one of its topics (" + name + "_v<N>, "
              + TopicNames.realTimeTopic(name) + ", " + name + DLQ_SUFFIX + ")");
        }
        version(store, version); // 404 for a version it does not have
      }
      if (configs.isEmpty() || !configs.keySet().stream()
          .allMatch(key -> KAFKA_CONFIG_NAME.matcher(key).matches())) {
        throw AdminHttpException.badRequest("store " + name + ": topic " + topic + ": expected"
            + " Kafka topic config names such as retention.ms, got " + configs.keySet());
      }
    });
  }

  // ---- the leader's push monitor -----------------------------------------------------------

  /** Moves every push in progress on: online when all partitions are ready, else error. */
  void checkPushes() {
    for (String name : repo.storeNames()) {
      try {
        checkPush(name);
      } catch (RuntimeException e) {
        LOG.warn("store {}: checking its push failed; will retry", name, e);
      }
    }
  }

  private void checkPush(String name) {
    locked(name, () -> {
      checkPushLocked(name);
      return null;
    });
  }

  private void checkPushLocked(String name) {
    Optional<Version> inProgress = repo.read(name).flatMap(Store::pushInProgress);
    if (inProgress.isEmpty()) {
      return;
    }
    Version version = inProgress.get();
    Map<Integer, Map<String, ReplicaStatus>> reports =
        repo.replicaStatuses(TopicNames.versionTopic(name, version.number()));
    Optional<String> failure = failedReplica(version, reports);
    String waiting = waitingFor(version, reports);
    if (failure.isPresent()) {
      finish(name, version.number(), VersionStatus.ERROR, failure.get(), CONTROLLER, false);
    } else if (waiting.isEmpty()) {
      finish(name, version.number(), VersionStatus.ONLINE, "", CONTROLLER, false);
    } else if (time.now().toEpochMilli() - version.createdAtMs() > pushTimeout.toMillis()) {
      finish(name, version.number(), VersionStatus.ERROR, "push timed out after "
          + pushTimeout.toSeconds() + " s: " + waiting, CONTROLLER, false);
    }
  }

  /**
   * Ends a push: ONLINE swaps the current version and retires old versions; ERROR and KILLED drop
   * the version's resources so it can never serve.
   */
  private void finish(String name, int number, VersionStatus status, String detail,
      Caller caller, boolean dryRun) {
    Store before = store(name);
    AdminOperation operation = status == VersionStatus.ONLINE
        ? AdminOperation.SWAP_VERSION : AdminOperation.KILL_PUSH;
    mutate(operation, name, caller, Map.of("version", number, "status", status.name()), dryRun,
        () -> state(before), () -> {
          Store updated = repo.update(name, current -> {
            Version version = version(current, number);
            if (version.status() != VersionStatus.STARTED) {
              throw new AdminHttpException(AdminErrorType.PUSH_NOT_IN_PROGRESS, "store " + name
                  + " version " + number + " is already " + version.status());
            }
            Store next = current.withVersion(version.withStatus(status, detail));
            return status == VersionStatus.ONLINE && number > next.currentVersion()
                ? next.withCurrentVersion(number) : next;
          });
          if (status == VersionStatus.ONLINE) {
            LOG.info("store {}: version {} is online and current", name, number);
            retireOldVersions(name);
          } else {
            LOG.warn("store {}: version {} {}: {}", name, number, status, detail);
            dropVersionResources(name, number);
          }
          return updated;
        }, StoreService::state);
  }

  /** Keeps the newest {@code numVersionsToPreserve} online versions, the current one always. */
  private void retireOldVersions(String name) {
    Store store = store(name);
    List<Version> keep = new ArrayList<>();
    for (int i = store.versions().size() - 1; i >= 0; i--) {
      Version v = store.versions().get(i);
      if (v.status() == VersionStatus.STARTED || v.number() == store.currentVersion()
          || (v.status() == VersionStatus.ONLINE && onlineKept(keep) < store.numVersionsToPreserve())
          || (v.number() > store.currentVersion())) {
        keep.add(v);
      }
    }
    for (Version v : store.versions()) {
      if (!keep.contains(v)) {
        Store before = store(name);
        mutate(AdminOperation.DELETE_VERSION, name, CONTROLLER, Map.of("version", v.number()),
            false, () -> state(before), () -> {
              Store updated = repo.update(name, current -> {
                if (current.currentVersion() == v.number()) {
                  throw new AdminHttpException(AdminErrorType.VERSION_IS_CURRENT, "store " + name
                      + " version " + v.number() + " became current again; not retired");
                }
                return current.withoutVersion(v.number());
              });
              dropVersionResources(name, v.number());
              return updated;
            }, StoreService::state);
        LOG.info("store {}: retired version {}", name, v.number());
      }
    }
  }

  private static long onlineKept(List<Version> keep) {
    return keep.stream().filter(v -> v.status() == VersionStatus.ONLINE).count();
  }

  private void dropVersionResources(String name, int number) {
    String topic = TopicNames.versionTopic(name, number);
    resources.dropVersion(topic);
    repo.deleteVersionState(topic);
  }

  // ---- hooks -------------------------------------------------------------------------------

  /**
   * Runs one mutation: before-hooks (a veto is a 403), nothing more for a dry run, then {@code
   * apply} and the after-hooks with the outcome, success or failure.
   */
  private <T> T mutate(AdminOperation operation, String store, Caller caller, Object requested,
      boolean dryRun, Supplier<Map<String, Object>> before, Supplier<T> apply,
      Function<T, Map<String, Object>> after) {
    Map<String, Object> beforeState = before.get();
    AdminMutation mutation = new AdminMutation(operation, cluster, store, caller, time.now(),
        beforeState, requestedState(requested), dryRun);
    AdminMutationHooks hookSet = hooks.get().forStore(store);
    // The controller's own transitions (online, failure, retirement) are reported, not offered
    // for a veto: a vetoed transition would leave a push in progress forever.
    AdminMutationHooks.Before verdict = caller == CONTROLLER ? AdminMutationHooks.Before.PROCEED
        : hookSet.before(mutation);
    if (verdict.vetoed()) {
      AdminHttpException vetoed = new AdminHttpException(AdminErrorType.VETOED,
          operation + " of store "
          + store + " vetoed by plugin " + verdict.vetoReason());
      if (!dryRun) {
        hookSet.after(mutation, new AdminOutcome(false, vetoed.getMessage(), beforeState));
      }
      throw vetoed;
    }
    if (!verdict.warnings().isEmpty()) {
      LOG.warn("{}{} of store {} by {}: {}", dryRun ? "dry run of " : "", operation, store,
          caller.principal(), verdict.warnings());
      AdminWarnings.add(verdict.warnings());
    }
    if (dryRun) {
      return null;
    }
    T result;
    try {
      result = apply.get();
    } catch (RuntimeException e) {
      hookSet.after(mutation, new AdminOutcome(false, String.valueOf(e.getMessage()),
          currentState(store, beforeState)));
      throw e;
    }
    hookSet.after(mutation, new AdminOutcome(true, null, after.apply(result)));
    return result;
  }

  private Map<String, Object> currentState(String store, Map<String, Object> fallback) {
    try {
      return repo.read(store).map(StoreService::state).orElse(Map.of());
    } catch (RuntimeException e) {
      return fallback;
    }
  }

  private static Map<String, Object> requestedState(Object requested) {
    if (requested == null) {
      return Map.of();
    }
    Object source = requested instanceof JsonFields fields ? fields.body() : requested;
    return MetadataRepository.JSON.convertValue(source, new TypeReference<Map<String, Object>>() {});
  }

  static Map<String, Object> state(Store store) {
    return MetadataRepository.JSON.convertValue(store, new TypeReference<Map<String, Object>>() {});
  }

  private static Map<String, Object> schemaState(List<ValueSchema> schemas) {
    return Map.of("valueSchemaIds", schemas.stream().map(ValueSchema::id).toList());
  }

  // ---- validation --------------------------------------------------------------------------

  static void checkName(String name) {
    if (!STORE_NAME.matcher(name).matches()) {
      throw AdminHttpException.badRequest("store name '" + JsonFields.abbreviate(name)
          + "' is invalid: use 1 to 128 letters, digits, '_' or '-', starting with a letter or"
          + " digit");
    }
  }

  private Store applySettings(JsonFields f, Store s) {
    int partitions = f.integer("partitionCount", 1, MAX_PARTITIONS).orElse(s.partitionCount());
    int replication = f.integer("replicationFactor", 1, MAX_REPLICATION)
        .orElse(s.replicationFactor());
    CompressionStrategy compression = f.enumeration("compressionStrategy",
        CompressionStrategy.class).orElse(s.compressionStrategy());
    SchemaCompatibility compatibility = f.enumeration("schemaCompatibility",
        SchemaCompatibility.class).orElse(s.schemaCompatibility());
    int preserve = f.integer("numVersionsToPreserve", 1, 100).orElse(s.numVersionsToPreserve());
    HybridConfig hybrid = s.hybrid();
    if (f.isNull("hybrid")) {
      hybrid = null;
    } else if (f.has("hybrid")) {
      JsonFields h = f.nested("hybrid", HYBRID_FIELDS);
      HybridConfig base = s.hybrid() != null ? s.hybrid() : new HybridConfig(86_400L, 1000L);
      hybrid = new HybridConfig(
          h.longValue("rewindSeconds", 0, Long.MAX_VALUE).orElse(base.rewindSeconds()),
          h.longValue("offsetLagThreshold", 0, Long.MAX_VALUE).orElse(base.offsetLagThreshold()));
    }
    Map<String, String> settings = new TreeMap<>(s.pluginSettings());
    if (f.has("pluginSettings")) {
      JsonNode node = f.node("pluginSettings");
      if (!node.isObject()) {
        throw AdminHttpException.badRequest("field pluginSettings must be a JSON object of"
            + " plugins.<id>.<key> to value");
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (!PLUGIN_SETTING.matcher(e.getKey()).matches()) {
          throw AdminHttpException.badRequest("pluginSettings key '" + JsonFields.abbreviate(
              e.getKey()) + "' is invalid: expected plugins.<id>.<key>, e.g. plugins.hedging.delay");
        }
        if (e.getValue().isNull()) {
          settings.remove(e.getKey());
        } else if (e.getValue().isValueNode()) {
          settings.put(e.getKey(), e.getValue().asText());
        } else {
          throw AdminHttpException.badRequest("pluginSettings." + e.getKey()
              + ": expected a string, number or boolean, got " + e.getValue().getNodeType());
        }
      }
      checkPluginSettings(s.name(), settings, node);
    }
    return new Store(s.name(), s.keySchema(), partitions, replication, compression, hybrid,
        compatibility, preserve, s.currentVersion(), s.largestUsedVersion(), s.versions(),
        settings, s.createdAtMs());
  }

  /**
   * Checks the settings of every plugin the update touches, as they would be stored (a plugin's
   * keys are checked together, for its rules across keys); settings of untouched plugins are left
   * alone.
   */
  private void checkPluginSettings(String store, Map<String, String> settings, JsonNode changed) {
    Set<String> touched = new TreeSet<>();
    changed.fieldNames().forEachRemaining(key -> touched.add(pluginId(key)));
    Map<String, String> affected = new TreeMap<>();
    settings.forEach((key, value) -> {
      if (touched.contains(pluginId(key))) {
        affected.put(key, value);
      }
    });
    try {
      pluginSettingsCheck.check(store, affected);
    } catch (ConfigException e) {
      throw new AdminHttpException(AdminErrorType.BAD_PLUGIN_SETTING, e.getMessage());
    }
  }

  /** The {@code <id>} of {@code plugins.<id>.<key>} (keys were checked against the pattern). */
  private static String pluginId(String key) {
    int start = "plugins.".length();
    return key.substring(start, key.indexOf('.', start));
  }

  private static void checkPartitionChange(Store before, Store after) {
    if (before.hybrid() != null && after.hybrid() != null
        && before.partitionCount() != after.partitionCount()) {
      throw new AdminHttpException(AdminErrorType.HYBRID_PARTITIONS_FIXED, "store " + before.name()
          + " is hybrid: its partition count (" + before.partitionCount() + ") is fixed by its"
          + " real-time topic");
    }
  }

  private static void checkNoPushInProgress(Store store) {
    store.pushInProgress().ifPresent(v -> {
      throw new AdminHttpException(AdminErrorType.PUSH_IN_PROGRESS,
          "store " + store.name() + " already has"
          + " a push in progress: version " + v.number());
    });
  }

  private static void checkCanServe(Store store, int number) {
    Version version = version(store, number);
    if (version.status() != VersionStatus.ONLINE) {
      throw new AdminHttpException(AdminErrorType.VERSION_NOT_ONLINE,
          "store " + store.name() + " version "
          + number + " is " + version.status() + "; only an ONLINE version can be current");
    }
  }

  private static Version version(Store store, int number) {
    return store.version(number).orElseThrow(() -> new AdminHttpException(
        AdminErrorType.VERSION_NOT_FOUND, "store " + store.name() + " has no version " + number + " (versions: "
            + store.versions().stream().map(Version::number).toList() + ")"));
  }

  /** A fraction as a percentage with up to one decimal: 0.5 is 50, 0.504 is 50.4. */
  private static String percent(double fraction) {
    return new BigDecimal(fraction * 100).setScale(1, RoundingMode.HALF_UP).stripTrailingZeros()
        .toPlainString();
  }

  private static Optional<String> failedReplica(Version version,
      Map<Integer, Map<String, ReplicaStatus>> reports) {
    for (int p = 0; p < version.partitionCount(); p++) {
      for (Map.Entry<String, ReplicaStatus> r : reports.getOrDefault(p, Map.of()).entrySet()) {
        if (r.getValue() == ReplicaStatus.ERROR) {
          return Optional.of("replica " + r.getKey() + " of partition " + p
              + " reported ERROR");
        }
      }
    }
    return Optional.empty();
  }

  private static int completedPartitions(Version version,
      Map<Integer, Map<String, ReplicaStatus>> reports) {
    int completed = 0;
    for (int p = 0; p < version.partitionCount(); p++) {
      if (ready(reports, p) >= version.replicationFactor()) {
        completed++;
      }
    }
    return completed;
  }

  private static String waitingFor(Version version,
      Map<Integer, Map<String, ReplicaStatus>> reports) {
    List<String> missing = new ArrayList<>();
    for (int p = 0; p < version.partitionCount(); p++) {
      long ready = ready(reports, p);
      if (ready < version.replicationFactor()) {
        missing.add("partition " + p + " has " + ready + " of " + version.replicationFactor()
            + " replicas ready");
      }
    }
    return missing.isEmpty() ? "" : String.join(", ", missing);
  }

  private static long ready(Map<Integer, Map<String, ReplicaStatus>> reports, int partition) {
    return reports.getOrDefault(partition, Map.of()).values().stream()
        .filter(s -> s == ReplicaStatus.COMPLETED).count();
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> all = new HashSet<>(a);
    all.addAll(b);
    return Set.copyOf(all);
  }
}
