package dev.venice.benchmarks.writeamp;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The committed write-amplification baseline ({@code benchmarks/baselines/write-amplification.json}):
 * the workload's parameters, the write amplification measured with the production options, the
 * allowed rise (0.10 = 10%) and, for the reader, the runs it came from and where. A run with other
 * workload parameters is refused rather than compared.
 *
 * @param workload the parameters of {@link Workload#parameters()}
 * @param writeAmplification the baseline figure (median of {@code runs})
 * @param maxIncrease the allowed relative rise before the check fails
 * @param runs every run's figure
 * @param measuredOn machine, JDK, RocksDB version and date, free text
 */
public record Baseline(Map<String, Object> workload, double writeAmplification,
    double maxIncrease, List<Double> runs, String measuredOn) {
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(SerializationFeature.INDENT_OUTPUT);

  /**
   * Reads a baseline file.
   *
   * @throws IOException when it is missing or lacks a field
   */
  public static Baseline read(Path file) throws IOException {
    Map<String, Object> m;
    try {
      m = JSON.readValue(file.toFile(), new TypeReference<LinkedHashMap<String, Object>>() {});
    } catch (IOException e) {
      throw new IOException("cannot read baseline " + file + ": " + e.getMessage(), e);
    }
    for (String field : List.of("workload", "writeAmplification", "maxIncrease")) {
      if (!m.containsKey(field)) {
        throw new IOException("baseline " + file + " lacks '" + field + "'");
      }
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> workload = (Map<String, Object>) m.get("workload");
    @SuppressWarnings("unchecked")
    List<Number> runs = (List<Number>) m.getOrDefault("runs", List.of());
    return new Baseline(workload, ((Number) m.get("writeAmplification")).doubleValue(),
        ((Number) m.get("maxIncrease")).doubleValue(),
        runs.stream().map(Number::doubleValue).toList(), String.valueOf(m.get("measuredOn")));
  }

  /** Writes this baseline as indented JSON. */
  public void write(Path file) throws IOException {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("benchmark", "write-amplification");
    m.put("definition", "(rocksdb.flush.write.bytes + rocksdb.compact.write.bytes) / user bytes"
        + " (key + schema id + value of every data record), production StorageOptions");
    m.put("workload", workload);
    m.put("writeAmplification", writeAmplification);
    m.put("maxIncrease", maxIncrease);
    m.put("runs", runs);
    m.put("measuredOn", measuredOn);
    if (file.getParent() != null) {
      Files.createDirectories(file.getParent());
    }
    Files.writeString(file, JSON.writeValueAsString(m) + "\n");
  }

  /**
   * Whether {@code w} is the workload this baseline was measured with (numbers compared by value,
   * so 47 and 47L are equal).
   */
  public boolean sameWorkload(Workload w) {
    Map<String, Object> mine = w.parameters();
    if (!mine.keySet().equals(workload.keySet())) {
      return false;
    }
    for (Map.Entry<String, Object> e : mine.entrySet()) {
      Object theirs = workload.get(e.getKey());
      boolean equal = e.getValue() instanceof Number a && theirs instanceof Number b
          ? a.doubleValue() == b.doubleValue()
          : String.valueOf(e.getValue()).equals(String.valueOf(theirs));
      if (!equal) {
        return false;
      }
    }
    return true;
  }
}
