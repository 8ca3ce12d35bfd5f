package dev.venice.plugins.aclauthorizer;

import dev.venice.spi.security.AccessLevel;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One grant: {@code subject} may do what {@code access} implies on {@code resource}.
 *
 * @param subject {@code user:<principal name>} or {@code group:<group>}
 * @param resource {@code cluster} or {@code store:<store name>}
 * @param access the level granted ({@link AccessLevel#implies} the lower ones)
 */
record AclEntry(String subject, String resource, AccessLevel access) {
  /** The subject prefix of a principal, matched against {@code Principal.name()}. */
  static final String USER = "user:";
  /** The subject prefix of a group, matched against each of {@code Principal.groups()}. */
  static final String GROUP = "group:";
  /** The resource naming the whole cluster. */
  static final String CLUSTER = "cluster";
  /** The resource prefix of a store. */
  static final String STORE = "store:";
  /** Store names as the controller accepts them. */
  static final Pattern STORE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,127}");
  /** The longest principal or group name accepted. */
  static final int MAX_NAME_LENGTH = 256;

  /** Checks the fields (see {@link #parse}). */
  AclEntry {
    subject(subject);
    resource(resource);
    Objects.requireNonNull(access, "access");
  }

  /**
   * An entry from its three texts as a person writes them.
   *
   * @param access {@code read}, {@code write} or {@code admin}, any case
   * @throws InvalidAclException naming the field ({@code subject}, {@code resource}, {@code
   *     access}) that is missing or malformed
   */
  static AclEntry parse(String subject, String resource, String access) {
    return new AclEntry(subject(subject), resource(resource), access(access));
  }

  /**
   * Checks a subject: {@code user:} or {@code group:} followed by 1 to 256 characters with no
   * control character and no space at either end.
   *
   * @return {@code subject}
   * @throws InvalidAclException naming {@code subject}
   */
  static String subject(String subject) {
    if (subject == null) {
      throw new InvalidAclException("subject", "subject is missing: use user:<principal> or"
          + " group:<group>");
    }
    String name = subject.startsWith(USER) ? subject.substring(USER.length())
        : subject.startsWith(GROUP) ? subject.substring(GROUP.length()) : null;
    if (name == null) {
      throw new InvalidAclException("subject", "subject '" + abbreviate(subject) + "' has an"
          + " unknown prefix: use user:<principal> or group:<group>");
    }
    if (name.isEmpty() || name.length() > MAX_NAME_LENGTH || !name.strip().equals(name)
        || name.chars().anyMatch(Character::isISOControl)) {
      throw new InvalidAclException("subject", "subject '" + abbreviate(subject) + "' has an"
          + " invalid name: use 1 to " + MAX_NAME_LENGTH + " characters, no control character"
          + " and no space at either end");
    }
    return subject;
  }

  /**
   * Checks a resource: {@code cluster} or {@code store:<name>} with a store name the controller
   * accepts.
   *
   * @return {@code resource}
   * @throws InvalidAclException naming {@code resource}
   */
  static String resource(String resource) {
    if (resource == null) {
      throw new InvalidAclException("resource", "resource is missing: use cluster or"
          + " store:<name>");
    }
    if (resource.equals(CLUSTER)) {
      return resource;
    }
    if (!resource.startsWith(STORE)) {
      throw new InvalidAclException("resource", "resource '" + abbreviate(resource) + "' is"
          + " unknown: use cluster or store:<name>");
    }
    String store = resource.substring(STORE.length());
    if (!STORE_NAME.matcher(store).matches()) {
      throw new InvalidAclException("resource", "resource '" + abbreviate(resource) + "' names"
          + " an invalid store: use 1 to 128 letters, digits, '_' or '-', starting with a letter"
          + " or digit");
    }
    return resource;
  }

  /**
   * Parses an access level, any case.
   *
   * @throws InvalidAclException naming {@code access} when missing or not read, write or admin
   */
  static AccessLevel access(String access) {
    if (access == null) {
      throw new InvalidAclException("access", "access is missing: use read, write or admin");
    }
    for (AccessLevel level : AccessLevel.values()) {
      if (level.name().equals(access.strip().toUpperCase(Locale.ROOT))) {
        return level;
      }
    }
    throw new InvalidAclException("access", "access '" + abbreviate(access) + "' is unknown:"
        + " use read, write or admin");
  }

  /** The resource of a store: {@code store:<name>}. */
  static String storeResource(String store) {
    return STORE + store;
  }

  private static String abbreviate(String text) {
    return text.length() <= 140 ? text : text.substring(0, 137) + "...";
  }

  /** A subject, resource or access that breaks the rules; {@link #field()} names which. */
  static final class InvalidAclException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final String field;

    InvalidAclException(String field, String message) {
      super(message);
      this.field = field;
    }

    /** {@code subject}, {@code resource} or {@code access}. */
    String field() {
      return field;
    }
  }
}
