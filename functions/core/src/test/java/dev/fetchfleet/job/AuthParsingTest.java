package dev.fetchfleet.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fetchfleet.Json;
import java.net.URI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The job's {@code auth} block as the parser reads it: each kind with its fields, secret references
 * allowed in credentials, every mistake named by path and value (a credential's value never shown).
 * Only the validator is run here: no client is built, so a refused token URL is never asked.
 */
class AuthParsingTest {

    private final JobParser parser = new JobParser(Json.newMapper());

    private Job parse(String auth) {
        return parser.parse(("{'source': 'posts', 'requests': ['https://api.example.com/1'], 'auth': " + auth + "}").replace('\'', '"'));
    }

    private JobValidationException rejected(String auth) {
        return assertThrows(JobValidationException.class, () -> parse(auth));
    }

    private static void assertMentions(JobValidationException e, String... fragments) {
        for (String fragment : fragments) {
            assertTrue(e.getMessage().contains(fragment), () -> "expected <" + fragment + "> in:\n" + e.getMessage());
        }
    }

    @Test
    void readsEachKindWithSecretReferencesInItsCredentials() {
        assertEquals(new Auth.Bearer("{{secretsmanager:api/token}}"),
                parse("{'type': 'bearer', 'token': '{{secretsmanager:api/token}}'}").fetch().auth());
        assertEquals(new Auth.Basic("u", "{{ssm:/p}}"), parse("{'type': 'basic', 'username': 'u', 'password': '{{ssm:/p}}'}").fetch().auth());
        assertEquals(new Auth.ApiKey("api_key", "query", "{{ssm:/k}}"),
                parse("{'type': 'api_key', 'name': 'api_key', 'in': 'query', 'value': '{{ssm:/k}}'}").fetch().auth());
        Auth.OAuth2 oauth = assertInstanceOf(Auth.OAuth2.class, parse("""
                {'type': 'oauth2', 'tokenUrl': 'https://auth.example.com/oauth/token', 'clientId': '{{ssm:/id}}',
                 'clientSecret': '{{secretsmanager:secret}}', 'scope': 'read write'}""").fetch().auth());
        assertEquals(new Auth.OAuth2("client_credentials", URI.create("https://auth.example.com/oauth/token"), "{{ssm:/id}}",
                "{{secretsmanager:secret}}", "read write", "basic", null), oauth, "grant and clientAuth default");
        Auth.OAuth2 refresh = assertInstanceOf(Auth.OAuth2.class, parse("""
                {'type': 'oauth2', 'grant': 'refresh_token', 'tokenUrl': 'https://auth.example.com/t', 'clientAuth': 'body',
                 'refreshToken': '{{secretsmanager:rt}}'}""").fetch().auth());
        assertEquals("{{secretsmanager:rt}}", refresh.refreshToken());
        assertFalse(parse("{'type': 'bearer', 'token': 'raw-SECRET'}").fetch().toString().contains("raw-SECRET"), "a logged config shows no credential");
    }

    @Test
    void namesAnUnknownAuthTypeAndItsValue() {
        assertMentions(rejected("{'type': 'digest', 'token': 'x'}"), "$.auth.type = \"digest\"", "is no auth type", "oauth2");
    }

    @Test
    void namesTheMissingTokenUrlOfOAuth2() {
        JobValidationException e = rejected("{'type': 'oauth2', 'clientId': 'a', 'clientSecret': 'b'}");
        assertMentions(e, "$.auth.tokenUrl: is required");
        assertEquals(1, e.problems().size(), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://169.254.169.254/latest/api/token", "http://[fd00:ec2::254]/token", "http://instance-data/token"})
    void refusesATokenUrlToALinkLocalOrMetadataAddress(String url) {
        assertMentions(rejected("{'type': 'oauth2', 'tokenUrl': '" + url + "', 'clientId': 'a', 'clientSecret': 'b'}"),
                "$.auth.tokenUrl = \"" + url + "\"", "link-local or instance-metadata", "fetch.allowLinkLocal");
    }

    @Test
    void refusesATokenUrlThatIsNotHttpOrHoldsCredentials() {
        assertMentions(rejected("{'type': 'oauth2', 'tokenUrl': 'file:///etc/passwd', 'clientId': 'a', 'clientSecret': 'b'}"),
                "$.auth.tokenUrl", "scheme must be http or https");
        assertMentions(rejected("{'type': 'oauth2', 'tokenUrl': 'https://u:pw@auth.example.com/t', 'clientId': 'a', 'clientSecret': 'b'}"),
                "$.auth.tokenUrl", "user name or password");
    }

    @Test
    void namesEachMissingOrWrongFieldOfOAuth2() {
        JobValidationException e = rejected("""
                {'type': 'oauth2', 'grant': 'password', 'tokenUrl': 'https://a.example.com/t', 'clientAuth': 'jwt'}""");
        assertMentions(e, "$.auth.grant = \"password\"", "$.auth.clientAuth = \"jwt\"", "$.auth.clientId: is required",
                "$.auth.clientSecret: is required");
        assertMentions(rejected("{'type': 'oauth2', 'grant': 'refresh_token', 'tokenUrl': 'https://a.example.com/t'}"),
                "$.auth.refreshToken: is required");
    }

    @Test
    void namesAMisspeltCredentialFieldWithoutShowingItsValue() {
        JobValidationException e = rejected("{'type': 'bearer', 'tokn': 'raw-SECRET'}");
        assertMentions(e, "$.auth.tokn", "unknown field", "token", "$.auth.token: is required");
        assertFalse(e.getMessage().contains("raw-SECRET"), e.getMessage());
    }

    @Test
    void namesAnApiKeyPlacedNeitherInQueryNorHeader() {
        assertMentions(rejected("{'type': 'api_key', 'name': 'k', 'in': 'cookie', 'value': 'v'}"), "$.auth.in = \"cookie\"", "query");
    }

    @Test
    void refusesASecretReferenceInAnAuthFieldThatIsNoCredential() {
        assertMentions(rejected("{'type': 'oauth2', 'tokenUrl': 'https://a.example.com/t', 'scope': '{{ssm:/s}}', 'clientId': 'a', "
                + "'clientSecret': 'b'}"), "$.auth.scope", "outside a header value or an auth credential");
    }
}
