package dev.venice.plugins.aclauthorizer;

import dev.venice.spi.config.ConfigException;
import dev.venice.spi.config.ConfigKey;
import dev.venice.spi.config.PluginConfig;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The plugin's settings under {@code plugins.acl-authorizer.*}, all process-wide (authorization
 * applies to every store).
 *
 * @param superUsers principal names allowed everything, whatever the ACLs say
 * @param superGroups groups whose members are allowed everything
 * @param refreshInterval how often the ACL node is re-read besides on its watch's events
 */
record AclAuthorizerConfig(Set<String> superUsers, Set<String> superGroups,
    Duration refreshInterval) {
  static final ConfigKey<String> SUPER_USERS = ConfigKey.string("super-users", null,
      "comma-separated principal names allowed every operation whatever the ACLs say (the"
          + " controllers' and operators' certificate names)").processOnly();
  static final ConfigKey<String> SUPER_GROUPS = ConfigKey.string("super-groups", null,
      "comma-separated groups whose members are allowed every operation").processOnly();
  static final ConfigKey<Duration> REFRESH_INTERVAL = ConfigKey.duration("refresh-interval",
      Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofHours(1),
      "how often the ACL node is re-read, a backstop for its ZooKeeper watch").processOnly();
  static final List<ConfigKey<?>> KEYS = List.of(SUPER_USERS, SUPER_GROUPS, REFRESH_INTERVAL);

  /** Copies the sets. */
  AclAuthorizerConfig {
    superUsers = Set.copyOf(superUsers);
    superGroups = Set.copyOf(superGroups);
  }

  /**
   * Checks the name lists.
   *
   * @throws ConfigException naming {@code super-users} or {@code super-groups} for an empty item
   *     ({@code a,,b}), a name over 256 characters or with a control character, or {@code
   *     anonymous} as a super user
   */
  static void validate(PluginConfig config) {
    from(config);
  }

  /**
   * The settings of {@code config}.
   *
   * @throws ConfigException as {@link #validate}
   */
  static AclAuthorizerConfig from(PluginConfig config) {
    Set<String> users = names(config, SUPER_USERS);
    if (users.contains("anonymous")) {
      throw new ConfigException(key(config, SUPER_USERS), key(config, SUPER_USERS)
          + " names anonymous, the principal of every caller without a credential: remove it"
          + " (grant user:anonymous what unauthenticated callers may do instead)");
    }
    return new AclAuthorizerConfig(users, names(config, SUPER_GROUPS),
        config.get(REFRESH_INTERVAL));
  }

  private static Set<String> names(PluginConfig config, ConfigKey<String> key) {
    String raw = config.get(key);
    Set<String> names = new LinkedHashSet<>();
    if (raw == null || raw.isBlank()) {
      return names;
    }
    for (String item : raw.split(",", -1)) {
      String name = item.strip();
      if (name.isEmpty()) {
        throw new ConfigException(key(config, key), key(config, key) + "='" + raw + "' has an"
            + " empty name: give comma-separated names, e.g. admin,controller-1");
      }
      if (name.length() > AclEntry.MAX_NAME_LENGTH
          || name.chars().anyMatch(Character::isISOControl)) {
        throw new ConfigException(key(config, key), key(config, key) + ": name '" + name
            + "' is invalid: use 1 to " + AclEntry.MAX_NAME_LENGTH + " characters, no control"
            + " character");
      }
      names.add(name);
    }
    return names;
  }

  private static String key(PluginConfig config, ConfigKey<?> key) {
    return "plugins." + config.pluginId() + "." + key.name();
  }
}
