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
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;

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
        String missing = !Files.isExecutable(CHROMIUM) ? CHROMIUM + " is missing (Debian package chromium)"
                : !Files.isExecutable(CHROMEDRIVER) ? CHROMEDRIVER + " is missing (Debian package chromium-driver)" : null;
        if (missing != null) {
            if (Requires.ci()) Assertions.fail(missing + "; scripts/test.sh installs it (CI=true: a skipped browser test is a failure)");
            Assumptions.abort(missing + "; scripts/test.sh installs it");
        }
        profile = Files.createTempDirectory("bosun-ui-chromium");
        var options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1280,900", "--user-data-dir=" + profile);
        options.setCapability("goog:loggingPrefs", java.util.Map.of("browser", "ALL"));
        service = new ChromeDriverService.Builder().usingDriverExecutable(new File(CHROMEDRIVER.toString()))
                .usingAnyFreePort().build();
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
            var problems = driver.manage().logs().get(LogType.BROWSER).getAll().stream().map(LogEntry::getMessage)
                    .filter(m -> m.contains("Content Security Policy") || m.contains("Refused to") || m.contains("Uncaught") || m.contains("TypeError")).toList();
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
        await().atMost(SHOWN).ignoreException(StaleElementReferenceException.class)
                .untilAsserted(() -> assertThat(driver.findElement(By.tagName("body")).getText()).contains(text));
    }

    void awaitElement(String css) {
        await().atMost(SHOWN).until(() -> !driver.findElements(By.cssSelector(css)).isEmpty());
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
        assertThat(driver.executeScript("return sessionStorage.getItem('bosun.apiKey')")).as("a refused key is not kept").isNull();

        find("#api-key").clear();
        login(KEY_A);
        awaitText(id);
        assertThat(find("main h1").getText()).isEqualTo("Overview");
        assertThat(find("table.recent").getText()).contains("research").contains("oracle1");
        assertThat(driver.findElements(By.cssSelector(".card"))).extracting(WebElement::getText)
                .anyMatch(t -> t.contains("Running sessions")).anyMatch(t -> t.contains("β₁"));
        assertThat(driver.executeScript("return sessionStorage.getItem('bosun.apiKey')")).isEqualTo(KEY_A);
        assertThat(driver.executeScript("return localStorage.length")).as("nothing in local storage").isEqualTo(0L);
        screenshot("overview");

        // a phone-sized screen: nothing wider than the screen but the tables, which scroll by themselves
        driver.manage().window().setSize(new Dimension(390, 844));
        try {
            open("/ui/sessions");
            awaitText(id);
            assertThat((Long) driver.executeScript("return document.documentElement.scrollWidth - document.documentElement.clientWidth"))
                    .as("no sideways scrolling of the page").isLessThanOrEqualTo(0L);
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
        assertThat(find("table.sessions").getText()).contains("alpha").doesNotContain(second).doesNotContain(bOwn);
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
        assertThat(find("table.sessions").getText()).doesNotContain(first).doesNotContain(second).doesNotContain("alpha");
        open("/ui/sessions/" + first);
        awaitText("NOT_FOUND");
    }

    @Test
    void aSessionShowsEventsLiveAcrossARestartAndIsEndedFromTheUi() throws Exception {
        String id = createSession("{\"name\":\"live\",\"agent_id\":\"oracle1\",\"tags\":[\"h1\"],\"profile\":\"echo\"}");
        assertThat(post("/v1/sessions/" + id + "/tasks", "{\"task_id\":\"t1\",\"name\":\"analyze\"}").status()).isEqualTo(201);
        login(KEY_A);
        open("/ui/sessions/" + id);
        awaitText("analyze");
        awaitText("session_started");
        await().atMost(SHOWN).until(() -> find("#stream-state").getText().contains("live"));
        // its tiles (PLATO took the start) and its worker's logs
        awaitElement("table.session-tiles");
        await().atMost(SHOWN).ignoreException(StaleElementReferenceException.class)
                .untilAsserted(() -> assertThat(find("table.session-tiles").getText()).contains("session_start").contains("delivered"));
        awaitElement("#log-stdout");

        // sent through the API: the page shows it without a reload (and the echo worker's answer)
        Object marker = driver.executeScript("return window.performance.timeOrigin");
        assertThat(post("/v1/sessions/" + id + "/events", "{\"event_type\":\"input\",\"payload\":{\"question\":\"<b>42</b>\"}}")
                .status()).isEqualTo(202);
        awaitText("{\"question\":\"<b>42</b>\"}");
        assertThat(driver.findElements(By.cssSelector("#events b"))).as("payload text is never markup").isEmpty();
        assertThat(driver.executeScript("return window.performance.timeOrigin")).as("no reload").isEqualTo(marker);
        WebElement input = driver.findElements(By.cssSelector("#events li[data-direction=in] summary")).getLast();
        input.click();
        awaitElement("#events details[open] pre.payload");
        assertThat(find("#events details[open] pre.payload").getText()).as("formatted JSON").contains("\n  \"question\": \"<b>42</b>\"");
        screenshot("session");

        // the HTTP server restarts on the same port; the page reconnects with its cursor and goes on
        int port = server.port();
        server.close();
        server = BosunServer.start(settings.apply(Fixtures.loader(dataDir).set("port", port).set("sse_keepalive", "300ms")).load(),
                manager, Duration.ofMillis(300));
        assertThat(post("/v1/sessions/" + id + "/events", "{\"event_type\":\"input\",\"payload\":{\"after\":\"restart\"}}")
                .status()).isEqualTo(202);
        awaitText("{\"after\":\"restart\"}");
        assertThat(driver.executeScript("return window.performance.timeOrigin")).isEqualTo(marker);
        var seqs = driver.findElements(By.cssSelector("#events li")).stream().map(li -> li.getDomAttribute("data-seq")).toList();
        assertThat(seqs).as("nothing shown twice or skipped after the reconnect").doesNotHaveDuplicates()
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
        assertThat(get("/v1/sessions/" + id).json().get("status").asText()).as("not before the confirmation").isEqualTo("running");
        find("#confirm-yes").click();
        await().atMost(SHOWN).until(() -> get("/v1/sessions/" + id).json().get("status").asText().equals("ended"));
        assertThat(get("/v1/sessions/" + id).json().get("reason").asText()).isEqualTo("completed");
        awaitText("session_ended");
        awaitText("Reason");
        assertThat(find("#session-fields").getText()).contains("completed").contains("success");
    }

    @Test
    void theFleetPageDrawsTheGraphWithBeta1() throws IOException {
        for (String[] a : new String[][] {{"coder", "compilation"}, {"writer", "publishing"}, {"reviewer", "compilation"}}) {
            assertThat(post("/v1/agents", "{\"agent_id\":\"" + a[0] + "\",\"capabilities\":[\"" + a[1] + "\"]}").status()).isBetween(200, 201);
        }
        for (String t : List.of("t1", "t2", "t3")) {
            assertThat(post("/v1/route", "{\"task_id\":\"" + t + "\",\"required_capabilities\":[\"compilation\"]}").status()).isEqualTo(200);
        }
        var status = get("/v1/fleet/status").json();
        login(KEY_A);
        open("/ui/fleet");
        awaitElement("#fleet-graph");
        awaitText("coder");
        assertThat(find("#beta1").getText()).contains("β₁").contains(status.get("h1").asText());
        assertThat(find("table.agents").getText()).contains("writer").contains("publishing").contains("compilation");
        assertThat(find("#fleet-graph").findElements(By.cssSelector("line.edge"))).hasSize(status.get("edges").asInt());
        assertThat(find("#fleet-graph").findElements(By.cssSelector("circle.agent"))).hasSize(3);
        assertThat(find("#fleet-graph").findElements(By.cssSelector("rect.task"))).hasSize(3);
        assertThat(find("#fleet-description").getText()).isEqualTo(status.get("description").asText());
        screenshot("fleet");

        // a task routed from the form: refused with the API's code when nobody can, then routed
        find("#route-task").sendKeys("t4");
        find("#route-caps").sendKeys("astronomy");
        find("form.route button[type=submit]").click();
        awaitText("NO_CAPABLE_AGENT");
        find("#route-caps").clear();
        find("#route-caps").sendKeys("publishing");
        find("form.route button[type=submit]").click();
        await().atMost(SHOWN).ignoreException(StaleElementReferenceException.class)
                .untilAsserted(() -> assertThat(find("#route-result").getText()).contains("Routed to writer"));
        await().atMost(SHOWN).ignoreException(StaleElementReferenceException.class)
                .untilAsserted(() -> assertThat(find("#fleet-graph").findElements(By.cssSelector("rect.task"))).hasSize(4));
    }

    @Test
    void aDeadTileIsShownWithItsErrorAndRetriedFromTheUi() throws IOException {
        plato.always(FakePlato.Fault.ERROR_500);
        String id = session("doomed", "oracle1", "h1");
        await().atMost(Duration.ofSeconds(30)).until(() -> get("/v1/tiles?state=dead").json().get("items").size() == 1);
        String tile = get("/v1/tiles?state=dead").json().at("/items/0/tile_id").asText();

        login(KEY_A);
        open("/ui/deliveries?state=dead");
        awaitText(tile);
        assertThat(find("table.tiles").getText()).contains(id).contains("HTTP 500").contains("session_start");
        screenshot("deliveries");
        plato.always(null);
        find("button.retry[data-tile='" + tile + "']").click();
        await().atMost(Duration.ofSeconds(30)).until(() -> get("/v1/tiles/" + tile).json().get("state").asText().equals("delivered"));
        assertThat(plato.accepted()).extracting(FakePlato.Received::tileId).containsExactly(tile);
        open("/ui/deliveries?state=delivered");
        awaitText(tile);
    }

    @Test
    void unknownPagesUnderUiOpenTheAppWhichSaysSo() {
        login(KEY_A);
        open("/ui/no/such/page");
        awaitText("Not found");
        assertThat(find("main").getText()).contains("/ui/no/such/page");
    }
}
