package dev.venice.cli.store;

import dev.venice.cli.CliException;
import dev.venice.cli.export.ParquetStoreWriter;
import dev.venice.runtime.client.DaVinciClient;
import dev.venice.runtime.client.DaVinciConfig;
import dev.venice.runtime.common.meta.Store;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code venice export-store} (seed project 17): loads the store's current version through a Da
 * Vinci client in a temporary directory, streams every key-value pair into a Parquet file ({@link
 * ParquetStoreWriter}: one row per record, columns {@code key} and {@code value}), and always
 * tears the client and its directory down, on success and on failure (deleting a partial file).
 * Memory holds one record and one Parquet row group at a time, whatever the store's size.
 */
@Command(name = "export-store",
    description = {"Export a store's current version to a Parquet file (columns key and value,"
        + " nested as the Avro schemas are), read locally through a Da Vinci client in a"
        + " temporary directory that is deleted afterwards. Reads only; needs the cluster's"
        + " ZooKeeper and Kafka, which the controller names."},
    mixinStandardHelpOptions = true,
    footer = {"", "Examples:",
        "  venice export-store --store users --out users.parquet",
        "  venice export-store --store users --out sample.parquet --limit 1000",
        "  duckdb -c \"SELECT key, value.name FROM 'users.parquet' LIMIT 5\""})
public final class ExportStoreCommand extends StoreCommand.Base {
  /** How often the progress line is redrawn, in records. */
  private static final int PROGRESS_EVERY = 1000;

  @Option(names = {"-s", "--store"}, required = true, description = {"The store to export.",
      "Example: --store users"})
  String store;

  @Option(names = "--out", required = true, paramLabel = "FILE",
      description = {"The Parquet file to write; must not exist yet.",
          "Example: --out users.parquet"})
  Path out;

  @Option(names = "--limit", paramLabel = "N",
      description = {"Export at most N records (a sample, in partition then key order).",
          "Example: --limit 1000"})
  Long limit;

  @Option(names = "--temp-dir", paramLabel = "DIR",
      description = {"Where the Da Vinci client keeps its temporary copy (default: the system's"
          + " temporary directory); needs room for the store's data.",
          "Example: --temp-dir /mnt/scratch"})
  Path tempDir;

  @Override
  public Integer call() {
    if (limit != null && limit <= 0) {
      throw new CliException("--limit must be positive; got " + limit);
    }
    if (Files.exists(out)) {
      throw new CliException("--out: " + out + " already exists (export-store never overwrites"
          + " a file)");
    }
    Path parent = out.toAbsolutePath().getParent();
    if (parent == null || !Files.isDirectory(parent)) {
      throw new CliException("--out: the folder of " + out + " does not exist");
    }
    Store metadata = existingStore(admin(), store);
    if (metadata.currentVersion() <= 0) {
      throw new CliException("store " + store + " has no current version: nothing to export"
          + " (push data first)");
    }
    PrintWriter err = spec.commandLine().getErr();
    boolean progress = !options.json;
    long started = System.nanoTime();
    Path copy = temporaryDirectory();
    long records;
    int version;
    boolean created = false;
    boolean exported = false;
    try (DaVinciClient<Object, Object> client = DaVinciClient.start(store,
        DaVinciConfig.forController(options.controllerUrl(), copy).build())) {
      load(client, err, progress);
      version = client.servingVersion();
      long total = Math.min(limit == null ? Long.MAX_VALUE : limit, client.estimatedKeyCount());
      try (ParquetStoreWriter writer = ParquetStoreWriter.open(out, client.keySchema(),
          client.valueSchema())) {
        created = true;
        records = client.scan((key, value) -> {
          try {
            writer.write(key, value);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
          if (progress && writer.rowsWritten() % PROGRESS_EVERY == 0) {
            draw(err, "writing", writer.rowsWritten(), total);
          }
        }, limit == null ? Long.MAX_VALUE : limit);
      }
      exported = true;
    } catch (FileAlreadyExistsException e) {
      throw new CliException("--out: " + out + " already exists (export-store never overwrites"
          + " a file)");
    } catch (IOException | UncheckedIOException e) {
      throw new CliException("writing " + out + " failed: " + e.getMessage());
    } finally {
      if (progress) {
        err.println();
        err.flush();
      }
      if (created && !exported) {
        deleteQuietly(out); // never a partial file
      }
      deleteTree(copy);
    }
    long bytes = size(out);
    double seconds = (System.nanoTime() - started) / 1e9;
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("store", store);
    answer.put("version", version);
    answer.put("out", out.toString());
    answer.put("records", records);
    answer.put("bytes", bytes);
    answer.put("seconds", Math.round(seconds * 10) / 10.0);
    print(answer, String.format("exported %,d records of store %s version %d to %s (%,d bytes)"
        + " in %.1f s", records, store, version, out, bytes, seconds));
    return 0;
  }

  /** Subscribes every partition and waits for the local copy, drawing how many are loaded. */
  private void load(DaVinciClient<Object, Object> client, PrintWriter err, boolean progress) {
    CompletableFuture<Void> loaded = client.subscribeAll();
    while (true) {
      try {
        loaded.get(200, TimeUnit.MILLISECONDS);
        return;
      } catch (TimeoutException stillLoading) {
        if (progress) {
          draw(err, "loading", client.estimatedKeyCount(), -1);
        }
      } catch (ExecutionException e) {
        throw new CliException("loading store " + store + " failed: "
            + e.getCause().getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CliException("interrupted while loading store " + store);
      }
    }
  }

  /** One progress line, redrawn in place: a bar when the total is known. */
  private static void draw(PrintWriter err, String phase, long done, long total) {
    int width = 30;
    int filled = total > 0 ? (int) Math.min(width, done * width / total) : 0;
    String bar = total > 0 ? "[" + "#".repeat(filled) + " ".repeat(width - filled) + "] " : "";
    err.print(String.format("\r%s%s %,d records%s   ", bar, phase, done,
        total > 0 ? String.format(" of about %,d", total) : ""));
    err.flush();
  }

  private Path temporaryDirectory() {
    try {
      return tempDir == null ? Files.createTempDirectory("venice-export-" + store + "-")
          : Files.createTempDirectory(tempDir, "venice-export-" + store + "-");
    } catch (IOException e) {
      throw new CliException("--temp-dir: cannot create a temporary directory"
          + (tempDir == null ? "" : " in " + tempDir) + ": " + e.getMessage());
    }
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      return -1;
    }
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException ignored) {
      // the failure being reported matters more
    }
  }

  /** Deletes the Da Vinci client's temporary copy. */
  private static void deleteTree(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(ExportStoreCommand::deleteQuietly);
    } catch (IOException ignored) {
      // already gone
    }
  }
}
