package dev.venice.cli.store;

import dev.venice.cli.CliException;
import dev.venice.cli.docs.SchemaDocs;
import dev.venice.runtime.common.controller.ControllerClient;
import dev.venice.runtime.common.controller.StoreSchemas;
import dev.venice.runtime.common.meta.Store;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code venice generate-schema-docs} (seed project 42): one Markdown page per store ({@link
 * SchemaDocs}) written to a folder, with an {@code index.md} linking them. Reads only.
 */
@Command(name = "generate-schema-docs",
    description = {"Write one Markdown page per store: its description (the value schema's doc),"
        + " settings, value schema versions with their registration times, and the latest"
        + " version's fields (name, type, default, doc; nested records expanded inline), plus an"
        + " index.md. Reads only."},
    mixinStandardHelpOptions = true,
    footer = {"", "Examples:",
        "  venice generate-schema-docs --out docs/schemas",
        "  venice generate-schema-docs --store users --out /tmp/schema-docs",
        "  venice generate-schema-docs --out docs/schemas --json"})
public final class GenerateSchemaDocsCommand extends StoreCommand.Base {
  @Option(names = {"-s", "--store"}, description = {"Only this store (default: every store).",
      "Example: --store users"})
  String store;

  @Option(names = "--out", required = true, paramLabel = "DIR",
      description = {"The folder to write the pages into (created if missing; pages of the same"
          + " stores are replaced).", "Example: --out docs/schemas"})
  Path out;

  @Override
  public Integer call() {
    ControllerClient admin = admin();
    List<String> stores = store != null ? List.of(store) : admin.listStores();
    List<Map<String, Object>> pages = new ArrayList<>();
    StringBuilder index = new StringBuilder("# Value schemas\n\n| store | versions | page |\n"
        + "| --- | --- | --- |\n");
    for (String name : stores) {
      Store metadata = existingStore(admin, name);
      StoreSchemas schemas = admin.schemas(name);
      Path page = write(name + ".md", SchemaDocs.page(metadata, schemas));
      index.append("| `").append(name).append("` | ").append(schemas.valueSchemas().size())
          .append(" | [").append(name).append(".md](").append(name).append(".md) |\n");
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("store", name);
      row.put("file", page.toString());
      row.put("valueSchemas", schemas.valueSchemas().size());
      pages.add(row);
    }
    Path indexFile = write("index.md", index.toString());
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("out", out.toString());
    answer.put("index", indexFile.toString());
    answer.put("pages", pages);
    print(answer, "wrote " + pages.size() + (pages.size() == 1 ? " page" : " pages") + " and "
        + indexFile + " to " + out);
    return 0;
  }

  private Path write(String file, String text) {
    Path target = out.resolve(file);
    try {
      Files.createDirectories(out);
      return Files.writeString(target, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new CliException("--out: cannot write " + target + ": " + e.getMessage());
    }
  }
}
