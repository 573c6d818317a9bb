package io.flowsim.runtime.e2e;

import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * How long report.html takes to open in headless Chromium: a main class, not a test, never run by
 * the build. For each page given it navigates {@code --runs N} times (after one warm-up) and prints,
 * from the browser's Navigation Timing, the time from navigation start to DOMContentLoaded and to
 * the end of the load event (parsing, style, the SVG and the script), as best and median, plus the
 * file's size. Usage: {@code ReportOpenBenchmark [--runs N] report.html...}; see docs/performance.md.
 */
public final class ReportOpenBenchmark {

    private ReportOpenBenchmark() {
    }

    public static void main(String[] args) {
        int runs = 10;
        List<Path> pages = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--runs")) {
                runs = Integer.parseInt(args[++i]);
            } else {
                pages.add(Paths.get(args[i]).toAbsolutePath());
            }
        }
        Optional<Path[]> chromium = HeadlessChromium.find();
        if (chromium.isEmpty() || pages.isEmpty()) {
            System.err.println(pages.isEmpty() ? "usage: ReportOpenBenchmark [--runs N] report.html..."
                    : HeadlessChromium.MISSING);
            System.exit(2);
        }
        ChromeDriver browser = HeadlessChromium.start(chromium.get());
        try {
            System.out.printf(Locale.ROOT, "%-60s %9s %12s %12s %12s %12s%n", "page", "KB", "DCL best ms",
                    "DCL median", "load best ms", "load median");
            for (Path page : pages) {
                String url = page.toUri().toString();
                List<Double> dcl = new ArrayList<>();
                List<Double> load = new ArrayList<>();
                for (int run = 0; run <= runs; run++) {
                    browser.get("about:blank");
                    browser.get(url);
                    @SuppressWarnings("unchecked")
                    Map<String, Object> t = (Map<String, Object>) ((JavascriptExecutor) browser).executeAsyncScript(
                            "var done = arguments[arguments.length - 1];"
                                    + "function read() { var n = performance.getEntriesByType('navigation')[0];"
                                    + " if (!n || n.loadEventEnd === 0) { setTimeout(read, 10); return; }"
                                    + " done({dcl: n.domContentLoadedEventEnd, load: n.loadEventEnd}); }"
                                    + "read();");
                    if (run > 0) {
                        dcl.add(((Number) t.get("dcl")).doubleValue());
                        load.add(((Number) t.get("load")).doubleValue());
                    }
                }
                dcl.sort(null);
                load.sort(null);
                System.out.printf(Locale.ROOT, "%-60s %9d %12.1f %12.1f %12.1f %12.1f%n", shorten(page),
                        Files.size(page) / 1024, dcl.get(0), dcl.get(dcl.size() / 2), load.get(0),
                        load.get(load.size() / 2));
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } finally {
            browser.quit();
        }
    }

    private static String shorten(Path p) {
        String s = p.getParent().getFileName() + "/" + p.getFileName();
        return s.length() <= 60 ? s : "\u2026" + s.substring(s.length() - 59);
    }
}
