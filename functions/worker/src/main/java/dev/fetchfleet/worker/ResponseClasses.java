package dev.fetchfleet.worker;

import java.util.LinkedHashMap;
import java.util.Map;

/** A chunk's status counts folded into the metric names the dashboard plots: one per status class. */
final class ResponseClasses {

    /** Every name, always emitted (zeros too), so a graph shows 0 rather than a gap. */
    static final String[] NAMES = {"Responses2xx", "Responses3xx", "Responses4xx", "Responses429", "Responses5xx", "RequestsNoResponse"};

    private ResponseClasses() {}

    /** {@code {"200": 5, "429": 1, "503": 2, "error": 1}} gives Responses2xx 5, Responses429 1, Responses5xx 2, RequestsNoResponse 1. */
    static Map<String, Long> of(Map<String, Long> statusCounts) {
        Map<String, Long> classes = new LinkedHashMap<>();
        for (String name : NAMES) {
            classes.put(name, 0L);
        }
        statusCounts.forEach((status, count) -> classes.merge(nameOf(status), count, Long::sum));
        return classes;
    }

    private static String nameOf(String status) {
        if ("429".equals(status)) {
            return "Responses429";
        }
        if (status.length() == 3 && status.charAt(0) >= '1' && status.charAt(0) <= '5' && Character.isDigit(status.charAt(1))) {
            // 1xx never ends a request; counted with 2xx rather than a metric of its own.
            return switch (status.charAt(0)) {
                case '1', '2' -> "Responses2xx";
                case '3' -> "Responses3xx";
                case '4' -> "Responses4xx";
                default -> "Responses5xx";
            };
        }
        return "RequestsNoResponse";
    }
}
