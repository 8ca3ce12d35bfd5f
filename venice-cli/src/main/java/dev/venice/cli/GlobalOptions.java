package dev.venice.cli;

import dev.venice.cli.cluster.LocalClusterState;
import dev.venice.runtime.client.VeniceClients;
import dev.venice.runtime.common.security.Tls;
import dev.venice.runtime.common.security.TlsSettings;
import dev.venice.spi.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import picocli.CommandLine.Option;

/** Options every command takes. */
public final class GlobalOptions {
  @Option(names = "--controller", paramLabel = "URL",
      description = {"Controller admin URL (default: the local cluster started by this CLI).",
          "Example: --controller http://127.0.0.1:5555"})
  public String controller;

  @Option(names = "--router", paramLabel = "URL",
      description = {"Router admin URL, for reads (default: the local cluster's router).",
          "Example: --router http://127.0.0.1:7777"})
  public String router;

  @Option(names = "--local-cluster", paramLabel = "NAME",
      converter = LocalClusterState.NameConverter.class,
      description = {"The named local cluster to use, or for cluster start and quickstart to run"
          + " beside the default one (its endpoints: local-cluster-NAME.json in $VENICE_HOME,"
          + " default ~/.venice)."
          + " Lower-case letters, digits, dashes.",
          "Example: --local-cluster dev"})
  public String localCluster;

  @Option(names = "--json", description = {"Print machine-readable JSON.",
      "Example: --json"})
  public boolean json;

  @Option(names = "--key-store", paramLabel = "FILE",
      description = {"PKCS12 key store with this caller's certificate, for a cluster with"
          + " ssl.enabled (its subject's CN is the caller's principal; default: a secured local"
          + " cluster's venice-admin).",
          "Example: --key-store ~/.venice/tls/venice-admin.p12"})
  public Path keyStore;

  @Option(names = "--trust-store", paramLabel = "FILE",
      description = {"PKCS12 trust store with the certificate authority of a cluster with"
          + " ssl.enabled (default: a secured local cluster's; else the JDK's).",
          "Example: --trust-store ~/.venice/tls/truststore.p12"})
  public Path trustStore;

  @Option(names = "--store-password-file", paramLabel = "FILE",
      description = {"File whose first line is the password of --key-store and --trust-store"
          + " (default: a secured local cluster's).",
          "Example: --store-password-file ~/.venice/tls/password"})
  public Path storePasswordFile;

  @Option(names = "--verbose", description = {"Print stack traces on failure.",
      "Example: --verbose"})
  public boolean verbose;

  /** The JVM's own default SSL context, restored for a run without key material. */
  private static final SSLContext JDK_DEFAULT = jdkDefault();
  /** Whether the command names another process by URL ({@code --url}, {@code --server URL}). */
  private boolean otherEndpoint;

  private static SSLContext jdkDefault() {
    try {
      return SSLContext.getDefault();
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM has no default TLS context", e);
    }
  }

  /**
   * The key material this command connects with: the {@code --key-store}, {@code --trust-store}
   * and {@code --store-password-file} given, else, when no {@code --controller} or {@code --router}
   * points elsewhere, a secured local cluster's administrator's; empty otherwise.
   *
   * @throws CliException naming the flag or file when a store or the password cannot be read
   */
  public Optional<TlsSettings> tls() {
    // the local cluster's administrator only for the local cluster: never presented elsewhere
    boolean localOnly = controller == null && router == null && !otherEndpoint;
    LocalClusterState.LocalTls local = keyStore == null && trustStore == null && localOnly
        ? LocalClusterState.read(localCluster).map(LocalClusterState::tls).orElse(null) : null;
    if (keyStore == null && trustStore == null && local == null) {
      return Optional.empty();
    }
    Path passwordFile = storePasswordFile != null ? storePasswordFile
        : local != null ? Path.of(local.passwordFile()) : null;
    String password = "";
    if (passwordFile != null) {
      try {
        password = Files.readAllLines(passwordFile).stream().findFirst().orElse("");
      } catch (IOException e) {
        throw new CliException("--store-password-file " + passwordFile + " cannot be read: "
            + e.getMessage());
      }
    }
    return Optional.of(local != null
        ? TlsSettings.client(Path.of(local.keyStore()), Path.of(local.trustStore()), password)
        : TlsSettings.client(keyStore, trustStore, password));
  }

  /**
   * Says the command calls a process it names by URL ({@code --url}, {@code --server URL}), which
   * may not be the local cluster's: the local administrator's certificate is then not used.
   */
  public void otherEndpointGiven() {
    this.otherEndpoint = true;
  }

  /**
   * Makes {@link #tls()} the JVM's default SSL context, so every HTTPS call of this command
   * (controller, routers, servers' admin ports) presents its certificate and trusts its authority.
   * {@code venice} calls it once, before the command runs (and builds any HTTP client).
   *
   * @throws CliException naming the file when the key material cannot be loaded
   */
  public void installTls() {
    try {
      // a run without key material gets the JVM's own (several runs share a JVM in tests)
      SSLContext.setDefault(tls().map(settings -> Tls.load(settings).context())
          .orElse(JDK_DEFAULT));
    } catch (ConfigException e) {
      throw new CliException(e.getMessage());
    }
  }

  /** The controller URL to use. */
  public String controllerUrl() {
    if (controller != null) {
      return controller;
    }
    return runningLocalCluster().map(LocalClusterState::controller).orElseThrow(() ->
        noLocalCluster("--controller"));
  }

  /** A client builder for {@code store} through the router, with this command's key material. */
  public VeniceClients.Builder clientBuilder(String store) {
    VeniceClients.Builder builder = VeniceClients.builder(routerUrl(), store);
    tls().ifPresent(builder::tls);
    return builder;
  }

  /** The router URL to use. */
  public String routerUrl() {
    if (router != null) {
      return router;
    }
    return runningLocalCluster().map(LocalClusterState::router).orElseThrow(() ->
        noLocalCluster("--router"));
  }

  /** The local cluster these options name ({@code --local-cluster}), if it is running. */
  public Optional<LocalClusterState> runningLocalCluster() {
    return LocalClusterState.read(localCluster);
  }

  /** The failure when {@code flag} is not given and the local cluster is not running. */
  public CliException noLocalCluster(String flag) {
    String named = localCluster == null ? "" : " --local-cluster " + localCluster;
    return new CliException("no " + flag + " given and no local cluster"
        + (localCluster == null ? "" : " " + localCluster) + " running (start one with"
        + " 'venice cluster start" + named + "' or 'venice quickstart" + named + "')");
  }
}
