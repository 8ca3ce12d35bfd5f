/**
 * The {@code acl-authorizer} plugin: access control lists (a user or a group granted READ, WRITE
 * or ADMIN on a store or on the cluster) kept in one ZooKeeper node of the plugin's state store,
 * written through the controller's {@code /plugins/acl-authorizer/acls} endpoint ({@code venice
 * acl grant|revoke|list}) and enforced on controllers, servers and routers by an {@link
 * dev.venice.spi.security.Authorizer} reading an immutable in-memory snapshot that a ZooKeeper
 * watch keeps current. Everything not granted is denied; a deleted store's grants are removed with
 * it. See the module's README.
 */
package dev.venice.plugins.aclauthorizer;
