package dev.venice.cli.security;

import com.fasterxml.jackson.databind.JsonNode;
import dev.venice.cli.CliException;
import dev.venice.cli.ControllerPlugins;
import dev.venice.cli.GlobalOptions;
import dev.venice.cli.Output;
import dev.venice.runtime.common.controller.ControllerClient;
import dev.venice.runtime.common.controller.ControllerException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code venice acl grant|revoke|list}: the acl-authorizer plugin's ACLs through its endpoint on
 * the leader controller ({@link ControllerPlugins#leaderUrl}): {@code POST
 * /plugins/acl-authorizer/acls/grant} and {@code /acls/revoke} with {@code {"subject",
 * "resource", "access"}}, {@code GET /plugins/acl-authorizer/acls?store=&subject=}. Subjects are
 * given as {@code --user P} or {@code --group G}, resources as {@code --store S} or {@code
 * --cluster}. Exit status: 0 done (also when nothing changed), 1 refused (a bad value, naming its
 * flag; the plugin not running; the controller unreachable), 2 usage error.
 */
@Command(name = "acl", mixinStandardHelpOptions = true,
    description = "Grant, revoke and list access to stores and the cluster (the acl-authorizer"
        + " plugin: READ < WRITE < ADMIN, users and groups, enforced by every controller, server"
        + " and router when security is on; everything not granted is denied).",
    subcommands = {AclCommand.Grant.class, AclCommand.Revoke.class, AclCommand.ListAcls.class},
    footer = {"", "Examples:",
        "  venice acl grant --user alice --store users --access read",
        "  venice acl revoke --user alice --store users",
        "  venice acl list --store users"})
public final class AclCommand {
  private static final String PLUGIN = "acl-authorizer";
  private static final String ROOT = "/plugins/" + PLUGIN + "/";
  private static final Pattern STORE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,127}");

  private AclCommand() {}

  /** Exactly one of a user or a group. */
  static final class Subject {
    @Option(names = "--user", required = true, paramLabel = "PRINCIPAL",
        description = {"A principal by name: a certificate's CN, or a token's subject.",
            "Example: --user alice"})
    String user;

    @Option(names = "--group", required = true, paramLabel = "GROUP",
        description = {"A group: its members (a certificate's OUs) get the grant.",
            "Example: --group readers"})
    String group;

    /** {@code user:<name>} or {@code group:<name>}, the name checked. */
    String subject() {
      String flag = user != null ? "--user" : "--group";
      String name = user != null ? user : group;
      if (name.isBlank() || !name.strip().equals(name) || name.length() > 256
          || name.chars().anyMatch(Character::isISOControl)) {
        throw new CliException(flag + " '" + name + "' is not a name: use 1 to 256 characters,"
            + " no control character and no space at either end");
      }
      return (user != null ? "user:" : "group:") + name;
    }
  }

  /** Exactly one of a store or the cluster. */
  static final class Target {
    @Option(names = "--store", required = true, paramLabel = "STORE",
        description = {"The store the grant is on.", "Example: --store users"})
    String store;

    @Option(names = "--cluster", required = true,
        description = {"The grant is on the cluster: every store, and cluster operations such as"
            + " creating stores.", "Example: --cluster"})
    boolean cluster;

    /** {@code cluster} or {@code store:<name>}, the name checked. */
    String resource() {
      return store == null ? "cluster" : "store:" + checkedStore(store);
    }
  }

  private static String checkedStore(String store) {
    if (!STORE_NAME.matcher(store).matches()) {
      throw new CliException("--store '" + store + "' is not a store name: use 1 to 128"
          + " letters, digits, '_' or '-', starting with a letter or digit");
    }
    return store;
  }

  /** {@code store users} or {@code the cluster}, for messages. */
  private static String describe(String resource) {
    return resource.startsWith("store:") ? "store " + resource.substring("store:".length())
        : "the cluster";
  }

  /** What the subcommands share: the global options and the call to the leader's endpoint. */
  abstract static class Base implements Callable<Integer> {
    @Mixin GlobalOptions options;
    @Spec CommandSpec spec;

    /** The endpoint's answer to {@code POST <action>} with {@code body}. */
    JsonNode post(String action, Map<String, String> body) {
      String leader = ControllerPlugins.leaderUrl(options.controllerUrl());
      try {
        return new ControllerClient(leader).send("POST", ROOT + action, body);
      } catch (ControllerException e) {
        if (e.status() == 404) {
          throw new CliException("the " + PLUGIN + " plugin is not running on the controller at "
              + leader + " (POST " + ROOT + action + " answered 404); enable it with plugins."
              + PLUGIN + ".enabled=true on every controller, server and router");
        }
        if (e.status() == 400) {
          throw new CliException("the controller refused it: " + e.getMessage());
        }
        throw e;
      }
    }

    void print(JsonNode json, String text) {
      Output.print(spec.commandLine().getOut(), options, json, text);
    }
  }

  /** {@code venice acl grant}. */
  @Command(name = "grant", mixinStandardHelpOptions = true,
      description = "Grant a user or a group READ, WRITE or ADMIN on a store or on the cluster;"
          + " a grant to the same subject on the same resource replaces its level. Exit status:"
          + " 0 granted (or already so), 1 refused, 2 usage error.",
      footer = {"", "Examples:",
          "  venice acl grant --user alice --store users --access read",
          "  venice acl grant --group ops --cluster --access admin --json"})
  public static final class Grant extends Base {
    @ArgGroup(exclusive = true, multiplicity = "1")
    Subject subject;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Target target;

    @Option(names = "--access", required = true, paramLabel = "LEVEL",
        description = {"read, write or admin; each implies the ones before it.",
            "Example: --access write"})
    String access;

    @Override
    public Integer call() {
      String level = access.strip().toUpperCase(Locale.ROOT);
      if (!List.of("READ", "WRITE", "ADMIN").contains(level)) {
        throw new CliException("--access '" + access + "' is not allowed: expected read, write"
            + " or admin");
      }
      String who = subject.subject();
      String resource = target.resource();
      Map<String, String> body = new LinkedHashMap<>();
      body.put("subject", who);
      body.put("resource", resource);
      body.put("access", level);
      JsonNode answer = post("acls/grant", body);
      String previous = answer.path("previous").asText("");
      String text = !answer.path("changed").asBoolean(true)
          ? who + " already has " + level + " on " + describe(resource) + "; nothing changed"
          : "granted " + level + " on " + describe(resource) + " to " + who
              + (previous.isEmpty() ? "" : " (was " + previous + ")");
      print(answer, text + "; " + answer.path("entries").asInt() + " entries in all");
      return 0;
    }
  }

  /** {@code venice acl revoke}. */
  @Command(name = "revoke", mixinStandardHelpOptions = true,
      description = "Remove a user's or a group's grant on a store or on the cluster. Exit"
          + " status: 0 revoked (or there was none), 1 refused, 2 usage error.",
      footer = {"", "Examples:",
          "  venice acl revoke --user alice --store users",
          "  venice acl revoke --group ops --cluster --json"})
  public static final class Revoke extends Base {
    @ArgGroup(exclusive = true, multiplicity = "1")
    Subject subject;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Target target;

    @Override
    public Integer call() {
      String who = subject.subject();
      String resource = target.resource();
      Map<String, String> body = new LinkedHashMap<>();
      body.put("subject", who);
      body.put("resource", resource);
      JsonNode answer = post("acls/revoke", body);
      String text = answer.path("revoked").asBoolean()
          ? "revoked " + answer.path("entry").path("access").asText() + " on "
              + describe(resource) + " from " + who
          : who + " had no grant on " + describe(resource) + "; nothing changed";
      print(answer, text + "; " + answer.path("entries").asInt() + " entries in all");
      return 0;
    }
  }

  /** {@code venice acl list}. */
  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "List the grants, ordered by resource then subject: all, those on one store"
          + " (grants on the cluster apply to every store and are listed without --store), or"
          + " one user's or group's. Exit status: 0 listed, 1 refused, 2 usage error.",
      footer = {"", "Examples:",
          "  venice acl list",
          "  venice acl list --store users",
          "  venice acl list --group ops --json"})
  public static final class ListAcls extends Base {
    @Option(names = "--store", paramLabel = "STORE",
        description = {"Only the grants on this store.", "Example: --store users"})
    String store;

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    Subject subject;

    @Override
    public Integer call() {
      List<String> query = new ArrayList<>();
      if (store != null) {
        query.add("store=" + URLEncoder.encode(checkedStore(store), StandardCharsets.UTF_8));
      }
      if (subject != null) {
        query.add("subject=" + URLEncoder.encode(subject.subject(), StandardCharsets.UTF_8));
      }
      JsonNode answer = ControllerPlugins.get(ControllerPlugins.leaderUrl(
          options.controllerUrl()), PLUGIN, "acls" + (query.isEmpty() ? ""
          : "?" + String.join("&", query)));
      JsonNode entries = answer.path("entries");
      StringBuilder text = new StringBuilder();
      if (entries.isEmpty()) {
        text.append("(no grant").append(query.isEmpty() ? "" : " matches").append(')');
      } else {
        text.append(String.format(Locale.ROOT, "%-32s %-32s %s%n", "SUBJECT", "RESOURCE",
            "ACCESS"));
        for (JsonNode entry : entries) {
          text.append(String.format(Locale.ROOT, "%-32s %-32s %s%n",
              entry.path("subject").asText(), entry.path("resource").asText(),
              entry.path("access").asText()));
        }
        text.append(entries.size()).append(entries.size() == 1 ? " grant" : " grants");
      }
      print(answer, text.toString());
      return 0;
    }
  }
}
