package dev.bosun.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bosun.config.ConfigLoader;
import dev.bosun.contract.FakePlato;
import dev.bosun.contract.Fixtures;
import dev.bosun.contract.Requires;
import dev.bosun.server.auth.ApiKeys;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.Select;

/**
 * The dashboard in a real browser: Debian's Chromium, headless, driven through its chromedriver by
 * Selenium, against a real server on loopback over SQLite whose data is made through the public API.
 * Without {@code /usr/bin/chromium} and {@code /usr/bin/chromedriver} (scripts/test.sh installs
 * them) the tests skip with the reason; under {@code CI=true} that is a failure.
 *
 * <p>Screenshots of each view go to {@code target/ui-screenshots}, or to the folder named by the
 * system property {@code bosun.ui.screenshots} (docs/ui's are made that way).
 */
class DashboardBrowserTest extends ServerHarness {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final String KEY_A = "bsn_ui_team_a_key";
    static final String KEY_B = "bsn_ui_team_b_key";
    static final Duration SHOWN = Duration.ofSeconds(15);

    static ChromeDriverService service;
    static ChromeDriver driver;
    static Path profile;

    FakePlato plato;
    UnaryOperator<ConfigLoader> settings;

    @BeforeAll
    static void browser() throws IOException {
        String missing = !Files.isExecutable(CHROMIUM)
                ? CHROMIUM + " is missing (Debian package chromium)"
                : !Files.isExecutable(CHROMEDRIVER)
                        ? CHROMEDRIVER + " is missing (Debian package chromium-driver)"
                        : null;
        if (missing != null) {
            if (Requires.ci())
                Assertions.fail(
                        missing + "; scripts/test.sh installs it (CI=true: a skipped browser test is a failure)");
            Assumptions.abort(missing + "; scripts/test.sh installs it");
        }
        profile = Files.createTempDirectory("bosun-ui-chromium");
        var options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments(
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
                "--window-size=1280,900",
                "--user-data-dir=" + profile);
        options.setCapability("goog:loggingPrefs", java.util.Map.of("browser", "ALL"));
        service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER.toString()))
                .usingAnyFreePort()
                .build();
        driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
    }

    @AfterAll
    static void closeBrowser() {
        if (driver != null) driver.quit();
        if (service != null) service.stop();
    }

    @BeforeEach
    void up() throws IOException {
        plato = new FakePlato();
        settings = l -> l.set("api_keys", List.of("team-a:" + ApiKeys.sha256(KEY_A), "team-b:" + ApiKeys.sha256(KEY_B)))
                .set("plato_url", plato.url().toString())
                .set("webhook_private_targets", true) // the webhook receivers are on loopback
                .set("delivery_timeout", "2s")
                .set("delivery_backoff_min", "20ms")
                .set("delivery_backoff_max", "200ms")
                .set("delivery_max_age", "1s");
        start(settings);
        apiKey = KEY_A;
    }

    @AfterEach
    void down() {
        if (driver != null) {
            // no script error and no Content-Security-Policy refusal on any page the test opened
            var problems = driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                    .map(LogEntry::getMessage)
                    .filter(m -> m.contains("Content Security Policy")
                            || m.contains("Refused to")
                            || m.contains("Uncaught")
                            || m.contains("TypeError"))
                    .toList();
            assertThat(problems).as("browser console").isEmpty();
            driver.get(server.url() + "/ui/");
            driver.executeScript("sessionStorage.clear()");
        }
        if (plato != null) plato.close();
    }

    // ---- helpers

    void open(String path) {
        driver.get(server.url() + path);
    }

    WebElement find(String css) {
        return driver.findElement(By.cssSelector(css));
    }

    /** Waits until the page's text (all of it, as a person reads it) contains {@code text}. */
    void awaitText(String text) {
        await().atMost(SHOWN)
                .ignoreException(StaleElementReferenceException.class)
                .untilAsserted(
                        () -> assertThat(driver.findElement(By.tagName("body")).getText())
                                .contains(text));
    }

    void awaitElement(String css) {
        await().atMost(SHOWN)
                .until(() -> !driver.findElements(By.cssSelector(css)).isEmpty());
    }

    void login(String key) {
        open("/ui/");
        awaitElement("#api-key");
        find("#api-key").sendKeys(key);
        find("form.login button[type=submit]").click();
        awaitElement("header nav");
    }

    void screenshot(String name) throws IOException {
        screenshot(name, 1280);
    }

    void screenshot(String name, int width) throws IOException {
        Path dir = Path.of(System.getProperty("bosun.ui.screenshots", "target/ui-screenshots"));
        Files.createDirectories(dir);
        // the whole page, not just the window: the window grows to the document's height for the shot
        driver.executeScript("window.scrollTo(0, 0)");
        long height = (Long) driver.executeScript("return document.documentElement.scrollHeight");
        driver.manage().window().setSize(new Dimension(width, (int) Math.min(Math.max(height, 600), 2400)));
        try {
            Files.write(dir.resolve(name + ".png"), driver.getScreenshotAs(OutputType.BYTES));
        } finally {
            driver.manage().window().setSize(new Dimension(1280, 900));
        }
    }

    String session(String name, String agent, String tag) {
        return createSession("{\"name\":\"" + name + "\",\"agent_id\":\"" + agent + "\",\"tags\":[\"" + tag + "\"]}");
    }

    /** The text of each row's first cell (the session ids) of the sessions table, top to bottom. */
    List<String> listedIds() {
        return find("table.sessions tbody").findElements(By.cssSelector("tr td:first-child a")).stream()
                .map(WebElement::getText)
                .toList();
    }

    /** Waits until the sessions table lists exactly these ids, in this order. */
    void awaitListed(String... ids) {
        await().atMost(SHOWN)
                .ignoreExceptions()
                .untilAsserted(() -> assertThat(listedIds()).containsExactly(ids));
    }

    /** Waits until the element's text is exactly {@code text} (a view that refreshes replaces its elements). */
    void awaitValue(String css, String text) {
        await().atMost(SHOWN)
                .ignoreExceptions()
                .untilAsserted(() -> assertThat(find(css).getText()).isEqualTo(text));
    }

    void choose(String css, String value) {
        new Select(find(css)).selectByValue(value);
    }

    /** Every control on the page has an accessible name: a label, an aria-label, or its own text. */
    void assertEveryControlIsNamed() {
        Object unnamed = driver.executeScript("""
                return [...document.querySelectorAll('input, select, textarea, button, a[href]')]
                  .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label') && !el.textContent.trim())
                  .map(el => el.outerHTML.slice(0, 80));""");
        assertThat((List<?>) unnamed).as("controls without an accessible name").isEmpty();
    }

    /** The events the timeline shows (not hidden by a filter), as their event types. */
    List<String> shownEventTypes() {
        return driver.findElements(By.cssSelector("#events li")).stream()
                .filter(WebElement::isDisplayed)
                .map(li -> li.getDomAttribute("data-type"))
                .toList();
    }

    // ---- tests

    @Test
    void aWrongKeyIsRefusedClearlyAndTheRightOneOpensTheOverview() throws IOException {
        String id = session("research", "oracle1", "h1");
        open("/ui/");
        awaitElement("#api-key");
        assertThat(driver.getTitle()).isEqualTo("Bosun");
        find("#api-key").sendKeys("bsn_not_a_key");
        find("form.login button[type=submit]").click();
        awaitText("UNAUTHENTICATED");
        assertThat(find("#login-status").getText()).contains("The API key was refused");
        assertThat(driver.executeScript("return sessionStorage.getItem('bosun.apiKey')"))
                .as("a refused key is not kept")
                .isNull();

        find("#api-key").clear();
        login(KEY_A);
        awaitText(id);
        assertThat(find("main h1").getText()).isEqualTo("Overview");
        assertThat(find("table.recent").getText()).contains("research").contains("oracle1");
        assertThat(driver.findElements(By.cssSelector(".card")))
                .extracting(WebElement::getText)
                .anyMatch(t -> t.contains("Running sessions"))
                .anyMatch(t -> t.contains("β₁"));
        assertThat(driver.executeScript("return sessionStorage.getItem('bosun.apiKey')"))
                .isEqualTo(KEY_A);
        assertThat(driver.executeScript("return localStorage.length"))
                .as("nothing in local storage")
                .isEqualTo(0L);

        // a phone-sized screen: nothing wider than the screen but the tables, which scroll by themselves
        driver.manage().window().setSize(new Dimension(390, 844));
        try {
            open("/ui/sessions");
            awaitText(id);
            assertThat((Long) driver.executeScript(
                            "return document.documentElement.scrollWidth - document.documentElement.clientWidth"))
                    .as("no sideways scrolling of the page")
                    .isLessThanOrEqualTo(0L);
            screenshot("sessions-phone", 390);
        } finally {
            driver.manage().window().setSize(new Dimension(1280, 900));
        }
    }

    @Test
    void sessionsAreListedFilteredAndPagedAndATenantSeesOnlyItsOwn() throws IOException {
        String first = session("alpha", "oracle1", "h1");
        String second = session("beta", "coder", "build");
        for (int i = 0; i < 26; i++) session("bulk-" + i, "bulk", "bulk");
        apiKey = KEY_B;
        String bOwn = session("b-only", "b-agent", "b");
        apiKey = KEY_A;

        login(KEY_A);
        open("/ui/sessions?tag=h1");
        awaitText(first);
        assertThat(find("table.sessions").getText())
                .contains("alpha")
                .doesNotContain(second)
                .doesNotContain(bOwn);
        open("/ui/sessions");
        awaitElement("table.sessions");
        find("#f-agent").sendKeys("coder");
        find("form.filters button[type=submit]").click();
        awaitText(second);
        assertThat(driver.getCurrentUrl()).contains("agent_id=coder");
        assertThat(find("table.sessions tbody").findElements(By.tagName("tr"))).hasSize(1);

        open("/ui/sessions?agent_id=bulk");
        awaitElement("a[rel=next]");
        assertThat(find("table.sessions tbody").findElements(By.tagName("tr"))).hasSize(25);
        screenshot("sessions");
        find("a[rel=next]").click();
        awaitText("bulk-0");
        assertThat(find("table.sessions tbody").findElements(By.tagName("tr"))).hasSize(1);
        assertThat(find("table.sessions").getText()).doesNotContain("bulk-25");

        find("header .logout").click();
        login(KEY_B);
        open("/ui/sessions");
        awaitText(bOwn);
        assertThat(find("table.sessions").getText())
                .doesNotContain(first)
                .doesNotContain(second)
                .doesNotContain("alpha");
        open("/ui/sessions/" + first);
        awaitText("NOT_FOUND");
    }

    @Test
    void aSessionShowsEventsLiveAcrossARestartAndIsEndedFromTheUi() throws Exception {
        String id =
                createSession("{\"name\":\"live\",\"agent_id\":\"oracle1\",\"tags\":[\"h1\"],\"profile\":\"echo\"}");
        assertThat(post("/v1/sessions/" + id + "/tasks", "{\"task_id\":\"t1\",\"name\":\"analyze\"}")
                        .status())
                .isEqualTo(201);
        login(KEY_A);
        open("/ui/sessions/" + id);
        awaitText("analyze");
        awaitText("session_started");
        await().atMost(SHOWN).until(() -> find("#stream-state").getText().contains("live"));
        // its tiles (PLATO took the start) and its worker's logs
        awaitElement("table.session-tiles");
        await().atMost(SHOWN)
                .ignoreException(StaleElementReferenceException.class)
                .untilAsserted(() -> assertThat(find("table.session-tiles").getText())
                        .contains("session_start")
                        .contains("delivered"));
        awaitElement("#log-stdout");

        // sent through the API: the page shows it without a reload (and the echo worker's answer)
        Object marker = driver.executeScript("return window.performance.timeOrigin");
        assertThat(post(
                                "/v1/sessions/" + id + "/events",
                                "{\"event_type\":\"input\",\"payload\":{\"question\":\"<b>42</b>\"}}")
                        .status())
                .isEqualTo(202);
        awaitText("{\"question\":\"<b>42</b>\"}");
        assertThat(driver.findElements(By.cssSelector("#events b")))
                .as("payload text is never markup")
                .isEmpty();
        assertThat(driver.executeScript("return window.performance.timeOrigin"))
                .as("no reload")
                .isEqualTo(marker);
        WebElement input = driver.findElements(By.cssSelector("#events li[data-direction=in] summary"))
                .getLast();
        input.click();
        awaitElement("#events details[open] pre.payload");
        assertThat(find("#events details[open] pre.payload").getText())
                .as("formatted JSON")
                .contains("\n  \"question\": \"<b>42</b>\"");
        screenshot("session");

        // the HTTP server restarts on the same port; the page reconnects with its cursor and goes on
        int port = server.port();
        server.close();
        server = BosunServer.start(
                settings.apply(Fixtures.loader(dataDir).set("port", port).set("sse_keepalive", "300ms"))
                        .load(),
                manager,
                Duration.ofMillis(300));
        assertThat(post(
                                "/v1/sessions/" + id + "/events",
                                "{\"event_type\":\"input\",\"payload\":{\"after\":\"restart\"}}")
                        .status())
                .isEqualTo(202);
        awaitText("{\"after\":\"restart\"}");
        assertThat(driver.executeScript("return window.performance.timeOrigin")).isEqualTo(marker);
        var seqs = driver.findElements(By.cssSelector("#events li")).stream()
                .map(li -> li.getDomAttribute("data-seq"))
                .toList();
        assertThat(seqs)
                .as("nothing shown twice or skipped after the reconnect")
                .doesNotHaveDuplicates()
                .isSortedAccordingTo(java.util.Comparator.comparingLong(Long::parseLong));
        assertThat(Long.parseLong(seqs.getLast())).isEqualTo(seqs.size());

        // a person sends an event from the form
        find("#send-payload").clear();
        find("#send-payload").sendKeys("{\"from\": \"the dashboard\"}");
        find("form.send button[type=submit]").click();
        awaitText("{\"from\":\"the dashboard\"}");

        // end, behind a confirmation
        find("#end").click();
        awaitElement("#confirm-yes");
        assertThat(get("/v1/sessions/" + id).json().get("status").asText())
                .as("not before the confirmation")
                .isEqualTo("running");
        find("#confirm-yes").click();
        await().atMost(SHOWN)
                .until(() ->
                        get("/v1/sessions/" + id).json().get("status").asText().equals("ended"));
        assertThat(get("/v1/sessions/" + id).json().get("reason").asText()).isEqualTo("completed");
        awaitText("session_ended");
        awaitText("Reason");
        assertThat(find("#session-fields").getText()).contains("completed").contains("success");
    }

    @Test
    void theFleetPageDrawsTheGraphWithBeta1() throws IOException {
        for (String[] a :
                new String[][] {{"coder", "compilation"}, {"writer", "publishing"}, {"reviewer", "compilation"}}) {
            assertThat(post("/v1/agents", "{\"agent_id\":\"" + a[0] + "\",\"capabilities\":[\"" + a[1] + "\"]}")
                            .status())
                    .isBetween(200, 201);
        }
        for (String t : List.of("t1", "t2", "t3")) {
            assertThat(post("/v1/route", "{\"task_id\":\"" + t + "\",\"required_capabilities\":[\"compilation\"]}")
                            .status())
                    .isEqualTo(200);
        }
        var status = get("/v1/fleet/status").json();
        login(KEY_A);
        open("/ui/fleet");
        awaitElement("#fleet-graph");
        awaitText("coder");
        assertThat(find("#beta1").getText())
                .contains("β₁")
                .contains(status.get("h1").asText());
        assertThat(find("table.agents").getText())
                .contains("writer")
                .contains("publishing")
                .contains("compilation");
        assertThat(find("#fleet-graph").findElements(By.cssSelector("line.edge")))
                .hasSize(status.get("edges").asInt());
        assertThat(find("#fleet-graph").findElements(By.cssSelector("circle.agent")))
                .hasSize(3);
        assertThat(find("#fleet-graph").findElements(By.cssSelector("rect.task")))
                .hasSize(3);
        assertThat(find("#fleet-description").getText())
                .isEqualTo(status.get("description").asText());

        // a task routed from the form: refused with the API's code when nobody can, then routed
        find("#route-task").sendKeys("t4");
        find("#route-caps").sendKeys("astronomy");
        find("form.route button[type=submit]").click();
        awaitText("NO_CAPABLE_AGENT");
        find("#route-caps").clear();
        find("#route-caps").sendKeys("publishing");
        find("form.route button[type=submit]").click();
        await().atMost(SHOWN)
                .ignoreException(StaleElementReferenceException.class)
                .untilAsserted(() -> assertThat(find("#route-result").getText()).contains("Routed to writer"));
        await().atMost(SHOWN)
                .ignoreException(StaleElementReferenceException.class)
                .untilAsserted(() -> assertThat(find("#fleet-graph").findElements(By.cssSelector("rect.task")))
                        .hasSize(4));
    }

    @Test
    void aDeadTileIsShownWithItsErrorAndRetriedFromTheUi() throws IOException {
        plato.always(FakePlato.Fault.ERROR_500);
        String id = session("doomed", "oracle1", "h1");
        await().atMost(Duration.ofSeconds(30))
                .until(() -> get("/v1/tiles?state=dead").json().get("items").size() == 1);
        String tile = get("/v1/tiles?state=dead").json().at("/items/0/tile_id").asText();

        login(KEY_A);
        open("/ui/deliveries?state=dead");
        awaitText(tile);
        assertThat(find("table.tiles").getText())
                .contains(id)
                .contains("HTTP 500")
                .contains("session_start");
        screenshot("deliveries");
        plato.always(null);
        find("button.retry[data-tile='" + tile + "']").click();
        await().atMost(Duration.ofSeconds(30))
                .until(() ->
                        get("/v1/tiles/" + tile).json().get("state").asText().equals("delivered"));
        assertThat(plato.accepted()).extracting(FakePlato.Received::tileId).containsExactly(tile);
        open("/ui/deliveries?state=delivered");
        awaitText(tile);
    }

    @Test
    void theSessionsTableHasEveryApiFilterASearchBothOrdersAndPagesByKeyboard() {
        String nightly = createSession(
                "{\"name\":\"nightly build\",\"agent_id\":\"ci\",\"tags\":[\"ci\"],\"profile\":\"echo\"}");
        String build = session("build 42", "ci", "ci");
        String deploy = session("deploy", "ops", "release");
        assertThat(post("/v1/sessions/" + build + "/end", "{\"outcome\":\"success\"}")
                        .status())
                .isEqualTo(200);
        assertThat(post("/v1/sessions/" + deploy + "/end", "{\"outcome\":\"failed\"}")
                        .status())
                .isEqualTo(200);
        var bulk = new java.util.ArrayList<String>();
        for (int i = 0; i < 27; i++) bulk.add(session("bulk-" + i, "bulk", "bulk"));

        login(KEY_A);
        open("/ui/sessions");
        awaitElement("table.sessions");
        assertEveryControlIsNamed();
        // the outcome filter, chosen and applied from the keyboard
        choose("#f-outcome", "failed");
        find("#f-q").sendKeys(Keys.ENTER);
        awaitListed(deploy);
        assertThat(driver.getCurrentUrl()).contains("outcome=failed");
        assertThat(find("table.sessions").getText()).contains("failed · completed");

        open("/ui/sessions?profile=echo");
        awaitListed(nightly);
        assertThat(find("#f-profile").getDomProperty("value")).isEqualTo("echo");
        open("/ui/sessions?status=ended&agent_id=ci&tag=ci");
        awaitListed(build);

        // a search by a part of the name, then by an id (that session alone), then an id nobody has
        open("/ui/sessions");
        awaitElement("table.sessions");
        find("#f-q").sendKeys("build", Keys.ENTER);
        awaitListed(build, nightly);
        find("#f-q").clear();
        find("#f-q").sendKeys(deploy, Keys.ENTER);
        awaitListed(deploy);
        assertThat(find("#list-note").getText()).isEqualTo("The session with this id.");
        find("#f-q").clear();
        find("#f-q").sendKeys("sess_00000000000000000000000000", Keys.ENTER);
        awaitText("No session has the id sess_00000000000000000000000000.");
        assertThat(listedIds()).isEmpty();

        // oldest first, paged by cursor: forward and back again, following the links by keyboard
        open("/ui/sessions?agent_id=bulk");
        awaitElement("table.sessions");
        choose("#f-order", "oldest");
        find("#f-q").sendKeys(Keys.ENTER);
        awaitElement("a[rel=next]");
        assertThat(listedIds()).hasSize(25).startsWith(bulk.get(0), bulk.get(1)).endsWith(bulk.get(24));
        assertThat(find("table.sessions th[aria-sort]").getText()).isEqualTo("Created");
        assertThat(find("table.sessions th[aria-sort]").getDomAttribute("aria-sort"))
                .isEqualTo("ascending");
        find("a[rel=next]").sendKeys(Keys.ENTER);
        awaitListed(bulk.get(25), bulk.get(26));
        assertThat(find("#page-number").getText()).isEqualTo("Page 2");
        assertThat(driver.findElements(By.cssSelector("a[rel=next]")))
                .as("the last page")
                .isEmpty();
        find("a[rel=prev]").sendKeys(Keys.ENTER);
        awaitElement("a[rel=next]");
        await().atMost(SHOWN)
                .ignoreExceptions()
                .untilAsserted(() -> assertThat(listedIds()).hasSize(25).startsWith(bulk.get(0)));
        assertThat(find("#page-number").getText()).isEqualTo("Page 1");
        // newest first is the default and the other way round
        open("/ui/sessions?agent_id=bulk");
        await().atMost(SHOWN)
                .ignoreExceptions()
                .untilAsserted(() -> assertThat(listedIds()).hasSize(25).startsWith(bulk.get(26)));
        assertThat(find("table.sessions th[aria-sort]").getDomAttribute("aria-sort"))
                .isEqualTo("descending");
    }

    @Test
    void theEventTimelineFiltersByDirectionAndTypeAndKeepsFilteringLiveEvents() {
        String id = session("timeline", "oracle1", "h1");
        String s = "/v1/sessions/" + id;
        assertThat(post(s + "/events", "{\"event_type\":\"input\",\"payload\":{\"n\":1}}")
                        .status())
                .isEqualTo(202);
        assertThat(post(s + "/events", "{\"event_type\":\"note\",\"payload\":\"first note\"}")
                        .status())
                .isEqualTo(202);
        assertThat(post(s + "/emit", "{\"event_type\":\"reply\",\"payload\":{\"answer\":2}}")
                        .status())
                .isEqualTo(202);
        login(KEY_A);
        open("/ui/sessions/" + id);
        await().atMost(SHOWN)
                .until(() -> driver.findElements(By.cssSelector("#events li")).size() == 4);
        assertEveryControlIsNamed();
        assertThat(shownEventTypes()).containsExactly("session_started", "input", "note", "reply");
        assertThat(new Select(find("#ev-type")).getOptions())
                .extracting(WebElement::getText)
                .containsExactly("all types", "session_started", "input", "note", "reply");

        choose("#ev-type", "note");
        assertThat(shownEventTypes()).containsExactly("note");
        assertThat(find("#ev-count").getText()).isEqualTo("1 of 4 events shown");
        choose("#ev-type", "");
        choose("#ev-dir", "out");
        assertThat(shownEventTypes()).containsExactly("reply");
        choose("#ev-dir", "in");
        assertThat(shownEventTypes()).containsExactly("input", "note");
        choose("#ev-type", "reply");
        assertThat(shownEventTypes()).as("both filters apply").isEmpty();
        assertThat(find("#ev-count").getText()).isEqualTo("0 of 4 events shown");

        // events arriving live are filtered as they come, and a new type becomes a choice
        choose("#ev-type", "note");
        assertThat(post(s + "/events", "{\"event_type\":\"note\",\"payload\":\"second note\"}")
                        .status())
                .isEqualTo(202);
        assertThat(post(s + "/events", "{\"event_type\":\"ping\",\"payload\":{}}")
                        .status())
                .isEqualTo(202);
        await().atMost(SHOWN)
                .until(() -> driver.findElements(By.cssSelector("#events li")).size() == 6);
        assertThat(shownEventTypes()).containsExactly("note", "note");
        assertThat(find("#ev-count").getText()).isEqualTo("2 of 6 events shown");
        assertThat(new Select(find("#ev-type")).getOptions())
                .extracting(WebElement::getText)
                .contains("ping");
        choose("#ev-dir", "");
        choose("#ev-type", "");
        assertThat(shownEventTypes()).hasSize(6);
        assertThat(find("#ev-count").getText()).isEqualTo("6 events");
    }

    @Test
    void theOverviewCountsExactlyAndDrawsEventsPerSecondAndBeta1OverTime() throws IOException {
        // more than a page of ended sessions (the API's largest page is 1000): counted exactly, not "1000+"
        for (int i = 0; i < 1003; i++) {
            var made = manager.startSession(dev.bosun.session.SessionConfig.builder("old-" + i, "bulk")
                    .tenant("team-a")
                    .build());
            manager.endSession(
                    made.id(),
                    i % 3 == 0 ? dev.bosun.session.SessionOutcome.FAILED : dev.bosun.session.SessionOutcome.SUCCESS,
                    java.util.Optional.empty());
        }
        String live = session("live", "oracle1", "h1");
        apiKey = KEY_B;
        session("b-live", "b", "b");
        apiKey = KEY_A;
        var fleet = get("/v1/fleet/status").json();

        login(KEY_A);
        open("/ui/");
        var stats = get("/v1/stats").json();
        awaitValue("#c-ended .value", "1003");
        awaitValue("#c-running .value", "1");
        // today's figures as the API counts them (the same unless the test runs across midnight UTC)
        awaitValue("#c-started .value", stats.at("/today/started").asText());
        var ended = new java.util.ArrayList<String>();
        for (var e : stats.at("/today/ended"))
            ended.add(e.get("outcome").asText() + " " + e.get("reason").asText() + " "
                    + e.get("count").asText());
        assertThat(ended)
                .as("the fixture ended them all today")
                .containsExactly("success completed 668", "failed completed 335");
        await().atMost(SHOWN)
                .ignoreExceptions()
                .untilAsserted(() -> assertThat(find("table.ended-today tbody").findElements(By.tagName("tr")))
                        .extracting(WebElement::getText)
                        .containsExactlyElementsOf(ended));
        await().atMost(SHOWN)
                .ignoreExceptions()
                .untilAsserted(() -> assertThat(find("#chart-beta1").getDomAttribute("aria-label"))
                        .contains("β₁ " + fleet.get("h1").asText())
                        .contains("threshold " + fleet.get("threshold").asText()));

        // events sent between two readings show as a rate above zero, and the lines grow
        for (int i = 0; i < 20; i++) {
            assertThat(post("/v1/sessions/" + live + "/events", "{\"event_type\":\"input\",\"payload\":" + i + "}")
                            .status())
                    .isEqualTo(202);
        }
        // (all read in one go: the view redraws every 5 s, replacing these elements)
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
            assertThat(Double.parseDouble(find("#c-eps .value").getText())).isGreaterThan(0);
            assertThat(Integer.parseInt(find("#chart-eps").getDomAttribute("data-samples")))
                    .isGreaterThanOrEqualTo(2);
            // a rate needs two readings, so its line starts one reading after β₁'s
            assertThat(find("#chart-eps").findElements(By.cssSelector(".series")))
                    .hasSize(1);
            assertThat(find("#chart-beta1").findElements(By.cssSelector("polyline.series")))
                    .hasSize(2);
            assertThat(find("#chart-beta1").findElements(By.cssSelector("polyline.dashed")))
                    .as("the threshold")
                    .hasSize(1);
            // inside the drawing even when the threshold is negative (V − 2 on a small graph)
            assertThat(java.util.Arrays.stream(find("#chart-beta1 polyline.dashed")
                                    .getDomAttribute("points")
                                    .split(" "))
                            .map(p -> Double.parseDouble(p.split(",")[1]))
                            .toList())
                    .isNotEmpty()
                    .allMatch(y -> y >= 0 && y <= 140);
            assertThat(find("#chart-eps").getDomAttribute("aria-label")).startsWith("Events per second: events/s ");
        });
        screenshot("overview"); // with its lines drawn
    }

    @Test
    void theOverviewShowsExactBacklogsAndDeadLettersOfTilesAndWebhooksAndEachTargetsHealth() throws IOException {
        // more refusals than the API's largest page (1000), made fast: PLATO's gate refuses the bulk's
        // tiles and the first receiver answers its deliveries 410 Gone, both final at the first send
        int n = 1003;
        plato.gateRefuses.addAll(List.of("[SESSION_START] bulk:gone", "[SESSION_END] bulk:gone — SUCCESS"));
        try (var gone = new WebhookReceiver();
                var failing = new WebhookReceiver()) {
            gone.secret = "a-long-random-shared-secret";
            for (int i = 0; i < n; i++) gone.script.add(410);
            assertThat(post(
                                    "/v1/webhooks",
                                    "{\"url\":\"" + gone.url() + "\",\"events\":[\"session_started\"],\"secret\":\""
                                            + gone.secret + "\"}")
                            .status())
                    .isEqualTo(201);
            for (int i = 0; i < n; i++) {
                var made = manager.startSession(dev.bosun.session.SessionConfig.builder("gone", "bulk")
                        .tenant("team-a")
                        .build());
                manager.endSession(made.id(), dev.bosun.session.SessionOutcome.SUCCESS, java.util.Optional.empty());
            }
            await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> {
                var st = get("/v1/stats").json();
                assertThat(st.at("/tiles/rejected").asLong()).isEqualTo(2L * n);
                assertThat(st.at("/webhooks/rejected").asLong()).isEqualTo(n);
            });
            // then PLATO fails and a second receiver refuses (without a secret it answers 401): one session's
            // two tiles and its two deliveries to that receiver are given up after delivery_max_age (1 s)
            plato.always(FakePlato.Fault.ERROR_500);
            assertThat(post("/v1/webhooks", "{\"url\":\"" + failing.url() + "\",\"events\":[\"*\"]}")
                            .status())
                    .isEqualTo(201);
            String doomed = session("doomed", "oracle1", "h1");
            assertThat(post("/v1/sessions/" + doomed + "/end", "{\"outcome\":\"success\"}")
                            .status())
                    .isEqualTo(200);
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                var st = get("/v1/stats").json();
                assertThat(st.at("/tiles/dead").asLong()).isEqualTo(2);
                assertThat(st.at("/webhooks/dead").asLong()).isEqualTo(2);
            });

            login(KEY_A);
            open("/ui/");
            awaitValue("#c-tiles-rejected .value", String.valueOf(2 * n));
            awaitValue("#c-hooks-rejected .value", String.valueOf(n));
            awaitValue("#c-tiles-dead .value", "2");
            awaitValue("#c-hooks-dead .value", "2");
            awaitValue("#c-tiles-pending .value", "0");
            awaitValue("#c-hooks-pending .value", "0");
            assertThat(find("#c-tiles-rejected .label").getText()).isEqualTo("Rejected tiles");
            assertThat(find("#c-hooks-dead .label").getText()).isEqualTo("Dead webhook deliveries");
            assertThat(find("main").getText()).doesNotContain("1000+");
            // each target's health, counts and last problem: PLATO failing, the first receiver up, the second down
            await().atMost(SHOWN).ignoreExceptions().untilAsserted(() -> {
                var rows = find("table.targets tbody").findElements(By.tagName("tr")).stream()
                        .map(r -> r.findElements(By.tagName("td")).stream()
                                .map(WebElement::getText)
                                .toList())
                        .toList();
                assertThat(rows).hasSize(3);
                assertThat(rows.get(0).get(0)).isEqualTo("PLATO (tiles)");
                assertThat(rows.get(0).get(1)).isEqualTo("down");
                assertThat(rows.get(0).subList(3, 6)).containsExactly("0", "2", String.valueOf(2 * n));
                assertThat(rows.get(0).get(6)).startsWith("unreachable: ").contains("500");
                assertThat(rows.get(1).get(0)).isEqualTo("Webhook " + gone.url());
                assertThat(rows.get(1).get(1)).isEqualTo("up");
                assertThat(rows.get(1).subList(3, 7)).containsExactly("0", "0", String.valueOf(n), "");
                assertThat(rows.get(2).get(0)).isEqualTo("Webhook " + failing.url());
                assertThat(rows.get(2).get(1)).isEqualTo("down");
                assertThat(rows.get(2).subList(3, 6)).containsExactly("0", "2", "0");
                assertThat(rows.get(2).get(6)).contains("401");
            });
            assertEveryControlIsNamed();
            screenshot("overview-deliveries"); // with dead letters, rejections and targets down
        }
    }

    @Test
    void theFleetGraphHighlightsTheEdgesOnCycles() throws IOException {
        for (String[] a :
                new String[][] {{"coder", "compilation"}, {"reviewer", "compilation"}, {"writer", "publishing"}}) {
            assertThat(post("/v1/agents", "{\"agent_id\":\"" + a[0] + "\",\"capabilities\":[\"" + a[1] + "\"]}")
                            .status())
                    .isBetween(200, 201);
        }
        // t1 and t2 each linked to both coder and reviewer: one cycle of four edges; t3 hangs off writer
        for (String[] r : new String[][] {{"t1", "coder"}, {"t1", "reviewer"}, {"t2", "coder"}, {"t2", "reviewer"}}) {
            assertThat(post(
                                    "/v1/route",
                                    "{\"task_id\":\"" + r[0]
                                            + "\",\"required_capabilities\":[\"compilation\"],\"prefer_agents\":[\""
                                            + r[1] + "\"]}")
                            .json()
                            .get("agent_id")
                            .asText())
                    .isEqualTo(r[1]);
        }
        assertThat(post("/v1/route", "{\"task_id\":\"t3\",\"required_capabilities\":[\"publishing\"]}")
                        .status())
                .isEqualTo(200);
        assertThat(get("/v1/fleet/status").json().get("h1").asInt()).isEqualTo(1);

        login(KEY_A);
        open("/ui/fleet");
        // read in one go: the view redraws every 5 s, replacing these elements
        await().atMost(SHOWN).ignoreExceptions().untilAsserted(() -> {
            var cycle = find("#fleet-graph").findElements(By.cssSelector("line.edge.cycle")).stream()
                    .map(l -> l.getDomAttribute("data-agent") + "-" + l.getDomAttribute("data-task"))
                    .toList();
            assertThat(cycle).containsExactlyInAnyOrder("coder-t1", "reviewer-t1", "coder-t2", "reviewer-t2");
            var plain = find("#fleet-graph").findElements(By.cssSelector("line.edge:not(.cycle)"));
            assertThat(plain).extracting(l -> l.getDomAttribute("data-task")).containsExactly("t3");
            assertThat(find("#fleet-graph line.edge.cycle").getCssValue("stroke"))
                    .as("drawn in another colour")
                    .isNotEqualTo(plain.getFirst().getCssValue("stroke"));
            assertThat(find("#fleet-graph").findElements(By.cssSelector(".on-cycle")))
                    .hasSize(4);
            assertThat(find("#fleet-graph").getDomAttribute("aria-label")).endsWith("5 edges, 4 of them on cycles");
            assertThat(find("#graph-caption").getText()).contains("The 4 thick red lines lie on cycles");
            assertThat(find("#beta1 .value").getText()).isEqualTo("1");
        });
        screenshot("fleet"); // with a cycle highlighted
    }

    @Test
    void theFleetGraphShowsEachConnectedComponentApartWithATextSummary() throws IOException {
        for (String[] a : new String[][] {
            {"coder", "compilation"}, {"reviewer", "compilation"}, {"writer", "publishing"}, {"idle", "painting"}
        }) {
            assertThat(post("/v1/agents", "{\"agent_id\":\"" + a[0] + "\",\"capabilities\":[\"" + a[1] + "\"]}")
                            .status())
                    .isBetween(200, 201);
        }
        // {coder, reviewer, t1, t2} with a cycle; {writer, t3}; idle alone, never routed to
        for (String[] r : new String[][] {{"t1", "coder"}, {"t1", "reviewer"}, {"t2", "coder"}, {"t2", "reviewer"}}) {
            assertThat(post(
                                    "/v1/route",
                                    "{\"task_id\":\"" + r[0]
                                            + "\",\"required_capabilities\":[\"compilation\"],\"prefer_agents\":[\""
                                            + r[1] + "\"]}")
                            .json()
                            .get("agent_id")
                            .asText())
                    .isEqualTo(r[1]);
        }
        assertThat(post("/v1/route", "{\"task_id\":\"t3\",\"required_capabilities\":[\"publishing\"]}")
                        .status())
                .isEqualTo(200);

        login(KEY_A);
        open("/ui/fleet");
        // read in one go: the view redraws every 5 s, replacing these elements
        await().atMost(SHOWN).ignoreExceptions().untilAsserted(() -> {
            var graph = find("#fleet-graph");
            assertThat(graph.findElements(By.cssSelector("rect.component")))
                    .extracting(r -> r.getDomAttribute("data-component"))
                    .containsExactly("1", "2", "3");
            // every vertex and edge drawn inside its component's band, the bands one under another
            for (String[] v : new String[][] {
                {"circle.agent[data-agent='coder']", "1"},
                {"circle.agent[data-agent='reviewer']", "1"},
                {"rect.task[data-task='t1']", "1"},
                {"rect.task[data-task='t2']", "1"},
                {"circle.agent[data-agent='writer']", "2"},
                {"rect.task[data-task='t3']", "2"},
                {"circle.agent[data-agent='idle']", "3"}
            }) {
                var node = graph.findElement(By.cssSelector(v[0]));
                assertThat(node.getDomAttribute("data-component")).as(v[0]).isEqualTo(v[1]);
                var band = graph.findElement(By.cssSelector("rect.component[data-component='" + v[1] + "']"));
                double y = node.getTagName().equals("circle")
                        ? Double.parseDouble(node.getDomAttribute("cy"))
                        : Double.parseDouble(node.getDomAttribute("y")) + 8;
                double top = Double.parseDouble(band.getDomAttribute("y"));
                assertThat(y)
                        .as(v[0] + " inside band " + v[1])
                        .isBetween(top, top + Double.parseDouble(band.getDomAttribute("height")));
            }
            assertThat(graph.findElements(By.cssSelector("line.edge[data-component='1']")))
                    .hasSize(4);
            assertThat(graph.findElements(By.cssSelector("line.edge[data-component='2']")))
                    .hasSize(1);
            // told apart by more than colour: shaded differently, numbered, and listed in words
            assertThat(find("rect.component[data-component='1']").getCssValue("fill"))
                    .isNotEqualTo(find("rect.component[data-component='2']").getCssValue("fill"));
            assertThat(graph.findElements(By.cssSelector("text.comp-label")))
                    .extracting(WebElement::getText)
                    .containsExactly("C1", "C2", "C3");
            assertThat(find("#graph-components").findElements(By.tagName("li")))
                    .extracting(WebElement::getText)
                    .containsExactly(
                            "Component 1: 2 agents (coder, reviewer), 2 tasks (t1, t2), 4 edges, β₁ 1 (1 independent cycle)",
                            "Component 2: 1 agent (writer), 1 task (t3), 1 edge, no cycle",
                            "Component 3: 1 agent (idle), no tasks, 0 edges, no cycle");
            assertThat(graph.getDomAttribute("aria-label"))
                    .isEqualTo("Graph of 4 agents and 3 tasks in 3 components with 5 edges, 4 of them on cycles");
            // the cycle is still highlighted
            assertThat(graph.findElements(By.cssSelector("line.edge.cycle"))).hasSize(4);
        });
        assertEveryControlIsNamed();
        screenshot("fleet-components");
    }

    @Test
    void unknownPagesUnderUiOpenTheAppWhichSaysSo() {
        login(KEY_A);
        open("/ui/no/such/page");
        awaitText("Not found");
        assertThat(find("main").getText()).contains("/ui/no/such/page");
    }
}
