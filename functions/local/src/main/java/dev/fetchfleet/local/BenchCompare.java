package dev.fetchfleet.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The side-by-side benchmark: the same request lists (1, 10, 100, 1,000, 10,000 requests) against one
 * API through one-after-another, fixed pools of platform threads (cores + 4, as a thread-pool script
 * sizes itself, and 32) and FetchFleet's fetcher, each cell in a fresh JVM. Cells whose estimate passes
 * the time budget are not run and show their estimate. Writes a Markdown table and a log-log chart.
 */
final class BenchCompare {

    record Settings(Duration latency, List<Integer> counts, int fetchfleetCap, Duration budget, Path out) {}

    record Fetcher(BenchCell.Kind kind, int threads, String name) {
        double estimateSeconds(int requests, double latencySeconds) {
            int concurrency = kind == BenchCell.Kind.SEQUENTIAL ? 1 : threads;
            return latencySeconds * Math.ceil((double) requests / concurrency);
        }
    }

    static List<Fetcher> fetchers(int fetchfleetCap) {
        int scriptPool = Runtime.getRuntime().availableProcessors() + 4;
        List<Fetcher> list = new ArrayList<>();
        list.add(new Fetcher(BenchCell.Kind.SEQUENTIAL, 1, "one after another"));
        list.add(new Fetcher(BenchCell.Kind.POOL, scriptPool, "platform pool of " + scriptPool + " (cores + 4)"));
        if (scriptPool != 32) {
            list.add(new Fetcher(BenchCell.Kind.POOL, 32, "platform pool of 32"));
        }
        list.add(new Fetcher(BenchCell.Kind.FETCHFLEET, fetchfleetCap, "FetchFleet, virtual threads, cap " + fetchfleetCap));
        return list;
    }

    static void run(Settings s, PrintWriter err, ObjectMapper mapper) throws Exception {
        double latency = s.latency().toMillis() / 1000.0;
        Map<Fetcher, Map<Integer, BenchCell.Figures>> results = new LinkedHashMap<>();
        Map<Fetcher, Map<Integer, Double>> skipped = new LinkedHashMap<>();
        try (ApiProcess api = ApiProcess.start(s.latency(), mapper)) {
            for (Fetcher fetcher : fetchers(s.fetchfleetCap())) {
                results.put(fetcher, new LinkedHashMap<>());
                skipped.put(fetcher, new LinkedHashMap<>());
                for (int n : s.counts()) {
                    double estimate = fetcher.estimateSeconds(n, latency);
                    if (estimate > s.budget().toSeconds()) {
                        skipped.get(fetcher).put(n, estimate);
                        err.printf("%-40s %6d requests: not run, about %.0f s%n", fetcher.name(), n, estimate);
                        continue;
                    }
                    BenchCell.Figures figures = cell(fetcher, n, api, mapper);
                    results.get(fetcher).put(n, figures);
                    err.printf("%-40s %6d requests: %8.3f s (%d ok), heap %.1f MiB, RSS %.1f MiB, %d platform threads%n",
                            fetcher.name(), n, figures.wallSeconds(), figures.ok(), figures.heapPeakMib(), figures.rssPeakMib(),
                            figures.platformThreads());
                    err.flush();
                }
            }
        }
        Files.createDirectories(s.out());
        writeChart(s, results, skipped, s.out().resolve("benchmarks.png"));
        Files.writeString(s.out().resolve("benchmarks.md"), markdown(s, results, skipped), StandardCharsets.UTF_8);
        err.println("wrote " + s.out().resolve("benchmarks.md") + " and " + s.out().resolve("benchmarks.png"));
    }

    private static BenchCell.Figures cell(Fetcher fetcher, int n, ApiProcess api, ObjectMapper mapper) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), FetchFleetCli.class.getName(),
                "bench", "cell", "--kind", fetcher.kind().name(), "--threads", Integer.toString(fetcher.threads()),
                "--requests", Integer.toString(n), "--api", api.base().toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String last = null;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                last = line;
            }
        }
        if (process.waitFor() != 0 || last == null) {
            throw new IOException("benchmark cell " + fetcher.name() + " x " + n + " failed (exit " + process.exitValue() + ")");
        }
        return mapper.readValue(last, BenchCell.Figures.class);
    }

    private static String markdown(Settings s, Map<Fetcher, Map<Integer, BenchCell.Figures>> results,
                                   Map<Fetcher, Map<Integer, Double>> skipped) {
        double latency = s.latency().toMillis() / 1000.0;
        StringBuilder md = new StringBuilder();
        md.append("# Benchmarks\n\n");
        md.append("The same request lists against one local API that answers every call after ").append(s.latency().toMillis())
                .append(" ms, through four ways of fetching, each cell in a fresh JVM. It is the well-known table for API\n")
                .append("ingestion with threads (one call a minute: 1, 10, 100, 1,000 requests), scaled down in latency so it runs in\n")
                .append("minutes, and taken further (10,000). The physical bound is the latency itself: an API that takes every call at\n")
                .append("once answers them all in one latency. Cells over the time budget (").append(s.budget().toSeconds())
                .append(" s) are not run; they show their estimate.\n\n");
        md.append("![wall time against request count, log scales](benchmarks.png)\n\n");
        md.append("| fetcher | requests | wall time | ratio to bound | heap peak | RSS peak | platform threads |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|\n");
        for (var entry : results.entrySet()) {
            for (int n : s.counts()) {
                BenchCell.Figures f = entry.getValue().get(n);
                if (f != null) {
                    md.append(String.format(Locale.ROOT, "| %s | %,d | %.3f s | %.1f | %.1f MiB | %.1f MiB | %d |%n",
                            entry.getKey().name(), n, f.wallSeconds(), f.wallSeconds() / latency, f.heapPeakMib(), f.rssPeakMib(),
                            f.platformThreads()));
                } else {
                    double estimate = skipped.get(entry.getKey()).get(n);
                    md.append(String.format(Locale.ROOT, "| %s | %,d | ~%.0f s (not run) | ~%.0f | | | |%n",
                            entry.getKey().name(), n, estimate, estimate / latency));
                }
            }
        }
        md.append("\nPlatform threads: threads the cell started beyond the JVM's own (the HTTP client's selector thread included).\n");
        md.append("Heap and RSS: peaks sampled every 10 ms in the cell's JVM.\n\n");
        md.append("Machine: ").append(Runtime.getRuntime().availableProcessors()).append(" cores, ")
                .append(System.getProperty("os.name")).append(' ').append(System.getProperty("os.arch")).append(", Java ")
                .append(System.getProperty("java.version")).append(", ").append(LocalDate.now()).append(".\n\n");
        md.append("Command (from the repository root):\n\n```bash\ninfrastructure/fetchfleet bench compare --latency-ms ")
                .append(s.latency().toMillis()).append(" --cap ").append(s.fetchfleetCap()).append(" --budget ")
                .append(s.budget().toSeconds()).append(" --out docs\n```\n");
        return md.toString();
    }

    private static void writeChart(Settings s, Map<Fetcher, Map<Integer, BenchCell.Figures>> results,
                                   Map<Fetcher, Map<Integer, Double>> skipped, Path png) throws IOException {
        XYSeriesCollection data = new XYSeriesCollection();
        for (var entry : results.entrySet()) {
            XYSeries series = new XYSeries(entry.getKey().name());
            entry.getValue().forEach((n, f) -> series.add(n.doubleValue(), Math.max(1e-3, f.wallSeconds())));
            data.addSeries(series);
        }
        XYSeries bound = new XYSeries("physical bound (the latency)");
        s.counts().forEach(n -> bound.add(n.doubleValue(), s.latency().toMillis() / 1000.0));
        data.addSeries(bound);
        JFreeChart chart = ChartFactory.createXYLineChart("Wall time against request count (" + s.latency().toMillis()
                + " ms per call)", "requests", "wall time (s)", data, PlotOrientation.VERTICAL, true, false, false);
        XYPlot plot = chart.getXYPlot();
        LogAxis x = new LogAxis("requests");
        x.setBase(10);
        x.setSmallestValue(0.5);
        LogAxis y = new LogAxis("wall time (s)");
        y.setBase(10);
        y.setSmallestValue(1e-3);
        // Ticks at powers of ten, labelled as plain numbers (1, 10, 100…), not as 10^0.2 steps.
        x.setTickUnit(new org.jfree.chart.axis.NumberTickUnit(1));
        y.setTickUnit(new org.jfree.chart.axis.NumberTickUnit(1));
        x.setNumberFormatOverride(new java.text.DecimalFormat("#,##0.###"));
        y.setNumberFormatOverride(new java.text.DecimalFormat("#,##0.###"));
        x.setMinorTickMarksVisible(false);
        y.setMinorTickMarksVisible(false);
        plot.setDomainAxis(x);
        plot.setRangeAxis(y);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
        Color[] colors = {new Color(0xD6, 0x27, 0x28), new Color(0x1F, 0x77, 0xB4), new Color(0x2C, 0xA0, 0x2C),
                new Color(0xFF, 0x7F, 0x0E), new Color(0x7F, 0x7F, 0x7F)};
        for (int i = 0; i < data.getSeriesCount(); i++) {
            renderer.setSeriesStroke(i, new BasicStroke(2f));
            renderer.setSeriesPaint(i, i == data.getSeriesCount() - 1 ? colors[4] : colors[i % 4]);
        }
        plot.setRenderer(renderer);
        ChartUtils.saveChartAsPNG(png.toFile(), chart, 900, 560);
    }
}
