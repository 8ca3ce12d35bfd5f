package dev.venice.benchmarks;

import dev.venice.runtime.common.controller.SchemaDryRun.VersionVerdict;
import dev.venice.runtime.common.meta.SchemaCompatibility;
import dev.venice.runtime.common.schema.SchemaVerdicts;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * {@code venice check-schema-compatibility}'s work for one candidate (issue 22 item 1: "scales to
 * 100 registered versions in well under a second"): parse every registered value schema and
 * check the candidate against each in both directions ({@link SchemaVerdicts}, Avro's resolution
 * rules), as the command does after fetching them. Version {@code i} of the record has 20 base
 * fields plus one added field (with a default) per earlier version; the candidate adds one more,
 * with a default (compatible with all) or without (incompatible with all, so every violation is
 * worded). The controller round trip is not included.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class SchemaCompatibilityBenchmark {
  @Param({"100"})
  public int versions;

  @Param({"compatible", "incompatible"})
  public String candidate;

  private List<String> registered;
  private Schema candidateSchema;

  @Setup
  public void setUp() {
    registered = new ArrayList<>();
    for (int v = 1; v <= versions; v++) {
      registered.add(schema(v, true));
    }
    candidateSchema = new Schema.Parser().parse(schema(versions + 1,
        candidate.equals("compatible")));
  }

  /** Version {@code v}: 20 base fields and {@code v - 1} added ones, the last with a default. */
  private static String schema(int v, boolean lastHasDefault) {
    StringBuilder fields = new StringBuilder();
    for (int f = 0; f < 20; f++) {
      fields.append(f == 0 ? "" : ", ").append("{\"name\": \"base").append(f)
          .append("\", \"type\": \"string\"}");
    }
    for (int added = 1; added < v; added++) {
      fields.append(", {\"name\": \"added").append(added).append("\", \"type\": \"long\"")
          .append(added < v - 1 || lastHasDefault ? ", \"default\": 0" : "").append("}");
    }
    return "{\"type\": \"record\", \"name\": \"User\", \"namespace\": \"bench\", \"fields\": ["
        + fields + "]}";
  }

  @Benchmark
  public List<VersionVerdict> checkAgainstEveryVersion() {
    List<VersionVerdict> verdicts = new ArrayList<>(registered.size());
    for (int i = 0; i < registered.size(); i++) {
      verdicts.add(SchemaVerdicts.verdict(candidateSchema,
          new Schema.Parser().parse(registered.get(i)), i + 1, SchemaCompatibility.FULL));
    }
    return verdicts;
  }
}
