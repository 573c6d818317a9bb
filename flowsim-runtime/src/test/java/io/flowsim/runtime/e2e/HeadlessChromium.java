package io.flowsim.runtime.e2e;

import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;

/**
 * Headless Chromium through Selenium, with Debian's {@code chromium} and {@code chromium-driver}
 * packages (or {@code $FLOWSIM_CHROMIUM} and {@code $FLOWSIM_CHROMEDRIVER}). Both executables are
 * named explicitly, so Selenium never tries to download a browser or a driver.
 */
final class HeadlessChromium {

    /** Why browser tests are skipped when Chromium is missing. */
    static final String MISSING = "Chromium or chromedriver not found (install Debian's chromium and chromium-driver,"
            + " or set FLOWSIM_CHROMIUM and FLOWSIM_CHROMEDRIVER): the report.html browser test is skipped";

    private HeadlessChromium() {
    }

    /** The browser and driver executables, when both are installed. */
    static Optional<Path[]> find() {
        Optional<Path> browser = first("FLOWSIM_CHROMIUM", List.of("/usr/bin/chromium", "/usr/bin/chromium-browser",
                "/usr/bin/google-chrome"));
        Optional<Path> driver = first("FLOWSIM_CHROMEDRIVER", List.of("/usr/bin/chromedriver",
                "/usr/lib/chromium/chromedriver"));
        if (browser.isEmpty() || driver.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Path[] {browser.get(), driver.get()});
    }

    private static Optional<Path> first(String env, List<String> candidates) {
        String value = System.getenv(env);
        if (value != null && !value.isBlank()) {
            Path p = Paths.get(value);
            return Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
        }
        return candidates.stream().map(Paths::get).filter(Files::isExecutable).findFirst();
    }

    /** Starts a headless browser that records the page's console. */
    static ChromeDriver start(Path[] executables) {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(executables[0].toFile());
        // --no-sandbox: CI runs as root in a container, where Chromium's sandbox cannot start
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1400,1000", "--no-first-run", "--disable-extensions");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(executables[1].toString())).usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }
}
