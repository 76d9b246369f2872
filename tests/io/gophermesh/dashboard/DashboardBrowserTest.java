package io.gophermesh.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import io.gophermesh.testing.Await;
import io.gophermesh.testing.ProcessLeaks;

/** The UI in headless Chromium against a fake mesh: render, edit, live log, screenshots. */
@Timeout(300)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardBrowserTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private FakeMesh mesh;
    private Dashboard dashboard;
    private WebDriver driver;
    private WebDriverWait wait;

    @BeforeAll
    void browser(@TempDir Path profile) {
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--user-data-dir=" + profile.toAbsolutePath());
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File("/usr/bin/chromedriver")).usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
        wait = new WebDriverWait(driver, Duration.ofSeconds(60));
    }

    @AfterAll
    void quit() {
        if (driver != null) {
            driver.quit();
        }
        Await.until(Duration.ofSeconds(30), "chromium to exit", () -> ProcessLeaks.descendants().isEmpty());
    }

    @BeforeEach
    void start() throws IOException {
        mesh = new FakeMesh();
        dashboard = Dashboard.builder().mesh(mesh).port(0).build().start();
        driver.manage().window().setSize(new Dimension(1280, 800));
    }

    @AfterEach
    void stop() {
        dashboard.close();
    }

    private WebElement find(String css) {
        return wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(css)));
    }

    private void waitText(String css, String text) {
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(css), text));
    }

    private void screenshot(String name) throws IOException {
        Path target = Path.of("target", name);
        Files.createDirectories(target.getParent());
        File shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
        assertTrue(Files.size(target) > 10_000, "screenshot " + target + " looks empty");
    }

    @Test
    void editsLiveLogsAndScreenshots() throws Exception {
        driver.get(dashboard.url());
        find(".route[data-port=\"18081\"]");
        waitText(".route[data-port=\"18081\"] .route-name", "Web API");
        find("#live[data-state=\"live\"]");
        waitText("tr[data-ref=\"18081:0\"] [data-field=\"status\"]", "Running");
        assertEquals("4242", driver.findElement(By.cssSelector("tr[data-ref=\"18081:0\"] [data-field=\"pid\"]")).getText());
        assertTrue(driver.findElement(By.cssSelector("[data-action=\"kill\"][data-ref=\"18081:0\"]")).isDisplayed(),
                "a running managed process can be killed");
        assertFalse(driver.findElement(By.cssSelector("[data-action=\"kill\"][data-ref=\"18081:1\"]")).isDisplayed(),
                "a pure proxy without a process cannot");
        assertFalse(driver.findElement(By.cssSelector("[data-action=\"kill\"][data-ref=\"18082:0\"]")).isDisplayed(),
                "a stdio backend cannot");
        assertTrue(driver.findElements(By.cssSelector(".route[data-port=\"8081\"]")).isEmpty(), "internal route hidden");

        // Change the route's load balancing through the backend form.
        find("[data-action=\"edit\"][data-ref=\"18081:0\"]").click();
        find("#backend-dialog[open]");
        assertEquals("api-a", find("#f-name").getAttribute("value"));
        assertTrue(find("#f-network").isDisplayed());
        new Select(find("#f-load-balance")).selectByValue("least_conn");
        screenshot("dashboard-form.png");
        find("#backend-save").click();
        Await.until(Duration.ofSeconds(30), "the reload to reach the mesh", () -> mesh.reloads.size() == 1);
        JsonNode applied = JSON.readTree(mesh.reloads.getFirst());
        assertEquals("least_conn", applied.path("18081").path("load_balance").asText());
        JsonNode a = applied.path("18081").path("backends").get(0);
        assertEquals("30s", a.path("start_timeout").asText(), "fields the form does not show survive");
        assertEquals("[\"app.py\",\"--port\",\"9081\"]", a.path("args").toString());
        assertEquals("api-a", a.path("name").asText(), "edited in place, the backend keeps its position");
        assertEquals(3, applied.size(), "other routes untouched");
        waitText(".route[data-port=\"18081\"] .chip-lb", "least_conn");
        wait.until(ExpectedConditions.invisibilityOfElementLocated(By.cssSelector("#backend-dialog[open]")));

        // A stdio route hides host and port.
        find("[data-action=\"edit\"][data-ref=\"18082:0\"]").click();
        find("#backend-dialog[open]");
        assertFalse(driver.findElement(By.id("f-network")).isDisplayed());
        assertTrue(driver.findElement(By.id("f-stdio-field")).isDisplayed());
        driver.findElement(By.cssSelector("#backend-dialog [data-close].btn")).click();
        wait.until(ExpectedConditions.invisibilityOfElementLocated(By.cssSelector("#backend-dialog[open]")));

        // The server's error is shown when a save is refused.
        find("#btn-json").click();
        WebElement text = find("#json-text");
        String edited = text.getAttribute("value").replace("\"least_conn\"", "\"fastest\"");
        ((JavascriptExecutor) driver).executeScript("arguments[0].value = arguments[1];", text, edited);
        find("#json-save").click();
        waitText("#json-error", "route 18081: unknown load_balance 'fastest'");
        assertEquals(1, mesh.reloads.size());
        driver.findElement(By.cssSelector("#json-dialog [data-close].btn")).click();

        // The log panel tails live.
        find("[data-action=\"logs\"][data-ref=\"18081:0\"]").click();
        waitText("#log-body", "api-a listening on 9081");
        Await.until(Duration.ofSeconds(30), "the page's event stream", () -> mesh.subscriberCount() >= 1);
        mesh.appendLog("18081:0", "GET /orders 200 3ms (live)");
        waitText("#log-body", "GET /orders 200 3ms (live)");

        // Status changes arrive without reloading.
        mesh.setRuntime("18081:1", new FakeMesh.Runtime("Starting", 0, "", 0, 0));
        waitText("tr[data-ref=\"18081:1\"] [data-field=\"status\"]", "Starting");
        mesh.appendLog("18081:0", "POST /orders 201 12ms (live)");
        waitText("#log-body", "POST /orders 201 12ms (live)");
        screenshot("dashboard.png");

        driver.manage().window().setSize(new Dimension(390, 844));
        find("[data-action=\"logs\"][data-ref=\"18081:0\"]");
        driver.findElement(By.id("log-close")).click();
        Object overflow = ((JavascriptExecutor) driver).executeScript(
                "return document.documentElement.scrollWidth - document.documentElement.clientWidth;");
        assertEquals(0L, ((Number) overflow).longValue(), "no sideways scrolling at phone width");
        screenshot("dashboard-phone.png");
    }

    @Test
    void addsARouteAndDeletingItsLastBackendRemovesIt() throws Exception {
        driver.get(dashboard.url());
        find(".route[data-port=\"18081\"]");
        find("#btn-add-route").click();
        find("#backend-dialog[open]");
        find("#f-port").sendKeys("18090");
        find("#f-route-name").sendKeys("Reports");
        find("#f-name").sendKeys("reports-1");
        find("#f-cmd").sendKeys("python3");
        find("#f-args").sendKeys("reports.py\n--port\n9090");
        find("#f-backend-port").sendKeys("9090");
        find("#backend-save").click();
        Await.until(Duration.ofSeconds(30), "the new route to reach the mesh", () -> mesh.reloads.size() == 1);
        JsonNode route = mesh.routes().path("18090");
        assertEquals("Reports", route.path("name").asText());
        assertEquals("http", route.path("protocol").asText());
        assertEquals("9090", route.path("backends").get(0).path("internal_port").asText());
        assertEquals("[\"reports.py\",\"--port\",\"9090\"]", route.path("backends").get(0).path("args").toString());
        waitText(".route[data-port=\"18090\"] .route-name", "Reports");

        find("[data-action=\"edit\"][data-ref=\"18090:0\"]").click();
        find("#backend-dialog[open]");
        find("#backend-delete").click();
        wait.until(ExpectedConditions.alertIsPresent()).accept();
        Await.until(Duration.ofSeconds(30), "the deletion to reach the mesh", () -> mesh.reloads.size() == 2);
        assertTrue(mesh.routes().path("18090").isMissingNode(), "the route went with its last backend");
        wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector(".route[data-port=\"18090\"]"), 0));
    }
}
