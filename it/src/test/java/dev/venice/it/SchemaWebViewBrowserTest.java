package dev.venice.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.venice.runtime.common.controller.ControllerClient;
import dev.venice.runtime.localcluster.LocalCluster;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The schema registry web view (seed project 34) on a local cluster (one controller, no server
 * or router: the page reads only the registry): Debian's headless Chromium, driven through
 * Debian's chromedriver, opens {@code /schema-registry}, searches a store, opens a version,
 * expands the schema tree and sees the diff against the previous version. Without {@code
 * /usr/bin/chromium} or {@code /usr/bin/chromedriver} the browser test is skipped, unless {@code
 * VENICE_BROWSER_TESTS=required} (as {@code .ci/run} sets), which fails it instead. The routes'
 * contracts (content types, 404 and 400) are checked over plain HTTP without a browser.
 */
class SchemaWebViewBrowserTest {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String STORE = "profiles";
  private static final String OTHER_STORE = "orders";
  /** Text no page may turn into markup: a doc is user input. */
  private static final String HOSTILE_DOC = "<img src=x data-testid=injected>";

  /** V1: a nested record three levels deep. */
  private static final String V1 = """
      {"type":"record","name":"Profile","namespace":"dev.venice.it","fields":[
        {"name":"name","type":"string"},
        {"name":"age","type":"int","default":0},
        {"name":"address","type":{"type":"record","name":"Address","fields":[
          {"name":"city","type":"string"},
          {"name":"geo","type":{"type":"record","name":"Geo","fields":[
            {"name":"lat","type":"double"}]}}]}}]}""";
  /** V2: email added, age int to long, address.zip added, a hostile doc. */
  private static final String V2 = """
      {"type":"record","name":"Profile","namespace":"dev.venice.it","fields":[
        {"name":"name","type":"string","doc":"%s"},
        {"name":"age","type":"long","default":0},
        {"name":"address","type":{"type":"record","name":"Address","fields":[
          {"name":"city","type":"string"},
          {"name":"geo","type":{"type":"record","name":"Geo","fields":[
            {"name":"lat","type":"double"}]}},
          {"name":"zip","type":"string","default":""}]}},
        {"name":"email","type":"string","default":""}]}""".formatted(
      HOSTILE_DOC.replace("\"", "\\\""));
  /** V3: V2 plus a nullable phone. */
  private static final String V3 = V2.replace("{\"name\":\"email\"",
      "{\"name\":\"phone\",\"type\":[\"null\",\"string\"],\"default\":null},\n  {\"name\":\"email\"");

  private static LocalCluster cluster;
  private static WebDriver driver;

  @BeforeAll
  static void start() throws Exception {
    cluster = LocalCluster.builder().servers(0).routers(0).build();
    ControllerClient admin = new ControllerClient(cluster.controllerUrl());
    admin.createStore(STORE, Schemas.KEY, V1, 1, 1);
    admin.createStore(OTHER_STORE, Schemas.KEY, Schemas.USER_V1, 1, 1);
    // int -> long is a type change FULL compatibility refuses (old readers cannot read longs);
    // the view shows whatever was registered, so the store accepts any evolution
    admin.updateStore(STORE, Map.of("schemaCompatibility", "NONE"));
    assertEquals(2, admin.addValueSchema(STORE, V2));
    assertEquals(3, admin.addValueSchema(STORE, V3));
  }

  @AfterAll
  static void stop() {
    try {
      if (driver != null) {
        driver.quit();
      }
    } finally {
      if (cluster != null) {
        cluster.close();
      }
    }
  }

  @Test
  void searchOpenVersionExpandTreeAndSeeTheDiff() {
    WebDriver browser = browser();
    browser.get(cluster.controllerUrl() + "/schema-registry");
    WebDriverWait wait = new WebDriverWait(browser, WAIT);

    wait.until(d -> storeItems(d).size() == 2);
    browser.findElement(By.cssSelector("[data-testid=store-search]")).sendKeys("PROF");
    wait.until(d -> storeItems(d).size() == 1);
    WebElement store = storeItems(browser).get(0);
    assertEquals(STORE, store.getText());

    store.click();
    wait.until(d -> versionItems(d).size() == 3);
    for (WebElement version : versionItems(browser)) {
      // registration time as ISO local time with the offset, e.g. 2026-12-02T09:15:04+01:00
      String time = version.findElement(By.tagName("time")).getText();
      assertTrue(time.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d[+-]\\d\\d:\\d\\d"), time);
    }

    browser.findElement(By.cssSelector("[data-testid=version-item][data-version-id='2']"))
        .click();
    WebElement address = wait.until(d -> displayed(d, "[data-testid=tree-node]"
        + "[data-path=address]"));
    WebElement lat = browser.findElement(By.cssSelector("[data-path='address.geo.lat']"));
    assertTrue(!lat.isDisplayed(), "nested nodes start collapsed");
    address.findElement(By.tagName("summary")).click();
    WebElement geo = wait.until(d -> displayed(d, "[data-testid=tree-node]"
        + "[data-path='address.geo']"));
    geo.findElement(By.tagName("summary")).click();
    wait.until(d -> displayed(d, "[data-path='address.geo.lat']"));
    assertTrue(lat.getText().contains("double"), lat.getText());

    wait.until(d -> !diffRows(d).isEmpty());
    Map<String, String> rows = diffRows(browser).stream().collect(Collectors.toMap(
        r -> r.getDomAttribute("data-kind") + " " + r.getDomAttribute("data-path"),
        WebElement::getText));
    assertTrue(rows.containsKey("ADDED email"), rows.toString());
    assertTrue(rows.containsKey("ADDED address.zip"), rows.toString());
    assertTrue(rows.get("TYPE_CHANGED age").contains("int"), rows.toString());
    assertTrue(rows.get("TYPE_CHANGED age").contains("long"), rows.toString());
    assertTrue(rows.containsKey("DOC_CHANGED name"), rows.toString());
    assertEquals(4, rows.size(), rows.toString());

    // the doc is shown as the text it is, never parsed as markup
    WebElement name = browser.findElement(By.cssSelector("[data-path=name]"));
    assertTrue(name.getText().contains(HOSTILE_DOC), name.getText());
    assertTrue(browser.findElements(By.cssSelector("[data-testid=injected]")).isEmpty());
    assertTrue(rows.get("DOC_CHANGED name").contains(HOSTILE_DOC), rows.toString());

    // the first version has nothing to compare with
    browser.findElement(By.cssSelector("[data-testid=version-item][data-version-id='1']"))
        .click();
    wait.until(d -> displayed(d, "[data-testid=diff-note]") != null && diffRows(d).isEmpty());
  }

  @Test
  void routesOverPlainHttp() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    String base = cluster.controllerUrl();
    assertContentType(http, base + "/schema-registry", "text/html");
    assertContentType(http, base + "/schema-registry/app.js", "text/javascript");
    assertContentType(http, base + "/schema-registry/app.css", "text/css");

    HttpResponse<String> diff = get(http, base + "/stores/" + STORE + "/schemas/diff?from=2&to=3");
    assertEquals(200, diff.statusCode(), diff.body());
    JsonNode body = JSON.readTree(diff.body());
    assertEquals(STORE, body.get("store").asText());
    assertEquals(2, body.get("from").asInt());
    assertEquals(3, body.get("to").asInt());
    assertEquals(1, body.get("changes").size(), diff.body());
    JsonNode phone = body.get("changes").get(0);
    assertEquals("phone", phone.get("path").asText());
    assertEquals("ADDED", phone.get("kind").asText());
    assertEquals("string (nullable)", phone.get("after").asText());

    HttpResponse<String> noStore = get(http, base + "/stores/nope/schemas/diff?from=1&to=2");
    assertEquals(404, noStore.statusCode(), noStore.body());
    assertTrue(noStore.body().contains("nope"), noStore.body());
    HttpResponse<String> noId = get(http, base + "/stores/" + STORE + "/schemas/diff?from=1&to=9");
    assertEquals(404, noId.statusCode(), noId.body());
    assertTrue(noId.body().contains(STORE) && noId.body().contains("9"), noId.body());
    for (String bad : List.of("from=x&to=2", "from=0&to=2", "to=2")) {
      HttpResponse<String> answer = get(http, base + "/stores/" + STORE + "/schemas/diff?" + bad);
      assertEquals(400, answer.statusCode(), bad + ": " + answer.body());
    }
  }

  private static void assertContentType(HttpClient http, String url, String type)
      throws Exception {
    HttpResponse<String> answer = get(http, url);
    assertEquals(200, answer.statusCode(), url);
    assertEquals(type + "; charset=utf-8",
        answer.headers().firstValue("Content-Type").orElse("").toLowerCase(), url);
  }

  private static HttpResponse<String> get(HttpClient http, String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(WAIT).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static List<WebElement> storeItems(WebDriver d) {
    return d.findElements(By.cssSelector("[data-testid=store-item]"));
  }

  private static List<WebElement> versionItems(WebDriver d) {
    return d.findElements(By.cssSelector("[data-testid=version-item]"));
  }

  private static List<WebElement> diffRows(WebDriver d) {
    return d.findElements(By.cssSelector("[data-testid=diff-row]"));
  }

  /** The element when it is on the page and shown, else null (WebDriverWait tries again). */
  private static WebElement displayed(WebDriver d, String css) {
    List<WebElement> found = d.findElements(By.cssSelector(css));
    return !found.isEmpty() && found.get(0).isDisplayed() ? found.get(0) : null;
  }

  /**
   * Headless Chromium through Debian's chromedriver, started once for the class; skipped (or
   * failed when VENICE_BROWSER_TESTS=required) when either is not installed.
   */
  private static WebDriver browser() {
    if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
      String message = "the browser test needs " + CHROMIUM + " and " + CHROMEDRIVER
          + ": install Debian's chromium and chromium-driver"
          + " (apt-get install -y chromium chromium-driver)";
      if ("required".equals(System.getenv("VENICE_BROWSER_TESTS"))) {
        fail(message + " (VENICE_BROWSER_TESTS=required)");
      }
      Assumptions.abort(message);
    }
    if (driver == null) {
      ChromeOptions options = new ChromeOptions();
      options.setBinary(CHROMIUM.toFile());
      // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start
      options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
          "--disable-gpu", "--window-size=1280,1000");
      // Debian's driver, named explicitly: Selenium Manager must not download one
      ChromeDriverService service = new ChromeDriverService.Builder()
          .usingDriverExecutable(new File(CHROMEDRIVER.toString())).usingAnyFreePort().build();
      driver = new ChromeDriver(service, options);
    }
    return driver;
  }
}
