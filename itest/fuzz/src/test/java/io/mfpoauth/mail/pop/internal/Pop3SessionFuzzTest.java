package io.mfpoauth.mail.pop.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import com.code_intelligence.jazzer.api.BugDetectors;
import com.code_intelligence.jazzer.api.SilentCloseable;
import com.code_intelligence.jazzer.junit.FuzzTest;

import io.mfpoauth.mail.AuthMethod;
import io.mfpoauth.mail.MailException;
import io.mfpoauth.mail.OAuthMechanism;
import io.mfpoauth.mail.PopSettings;
import io.mfpoauth.mail.Security;
import io.mfpoauth.mail.auth.Sasl;
import io.mfpoauth.mail.auth.TokenLogin;

/**
 * A whole POP3 session as the mailbox check runs it, through our {@link Pop3Client} on a real loopback socket:
 * greeting, CAPA, AUTH XOAUTH2/OAUTHBEARER in two lines, STAT, UIDL, LIST, RETR into a file, DELE, QUIT. The server
 * side sends the fuzzed bytes whatever the client says, then ends its output.
 *
 * <p>Contract: each step succeeds or throws {@link MailException} (or {@link TokenLogin.Rejected} for a refused
 * token), with a mapped failure; no exception, message or server reply carries the token or the SASL response;
 * listings stay within their bounds.
 *
 * <p>Input: what the server sends.
 */
class Pop3SessionFuzzTest {
    private static final String ACCOUNT = "fax@example.com";
    private static final String TOKEN = "ya29.fuzz-token-4242";
    private static final String XOAUTH2 = Sasl.xoauth2(ACCOUNT, TOKEN);
    private static ServerSocket listener;
    private static ExecutorService server;
    private static Path folder;

    @BeforeAll
    static void open() throws IOException {
        listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        server = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "pop3-fuzz-server");
            t.setDaemon(true);
            return t;
        });
        Path work = Files.createDirectories(Path.of("target", "fuzz-work"));
        folder = Files.createTempDirectory(work.toAbsolutePath(), "pop-");
    }

    @AfterAll
    static void close() throws Exception {
        listener.close();
        server.shutdownNow();
        assertTrue(server.awaitTermination(10, TimeUnit.SECONDS), "the server thread did not end");
        try (Stream<Path> files = Files.walk(folder)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @FuzzTest
    void session(byte[] script) throws Exception {
        // Jazzer's SSRF detector flags every connection: the client may reach exactly this server. Per input, as
        // Jazzer asks (its agent, which holds the policy, is only there once the fuzz test runs).
        int port = listener.getLocalPort();
        try (SilentCloseable loopbackOnly = BugDetectors.allowNetworkConnections(
                (host, to) -> ("127.0.0.1".equals(host) || "localhost".equals(host)) && to == port)) {
            run(script);
        }
    }

    private void run(byte[] script) throws Exception {
        Future<?> served = server.submit(() -> serve(script));
        PopSettings settings = new PopSettings();
        settings.id = "ifax";
        settings.server = "127.0.0.1";
        settings.port = listener.getLocalPort();
        settings.security = Security.NONE;
        settings.authMethod = AuthMethod.OAUTH2;
        settings.account = ACCOUNT;
        settings.timeoutSeconds = 5;
        boolean signingIn = false;
        try (Pop3Client client = new Pop3Client(settings, null)) {
            client.open();
            // Before this the server cannot know the token: a greeting that holds its text is the fuzzer's copy.
            signingIn = true;
            client.signInWithToken(ACCOUNT, TOKEN, OAuthMechanism.AUTO);
            assertNotNull(client.stat());
            Pop3Client.Listing<String> uidls = client.uidl();
            assertTrue(uidls.entries().size() <= Pop3Client.MAX_LISTED);
            uidls.entries().values().forEach(u -> assertTrue(u.chars().allMatch(c -> c > 0x20 && c < 0x7f)));
            Pop3Client.Listing<Long> sizes = client.list();
            assertTrue(sizes.entries().size() <= Pop3Client.MAX_LISTED);
            sizes.entries().values().forEach(s -> assertTrue(s >= 0));
            client.retrieve(1, folder.resolve("1.eml"));
            client.delete(1);
            client.quit();
        } catch (MailException e) {
            assertNotNull(e.failure());
            if (signingIn) {
                assertSecretFree(e.getMessage());
                assertSecretFree(e.serverReply());
            }
        } catch (TokenLogin.Rejected e) {
            assertNotNull(e.failure().failure());
            assertSecretFree(e.getMessage());
            assertSecretFree(e.failure().serverReply());
        }
        served.get(10, TimeUnit.SECONDS);
    }

    /** Accepts the client, sends the script, ends the output, and reads until the client closes. */
    private static Void serve(byte[] script) throws IOException {
        try (Socket s = listener.accept()) {
            s.setSoTimeout(10_000);
            try {
                s.getOutputStream().write(script);
                s.shutdownOutput();
                InputStream in = s.getInputStream();
                byte[] sink = new byte[4096];
                while (in.read(sink) >= 0) {
                    // what the client sends is not checked here
                }
            } catch (IOException clientClosedFirst) {
                // the client gave up before reading everything: that is one of the outcomes under test
            }
        }
        return null;
    }

    private static void assertSecretFree(String text) {
        if (text != null) {
            assertFalse(text.contains(TOKEN), "a message carries the token");
            assertFalse(text.contains(XOAUTH2), "a message carries the SASL response");
        }
    }
}
