package io.mfpoauth.itest.web;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;

import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A real headless Chromium (Debian's, installed by {@code itest/browser/browser.sh}) driven through Debian's
 * ChromeDriver on a free loopback port. Screenshots of each step go to {@code itest/target/screenshots/}, kept by
 * CI as artifacts.
 */
public final class Browser implements AutoCloseable {
    /** Set by the build (itest/pom.xml) when the browser is not installed. */
    public static final String SKIP_PROPERTY = "mfpoauth.browser.skip";

    private final ChromeDriver driver;
    private final Path screenshots;
    private int step;

    public Browser(String test, String language) throws IOException {
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        // --no-sandbox: CI runs as root, where Chromium's sandbox cannot start.
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1280,1000", "--lang=" + language, "--no-first-run", "--disable-extensions");
        options.setExperimentalOption("prefs", java.util.Map.of("intl.accept_languages", language));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(Paths.get(System.getProperty("webdriver.chrome.driver", "/usr/bin/chromedriver"))
                        .toFile())
                .usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(10));
        screenshots = Files.createDirectories(Paths.get("target", "screenshots", test));
    }

    public static boolean skipped() {
        return Boolean.getBoolean(SKIP_PROPERTY);
    }

    public ChromeDriver driver() {
        return driver;
    }

    public void open(String url) {
        driver.get(url);
    }

    /** The element once it is visible. */
    public WebElement visible(By by) {
        return new WebDriverWait(driver, Duration.ofSeconds(20)).until(ExpectedConditions.visibilityOfElementLocated(by));
    }

    /** Waits until the element's text contains {@code text}. */
    public void awaitText(By by, String text, Duration timeout) {
        new WebDriverWait(driver, timeout).until(ExpectedConditions.textToBePresentInElementLocated(by, text));
    }

    public void click(By by) {
        new WebDriverWait(driver, Duration.ofSeconds(20)).until(ExpectedConditions.elementToBeClickable(by)).click();
    }

    /** Clears a field and types into it. */
    public void type(By by, String text) {
        WebElement field = visible(by);
        field.clear();
        field.sendKeys(text);
    }

    public List<WebElement> all(By by) {
        return driver.findElements(by);
    }

    /** Scrolls the element into the middle of the window, for the next screenshot. */
    public void scrollTo(By by) {
        driver.executeScript("arguments[0].scrollIntoView({block: 'center'});", visible(by));
    }

    /** Saves a screenshot named with the step number and {@code name}. */
    public Path screenshot(String name) throws IOException {
        Path file = screenshots.resolve(String.format("%02d-%s.png", ++step, name));
        Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
        return file;
    }

    @Override
    public void close() {
        driver.quit();
    }
}
