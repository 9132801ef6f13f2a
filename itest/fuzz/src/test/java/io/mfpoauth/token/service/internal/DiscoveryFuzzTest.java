package io.mfpoauth.token.service.internal;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.util.Map;
import java.util.stream.Stream;

import com.code_intelligence.jazzer.junit.FuzzTest;

import io.mfpoauth.fuzz.Script;
import io.mfpoauth.token.service.internal.http.Answers;
import io.mfpoauth.token.service.internal.http.HttpReply;
import io.mfpoauth.token.service.internal.http.OAuthHttp;
import io.mfpoauth.token.spi.ProviderEndpoints;
import io.mfpoauth.token.spi.ProviderException;

/**
 * An issuer's discovery document (OpenID Connect Discovery, then RFC 8414), read by the token service's
 * {@link Discovery} from what the HTTP client returns.
 *
 * <p>Contract: the endpoints, each an absolute address with a host and the token endpoint always present, or a
 * {@link ProviderException} whose message is clean text; nothing else escapes.
 *
 * <p>Input: status, Content-Type ({@code <null>} for none), then {@code ioerror} to make the first document's
 * fetch fail as a network fault (anything else: both addresses answer the same), then the body.
 */
class DiscoveryFuzzTest {
    static final URI ISSUER = URI.create("https://idp.example.com/realms/corp");

    @FuzzTest
    void document(byte[] input) {
        Script script = new Script(input);
        int status = script.number(200);
        String contentType = Script.orNull(script.line());
        boolean firstFails = "ioerror".equals(script.line().trim());
        HttpReply reply = Answers.reply(status, contentType, script.rest(), null);
        Discovery discovery = new Discovery(new Documents(reply, firstFails), Ticker.SYSTEM);
        ProviderEndpoints found;
        try {
            found = discovery.resolve(ProviderEndpoints.discover(ISSUER));
        } catch (ProviderException e) {
            assertNotNull(e.getMessage());
            assertTrue(e.getMessage().chars().noneMatch(Character::isISOControl), "control characters in a message");
            return;
        }
        assertNotNull(found.token(), "no token endpoint");
        Stream.of(found.token(), found.deviceAuthorization(), found.authorization(), found.revocation())
                .filter(u -> u != null)
                .forEach(u -> assertTrue(u.isAbsolute() && u.getHost() != null, "not an absolute address"));
    }

    /** The HTTP client's side: every GET gets the fuzzed answer (the first one a network fault if asked). */
    private static final class Documents implements OAuthHttp {
        private final HttpReply reply;
        private boolean fail;

        Documents(HttpReply reply, boolean firstFails) {
            this.reply = reply;
            this.fail = firstFails;
        }

        @Override
        public HttpReply postForm(URI uri, Map<String, String> form) {
            throw new AssertionError("discovery only reads");
        }

        @Override
        public HttpReply get(URI uri) throws IOException {
            if (fail) {
                fail = false;
                throw new java.net.ConnectException("Connection refused");
            }
            return reply;
        }

        @Override
        public void close() {
        }
    }
}
