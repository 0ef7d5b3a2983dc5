package dev.fetchfleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.fetchfleet.bronze.BronzeRecord;
import dev.fetchfleet.run.Success;
import dev.fetchfleet.job.Paginate;
import dev.fetchfleet.job.RequestSpec;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Values that change field by field do so through their {@code with…} methods, and each of those keeps
 * every other field: a field added to a record and forgotten in one copy path fails here, rather than
 * being dropped quietly somewhere a value is rebuilt (as {@code paginate} once was).
 */
@Tag("unit")
class CopyPathsTest {

    @Test
    void everyWithMethodOfARequestKeepsEveryOtherFieldAndEveryFieldHasOne() throws Exception {
        RequestSpec a = new RequestSpec("a", "GET", URI.create("https://a.example/x"), Map.of("X-A", "{{ssm:/a}}"), null)
                .withPaginate(new Paginate("link", null, null, 1, null, "limit", 100, 10, List.of()));
        RequestSpec b = new RequestSpec("b", "POST", URI.create("https://b.example/y"), Map.of("X-B", "b"), TextNode.valueOf("body"))
                .withPaginate(new Paginate("cursor", "next", "c", 1, null, "limit", 100, 20, List.of("c.example")));

        List<String> covered = assertWithMethodsKeepTheRest(a, b);

        assertEquals(componentNames(RequestSpec.class), covered, "a with… method for every field of a request");
    }

    @Test
    void everyWithMethodOfABronzeRecordAndOfSuccessKeepsEveryOtherField() throws Exception {
        BronzeRecord a = new BronzeRecord("run", "src", "r", "GET", "https://a.example/1", 200, Map.of("a", "1"),
                TextNode.valueOf("a"), "text", Instant.parse("2026-01-01T00:00:00Z"), 1, 1, "first", 0)
                .withParent(new dev.fetchfleet.bronze.ParentRef("lists", "l1", 0, Map.of("id", "1")));
        BronzeRecord b = new BronzeRecord("run2", "src2", "r2", "POST", "https://b.example/2", 500, Map.of("b", "2"),
                TextNode.valueOf("b"), "json", Instant.parse("2026-02-01T00:00:00Z"), 2, 2, "second", 7)
                .withParent(new dev.fetchfleet.bronze.ParentRef("lists2", "l2", 3, Map.of("id", "2")));
        assertTrue(assertWithMethodsKeepTheRest(a, b).containsAll(List.of("page", "error", "parent")));

        Success c = new Success("run", "src", 1, 2, 1, Map.of("200", 2L), Instant.parse("2026-01-01T00:00:00Z"),
                Instant.parse("2026-01-01T00:01:00Z"), 0, new Success.StateMove(true, "no request failed"));
        Success d = new Success("run2", "src2", 3, 4, 2, Map.of("500", 4L), Instant.parse("2026-02-01T00:00:00Z"),
                Instant.parse("2026-02-01T00:01:00Z"), 3, new Success.StateMove(false, "held"));
        assertEquals(List.of("state"), assertWithMethodsKeepTheRest(c, d));
    }

    /** Calls each {@code withX(T)} of {@code a} with {@code b}'s X; returns the fields so covered. */
    private static List<String> assertWithMethodsKeepTheRest(Record a, Record b) throws Exception {
        List<String> covered = new ArrayList<>();
        for (RecordComponent changed : a.getClass().getRecordComponents()) {
            String name = "with" + Character.toUpperCase(changed.getName().charAt(0)) + changed.getName().substring(1);
            Method with;
            try {
                with = a.getClass().getMethod(name, changed.getType());
            } catch (NoSuchMethodException none) {
                continue;
            }
            Object other = changed.getAccessor().invoke(b);
            assertNotEquals(changed.getAccessor().invoke(a), other, "the samples must differ in " + changed.getName());
            Object copy = with.invoke(a, other);
            for (RecordComponent kept : a.getClass().getRecordComponents()) {
                Object before = kept.getAccessor().invoke(a);
                Object after = kept.getAccessor().invoke(copy);
                if (kept.getName().equals(changed.getName())) {
                    assertNotEquals(before, after, name + " changed nothing");
                } else {
                    assertEquals(before, after, name + " dropped or changed " + kept.getName());
                }
            }
            covered.add(changed.getName());
        }
        return covered;
    }

    private static List<String> componentNames(Class<? extends Record> type) {
        List<String> names = new ArrayList<>();
        for (RecordComponent component : type.getRecordComponents()) {
            names.add(component.getName());
        }
        return names;
    }
}
