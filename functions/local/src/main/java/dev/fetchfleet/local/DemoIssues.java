package dev.fetchfleet.local;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The demo API's list-then-details shape, for jobs with children: {@code GET /issues?pages=&per=&cursor=}
 * (a cursor-paged list of issues numbered from {@code from + 1}, {@code items} and {@code meta.next}), {@code GET /repos/{repo}/issues/{number}}
 * (an issue's detail) and {@code GET /repos/{repo}/issues/{number}/comments?pages=&cursor=} (its comments,
 * cursor-paged, 2 pages unless {@code pages} says). {@code missingRepoEvery=K} leaves the repo out of every
 * K-th issue (a bound field missing); any other query parameter only changes the list's URL (two parents, same items).
 */
final class DemoIssues {

    private final DemoApi api;
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

    DemoIssues(DemoApi api) {
        this.api = api;
    }

    void register(HttpServer server) {
        server.createContext("/issues", this::issues);
        server.createContext("/repos/", this::repos);
    }

    /** Calls of one path (query left out): {@code /issues}, {@code /repos/repo-1/issues/7}, {@code …/comments}. */
    int calls(String path) {
        AtomicInteger n = calls.get(path);
        return n == null ? 0 : n.get();
    }

    /** Every path called, with its count. */
    Map<String, Integer> allCalls() {
        Map<String, Integer> all = new HashMap<>();
        calls.forEach((path, n) -> all.put(path, n.get()));
        return all;
    }

    private void count(HttpExchange exchange) {
        calls.computeIfAbsent(exchange.getRequestURI().getPath(), k -> new AtomicInteger()).incrementAndGet();
    }

    private void issues(HttpExchange exchange) throws java.io.IOException {
        count(exchange);
        Map<String, String> q = query(exchange);
        int pages = Integer.parseInt(q.getOrDefault("pages", "10"));
        int per = Integer.parseInt(q.getOrDefault("per", "20"));
        int missingEvery = Integer.parseInt(q.getOrDefault("missingRepoEvery", "0"));
        int cursor = Integer.parseInt(q.getOrDefault("cursor", "0"));
        int from = Integer.parseInt(q.getOrDefault("from", "0"));
        StringJoiner items = new StringJoiner(",", "[", "]");
        for (int i = 0; i < per && cursor < pages; i++) {
            int number = from + cursor * per + i + 1;
            boolean missing = missingEvery > 0 && number % missingEvery == 0;
            items.add("{\"number\":" + number + ",\"title\":\"issue " + number + "\""
                    + (missing ? "" : ",\"repo\":{\"name\":\"" + repo(number) + "\"}") + "}");
        }
        String next = cursor + 1 < pages ? "\"" + (cursor + 1) + "\"" : "null";
        api.serve(exchange, () -> new DemoApi.Answer(200, "{\"items\":" + items + ",\"meta\":{\"next\":" + next + "}}", Map.of()));
    }

    static String repo(int number) {
        return "repo-" + number % 3;
    }

    private void repos(HttpExchange exchange) throws java.io.IOException {
        count(exchange);
        String[] path = exchange.getRequestURI().getPath().split("/"); // "", repos, {repo}, issues, {number}[, comments]
        if (path.length < 5 || !path[3].equals("issues") || !path[4].matches("\\d{1,9}")) {
            api.serve(exchange, () -> new DemoApi.Answer(404, "{\"error\":\"no such issue\"}", Map.of()));
            return;
        }
        String repo = path[2];
        int number = Integer.parseInt(path[4]);
        if (path.length == 5) {
            api.serve(exchange, () -> new DemoApi.Answer(200, "{\"number\":" + number + ",\"repo\":\"" + repo
                    + "\",\"title\":\"issue " + number + "\",\"state\":\"open\"}", Map.of()));
            return;
        }
        Map<String, String> q = query(exchange);
        int pages = Integer.parseInt(q.getOrDefault("pages", "2"));
        int cursor = Integer.parseInt(q.getOrDefault("cursor", "0"));
        String next = cursor + 1 < pages ? "\"" + (cursor + 1) + "\"" : "null";
        api.serve(exchange, () -> new DemoApi.Answer(200, "{\"items\":[{\"id\":\"" + repo + "-" + number + "-c" + cursor
                + "\",\"body\":\"comment " + cursor + " on issue " + number + "\"}],\"meta\":{\"next\":" + next + "}}", Map.of()));
    }

    private static Map<String, String> query(HttpExchange exchange) {
        Map<String, String> q = new HashMap<>();
        String raw = exchange.getRequestURI().getRawQuery();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                String[] kv = pair.split("=", 2);
                q.put(kv[0], kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
            }
        }
        return q;
    }
}
