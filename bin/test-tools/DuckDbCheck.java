import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;

/**
 * Reads the Parquet file `venice export-store` wrote of the quickstart's demo-users with DuckDB
 * (a reader we did not write) and checks it against how the quickstart generates its records:
 * the row count, distinct keys, and every row's name, age and city. Run by check-distribution as
 * a single-file program: java -cp duckdb_jdbc.jar DuckDbCheck.java FILE ROWS. Exits 1 on a
 * mismatch, printing it.
 */
public final class DuckDbCheck {
  private static final String CITIES = "['Amsterdam', 'Bangalore', 'Dublin', 'Mountain View',"
      + " 'New York', 'Paris', 'Sunnyvale', 'Toronto']";

  public static void main(String[] args) throws Exception {
    String file = args[0];
    long expected = Long.parseLong(args[1]);
    try (Connection duck = DriverManager.getConnection("jdbc:duckdb:");
        PreparedStatement query = duck.prepareStatement("WITH rows AS (SELECT key, value,"
            + " CAST(substr(key, 6) AS INTEGER) AS i FROM read_parquet(?)) SELECT count(*),"
            + " count(DISTINCT key), count(*) FILTER (WHERE value.name <> 'User ' || i"
            + " OR value.age <> 18 + i % 60 OR value.city <> list_extract(" + CITIES
            + ", i % 8 + 1)) FROM rows")) {
      query.setString(1, file);
      try (ResultSet result = query.executeQuery()) {
        result.next();
        long rows = result.getLong(1);
        long keys = result.getLong(2);
        long wrong = result.getLong(3);
        System.out.println("DuckDB read " + file + ": " + rows + " rows, " + keys
            + " distinct keys, " + wrong + " rows unlike the pushed records");
        if (rows != expected || keys != expected || wrong != 0) {
          System.out.println("expected " + expected + " rows and keys, all like the pushed ones");
          System.exit(1);
        }
      }
    }
  }
}
