package dev.fetchfleet.fetch;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fetchfleet.job.Paginate;
import dev.fetchfleet.job.RequestSpec;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Where a chain decides whether to follow a next link, an allowHosts entry never opens a link-local or
 * metadata address. Only the decision is called here, never an HttpClient: nothing can go out to those
 * addresses from this class even if the decision were wrong.
 */
@Tag("unit")
class NextLinkRefusalTest {

    private static final RequestSpec FIRST = new RequestSpec("r1", "GET", URI.create("https://api.example.com/items"), Map.of(), null);

    /** As a paginate that skipped validation would arrive (an older dispatcher's chunk message). */
    private static Paginate allowing(String host) {
        return new Paginate("next_url", "next", null, 1, null, "limit", 100, 1000, List.of(host));
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://169.254.169.254/latest/meta-data/iam/", "http://metadata.google.internal/computeMetadata/v1/",
            "http://[fd00:ec2::254]/latest/", "http://2852039166/"})
    void refusesANextLinkToAMetadataAddressThatAllowHostsNames(String next) {
        URI link = URI.create(next);
        String refusal = NextLinks.refusal(allowing(link.getHost().toLowerCase()), FIRST, link, 0, Set.of(), false);
        assertTrue(refusal != null && refusal.contains("link-local or instance-metadata address refused"), () -> String.valueOf(refusal));
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://169.254.169.254/latest/meta-data/iam/"})
    void followsItOnlyWhenTheJobAllowsLinkLocal(String next) {
        URI link = URI.create(next);
        assertNull(NextLinks.refusal(allowing(link.getHost()), FIRST, link, 0, Set.of(), true));
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://cdn.example.com/page/2"})
    void stillFollowsAnOrdinaryAllowedHost(String next) {
        URI link = URI.create(next);
        assertNull(NextLinks.refusal(allowing("cdn.example.com"), FIRST, link, 0, Set.of(), false));
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://user:secretpw@api.example.com/items?page=2"})
    void refusesANextLinkWithUserInfoWithoutRecordingThePassword(String next) {
        String refusal = NextLinks.refusal(allowing("api.example.com"), FIRST, URI.create(next), 0, Set.of(), false);
        assertTrue(refusal != null && refusal.contains("user name or password refused: https://***@api.example.com/items?page=2"),
                () -> String.valueOf(refusal));
        assertTrue(!refusal.contains("secretpw"), refusal);
    }
}
